"""Session-wide test data: PanDA's tables created by create_panda_schema in the
test "panda" database and filled once by generate_jobs (the same commands the
demo uses), so every test reads realistic rows written with plain SQL."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db import connections

# The suite's own processes (manage.py, gunicorn) run with the demo secret key: they are the demo.
os.environ.setdefault("PANDAMON_DEMO", "1")

# Its helpers assert: have pytest explain their failures as it does in test modules.
pytest.register_assert_rewrite("tests.pages")

# Small but complete: every state, the fast-buffer/archive overlap, retries, errors.
DATASET = {"jobs": 3000, "days": 10, "seed": 20261123}
PANDA_DBS = ["default", "panda"]


def backend() -> str:
    return connections["panda"].vendor  # "sqlite", "mysql", "postgresql"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The suite creates the test databases and writes PanDA's test tables (schema,
    generated jobs, rows a test adds), so its "panda" sessions are not read-only;
    tests/test_db_session.py checks the production session."""
    from django.conf import settings

    settings.DATABASES["panda"]["READ_ONLY"] = False


@pytest.fixture(scope="session")
def log_root(tmp_path_factory):
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def generated_at():
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, log_root, generated_at):
    from django.conf import settings

    settings.PANDAMON_LOG_ROOT = log_root
    with django_db_blocker.unblock():
        call_command("create_panda_schema", database="panda", replace=True, verbosity=0)
        call_command(
            "generate_jobs",
            database="panda",
            log_root=str(log_root),
            now=generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
            progress=False,
            verbosity=0,
            **DATASET,
        )


@pytest.fixture(autouse=True)
def _no_summary_cache(settings):
    """Tests compute every summary afresh (they add rows and count queries); the cache's
    own tests (tests/test_summary_cache.py) switch it on."""
    settings.PANDAMON_SUMMARY_CACHE = False


@pytest.fixture(autouse=True)
def _log_root_setting(settings, log_root):
    settings.PANDAMON_LOG_ROOT = log_root


@pytest.fixture
def panda_db(django_db_setup, django_db_blocker):
    """Read access to the generated PanDA data (and the monitor's own database)."""
    with django_db_blocker.unblock():
        yield connections["panda"]


def skip_unless_mariadb():
    if backend() != "mysql":
        pytest.skip("concerns MariaDB only; the MariaDB run of the suite covers it")
