"""The error summary's time and message views (`errsByTime`, `errsByMessage` of
/errors/): failures per hour and error equal to plain SQL over every job table, the
diagnostics grouped by normal form equal to a plain-SQL grouping normalised by the
tested function, and the lost-heartbeat messages (a time in each) as one row."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from failures.messages import normalise
from jobs.models import ERROR_COMPONENTS
from tests import sqlcheck
from tests.pages import FMT, explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
STATES = ("failed", "holding")


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=3)


def where_of(start, end, extra="", args=()):
    where, params = sqlcheck.window_where(start, end)
    return where + " AND jobstatus IN (%s, %s)" + extra, params + list(STATES) + list(args)


def error_condition(component: str, code: int) -> tuple[str, list]:
    column = {c: col for c, col, _ in ERROR_COMPONENTS}[component]
    if component == "taskbuffer":  # a taskbuffer code beside a supervisor code is its echo
        return f" AND {column} = %s AND (superrorcode IS NULL OR superrorcode = 0)", [code]
    return f" AND {column} = %s", [code]


def test_errors_per_hour_equal_plain_sql(client, window):
    query, (start, end) = window
    response, body = get_json(client, "/errors/", {**query, "outputs": "errsByTime"})
    assert response.status_code == 200
    plot = body["errsByTime"]
    assert plot["binseconds"] == 3600 and len(plot["bins"]) >= 72
    named = [s for s in plot["series"] if s["name"] not in ("other", "none")]
    assert len(named) >= 5
    for series in named[:6]:
        component, _, code = series["name"].partition(":")
        extra, args = error_condition(component, int(code))
        assert series["total"] == sqlcheck.total(*where_of(start, end, extra, args)), series["name"]
        busiest = sorted(range(len(plot["bins"])), key=lambda i: -series["counts"][i])[:3]
        for i in busiest:
            b0 = dt.datetime.strptime(plot["bins"][i], FMT).replace(tzinfo=dt.UTC)
            lo, hi = max(b0, start), min(b0 + dt.timedelta(hours=1), end)
            assert series["counts"][i] == sqlcheck.total(*where_of(lo, hi, extra, args)), (series["name"], b0)
        target = query_of(series["link"])
        assert target["jobstatus"] == "failed|holding" and "date_from" not in target
    # every failed or holding job is in some series (a job of two errors in both)
    assert sum(s["total"] for s in plot["series"]) >= sqlcheck.total(*where_of(start, end))


def test_messages_equal_a_plain_sql_grouping_normalised(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", {**query, "outputs": "errsByMessage,errsByCount"})
    expected: Counter = Counter()
    for component, code_column, diag_column in ERROR_COMPONENTS:
        extra = f" AND {code_column} <> 0"
        if component == "taskbuffer":
            extra += " AND (superrorcode IS NULL OR superrorcode = 0)"
        grouped = sqlcheck.grouped_counts([code_column, diag_column], *where_of(start, end, extra))
        for (code, diag), n in grouped.items():
            expected[(f"{component}:{code}", normalise(diag))] += n
    got = {(m["error"], m["message"]): m["count"] for m in body["errsByMessage"]}
    assert got == dict(expected) and len(got) >= 10
    # an error's messages add up to its count
    per_error: Counter = Counter()
    for m in body["errsByMessage"]:
        per_error[m["error"]] += m["count"]
    assert per_error == Counter({e["error"]: e["count"] for e in body["errsByCount"]})


def test_lost_heartbeats_of_every_hour_are_one_problem(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", {**query, "outputs": "errsByMessage"})
    heartbeats = [m for m in body["errsByMessage"] if m["message"].startswith("lost heartbeat")]
    assert len(heartbeats) == 1
    (row,) = heartbeats
    assert row["message"] == "lost heartbeat : <time>" and row["variants"] > 1
    extra, args = error_condition("jobdispatcher", 100)
    assert row["count"] == sqlcheck.total(*where_of(start, end, extra + " AND jobdispatchererrordiag LIKE %s",
                                                    [*args, "lost heartbeat%"]))
