"""The SQL the query layer sends to ATLAS's Oracle, compiled offline (no Oracle
server can run here): schema-qualified upper-case names (ATLAS_PANDA,
ATLAS_PANDAARCH) and DATE-typed binds, so Oracle compares DATE columns with DATE
values and prunes the daily partitions instead of converting every row."""

from __future__ import annotations

import datetime as dt

import oracledb
import pytest
from django.db.models import Count

from jobs.ddl import offline_connection
from jobs.models import JOB_MODELS, JobsStatuslog
from jobs.models.columns import oracle_date
from jobs.query import JobQuery
from jobs.query.tables import fastbuffer_oldest
from pandamon.params import parse_params
from tests.renamed import renamed

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def atlas_schemas():
    """The job models as an ATLAS deployment configures them (PANDA_SCHEMA=ATLAS_PANDA,
    PANDA_ARCHIVE_SCHEMA=ATLAS_PANDAARCH)."""
    fastbuffer_oldest()  # cached before the names change: this test only compiles
    tables = {}
    for model in (*JOB_MODELS, JobsStatuslog):
        table = model._meta.db_table.split('"."')[-1]  # unqualified, whatever this run's layout
        tables[model] = f'{"ATLAS_PANDAARCH" if table == "jobsarchived" else "ATLAS_PANDA"}"."{table}'
    with renamed(tables):
        yield


def test_oracle_sql_names_atlas_schemas_in_upper_case_and_binds_dates(atlas_schemas):
    query = JobQuery(parse_params({"days": "7"}))
    oracle = offline_connection("oracle")
    seen = set()
    for source, qs in query.querysets():
        sql, params = qs.values("jobstatus").annotate(n=Count("*")).query.get_compiler(connection=oracle).as_sql()
        table = source.model._meta.db_table.split('"."')[-1].upper()
        schema = "ATLAS_PANDAARCH" if source.archive else "ATLAS_PANDA"
        assert f'"{schema}"."{table}"' in sql, sql
        assert f'"{table.lower()}"' not in sql
        seen.add(schema)
        times = [p for p in params if isinstance(p, dt.datetime)]
        assert times, sql
        assert all(getattr(p, "input_size", None) is oracledb.DB_TYPE_DATE for p in times)
        assert all(p.tzinfo is None and p.microsecond == 0 for p in times)
    assert seen == {"ATLAS_PANDA", "ATLAS_PANDAARCH"}


def test_date_binds_round_fractions_up_so_bounds_stay_exact():
    t = dt.datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=dt.UTC)
    bound = oracle_date(t)
    # mt >= 10:00:00.25 and mt < 10:00:00.25 select the same DATE values as with 10:00:01
    assert bound == dt.datetime(2026, 12, 1, 10, 0, 1)
    assert oracle_date(dt.datetime(2026, 12, 1, 10, 0, 0, tzinfo=dt.UTC)) == dt.datetime(2026, 12, 1, 10, 0, 0)
