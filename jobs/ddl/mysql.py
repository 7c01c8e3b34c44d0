"""MariaDB/MySQL range partitioning.

RANGE COLUMNS rather than RANGE(TO_DAYS(...)): it compares the DATETIME column
itself, so a plain `modificationtime >= ... AND modificationtime < ...` prunes
without a function in the bound, and the partition bounds read as dates. The
first partition also takes anything older; pmax takes anything newer, so a row
of any date loads. Indexes are local to each partition (MariaDB has no other kind).
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Part, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], key: str, parts: list[Part]) -> Partitioning:
    qn = editor.quote_name
    # DDL takes no bind parameters; the bounds are datetimes we computed, rendered with strftime.
    clauses = [f"PARTITION {qn(p.name)} VALUES LESS THAN ('{p.end:%Y-%m-%d %H:%M:%S}')" for p in parts]
    clauses.append(f"PARTITION {qn('pmax')} VALUES LESS THAN (MAXVALUE)")
    column = key_column(editor, model, key)
    return Partitioning(clause=f"PARTITION BY RANGE COLUMNS({column}) ({', '.join(clauses)})", key=key)
