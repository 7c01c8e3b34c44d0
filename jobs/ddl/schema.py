"""DDL of PanDA's tables, rendered by Django's schema editor from the models.

The models are the one description of PanDA's columns; the schema editor turns
them into CREATE TABLE / CREATE INDEX for the connection's backend. Only what
Django cannot say is added here: the archive's partitioning (one module per
backend) and the split layout's per-period table names.
"""

from __future__ import annotations

import datetime as dt

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from jobs.archive import LAYOUTS, NAMINGS, Period, month_starts, parse_period_table, periods_between
from jobs.ddl.models import panda_models, period_model
from jobs.ddl.partitioning import Partitioning, partitioning
from jobs.models import Jobsarchived
from pandamon import introspection
from pandamon.models import PandaModel

DEFAULT_MONTHS = 24  # history covered by the archive's partitions / period tables
MONTHS_AHEAD = 3  # and a few months ahead, so the demo keeps loading into named partitions


class SchemaExistsError(Exception):
    """PanDA's tables are already there and the caller did not ask to replace them."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        super().__init__(f"PanDA tables already exist: {', '.join(tables)}")


def default_span(months: int = DEFAULT_MONTHS, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] of the archive's named partitions: `months` back from now, MONTHS_AHEAD ahead."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    start = _month_start(now, -months)
    return start, _month_start(now, MONTHS_AHEAD + 1) - dt.timedelta(seconds=1)


def _month_start(t: dt.datetime, shift: int) -> dt.datetime:
    index = t.year * 12 + t.month - 1 + shift
    return dt.datetime(index // 12, index % 12 + 1, 1)


def schema_sql(
    connection: BaseDatabaseWrapper,
    *,
    layout: str = "partitioned",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    naming: str = "pair",
) -> list[str]:
    """CREATE statements for every PanDA table on the connection's backend (no server needed)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown archive layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if naming not in NAMINGS:
        raise ValueError(f"unknown split naming {naming!r}; use one of {', '.join(NAMINGS)}")
    if start is None or end is None:
        default_start, default_end = default_span()
        start, end = start or default_start, end or default_end
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in panda_models():
            if model is not Jobsarchived:
                _create(editor, model)
            elif layout == "split":
                for period in periods_between(start, end, naming):
                    _create(editor, period_model(period.table))
            else:
                _create(editor, model, partitioning(editor, model, month_starts(start, end)))
    return _statements(editor)


def _create(editor: BaseDatabaseSchemaEditor, model: type[PandaModel], parts: Partitioning | None = None) -> None:
    # The editor's SQL templates are class attributes; shadow them on this editor
    # for one table to wrap the partitioning around Django's own column DDL.
    if parts:
        editor.sql_create_table = f"{type(editor).sql_create_table} {parts.clause}"
        editor.sql_create_index = f"{type(editor).sql_create_index}{parts.index_suffix}"
    try:
        editor.create_model(model)
        for statement in parts.statements if parts else ():
            editor.execute(statement, params=None)
        # create_model() leaves out Meta.indexes of unmanaged models; add them explicitly.
        for index in model._meta.indexes:
            editor.add_index(model, index)
    finally:
        editor.__dict__.pop("sql_create_table", None)
        editor.__dict__.pop("sql_create_index", None)


def _statements(editor: BaseDatabaseSchemaEditor) -> list[str]:
    # collect_sql ends each statement with ";" for a script; a cursor wants it without.
    return [statement.strip().removesuffix(";") for statement in editor.collected_sql]


def split_archive_tables(connection: BaseDatabaseWrapper) -> list[Period]:
    """The split layout's per-period archive tables present in the archive schema, oldest first."""
    names = introspection.original_names(introspection.schema_of(archive=True), connection.alias)
    periods = (parse_period_table(name) for name in names)
    return sorted(period for period in periods if period is not None)


def _present(connection: BaseDatabaseWrapper, model: type[PandaModel]) -> bool:
    return introspection.has_table(model, connection.alias, fresh=True)


def existing_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of PanDA's tables (including period tables) present in their configured schemas."""
    tables = [_unqualified(model) for model in panda_models() if _present(connection, model)]
    return tables + [period.table for period in split_archive_tables(connection)]


def drop_sql(connection: BaseDatabaseWrapper) -> list[str]:
    """DROP statements for the PanDA tables present (PostgreSQL drops partitions with their parent)."""
    models = [model for model in panda_models() if _present(connection, model)]
    models += [period_model(period.table) for period in split_archive_tables(connection)]
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in models:
            editor.delete_model(model)
    return _statements(editor)


def _unqualified(model: type[PandaModel]) -> str:
    # db_table may be schema-qualified as 'schema"."table' (pandamon.schema).
    return model._meta.db_table.replace("`", '"').split('"."')[-1].lower()


def create_schema(
    connection: BaseDatabaseWrapper,
    *,
    layout: str = "partitioned",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    naming: str = "pair",
    replace: bool = False,
) -> list[str]:
    """Create PanDA's tables in the database of `connection`; return the statements run.

    For the demo, the tests and benchmarks only: real PanDA databases are never
    written by the monitor. Raises SchemaExistsError if tables exist and not `replace`.
    """
    statements = schema_sql(connection, layout=layout, start=start, end=end, naming=naming)
    existing = existing_tables(connection)
    if existing and not replace:
        raise SchemaExistsError(existing)
    if existing:
        statements = drop_sql(connection) + statements
    # Raw DDL through a cursor: the router forbids migrations on PanDA's database, on purpose.
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    introspection.forget(connection.alias)
    return statements
