"""A database that lacks PanDA's tables is the deployment's fault: `manage.py check`
names what is missing and exits non-zero, a page answers 500 naming the table and the
setting (never a 503 that invites a retry, never a traceback), /health/ says so."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.models import Jobsactive4
from pandamon import introspection, schemacheck
from tests.renamed import renamed

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_names_both_queue_tables_and_exits_non_zero(tmp_path):
    panda = tmp_path / "panda.sqlite3"
    env = {**os.environ, "PANDA_DB_URL": f"sqlite:///{panda}", "PANDAMON_DB_URL": f"sqlite:///{tmp_path / 'mon.db'}",
           "PANDAMON_DATA_DIR": str(tmp_path), "PANDA_LAYOUT": "pandamon", "PANDA_SCHEMA": "",
           "PANDA_ARCHIVE_SCHEMA": ""}
    created = manage("create_panda_schema", env=env)
    assert created.returncode == 0, created.stderr
    assert manage("check", env=env).returncode == 0

    with sqlite3.connect(panda) as db:  # a database without any queue configuration
        for table in ("schedconfig", "schedconfig_json", "cloudconfig"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
    checked = manage("check", env=env)
    assert checked.returncode != 0
    assert "schedconfig_json" in checked.stderr and "(nor schedconfig)" in checked.stderr
    assert "PANDA_SCHEMA" in checked.stderr
    assert "jobsactive4" not in checked.stderr  # only what is missing

    bad_setting = manage("check", env={**env, "PANDA_QUEUE_SOURCE": "cric"})
    assert bad_setting.returncode != 0 and "PANDA_QUEUE_SOURCE is 'cric'" in bad_setting.stderr


@pytest.fixture
def jobsactive4_gone():
    """jobsactive4 configured under a name the database does not have."""
    gone = f"{Jobsactive4._meta.db_table}_gone"
    with renamed({Jobsactive4: gone}):
        yield gone.split('"."')[-1]  # as pages name it, after the schema


# Autocommit, as in production: on PostgreSQL an error inside the test's transaction
# would abort it, and the check that names the table could not run.
@pytest.mark.django_db(databases=["default", "panda"], transaction=True)
def test_page_needing_a_missing_table_is_a_500_naming_it(client, jobsactive4_gone):
    response = client.get("/jobs/", {"hours": "6", "json": ""})
    assert response.status_code == 500
    body = response.json()
    assert jobsactive4_gone in body["error"] and "PANDA_SCHEMA" in body["error"]
    assert "Traceback" not in response.content.decode()

    html = client.get("/jobs/?hours=6")
    assert html.status_code == 500
    text = html.content.decode()
    assert jobsactive4_gone in text and "Traceback" not in text


@pytest.mark.django_db(databases=["default", "panda"], transaction=True)
def test_health_reports_misconfigured(client, jobsactive4_gone):
    response = client.get("/health/")
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == "misconfigured"
    assert any(jobsactive4_gone in p for p in body["problems"])


def test_missing_object_errors_are_told_from_transient_ones(panda_db):
    from django.db import DatabaseError, OperationalError

    with pytest.raises(DatabaseError) as missing:
        with panda_db.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_panda_table")
    assert schemacheck.is_missing_object(missing.value)
    assert not schemacheck.is_missing_object(OperationalError("server closed the connection unexpectedly"))


def test_configured_database_has_everything(panda_db):
    introspection.forget()
    assert schemacheck.problems() == []
