"""PanDA's official PostgreSQL layout (`create_panda_schema --layout postgres-doma`:
doma_panda / doma_pandaarch, a plain archive indexed on statechangetime, monthly
jobsarchived4, daily state history): the plans the query layer gets there, and rows
written with plain SQL as PanDA writes them shown on the pages.

These run in the suite's postgres-doma run of `make test` (PANDA_LAYOUT=postgres-doma)
and skip elsewhere with that reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.db import connections
from django.db.models import Count

from jobs.models import JobsStatuslog
from jobs.query import JobQuery
from jobs.query.lookup import job_span
from pandamon import introspection
from pandamon.params import parse_params
from tests.pages import get_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture(autouse=True)
def _doma_only():
    if settings.PANDA_LAYOUT != "postgres-doma" or connections["panda"].vendor != "postgresql":
        pytest.skip("concerns PanDA's official PostgreSQL layout; the postgres-doma run of `make test` covers it")


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connections["panda"].cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def one_day(days_back: int) -> dict:
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_back)).date()
    return {"date_from": day.isoformat(), "date_to": day.isoformat()}


def test_one_day_on_the_plain_archive_uses_the_statechangetime_index():
    query = JobQuery(parse_params(one_day(6)))
    (archive,) = [s for s in query.sources if s.archive]
    assert introspection.partition_key(archive.model) is None  # PanDA's PG archive is a plain table
    plan = explain(query.queryset(archive).values("jobstatus").annotate(n=Count("*")))
    assert "Seq Scan on jobsarchived " not in plan + " ", plan
    # an (Bitmap) Index Scan on the statechangetime index, the IS NULL arm included
    assert re.search(r"Index Scan on jobsarchived_\w*statechangetime", plan), plan


def test_one_day_in_the_fast_buffer_is_pruned_at_plan_time():
    query = JobQuery(parse_params(one_day(1)))
    (fastbuffer,) = [s for s in query.sources if s.name == "jobsarchived4"]
    plan = explain(query.queryset(fastbuffer).values("jobstatus").annotate(n=Count("*")))
    partitions = set(re.findall(r" on (jobsarchived4_\w+)", plan))
    assert len(partitions) == 1, plan  # the month's partition alone, chosen by the planner
    assert "Subplans Removed" not in plan


def test_archive_deduplication_probes_the_fast_buffer_within_the_window():
    query = JobQuery(parse_params(one_day(4)))  # reaches past the fast buffer's 3 days: both are read
    (archive,) = [s for s in query.sources if s.archive]
    plan = explain(query.queryset(archive).values("jobstatus").annotate(n=Count("*")))
    fastbuffer = set(re.findall(r" on (jobsarchived4_\w+)", plan))
    assert len(fastbuffer) <= 1, plan  # not every monthly partition of jobsarchived4
    assert "Subplans Removed" not in plan


def test_state_history_reads_only_the_days_of_the_job(panda_db):
    with panda_db.cursor() as cursor:
        cursor.execute('SELECT pandaid, creationtime, modificationtime FROM "doma_pandaarch"."jobsarchived" LIMIT 1')
        pandaid, created, modified = cursor.fetchone()
    start, end = job_span({"creationtime": created.replace(tzinfo=dt.UTC),
                           "modificationtime": modified.replace(tzinfo=dt.UTC)})
    qs = JobsStatuslog.objects.using("panda").filter(pandaid=pandaid, modificationtime__gte=start,
                                                      modificationtime__lt=end)
    plan = explain(qs)
    partitions = set(re.findall(r" on (jobs_statuslog_\w+)", plan))
    days = (end.date() - start.date()).days + 1
    assert 1 <= len(partitions) <= days, plan  # of the ~100 daily partitions
    assert "Subplans Removed" not in plan


# --- rows as PanDA writes them --------------------------------------------------

QUEUE = "DOMA_TEST_QUEUE"
LIVE_ID, ARCHIVED_ID = 9_100_000_001, 9_100_000_002


@pytest.fixture
def plain_sql_rows(panda_db):
    """A queue only in schedconfig_json, a running job there whose state history has
    NULL modiftime_extended, and an archived job whose files are only in filestable_arch.
    The test's transaction takes them away again."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    data = {"nickname": QUEUE, "siteid": QUEUE, "atlas_site": "DOMA-TEST", "cloud": "US", "status": "online",
            "type": "production", "tier": "T2", "corecount": 8, "resource_type": "MCORE", "vo": "lsst"}
    job = ("pandaid, jobdefinitionid, creationtime, modificationtime, statechangetime, jobstatus, computingsite, "
           "prodsourcelabel, produsername, vo, cloud, jeditaskid, assignedpriority, currentpriority, attemptnr, "
           "maxattempt, maxcpucount, maxdiskcount, minramcount, cpuconsumptiontime, nevents")
    values = "%s, 1, %s, %s, %s, %s, %s, 'managed', 'doma_tester', 'lsst', 'US', 77, 1, 1, 1, 3, 0, 0, 0, 0, 0"
    with panda_db.cursor() as cursor:
        cursor.execute('INSERT INTO "doma_panda"."schedconfig_json" (panda_queue, data, last_update) '
                       "VALUES (%s, %s, %s)", [QUEUE, json.dumps(data), now])
        cursor.execute(f'INSERT INTO "doma_panda"."jobsactive4" ({job}) VALUES ({values})',
                       [LIVE_ID, now - dt.timedelta(hours=3), now - dt.timedelta(minutes=2),
                        now - dt.timedelta(hours=1), "running", QUEUE])
        for state, back in (("defined", 180), ("activated", 170), ("starting", 61), ("running", 60)):
            cursor.execute('INSERT INTO "doma_panda"."jobs_statuslog" (pandaid, modificationtime, jobstatus, '
                           "computingsite, modiftime_extended) VALUES (%s, %s, %s, %s, NULL)",
                           [LIVE_ID, now - dt.timedelta(minutes=back), state, QUEUE])
        ended = now - dt.timedelta(days=20)
        cursor.execute(f'INSERT INTO "doma_pandaarch"."jobsarchived" ({job}) VALUES ({values})',
                       [ARCHIVED_ID, ended - dt.timedelta(hours=5), ended, ended, "finished", QUEUE])
        cursor.execute('INSERT INTO "doma_pandaarch"."filestable_arch" (row_id, pandaid, modificationtime, lfn, '
                       "type, dataset, status, fsize, scope) VALUES (%s, %s, %s, %s, 'output', %s, 'ready', 1000, "
                       "'lsst')", [9_100_000_009, ARCHIVED_ID, ended, "doma_test.output.root", "lsst:doma.test"])
    introspection.forget()
    return now


def test_plain_sql_rows_appear_on_the_pages(client, plain_sql_rows):
    sites = client.get("/sites/", {"json": "", "hours": "6"}).json()
    assert QUEUE in json.dumps(sites)

    site = client.get(f"/site/{QUEUE}/", {"json": ""})
    assert site.status_code == 200 and QUEUE in site.content.decode()

    _, jobs = get_json(client, "/jobs/", {"computingsite": QUEUE, "hours": "6"})  # may be streamed
    assert [j["pandaid"] for j in jobs["jobs"]] == [LIVE_ID]

    live = client.get(f"/job/{LIVE_ID}/", {"json": ""}).json()
    # NULL modiftime_extended everywhere: ordered by modificationtime, not NULLs-last noise
    assert [row["jobstatus"] for row in live["statuslog"]] == ["defined", "activated", "starting", "running"]

    archived = client.get(f"/job/{ARCHIVED_ID}/", {"json": ""}).json()
    assert "doma_test.output.root" in json.dumps(archived)
