"""PostgreSQL declarative partitioning of the archive.

The parent is PARTITION BY RANGE (modificationtime); each month is a table
PARTITION OF it, and a DEFAULT partition takes rows outside the covered months.
PostgreSQL requires the partition key in the primary key: the archive model's
key is (pandaid, modificationtime). Indexes created on the parent afterwards are
created on every partition.
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Month, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], months: list[Month]) -> Partitioning:
    qn = editor.quote_name
    table = model._meta.db_table
    # modificationtime is timestamptz (USE_TZ): bounds are written in UTC explicitly.
    statements = [
        f"CREATE TABLE {qn(f'{table}_{m.name}')} PARTITION OF {qn(table)} "
        f"FOR VALUES FROM ('{m.start:%Y-%m-%d %H:%M:%S}+00') TO ('{m.end:%Y-%m-%d %H:%M:%S}+00')"
        for m in months
    ]
    statements.append(f"CREATE TABLE {qn(f'{table}_pdefault')} PARTITION OF {qn(table)} DEFAULT")
    return Partitioning(clause=f"PARTITION BY RANGE ({key_column(editor, model)})", statements=statements)
