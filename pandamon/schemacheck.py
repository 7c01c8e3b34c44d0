"""Does PanDA's database hold what the monitor reads? The tables and columns it needs,
found (or not) in the configured schemas: for `manage.py check`, `/health/`, and the
500 a page answers when a deployment points the monitor at the wrong place.

A missing table is the deployment's fault and permanent: never a 503 that invites a
retry. Each problem names the table as configured and the setting that places it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from pandamon import introspection
from pandamon.routers import PANDA_DB

# Errors the backends raise for a table or column that is not there
# (SQLSTATE 42P01/42703, MySQL 1146/1054, Oracle ORA-00942/ORA-00904, SQLite's text).
_PG_STATES = {"42P01", "42703", "3F000"}
_MYSQL_CODES = {1146, 1054, 1049}
_TEXTS = ("no such table", "no such column", "ora-00942", "ora-00904")


@dataclass(frozen=True)
class Problem:
    table: str  # as configured, schema-qualified
    setting: str  # the setting that places it
    columns: tuple[str, ...] = ()  # missing columns of a table that is there
    alternative: str = ""  # a table that would do instead

    def message(self) -> str:
        if self.columns:
            return (f"PanDA table {self.table} has no column {', '.join(self.columns)}: "
                    f"is {self.setting} the schema of PanDA's current tables?")
        either = f" (nor {self.alternative})" if self.alternative else ""
        return (f"PanDA table {self.table}{either} not found in the configured database: "
                f"set {self.setting} (now {_setting_value(self.setting)}) to the schema that holds it")


def _setting_value(name: str) -> str:
    return getattr(settings, name, "") or "empty: the connection's own schema"


def _shown(model_or_name) -> str:
    schema, table = introspection.table_of(model_or_name)
    return f"{schema}.{table}" if schema else table


def _setting(model_or_name) -> str:
    schema, _ = introspection.table_of(model_or_name)
    if schema and schema == settings.PANDA_ARCHIVE_SCHEMA and schema != settings.PANDA_SCHEMA:
        return "PANDA_ARCHIVE_SCHEMA"
    return "PANDA_SCHEMA"


def required_models() -> list:
    """Tables every page family needs (optional ones — jedi_tasks, the archive's
    companions — are used where present and skipped where not)."""
    from jobs.models import (
        Filestable4,
        Jobparamstable,
        Jobsactive4,
        Jobsarchived,
        Jobsarchived4,
        Jobsdefined4,
        JobsStatuslog,
        Jobswaiting4,
        Pandalog,
    )

    models = [Jobsdefined4, Jobswaiting4, Jobsactive4, Jobsarchived4, Filestable4, Jobparamstable,
              JobsStatuslog, Pandalog]
    if settings.PANDA_ARCHIVE_LAYOUT != "split":
        models.append(Jobsarchived)
    return models


def queue_tables() -> list[str]:
    """Queue configuration: current PanDA's schedconfig_json, else the legacy schedconfig
    (only the one PANDA_QUEUE_SOURCE forces, if it forces one)."""
    from pandamon.schema import panda_table

    tables = {"schedconfig_json": panda_table("schedconfig_json"), "schedconfig": panda_table("schedconfig")}
    forced = settings.PANDA_QUEUE_SOURCE
    return [tables[forced]] if forced in tables else list(tables.values())


def problems(using: str = PANDA_DB) -> list[Problem]:
    """Every table or column the monitor needs and the database lacks (empty: all there)."""
    found = []
    for model in required_models():
        if not introspection.has_table(model, using):
            found.append(Problem(_shown(model), _setting(model)))
            continue
        present = introspection.column_names(model, using)
        missing = tuple(f.column for f in model._meta.concrete_fields if f.column.lower() not in present)
        if missing:
            found.append(Problem(_shown(model), _setting(model), columns=missing))
    queues = queue_tables()
    if not any(introspection.has_table(name, using) for name in queues):
        alternative = _shown(queues[1]) if len(queues) > 1 else ""
        found.append(Problem(_shown(queues[0]), "PANDA_SCHEMA", alternative=alternative))
    return found


def is_missing_object(error: BaseException) -> bool:
    """Whether a database error says a table, column or schema does not exist."""
    cause = error.__cause__ or error
    if getattr(cause, "sqlstate", None) in _PG_STATES:
        return True
    args = getattr(cause, "args", ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_CODES:
        return True
    text = str(cause).lower()
    return any(t in text for t in _TEXTS) or ("relation" in text and "does not exist" in text)


def explain(error: BaseException, using: str = PANDA_DB) -> str:
    """The message a page shows for a missing-object error: the problems found anew."""
    introspection.forget(using)
    try:
        found = problems(using)
    except DatabaseError:
        found = []
    if found:
        return "; ".join(p.message() for p in found)
    first_line = str(error.__cause__ or error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return (f"PanDA's database lacks what this page reads ({first_line}): check PANDA_SCHEMA and "
            f"PANDA_ARCHIVE_SCHEMA")


@register("pandamon")
def check_panda_schema(app_configs=None, databases=None, **kwargs):
    """`manage.py check`: PanDA's tables and columns in the configured schemas. Skipped
    for commands that name only the monitor's own database (migrate)."""
    if databases is not None and PANDA_DB not in databases:
        return []
    from pandamon.errors import Misconfigured
    from sites import sources

    try:
        sources.setting()
    except Misconfigured as error:
        return [Error(str(error), id="pandamon.E002")]
    introspection.forget()
    try:
        found = problems()
    except DatabaseError as error:
        return [Warning(f"cannot reach PanDA's database to check its tables: {error}", id="pandamon.W001")]
    return [Error(p.message(), id="pandamon.E001") for p in found]
