"""PanDA's sessions as production opens them (pandamon.dbsession): the database itself
refuses writes sent through a raw cursor, and the statement limit is set. The suite's own
"panda" connection writes test data, so this opens a second one with the production
settings (READ_ONLY on), through the same connection signal."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connections

from jobs.models import Jobsactive4
from pandamon import dbsession
from pandamon.middleware import ErrorMiddleware

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def production_session(panda_db):
    base = connections["panda"]
    connection = base.__class__({**base.settings_dict, "READ_ONLY": True, "STATEMENT_TIMEOUT": 7},
                                alias="panda_production_check")
    yield connection
    connection.close()


def count_running(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE jobstatus = 'running'")
    return cursor.fetchone()[0]


@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET jobstatus = 'failed' WHERE jobstatus = 'running'",
    "DELETE FROM {table} WHERE jobstatus = 'running'",
    "INSERT INTO {table} (pandaid, jobstatus) SELECT pandaid + 900000000000, jobstatus FROM {table}",
])
def test_raw_cursor_writes_are_refused_by_the_database(production_session, statement):
    table = production_session.ops.quote_name(Jobsactive4._meta.db_table)
    with connections["panda"].cursor() as plain:
        before = count_running(plain, table)
    assert before > 0
    with production_session.cursor() as cursor, pytest.raises(DatabaseError) as refused:
        cursor.execute(statement.format(table=table))
    assert any(word in str(refused.value).lower() for word in ("read-only", "read only", "readonly")), refused.value
    with connections["panda"].cursor() as plain:
        assert count_running(plain, table) == before
    with production_session.cursor() as cursor:  # reading still works
        assert count_running(cursor, table) == before


def test_statement_limit_is_set_on_the_session(production_session):
    vendor = production_session.vendor
    with production_session.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "7s"
        elif vendor == "mysql":
            cursor.execute("SELECT @@SESSION.max_statement_time")
            assert float(cursor.fetchone()[0]) == 7
        else:
            assert dbsession.session_statements(production_session) == ["PRAGMA query_only = ON"]


def test_statement_over_the_limit_is_a_503_naming_it(panda_db, rf):
    """A real statement stopped by a real limit (MariaDB/PostgreSQL) becomes the 503 that names it."""
    vendor = connections["panda"].vendor
    if vendor not in ("mysql", "postgresql"):
        pytest.skip("SQLite has no statement limit; the MariaDB and PostgreSQL runs check it")
    base = connections["panda"]
    session = base.__class__({**base.settings_dict, "READ_ONLY": True, "STATEMENT_TIMEOUT": 1}, alias="panda_limit")
    slow = ("SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, "
            "information_schema.columns c" if vendor == "mysql" else "SELECT pg_sleep(3)")
    try:
        with session.cursor() as cursor, pytest.raises(DatabaseError) as stopped:
            cursor.execute(slow)
    finally:
        session.close()
    response = ErrorMiddleware(lambda r: None).process_exception(rf.get("/jobs/?json"), stopped.value)
    assert response.status_code == 503
    assert "PANDA_DB_STATEMENT_TIMEOUT" in json.loads(response.content)["error"]
