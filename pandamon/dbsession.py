"""What every connection to PanDA's database is told when it opens: a statement time
limit and, on the backends that have one, a read-only session.

The router refuses writes through models; this makes the database itself refuse them
too (a raw cursor, `objects.raw`, `_base_manager`), so no code path of the monitor can
write to PanDA's tables. The connect timeout goes into the driver options
(pandamon.dburl), because it must act before any statement can be sent.

A connection's settings say which of these apply: `READ_ONLY` and
`STATEMENT_TIMEOUT` (seconds, 0 = none), set from the environment in settings.py.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created


def session_statements(connection: BaseDatabaseWrapper) -> list[str]:
    """The SQL that puts a new session in the monitor's mode (none on Oracle: its
    limit is the driver's call timeout, and read-only is the account's grants)."""
    from pandamon.params.names import MAX_LIST_VALUES  # (it imports the job models)

    config = connection.settings_dict
    read_only = config.get("READ_ONLY", False)
    seconds = int(config.get("STATEMENT_TIMEOUT", 0) or 0)
    statements = []
    if connection.vendor == "mysql":
        if seconds:
            if connection.mysql_is_mariadb:
                statements.append(f"SET SESSION max_statement_time = {seconds}")
            else:  # MySQL's own name, in milliseconds (SELECT only)
                statements.append(f"SET SESSION max_execution_time = {seconds * 1000}")
        if read_only:
            statements.append("SET SESSION TRANSACTION READ ONLY")
        # Past eq_range_index_dive_limit values (200 by default) in IN lists the optimizer
        # guesses each value's rows from index statistics instead of looking, and with a few
        # hundred pandaids in a filter it chose a full archive scan. The monitor takes at
        # most MAX_LIST_VALUES values in a list: look up every one of them.
        statements.append(f"SET SESSION eq_range_index_dive_limit = {MAX_LIST_VALUES + 1}")
    elif connection.vendor == "postgresql":
        if seconds:
            statements.append(f"SET statement_timeout = {seconds * 1000}")
        if read_only:
            statements.append("SET default_transaction_read_only = on")
    elif connection.vendor == "sqlite":
        # SQLite has no statement limit; query_only refuses every write to the file.
        if read_only:
            statements.append("PRAGMA query_only = ON")
    return statements


def prepare_session(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    statements = session_statements(connection)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    seconds = int(connection.settings_dict.get("STATEMENT_TIMEOUT", 0) or 0)
    if connection.vendor == "oracle" and seconds:
        # oracledb's client-side limit on every round trip, in milliseconds.
        connection.connection.call_timeout = seconds * 1000


def allow_writes(connection: BaseDatabaseWrapper) -> None:
    """For the demo and test data commands only (create_panda_schema, generate_jobs):
    reopen this connection without the read-only session."""
    if connection.settings_dict.get("READ_ONLY"):
        connection.settings_dict["READ_ONLY"] = False
        connection.close()


def register() -> None:
    connection_created.connect(prepare_session, dispatch_uid="pandamon.dbsession")
