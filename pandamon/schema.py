"""Where PanDA's tables live: the schema-qualified db_table of each model."""

from __future__ import annotations

from django.conf import settings


def panda_table(name: str, *, archive: bool = False) -> str:
    """db_table for one of PanDA's tables, qualified by PANDA_SCHEMA / PANDA_ARCHIVE_SCHEMA.

    Django quotes db_table as one identifier, so a qualified name is written as
    'schema"."table' (Oracle, PostgreSQL) or 'schema`.`table' (MySQL): the
    backend's own quoting then yields "schema"."table".
    """
    schema = settings.PANDA_ARCHIVE_SCHEMA if archive else settings.PANDA_SCHEMA
    if not schema:
        return name
    quote = "`" if "mysql" in settings.DATABASES["panda"]["ENGINE"] else '"'
    return f"{schema}{quote}.{quote}{name}"
