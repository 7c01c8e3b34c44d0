"""DDL of PanDA's tables, rendered by Django's schema editor from the models.

The models are the one description of PanDA's columns; the schema editor turns
them into CREATE TABLE / CREATE INDEX for the connection's backend. Only what
Django cannot say is added here: which tables a layout has and where
(jobs.ddl.layouts), range partitioning (one module per backend), tables PanDA
gives no primary key, the split layout's per-period tables, schemas and sequences.
"""

from __future__ import annotations

import datetime as dt
import types

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from jobs import archive
from jobs.archive import NAMINGS, Period, parse_period_table, periods_between
from jobs.ddl import layouts
from jobs.ddl.layouts import ARCHIVE_TABLES, Layout
from jobs.ddl.models import panda_models, period_model, placed_model, qualified, table_name
from jobs.ddl.partitioning import Partitioning, partitioning
from pandamon import introspection
from pandamon.models import PandaModel

DEFAULT_MONTHS = 24  # history covered by the archive's monthly partitions / period tables (pandamon)
MONTHS_AHEAD = 3  # and a few months ahead, so the demo keeps loading into named partitions
DEFAULT_DAYS = 100  # history covered by daily partitions (postgres-doma, oracle-atlas)
DAYS_AHEAD = 3  # pg_partman's premake in PanDA


class SchemaExistsError(Exception):
    """PanDA's tables are already there and the caller did not ask to replace them."""

    def __init__(self, tables: list[str]):
        self.tables = tables
        super().__init__(f"PanDA tables already exist: {', '.join(tables)}")


class LayoutError(ValueError):
    """A layout cannot be built here (wrong backend, schemas not configured)."""


def default_span(months: int = DEFAULT_MONTHS, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] of the archive's named partitions: `months` back from now, MONTHS_AHEAD ahead."""
    now = _naive_now(now)
    start = _month_start(now, -months)
    return start, _month_start(now, MONTHS_AHEAD + 1) - dt.timedelta(seconds=1)


def default_daily_span(days: int = DEFAULT_DAYS, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] of daily partitions: `days` back from today, DAYS_AHEAD ahead."""
    today = _naive_now(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=days), today + dt.timedelta(days=DAYS_AHEAD + 1) - dt.timedelta(seconds=1)


def _naive_now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)


def _month_start(t: dt.datetime, shift: int) -> dt.datetime:
    index = t.year * 12 + t.month - 1 + shift
    return dt.datetime(index // 12, index % 12 + 1, 1)


# --- where each table goes --------------------------------------------------------


def layout_schemas(layout: Layout, vendor: str, schemas: tuple[str, str] | None = None) -> tuple[str, str]:
    """(main, archive) schema of `layout` on `vendor`: given, fixed by the layout, or the settings."""
    if layout.vendor and vendor != layout.vendor:
        raise LayoutError(f"layout {layout.name} is {layout.vendor}'s; this connection is {vendor}")
    main, arch = schemas or layout.schemas or (settings.PANDA_SCHEMA, settings.PANDA_ARCHIVE_SCHEMA)
    if layout.needs_schemas and not (main and arch):
        raise LayoutError(
            f"layout {layout.name} needs PANDA_SCHEMA and PANDA_ARCHIVE_SCHEMA (e.g. doma_panda, doma_pandaarch); "
            f"now {main!r} and {arch!r}"
        )
    return main, arch


def layout_models(
    layout: Layout, vendor: str, schemas: tuple[str, str], *, every_table: bool = False
) -> list[type[PandaModel]]:
    """A copy of each model the layout has, in its schema and with the layout's indexes.
    `every_table`: also the tables the layout leaves out (to drop them)."""
    main, arch = schemas
    placed = []
    for model in panda_models():
        name = table_name(model)
        if name in layout.excluded and not every_table:
            continue
        indexes = None
        if name == "jobsarchived" and layout.archive_indexes:
            indexes = [
                models.Index(fields=list(columns), name=f"jobsarchived_{'_'.join(columns)}"[:30])
                for columns in layout.archive_indexes
            ]
        schema = arch if name in ARCHIVE_TABLES else main
        placed.append(placed_model(model, qualified(schema, name, vendor), indexes=indexes))
    return placed


# --- CREATE ----------------------------------------------------------------------


def schema_sql(
    connection: BaseDatabaseWrapper,
    *,
    layout: str = "pandamon",
    archive_layout: str = "partitioned",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    naming: str = "pair",
    schemas: tuple[str, str] | None = None,
) -> list[str]:
    """CREATE statements for every table of `layout` on the connection's backend (no server needed).

    `archive_layout` (pandamon only): the archive partitioned by month, or split into
    per-period tables. [start, end] is the span the named partitions cover.
    """
    spec = layouts.get(layout)
    if archive_layout not in archive.LAYOUTS:
        raise ValueError(f"unknown archive layout {archive_layout!r}; use one of {', '.join(archive.LAYOUTS)}")
    if naming not in NAMINGS:
        raise ValueError(f"unknown split naming {naming!r}; use one of {', '.join(NAMINGS)}")
    vendor = connection.vendor
    main, arch = layout_schemas(spec, vendor, schemas)
    default_start, default_end = default_span() if spec is layouts.PANDAMON else default_daily_span()
    start, end = start or default_start, end or default_end

    statements = []
    if vendor == "postgresql":
        qn = connection.ops.quote_name
        statements += [f"CREATE SCHEMA IF NOT EXISTS {qn(schema)}" for schema in dict.fromkeys((main, arch)) if schema]
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in layout_models(spec, vendor, (main, arch)):
            name = table_name(model)
            ranges = spec.partitions.get(name)
            if name == "jobsarchived" and spec is layouts.PANDAMON and archive_layout == "split":
                for period in periods_between(start, end, naming):
                    _create(editor, period_model(period.table))
            elif ranges:
                _create(editor, model, partitioning(editor, model, ranges, start, end))
            else:
                _create(editor, model)
    statements += _statements(editor)
    statements += [_sequence_sql(connection, main, sequence) for sequence in spec.sequences]
    return statements


def _create(editor: BaseDatabaseSchemaEditor, model: type[PandaModel], parts: Partitioning | None = None) -> None:
    # The editor's SQL templates are class attributes; shadow them on this editor
    # for one table to wrap the partitioning around Django's own column DDL.
    pk_columns = [field.column for field in _pk_fields(model)]
    # A partitioned table's key must hold the partition key (PostgreSQL, MariaDB), as PanDA's do.
    key_column = model._meta.get_field(parts.key).column if parts else None
    widen_pk = parts and parts.key_in_unique and key_column not in pk_columns and not model.panda_no_primary_key
    if parts:
        editor.sql_create_table = f"{type(editor).sql_create_table} {parts.clause}"
        editor.sql_create_index = f"{type(editor).sql_create_index}{parts.index_suffix}"
    if model.panda_no_primary_key or widen_pk:
        _without_primary_key(editor)
    try:
        editor.create_model(model)
        if widen_pk:
            qn = editor.quote_name
            columns = ", ".join(qn(column) for column in [*pk_columns, key_column])
            editor.execute(f"ALTER TABLE {qn(model._meta.db_table)} ADD PRIMARY KEY ({columns})", params=None)
        for statement in parts.statements if parts else ():
            editor.execute(statement, params=None)
        # create_model() leaves out Meta.indexes of unmanaged models; add them explicitly.
        for index in model._meta.indexes:
            editor.add_index(model, index)
    finally:
        for name in ("sql_create_table", "sql_create_index", "_pk_constraint_sql", "_iter_column_sql"):
            editor.__dict__.pop(name, None)


def _pk_fields(model: type[PandaModel]) -> list[models.Field]:
    pk = model._meta.pk
    return list(pk.fields) if isinstance(pk, models.CompositePrimaryKey) else [pk]


def _without_primary_key(editor: BaseDatabaseSchemaEditor) -> None:
    """Have `editor` create the next table without its model's primary key: PanDA
    gives the table none (or a wider one, added after)."""
    base = type(editor)

    def iter_column_sql(self, *args, **kwargs):
        yield from (part for part in base._iter_column_sql(self, *args, **kwargs) if part != "PRIMARY KEY")

    editor._pk_constraint_sql = lambda columns: None
    editor._iter_column_sql = types.MethodType(iter_column_sql, editor)


def _sequence_sql(connection: BaseDatabaseWrapper, schema: str, sequence: layouts.Sequence) -> str:
    name = connection.ops.quote_name(qualified(schema, sequence.name, connection.vendor))
    options = ["INCREMENT BY 1", "MINVALUE 1", "START WITH 1"]
    if sequence.maxvalue:
        options.append(f"MAXVALUE {sequence.maxvalue}")
    if sequence.cache > 1:
        options.append(f"CACHE {sequence.cache}")
    elif connection.vendor == "oracle":
        options.append("NOCACHE")
    if sequence.cycle:
        options.append("CYCLE")
    exists = " IF NOT EXISTS" if connection.vendor == "postgresql" else ""
    return f"CREATE SEQUENCE{exists} {name} {' '.join(options)}"


def _statements(editor: BaseDatabaseSchemaEditor) -> list[str]:
    # collect_sql ends each statement with ";" for a script; a cursor wants it without.
    return [statement.strip().removesuffix(";") for statement in editor.collected_sql]


# --- what is there, DROP ----------------------------------------------------------


def split_archive_tables(connection: BaseDatabaseWrapper, schema: str | None = None) -> list[Period]:
    """The split layout's per-period archive tables present in the archive schema, oldest first."""
    if schema is None:
        schema = introspection.schema_of(archive=True)
    names = introspection.original_names(schema, connection.alias)
    periods = (parse_period_table(name) for name in names)
    return sorted(period for period in periods if period is not None)


def _present(connection: BaseDatabaseWrapper, model: type[PandaModel]) -> bool:
    return introspection.has_table(model, connection.alias, fresh=True)


def _targets(connection: BaseDatabaseWrapper, schemas: tuple[str, str] | None) -> list[type[PandaModel]]:
    """Every PanDA model, placed in `schemas` (default: where the settings put it)."""
    if schemas is None:
        return panda_models()
    return layout_models(layouts.PANDAMON, connection.vendor, schemas, every_table=True)


def existing_tables(connection: BaseDatabaseWrapper, schemas: tuple[str, str] | None = None) -> list[str]:
    """Names of PanDA's tables (including period tables) present in their schemas."""
    tables = [table_name(model) for model in _targets(connection, schemas) if _present(connection, model)]
    archive_schema = schemas[1] if schemas else None
    return tables + [period.table for period in split_archive_tables(connection, archive_schema)]


def drop_sql(connection: BaseDatabaseWrapper, schemas: tuple[str, str] | None = None) -> list[str]:
    """DROP statements for the PanDA tables and sequences present (PostgreSQL drops
    partitions with their parent)."""
    models_ = [model for model in _targets(connection, schemas) if _present(connection, model)]
    archive_schema = schemas[1] if schemas else None
    models_ += [period_model(period.table) for period in split_archive_tables(connection, archive_schema)]
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in models_:
            editor.delete_model(model)
    statements = _statements(editor)
    if connection.vendor == "postgresql":
        main = schemas[0] if schemas else settings.PANDA_SCHEMA
        statements += [
            f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(qualified(main, s.name, 'postgresql'))}"
            for s in layouts.PANDA_SEQUENCES
        ]
    return statements


def create_schema(
    connection: BaseDatabaseWrapper,
    *,
    layout: str = "pandamon",
    archive_layout: str = "partitioned",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    naming: str = "pair",
    schemas: tuple[str, str] | None = None,
    replace: bool = False,
) -> list[str]:
    """Create PanDA's tables of `layout` in the database of `connection`; return the statements run.

    For the demo, the tests and benchmarks only: real PanDA databases are never
    written by the monitor. Raises SchemaExistsError if tables exist and not `replace`.
    """
    spec = layouts.get(layout)
    if spec.printed_only:
        raise LayoutError(f"layout {layout} is printed only (--sql {spec.vendor}): no such server is set up here")
    schemas = layout_schemas(spec, connection.vendor, schemas)
    statements = schema_sql(
        connection, layout=layout, archive_layout=archive_layout, start=start, end=end, naming=naming, schemas=schemas
    )
    existing = existing_tables(connection, schemas)
    if existing and not replace:
        raise SchemaExistsError(existing)
    if existing:
        statements = drop_sql(connection, schemas) + statements
    # Raw DDL through a cursor: the router forbids migrations on PanDA's database, on purpose.
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    introspection.forget(connection.alias)
    return statements
