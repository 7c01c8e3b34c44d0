"""The window on PanDA's official PostgreSQL archive, which is indexed on
statechangetime and not on modificationtime: the extra statechangetime bound
rests on an invariant of ended jobs, checked here against the generator, and
gives the same exact counts as the plain modificationtime window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connections

from jobs.models import Jobsarchived, Jobsarchived4
from jobs.query import JobQuery
from jobs.query import tables as job_tables
from pandamon.params import parse_params
from tests import sqlcheck

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def test_ended_jobs_change_state_at_most_the_slack_before_their_last_update(panda_db):
    """statechangetime <= modificationtime <= statechangetime + PANDA_STATECHANGE_SLACK_HOURS."""
    slack = dt.timedelta(hours=settings.PANDA_STATECHANGE_SLACK_HOURS)
    qn = connections["panda"].ops.quote_name
    checked = 0
    for model in (Jobsarchived4, Jobsarchived):
        with panda_db.cursor() as cursor:
            cursor.execute(f"SELECT statechangetime, modificationtime FROM {qn(model._meta.db_table)}")
            rows = cursor.fetchall()
        for statechange, modified in rows:
            assert statechange is not None
            statechange, modified = (dt.datetime.fromisoformat(str(t)).replace(tzinfo=None) for t in (statechange,
                                                                                                      modified))
            assert statechange <= modified <= statechange + slack
            checked += 1
    assert checked > 100


@pytest.fixture
def statechange_indexed_archive(monkeypatch):
    """The query layer as it behaves on an archive indexed only on statechangetime."""
    monkeypatch.setattr(job_tables, "statechange_indexed_only", lambda model, using="panda": True)


@pytest.mark.parametrize("window", [{"days": "10"}, {"hours": "30", "earlierthan": "100"},
                                    {"hours": "1", "earlierthan": "150"}])
def test_statechange_bound_keeps_counts_exact(statechange_indexed_archive, window):
    query = JobQuery(parse_params(window))
    assert any(s.archive for s in query.sources)
    where, params = sqlcheck.window_where(query.window.start, query.window.end)
    assert query.counts_by("jobstatus") == sqlcheck.grouped_counts(["jobstatus"], where, params)


def test_statechange_bound_is_on_the_archive_only(statechange_indexed_archive):
    query = JobQuery(parse_params({"days": "10"}))
    for source in query.sources:
        sql = str(query.queryset(source).query).lower().replace("`", '"').split(" where ", 1)[1]
        assert ("statechangetime" in sql) == source.archive, (source.name, sql)
        assert "statechangetime\" is null" in sql or not source.archive


def test_statechange_bound_only_where_the_archive_lacks_a_modificationtime_index_or_partitioning():
    query = JobQuery(parse_params({"days": "10"}))
    (archive,) = [s for s in query.sources if s.archive]
    # PanDA's official PostgreSQL archive (postgres-doma run): plain, indexed on statechangetime
    official_pg = settings.PANDA_LAYOUT == "postgres-doma"
    assert job_tables.statechange_indexed_only(archive.model) is official_pg
    where = str(query.queryset(archive).query).lower().split(" where ", 1)[1]
    assert ("statechangetime" in where) is official_pg
