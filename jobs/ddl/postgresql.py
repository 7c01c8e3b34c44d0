"""PostgreSQL declarative range partitioning.

The parent is PARTITION BY RANGE (key); each day or month is a table PARTITION OF
it, and a DEFAULT partition takes rows outside the covered span (live jobs'
companions at 1970-01-01, a clock far off). PostgreSQL requires the partition key
in the primary key (the schema builder appends it where a model's key lacks it).
Indexes created on the parent afterwards are created on every partition.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Part, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], key: str, parts: list[Part]) -> Partitioning:
    qn = editor.quote_name
    table = model._meta.db_table
    # PanDA's time columns are `timestamp` (naive UTC): the bounds are written as such.
    statements = [
        f"CREATE TABLE {qn(f'{table}_{p.name}')} PARTITION OF {qn(table)} "
        f"FOR VALUES FROM ('{p.start:%Y-%m-%d %H:%M:%S}') TO ('{p.end:%Y-%m-%d %H:%M:%S}')"
        for p in parts
    ]
    statements.append(f"CREATE TABLE {qn(f'{table}_pdefault')} PARTITION OF {qn(table)} DEFAULT")
    return Partitioning(
        clause=f"PARTITION BY RANGE ({key_column(editor, model, key)})", statements=statements, key=key
    )
