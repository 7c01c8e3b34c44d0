"""Every archive query carries bounds on modificationtime that the database can
prune on: checked by EXPLAIN on MariaDB, by captured SQL for the split layout,
and by compiling (not running) the Oracle SQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from jobs.archive import periods_between
from jobs.ddl import offline_connection, period_model
from jobs.models import Jobsarchived
from jobs.query import JobQuery
from jobs.query.tables import forget_split_periods
from pandamon import introspection
from pandamon.params import parse_params
from tests.conftest import skip_unless_mariadb

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def one_day_window(days_back: int) -> tuple[dict, dt.date]:
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_back)).date()
    return {"date_from": day.isoformat(), "date_to": day.isoformat()}, day


def archive_queryset(query: JobQuery):
    (archive,) = [s for s in query.sources if s.archive]
    return query.queryset(archive).values("jobstatus").annotate(n=Count("*"))


def test_mariadb_prunes_the_archive_to_the_partition_of_the_day():
    skip_unless_mariadb()
    window, day = one_day_window(6)
    query = JobQuery(parse_params(window))
    sql, params = archive_queryset(query).query.sql_with_params()
    with connections["panda"].cursor() as cursor:
        cursor.execute("EXPLAIN PARTITIONS " + sql, params)
        columns = [c[0] for c in cursor.description]
        plans = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    archive_plans = [p for p in plans if p["table"] in ("jobsarchived", "u")]
    assert archive_plans, plans
    assert archive_plans[0]["partitions"] == f"p{day:%Y%m}"
    with connections["panda"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM information_schema.partitions WHERE table_schema = DATABASE() "
                       "AND table_name = 'jobsarchived'")
        assert cursor.fetchone()[0] > 12  # the archive has many partitions; the query reads one


def test_oracle_sql_carries_the_window_bounds():
    window, day = one_day_window(6)
    query = JobQuery(parse_params(window))
    oracle = offline_connection("oracle")
    start = dt.datetime.combine(day, dt.time())
    for source, qs in query.querysets():
        for variant in (qs.values("computingsite", "jobstatus").annotate(n=Count("*")), qs.order_by("-pandaid")[:100]):
            sql, params = variant.query.get_compiler(connection=oracle).as_sql()
            assert re.search(r'"MODIFICATIONTIME" >= %s AND .*"MODIFICATIONTIME" < %s', sql), (source.name, sql)
            bounds = [p for p in params if isinstance(p, dt.datetime)]
            assert start in bounds and start + dt.timedelta(days=1) in bounds
            # a bare column on the left: no function that would defeat pruning
            assert "TRUNC(" not in sql and 'TO_CHAR("MODIFICATIONTIME"' not in sql


@pytest.fixture
def split_layout(settings):
    """The session's archive copied into MySQL-era period tables (in the archive schema), split layout on."""
    connection = connections["panda"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    periods = periods_between(now - dt.timedelta(days=400), now)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in period_model(periods[0].table)._meta.concrete_fields if f.column)
    with connection.schema_editor() as editor:
        for period in periods:
            editor.create_model(period_model(period.table))
    with connection.cursor() as cursor:
        for period in periods:
            cursor.execute(
                f"INSERT INTO {quote(period_model(period.table)._meta.db_table)} ({columns}) "
                f"SELECT {columns} FROM {quote(Jobsarchived._meta.db_table)} "
                f"WHERE modificationtime >= %s AND modificationtime < %s",
                [connection.ops.adapt_datetimefield_value(period.start),
                 connection.ops.adapt_datetimefield_value(period.end)],
            )
    settings.PANDA_ARCHIVE_LAYOUT = "split"
    forget_split_periods()
    yield periods
    forget_split_periods()
    with connection.schema_editor() as editor:
        for period in periods:
            editor.delete_model(period_model(period.table))


@pytest.mark.django_db(databases=["default", "panda"], transaction=True)
def test_split_layout_reads_only_the_overlapping_period_tables(split_layout, settings):
    window, day = one_day_window(6)
    params = parse_params(window)
    expected_period = [p for p in split_layout if p.start.date() <= day < p.end.date()]
    with CaptureQueriesContext(connections["panda"]) as ctx:
        split_counts = JobQuery(params).counts_by("jobstatus")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    read = {p.table for p in split_layout if p.table in sql}
    assert read == {expected_period[0].table}
    assert "jobsarchived`" not in sql and '"jobsarchived"' not in sql

    settings.PANDA_ARCHIVE_LAYOUT = "partitioned"
    assert JobQuery(parse_params(window)).counts_by("jobstatus") == split_counts
    assert sum(split_counts.values()) > 0


@pytest.mark.django_db(databases=["default", "panda"], transaction=True)
def test_split_layout_window_across_periods_reads_each_once(split_layout, settings):
    params = parse_params({"days": "120"})
    with CaptureQueriesContext(connections["panda"]) as ctx:
        split_counts = JobQuery(params).counts_by("computingsite", "jobstatus")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    read = [p.table for p in split_layout if p.table in sql]
    assert 2 <= len(read) <= 3  # 120 days overlap two or three two-month periods
    settings.PANDA_ARCHIVE_LAYOUT = "partitioned"
    assert JobQuery(params).counts_by("computingsite", "jobstatus") == split_counts


def test_postgresql_prunes_the_archive_to_the_partition_of_the_day():
    if connections["panda"].vendor != "postgresql":
        pytest.skip("concerns PostgreSQL only; the PostgreSQL run of `make test` covers it")
    if introspection.partition_key(Jobsarchived) is None:
        pytest.skip("the archive is a plain table in this layout (postgres-doma): nothing to prune; "
                    "tests/test_doma_layout.py::test_one_day_on_the_plain_archive_uses_the_statechangetime_index "
                    "covers its one-day read")
    window, day = one_day_window(6)
    query = JobQuery(parse_params(window))
    sql, params = archive_queryset(query).query.sql_with_params()
    with connections["panda"].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    scanned = set(re.findall(r'"Relation Name": "(jobsarchived[^"]*)"', str(plan).replace("'", '"')))
    scanned.discard("jobsarchived4")
    # the month's partition only, chosen by the planner: binds typed as the column
    # (timestamp) fold at plan time, so no partition is left for executor-start pruning
    assert scanned == {f"jobsarchived_p{day:%Y%m}"}, scanned
    assert "Subplans Removed" not in str(plan), plan
