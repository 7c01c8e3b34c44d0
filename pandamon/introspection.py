"""What PanDA's database holds, asked in the configured schema: the one place that answers
"does this table exist", "which columns has it", "how is it indexed and partitioned".

Django's own introspection sees only the connection's search path (PostgreSQL) or
the connection's user (Oracle), not PANDA_SCHEMA / PANDA_ARCHIVE_SCHEMA, so each
backend is asked through its catalogue with the schema named. Answers are cached
(Django's cache) for INTROSPECTION_SECONDS and what was found is logged once per
process.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Model

from pandamon.routers import PANDA_DB

log = logging.getLogger(__name__)
INTROSPECTION_SECONDS = 600
_logged: set[tuple[str, str]] = set()


def split_table(db_table: str) -> tuple[str, str]:
    """(schema, table) of a model's db_table, written 'schema"."table' when qualified
    (pandamon.schema); schema is "" for the connection's own."""
    parts = db_table.replace("`", '"').split('"."')
    return (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[0])


def table_of(table: str | type[Model]) -> tuple[str, str]:
    if isinstance(table, str):
        return split_table(table)
    return split_table(table._meta.db_table)


def schema_of(*, archive: bool = False) -> str:
    return settings.PANDA_ARCHIVE_SCHEMA if archive else settings.PANDA_SCHEMA


def _generation(using: str) -> int:
    return cache.get_or_set(f"pandamon:introspection:{using}:generation", 0, None)


def _cached(key: str, compute, using: str):
    return cache.get_or_set(f"pandamon:introspection:{using}:{_generation(using)}:{key}", compute,
                            INTROSPECTION_SECONDS)


def forget(using: str = PANDA_DB) -> None:
    """Drop every cached answer (after create_panda_schema, or in tests): the next
    question reads the catalogue again."""
    try:
        cache.incr(f"pandamon:introspection:{using}:generation")
    except ValueError:
        cache.set(f"pandamon:introspection:{using}:generation", 1, None)


# --- the catalogue queries, one per question and backend ---------------------
# Each answers one column from (schema, table) bound in the order the placeholders
# appear ("tables" has no table; Oracle's asks for the schema twice). An empty schema is
# the connection's own: NULLIF/COALESCE there, NULL for Oracle's NVL(…, USER).

_THIS_PG = "COALESCE(NULLIF(%s, ''), current_schema())"
_THIS_MYSQL = "COALESCE(NULLIF(%s, ''), DATABASE())"
_CATALOGUE: dict[str, dict[str, str]] = {
    "tables": {
        "postgresql": "SELECT c.relname FROM pg_catalog.pg_class c "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                      f"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = {_THIS_PG}",
        "mysql": f"SELECT table_name FROM information_schema.tables WHERE table_schema = {_THIS_MYSQL}",
        "oracle": "SELECT table_name FROM all_tables WHERE owner = NVL(UPPER(%s), USER) "
                  "UNION ALL SELECT view_name FROM all_views WHERE owner = NVL(UPPER(%s), USER)",
    },
    "columns": {
        "postgresql": f"SELECT column_name FROM information_schema.columns WHERE table_schema = {_THIS_PG} "
                      "AND table_name = %s",
        "mysql": f"SELECT column_name FROM information_schema.columns WHERE table_schema = {_THIS_MYSQL} "
                 "AND table_name = %s",
        "oracle": "SELECT column_name FROM all_tab_columns WHERE owner = NVL(UPPER(%s), USER) "
                  "AND table_name = UPPER(%s)",
    },
    "leading": {
        "postgresql": "SELECT a.attname FROM pg_catalog.pg_index i "
                      "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                      "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
                      f"WHERE n.nspname = {_THIS_PG} AND t.relname = %s",
        "mysql": f"SELECT column_name FROM information_schema.statistics WHERE table_schema = {_THIS_MYSQL} "
                 "AND table_name = %s AND seq_in_index = 1",
        "oracle": "SELECT column_name FROM all_ind_columns WHERE table_owner = NVL(UPPER(%s), USER) "
                  "AND table_name = UPPER(%s) AND column_position = 1",
    },
    "partkey": {
        "postgresql": "SELECT a.attname FROM pg_catalog.pg_partitioned_table p "
                      "JOIN pg_catalog.pg_class t ON t.oid = p.partrelid "
                      "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                      "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = p.partattrs[0] "
                      f"WHERE n.nspname = {_THIS_PG} AND t.relname = %s",
        # MySQL reports the expression, e.g. to_days(`modificationtime`)
        "mysql": f"SELECT partition_expression FROM information_schema.partitions WHERE table_schema = {_THIS_MYSQL} "
                 "AND table_name = %s AND partition_expression IS NOT NULL",
        "oracle": "SELECT column_name FROM all_part_key_columns WHERE owner = NVL(UPPER(%s), USER) "
                  "AND name = UPPER(%s)",
    },
}


def _sqlite(cursor, connection, question: str, table: str) -> list[str]:
    """SQLite has no schemas; its PRAGMAs answer for the one database."""
    qn = connection.ops.quote_name
    if question == "tables":
        return connection.introspection.table_names(cursor)
    if question == "columns":
        cursor.execute(f"PRAGMA table_info({qn(table)})")
        return [row[1] for row in cursor.fetchall()]
    if question == "leading":
        cursor.execute(f"PRAGMA index_list({qn(table)})")
        found = []
        for index in [row[1] for row in cursor.fetchall()]:
            cursor.execute(f"PRAGMA index_info({qn(index)})")
            found += [row[2] for row in cursor.fetchall() if row[0] == 0]
        return found
    return []  # no partitioning


def _ask(connection, question: str, schema: str, table: str = "") -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _sqlite(cursor, connection, question, table)
        sql = _CATALOGUE[question].get(connection.vendor)
        if sql is None:  # pragma: no cover - backends beyond these four are not supported
            return []
        if connection.vendor == "oracle":
            params = [schema or None] * 2 if question == "tables" else [schema or None, table]
        else:
            params = [schema] if question == "tables" else [schema, table]
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# --- tables --------------------------------------------------------------------


def table_names(schema: str = "", using: str = PANDA_DB, *, fresh: bool = False) -> frozenset[str]:
    """Lower-case names of the tables and views in `schema` ("" = the connection's own).
    `fresh` asks the catalogue now (schema builders), bypassing the cache."""
    if fresh:
        return frozenset(name.lower() for name in _ask(connections[using], "tables", schema))
    key = f"tables:{schema.lower()}"

    def compute():
        names = frozenset(name.lower() for name in _ask(connections[using], "tables", schema))
        if (using, schema) not in _logged:
            _logged.add((using, schema))
            log.info("PanDA database %r schema %r: %d tables", using, schema or "(connection's)", len(names))
        return names

    return _cached(key, compute, using)


def has_table(table: str | type[Model], using: str = PANDA_DB, *, fresh: bool = False) -> bool:
    """Whether a model's table (or a 'schema"."table' / bare name) exists where it is configured."""
    schema, name = table_of(table)
    return name.lower() in table_names(schema, using, fresh=fresh)


def original_names(schema: str = "", using: str = PANDA_DB) -> list[str]:
    """Table names in `schema` as the catalogue spells them (split-layout period tables
    keep their mixed case on MySQL and SQLite), asked now."""
    return _ask(connections[using], "tables", schema)


# --- columns, indexes, partitioning ---------------------------------------------


def _about(question: str, table: str | type[Model], using: str) -> list[str]:
    schema, name = table_of(table)
    key = f"{question}:{schema.lower()}:{name.lower()}"
    return _cached(key, lambda: [v.lower() for v in _ask(connections[using], question, schema, name)], using)


def column_names(table: str | type[Model], using: str = PANDA_DB) -> frozenset[str]:
    """Lower-case column names of a table in its schema (empty if the table is missing)."""
    return frozenset(_about("columns", table, using))


def leading_index_columns(table: str | type[Model], using: str = PANDA_DB) -> frozenset[str]:
    """Lower-case first columns of the table's indexes (primary key included)."""
    return frozenset(_about("leading", table, using))


def partition_key(table: str | type[Model], using: str = PANDA_DB) -> str | None:
    """Lower-case partition key column of a range-partitioned table, or None for a plain table."""
    found = _about("partkey", table, using)
    if not found:
        return None
    expression = found[0]
    for column in ("modificationtime", "statechangetime", "bintime", "creationtime"):
        if column in expression:
            return column
    return expression.strip("`")
