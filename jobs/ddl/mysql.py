"""MariaDB/MySQL partitioning of the archive.

RANGE COLUMNS rather than RANGE(TO_DAYS(...)): it compares the DATETIME column
itself, so a plain `modificationtime >= ... AND modificationtime < ...` prunes
without a function in the bound, and the partition bounds read as dates. The
first partition also takes anything older; pmax takes anything newer, so a row
of any date loads. Indexes are local to each partition (MariaDB has no other kind).
"""

from __future__ import annotations

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.ddl.partitioning import Month, Partitioning, key_column


def partitioning(editor: BaseDatabaseSchemaEditor, model: type[Model], months: list[Month]) -> Partitioning:
    qn = editor.quote_name
    # DDL takes no bind parameters; the bounds are datetimes we computed, rendered with strftime.
    parts = [f"PARTITION {qn(m.name)} VALUES LESS THAN ('{m.end:%Y-%m-%d %H:%M:%S}')" for m in months]
    parts.append(f"PARTITION {qn('pmax')} VALUES LESS THAN (MAXVALUE)")
    return Partitioning(clause=f"PARTITION BY RANGE COLUMNS({key_column(editor, model)}) ({', '.join(parts)})")
