"""Oracle partitioning of the archive (printed with --sql oracle; never executed here).

PanDA's own archive is RANGE-partitioned on MODIFICATIONTIME with LOCAL indexes
(fact sheet §2.2, §5); this uses monthly partitions and a MAXVALUE catch-all.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Month, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], months: list[Month]) -> Partitioning:
    qn = editor.quote_name
    parts = [f"PARTITION {qn(m.name)} VALUES LESS THAN (TO_DATE('{m.end:%Y-%m-%d}', 'YYYY-MM-DD'))" for m in months]
    parts.append(f"PARTITION {qn('pmax')} VALUES LESS THAN (MAXVALUE)")
    return Partitioning(
        clause=f"PARTITION BY RANGE ({key_column(editor, model)}) ({', '.join(parts)})",
        # Local indexes: one index segment per partition, dropped with it.
        index_suffix=" LOCAL",
    )
