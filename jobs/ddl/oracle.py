"""Oracle range partitioning (printed with --sql oracle; never executed here).

PanDA's Oracle tables are RANGE-partitioned on their time column with LOCAL
indexes (fact sheet §2.2, §5). The first partition also takes anything older
(live jobs' companions at 1970-01-01), PMAX anything newer.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Part, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], key: str, parts: list[Part]) -> Partitioning:
    qn = editor.quote_name
    clauses = [f"PARTITION {qn(p.name)} VALUES LESS THAN (TO_DATE('{p.end:%Y-%m-%d}', 'YYYY-MM-DD'))" for p in parts]
    clauses.append(f"PARTITION {qn('pmax')} VALUES LESS THAN (MAXVALUE)")
    return Partitioning(
        clause=f"PARTITION BY RANGE ({key_column(editor, model, key)}) ({', '.join(clauses)})",
        # Local indexes: one index segment per partition, dropped with it.
        index_suffix=" LOCAL",
        key=key,
        key_in_unique=False,  # Oracle keeps a unique key without it as a global index
    )
