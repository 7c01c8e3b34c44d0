"""JobQuery against an independent SQL oracle (tests/sqlcheck.py), on the
generated session data: exact grouped counts, the fast-buffer/archive overlap
counted once, lists sorted, inside the window and matching the filters."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.models import Jobsarchived, Jobsarchived4
from jobs.query import JobQuery
from jobs.query.jobs import SUMMARY_GROUPS
from jobs.query.sorting import decode_after
from jobs.query.tables import forget_fastbuffer_oldest
from pandamon.params import parse_params
from tests import sqlcheck

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

STATES = ["pending", "defined", "assigned", "waiting", "activated", "throttled", "sent", "starting", "running",
          "holding", "merging", "transferring", "finished", "failed", "cancelled", "closed"]


def _in(column, values):
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _not_in(column, values):
    return f"({column} NOT IN ({', '.join(['%s'] * len(values))}) OR {column} IS NULL)", list(values)


def _like(column, prefix):
    escape = "'\\\\'" if connections["panda"].vendor == "mysql" else "'\\'"
    pattern = prefix.replace("_", "\\_") + "%"
    return f"{column} LIKE %s ESCAPE {escape}", [pattern]


# Each condition: (query parameter, value, SQL fragment, SQL params)
state_sets = st.lists(st.sampled_from(STATES), min_size=1, max_size=4, unique=True)
CONDITIONS = st.one_of(
    state_sets.map(lambda v: ("jobstatus", "|".join(v), *_in("jobstatus", v))),
    state_sets.map(lambda v: ("jobstatus", ",".join("!" + s for s in v), *_not_in("jobstatus", v))),
    st.sampled_from(["ANALY_", "BNL", "C", "GRIF-"]).map(
        lambda p: ("computingsite", p + "*", *_like("computingsite", p))),
    st.sampled_from(["atlas", "lsst", "charmm"]).map(lambda v: ("vo", v, *_in("vo", [v]))),
    st.sampled_from(["US", "DE", "CERN", "UK"]).map(lambda v: ("cloud", v, *_in("cloud", [v]))),
    st.just(("cloud", "Not specified", "cloud IS NULL", [])),
    st.lists(st.integers(0, 3), min_size=1, max_size=2, unique=True).map(
        lambda v: ("attemptnr", "|".join(map(str, v)), *_in("attemptnr", v))),
    st.just(("piloterrorcode", "!0", *_not_in("piloterrorcode", [0]))),
    st.just(("jobtype", "analysis", *_in("prodsourcelabel", ["user", "panda"]))),
    st.just(("jobtype", "production", *_in("prodsourcelabel", ["managed"]))),
)
WINDOWS = st.one_of(
    st.sampled_from([1, 3, 12, 30, 60, 100, 240]).map(lambda h: {"hours": str(h)}),
    st.integers(1, 12).map(lambda d: {"days": str(d)}),
    st.tuples(st.integers(0, 240), st.integers(1, 96)).map(
        lambda t: {"earlierthan": str(t[0]), "hours": str(t[1])}),
)
GROUPINGS = st.sampled_from([
    ("jobstatus",), ("computingsite", "jobstatus"), ("vo", "cloud"), ("produsername",), ("attemptnr",),
    ("piloterrorcode", "exeerrorcode"), ("prodsourcelabel", "jobstatus"),
])


def build(conditions, window):
    query = dict(window)
    where, sql_params = [], []
    for name, value, fragment, values in conditions:
        if name in query:  # one condition per parameter
            continue
        query[name] = value
        where.append(fragment)
        sql_params.extend(values)
    params = parse_params(query)
    win_sql, win_params = sqlcheck.window_where(params.window.start, params.window.end)
    return params, " AND ".join([win_sql, *where]), win_params + sql_params


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(st.lists(CONDITIONS, max_size=3), WINDOWS, GROUPINGS)
def test_grouped_counts_equal_direct_sql(conditions, window, grouping):
    params, where, sql_params = build(conditions, window)
    expected = sqlcheck.grouped_counts(list(grouping), where, sql_params)
    got = JobQuery(params).counts_by(*grouping)
    assert dict(got) == expected


@PROPERTY
@given(st.lists(CONDITIONS, max_size=2), WINDOWS,
       st.sampled_from(["time", "create", "statetime", "priority", "duration", "attemptnr", "pandaid"]),
       st.booleans())
def test_lists_are_sorted_in_window_and_match_filters(conditions, window, key, descending):
    params, where, sql_params = build(conditions, window)
    params.sort = type(params.sort)(key, descending)
    page = JobQuery(params).page(limit=40, columns=["pandaid", "modificationtime"])
    selected = sqlcheck.total(where, sql_params)
    assert len(page.rows) == min(40, selected)
    assert page.truncated == (selected > 40)
    keys = [(r["_sortkey"], r["pandaid"]) for r in page.rows]
    assert keys == sorted(keys, reverse=descending)
    assert len({r["pandaid"] for r in page.rows}) == len(page.rows)
    for row in page.rows:
        assert params.window.start <= row["modificationtime"] < params.window.end
    if page.rows:
        ids = [r["pandaid"] for r in page.rows]
        id_where = f"{where} AND pandaid IN ({', '.join(['%s'] * len(ids))})"
        assert sqlcheck.total(id_where, sql_params + ids) == len(ids)


def overlap_pandaid() -> int:
    a4 = connections["panda"].ops.quote_name(Jobsarchived4._meta.db_table)
    arch = connections["panda"].ops.quote_name(Jobsarchived._meta.db_table)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT a.pandaid FROM {a4} a JOIN {arch} b ON a.pandaid = b.pandaid")
        row = cursor.fetchone()
    assert row, "the generated data must have jobs in both jobsarchived4 and the archive"
    return row[0]


def test_job_in_fast_buffer_and_archive_counts_once():
    pandaid = overlap_pandaid()
    query = JobQuery(parse_params({"pandaid": str(pandaid), "days": "12"}))
    assert {s.name for s in query.sources} >= {"jobsarchived4", "jobsarchived"}
    assert query.count() == 1
    assert sum(query.counts_by("jobstatus").values()) == 1
    rows = query.page(limit=10).rows
    assert [(r["pandaid"], r["table"]) for r in rows] == [(pandaid, "jobsarchived4")]


def test_whole_selection_keyset_pages_cover_every_job_once():
    params = parse_params({"days": "12"})
    where, sql_params = sqlcheck.window_where(params.window.start, params.window.end)
    expected = sqlcheck.total(where, sql_params)
    query = JobQuery(params)
    seen, after, pages = [], None, 0
    while True:
        page = query.page(limit=500, after=after, columns=["pandaid"])
        seen.extend(r["pandaid"] for r in page.rows)
        pages += 1
        if not page.truncated:
            break
        after = decode_after(page.next_after)
    assert len(seen) == len(set(seen)) == expected
    assert pages == -(-expected // 500)
    assert [r["pandaid"] for r in query.iterate(columns=["pandaid"], chunk=700)] == seen


def test_archive_read_only_when_window_reaches_past_the_fast_buffer():
    names = lambda q: [s.name for s in JobQuery(parse_params(q)).sources]  # noqa: E731
    assert "jobsarchived" not in names({"hours": "12"})
    assert "jobsarchived" in names({"days": "5"})
    assert "jobsarchived4" not in names({"earlierthandays": "9", "days": "1"})
    # a lookup by id reads everything, unbounded
    assert names({"pandaid": "1"})[-2:] == ["jobsarchived4", "jobsarchived"]
    # a state filter narrows the tables
    assert names({"jobstatus": "running", "days": "5"}) == ["jobsactive4"]
    assert names({"jobstatus": "defined|finished", "hours": "2"}) == ["jobsdefined4", "jobsarchived4"]


def test_attribute_summary_matches_grouped_counts():
    params = parse_params({"days": "4"})
    query = JobQuery(params)
    summary = {item["field"]: {e["kname"]: e["kvalue"] for e in item["list"]} for item in query.attribute_summary()}
    where, sql_params = sqlcheck.window_where(params.window.start, params.window.end)
    for column in ("jobstatus", "computingsite", "attemptnr", "produsername", "jeditaskid", "modificationhost",
                   "cloud", "transformation"):
        expected = {("Not specified" if k is None else str(k)): n
                    for k, n in sqlcheck.grouped_counts([column], where, sql_params).items()}
        assert summary[column] == expected


def test_error_counts_match_sql_per_component():
    params = parse_params({"days": "12", "jobstatus": "failed"})
    errors = JobQuery(params).error_counts()
    assert {e["component"] for e in errors} >= {"pilot", "executor", "jobdispatcher"}
    where, sql_params = sqlcheck.window_where(params.window.start, params.window.end)
    where += " AND jobstatus = %s AND piloterrorcode <> 0"
    expected = sqlcheck.grouped_counts(["piloterrorcode"], where, sql_params + ["failed"])
    got = {e["codeval"]: e["count"] for e in errors if e["component"] == "pilot"}
    assert got == expected


def queries_for(run, query) -> int:
    with CaptureQueriesContext(connections["panda"]) as ctx:
        run(query)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows():
    """The same number of statements for one hour as for 12 days of jobs."""
    small = {"hours": "1", "earlierthan": "80"}  # one hour, 3 days back: still every table
    large = {"days": "12"}
    runs = {
        "counts": (lambda q: q.counts_by("computingsite", "jobstatus"), 1),
        "summary": (lambda q: q.attribute_summary(), len(SUMMARY_GROUPS)),
        "errors": (lambda q: q.error_counts(), 1),
        "list": (lambda q: q.page(limit=100), 1),
    }
    for run, per_table in runs.values():
        counts = []
        for query in (small, large):
            forget_fastbuffer_oldest()  # cached for a minute: ask it anew in each run
            job_query = JobQuery(parse_params(query))
            assert len(job_query.sources) == 5
            counts.append(queries_for(run, job_query))
        # statements per table x 5 tables + the fast buffer's oldest row, for the archive's de-duplication
        assert counts == [5 * per_table + 1] * 2


def test_fast_buffer_oldest_row_is_asked_once_a_minute():
    forget_fastbuffer_oldest()
    first = queries_for(lambda q: q.count(), JobQuery(parse_params({"days": "12"})))
    second = queries_for(lambda q: q.count(), JobQuery(parse_params({"days": "12"})))
    assert first == second + 1


def test_window_bounds_reach_the_archive_sql():
    params = parse_params({"days": "7"})
    query = JobQuery(params)
    archive = [s for s in query.sources if s.archive]
    assert archive
    sql = str(query.queryset(archive[0]).query)
    assert "modificationtime" in sql and ">=" in sql and "<" in sql


def test_recent_window_is_busy():
    """The demo's promise: the default 12-hour window has jobs to show."""
    assert JobQuery(parse_params({})).count() > 200


