"""Database wrappers that render SQL for a backend without a server (``--sql``, and
the tests of the SQL the Oracle backend would run).

Django's schema editor asks the connection for the server version (MySQL/MariaDB,
PostgreSQL) and, on MySQL, for string quoting; these wrappers answer from fixed
values so that the DDL can be printed anywhere, and refuse to connect.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

VENDORS = ("oracle", "mysql", "postgresql", "sqlite")
_ENGINES = {vendor: f"django.db.backends.{vendor}" for vendor in VENDORS} | {"sqlite": "django.db.backends.sqlite3"}

# The servers the printed DDL is written for: the MariaDB we deploy on, a current PostgreSQL.
MARIADB_SERVER_DATA = {
    "version": "10.11.0-MariaDB",
    "sql_mode": "STRICT_TRANS_TABLES",
    "default_storage_engine": "InnoDB",
    "sql_auto_is_null": False,
    "lower_case_table_names": False,
    "has_zoneinfo_database": True,
}
POSTGRESQL_VERSION = 160000
ORACLE_VERSION = (19, 0)  # the release PanDA's production databases run


class OfflineError(RuntimeError):
    """An offline wrapper was asked for something that needs a server."""


def _refuse_connection(self) -> None:
    raise OfflineError(f"{self.vendor} DDL is rendered offline; this wrapper never connects")


def _mysql_quote_value(self, value) -> str:
    # What the connected editor does, minus the connection: MySQLdb's own escaping.
    from MySQLdb import _mysql, converters

    quoted = _mysql.escape(value, converters.conversions)
    return quoted.decode() if isinstance(quoted, bytes) else quoted


def _offline_editor(editor_class: type) -> type:
    """The backend's schema editor, quoting values without a connection."""
    if editor_class.__module__.startswith("django.db.backends.mysql"):
        return type("OfflineSchemaEditor", (editor_class,), {"quote_value": _mysql_quote_value})
    if editor_class.__module__.startswith("django.db.backends.postgresql"):

        def execute(self, sql, params=()):
            # The connected editor merges parameters with a server-side cursor's
            # mogrify(); psycopg's sql.quote (its quote_value) needs no server.
            if params:
                sql = str(sql) % tuple(map(self.quote_value, params))
            return editor_class.execute(self, sql, None)

        return type("OfflineSchemaEditor", (editor_class,), {"execute": execute})
    return editor_class


def offline_connection(vendor: str) -> BaseDatabaseWrapper:
    """A wrapper for `vendor` whose schema editor works with no database server."""
    if vendor not in _ENGINES:
        raise ValueError(f"unknown backend {vendor!r}; use one of {', '.join(VENDORS)}")
    wrapper_class = load_backend(_ENGINES[vendor]).DatabaseWrapper
    overrides: dict = {
        "ensure_connection": _refuse_connection,
        "SchemaEditorClass": _offline_editor(wrapper_class.SchemaEditorClass),
    }
    if vendor == "sqlite":
        # The SQLite editor turns foreign-key checks off around its work and
        # verifies them after; there are no foreign keys and no data here.
        overrides["disable_constraint_checking"] = lambda self: True
        overrides["enable_constraint_checking"] = lambda self: None
        overrides["check_constraints"] = lambda self, table_names=None: None
    offline_class = type(f"Offline{vendor.title()}Wrapper", (wrapper_class,), overrides)
    connection = offline_class(_settings(_ENGINES[vendor]), alias=f"offline-{vendor}")
    # Pre-set the cached properties that would otherwise query the server.
    if vendor == "mysql":
        connection.__dict__["mysql_server_data"] = MARIADB_SERVER_DATA
    elif vendor == "postgresql":
        connection.__dict__["pg_version"] = POSTGRESQL_VERSION
    elif vendor == "oracle":
        # Django probes the server once to choose its LIKE operators; a current
        # Oracle takes the standard ones. Needed to compile queries offline.
        connection.__dict__["operators"] = connection._standard_operators
        connection.__dict__["oracle_version"] = ORACLE_VERSION
    return connection


def _settings(engine: str) -> dict:
    return {
        "ENGINE": engine,
        "NAME": "",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
