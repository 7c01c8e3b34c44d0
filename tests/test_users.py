"""/users/ and /user/<name>/: activity equal to plain SQL over every job table,
names with spaces and non-ASCII letters end to end, the contract's JSON, 400s
and 404s, bounded queries."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.query import JobQuery
from jobs.query.errors import errs_by_count
from pandamon.params import parse_params
from tests import sqlcheck
from tests.pages import FMT, assert_bad_request, explicit_window, get_json, query_of
from users.activity import user_path

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
SPACED = "Jane Doe"
NON_ASCII = "Jérôme Müller"


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=10, hours=1)


def sql(columns, start, end, extra_where="", extra_params=()):
    where, params = sqlcheck.window_where(start, end)
    return sqlcheck.grouped_counts(columns, where + extra_where, params + list(extra_params))


def sql_latest(start, end) -> dict:
    where, params = sqlcheck.window_where(start, end)
    union = " UNION ALL ".join(f"SELECT produsername, modificationtime FROM {sqlcheck._q(t)} WHERE {where}"
                          for t in sqlcheck.TABLES)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT produsername, MAX(modificationtime) FROM ({union}) u GROUP BY produsername",
                       params * len(sqlcheck.TABLES))
        return {user: latest for user, latest in cursor.fetchall()}


def iso(value) -> str:
    if isinstance(value, str):  # SQLite returns text
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None, microsecond=0).isoformat()


# --- /users/ ----------------------------------------------------------------------------


def test_users_json_equals_sql(client, window):
    query, (start, end) = window
    response, users = get_json(client, "/users/", query)
    assert response.status_code == 200
    states, sites, latest = sql(["produsername", "jobstatus"], start, end), \
        sql(["produsername", "computingsite"], start, end), sql_latest(start, end)
    assert {u["produsername"] for u in users} == {user for user, _ in states}
    for row in users:
        # BigPanDA's {name, latest, dict} and ours beside it (our last activity as lastmodificationtime)
        assert set(row) == {"name", "latest", "dict", "produsername", "njobs", "states", "nsites",
                            "lastmodificationtime"}
        name = row["produsername"]
        want = {state: n for (user, state), n in states.items() if user == name}
        assert row["states"] == want
        assert row["njobs"] == sum(want.values())
        assert row["nsites"] == len({site for user, site in sites if user == name})
        assert row["lastmodificationtime"] == iso(latest[name])
    assert [u["njobs"] for u in users] == sorted((u["njobs"] for u in users), reverse=True)
    assert {SPACED, NON_ASCII} <= {u["produsername"] for u in users}


def sql_user_totals(start, end) -> dict:
    """{produsername: (summed cpuconsumptiontime, highest pandaid)}, each job counted once."""
    where, params = sqlcheck.window_where(start, end)
    union = " UNION ALL ".join(f"SELECT pandaid, produsername, cpuconsumptiontime FROM {sqlcheck._q(t)} "
                              f"WHERE {where}" for t in sqlcheck.TABLES)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT produsername, SUM(c), MAX(pandaid) FROM (SELECT DISTINCT pandaid, produsername, "
                       f"cpuconsumptiontime AS c FROM ({union}) u) d GROUP BY produsername",
                       params * len(sqlcheck.TABLES))
        return {user: (float(cpu or 0), top) for user, cpu, top in cursor.fetchall()}


def test_users_json_has_bigpandas_keys_equal_to_sql(client, window):
    """BigPanDA's userList row: name lower-cased, latest = highest pandaid, dict with n<state>
    counts, nqueued, sites/clouds, cputime (whole seconds, a string), latest as YYYY-MM-DD HH:MM:SS."""
    query, (start, end) = window
    _, users = get_json(client, "/users/", query)
    by_state = sql(["produsername", "jobstatus"], start, end)
    by_site = sql(["produsername", "computingsite"], start, end)
    by_cloud = sql(["produsername", "cloud"], start, end)
    totals, latest = sql_user_totals(start, end), sql_latest(start, end)
    for row in users:
        name, d = row["produsername"], row["dict"]
        assert row["name"] == (name.lower() if name is not None else "Unknown") and d["name"] == name
        assert row["latest"] == d["pandaid"] == totals[name][1]
        want = {state: n for (user, state), n in by_state.items() if user == name}
        assert d["njobs"] == sum(want.values())
        for state in ("pending", "defined", "waiting", "assigned", "activated", "running", "finished", "failed",
                      "cancelled", "closed"):
            assert d[f"n{state}"] == want.get(state, 0) and d[state] == 0
        assert d["nqueued"] == sum(want.get(s, 0) for s in ("defined", "waiting", "assigned", "activated"))
        assert d["sites"] == {str(site): n for (user, site), n in by_site.items() if user == name}
        assert d["nsites"] == len(d["sites"])
        assert d["clouds"] == {str(cloud): n for (user, cloud), n in by_cloud.items() if user == name}
        assert d["nclouds"] == len(d["clouds"])
        assert d["cputime"] == str(int(totals[name][0]))
        assert d["latest"] == iso(latest[name]).replace("T", " ")


def test_users_filters_narrow_the_activity(client, window):
    query, (start, end) = window
    users = client.get("/users/", {**query, "vo": "lsst", "json": ""}).json()
    states = sql(["produsername", "jobstatus"], start, end, " AND vo = %s", ["lsst"])
    assert users and {u["produsername"]: u["njobs"] for u in users} == {
        user: sum(n for (u, _), n in states.items() if u == user) for user, _ in states}


def test_users_limit_caps_the_json(client, window):
    query, _ = window
    assert len(client.get("/users/", {**query, "limit": "3", "json": ""}).json()) == 3


@pytest.mark.parametrize("name", [SPACED, NON_ASCII])
def test_link_from_users_opens_the_users_page(client, window, name):
    """End to end: the name's link on /users/ resolves and shows that user's count."""
    query, (start, end) = window
    html = client.get("/users/", query).content.decode()
    hrefs = [unescape(h) for h in re.findall(r'href="(/user/[^"]+)"', html)]
    href = next(h for h in hrefs if unquote(urlsplit(h).path) == f"/user/{name}/")
    assert urlsplit(href).path == user_path(name)  # percent-encoded, no raw space or non-ASCII
    link_query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert link_query == query

    expected = sum(n for (user, _), n in sql(["produsername", "jobstatus"], start, end).items() if user == name)
    page = client.get(href)
    assert page.status_code == 200
    assert f">{expected} jobs</a>" in page.content.decode()
    body = client.get(href + "&json").json()
    assert body["user"]["produsername"] == name and body["user"]["njobs"] == expected


def test_users_html_counts_link_to_the_job_list(client, window):
    query, (start, end) = window
    html = client.get("/users/", query).content.decode()
    states = sql(["produsername", "jobstatus"], start, end)
    links = re.findall(r'href="(/jobs/\?[^"]+)"[^>]*>(\d+)<', html)
    assert len(links) > 20
    for href, n in links:
        params = query_of(href)
        assert params["date_from"] == query["date_from"] and params["date_to"] == query["date_to"]
        user = params["produsername"]
        if "jobstatus" in params:
            assert int(n) == states[(user, params["jobstatus"])]
        else:
            assert int(n) == sum(v for (u, _), v in states.items() if u == user)


# --- /user/<name>/ ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [SPACED, NON_ASCII])
def test_user_json_follows_the_contract_and_sql(client, window, name):
    query, (start, end) = window
    response, body = get_json(client, user_path(name), query)
    assert response.status_code == 200
    assert {"user", "states", "jobs", "tasks", "errsByCount", "window"} <= set(body)
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}

    by_state = {s: n for (u, s), n in sql(["produsername", "jobstatus"], start, end).items() if u == name}
    assert body["states"] == by_state and body["user"]["njobs"] == sum(by_state.values())
    by_task = {(t, s): n for (u, t, s), n in sql(["produsername", "jeditaskid", "jobstatus"], start, end).items()
               if u == name}
    assert {(t["jeditaskid"], s): n for t in body["tasks"] for s, n in t["states"].items()} == by_task
    assert all(t["njobs"] == sum(t["states"].values()) for t in body["tasks"])
    assert any(t["taskname"] for t in body["tasks"]), "names come from jedi_tasks"

    job_query = JobQuery(parse_params({**query, "produsername": name}))
    assert body["errsByCount"] == errs_by_count(job_query)
    assert body["jobs"] and all(j["produsername"] == name for j in body["jobs"])
    assert all(not key.startswith("_") for j in body["jobs"] for key in j)
    assert len(body["jobs"]) == min(1000, body["user"]["njobs"])

    timeline = body["timeline"]
    assert timeline["bucket"] == "day"  # ten days: daily buckets
    assert sum(sum(v) for v in timeline["states"].values()) == body["user"]["njobs"]
    assert all(len(v) == len(timeline["times"]) for v in timeline["states"].values())


def test_short_window_plots_per_hour(client, generated_at):
    start, end = generated_at - dt.timedelta(hours=24), generated_at + dt.timedelta(minutes=1)
    body = client.get(user_path("atlas-production"),
                      {"date_from": start.strftime(FMT), "date_to": end.strftime(FMT), "json": ""}).json()
    timeline = body["timeline"]
    assert timeline["bucket"] == "hour" and len(timeline["times"]) > 12
    assert all(t.endswith(":00:00") for t in timeline["times"])
    assert sum(sum(v) for v in timeline["states"].values()) == body["user"]["njobs"] > 0


def test_user_html_shows_counts_tasks_and_chart_panel(client, window):
    query, (start, end) = window
    html = client.get(user_path(NON_ASCII), query).content.decode()
    assert "<h1>Jérôme Müller</h1>" in html
    assert 'data-panel="user-timeline"' in html and "plotly.min.js" in html
    by_state = {s: n for (u, s), n in sql(["produsername", "jobstatus"], start, end).items() if u == NON_ASCII}
    for href, n in re.findall(r'href="(/jobs/\?[^"]*jobstatus=[^"]+)"[^>]*>(\d+)<', html):
        params = query_of(href)
        assert params["produsername"] == NON_ASCII and int(n) == by_state[params["jobstatus"]]
    assert re.search(r'href="/task/\d+/"', html)


def test_lookup_by_task_without_window(client, window):
    """?jeditaskid=N alone has no window (web contract): every table, plotted per day."""
    query, _ = window
    task = client.get(user_path(SPACED), {**query, "json": ""}).json()["tasks"][0]
    body = client.get(user_path(SPACED), {"jeditaskid": str(task["jeditaskid"]), "json": ""}).json()
    assert body["window"] is None and body["timeline"]["bucket"] == "day"
    # every table, no window: at least the jobs the ten-day window saw, in each state
    assert all(body["states"].get(state, 0) >= n for state, n in task["states"].items())


def test_unknown_user_is_404_in_json_and_html(client):
    response = client.get(user_path("No Such Person"), {"json": ""})
    assert response.status_code == 404 and "No Such Person" in response.json()["error"]
    html = client.get(user_path("No Such Person"))
    assert html.status_code == 404 and b"No Such Person" in html.content


def test_known_user_with_a_quiet_window_is_a_page_not_a_404(client, generated_at):
    """Active in the live tables, no job in an old one-hour window: zeros, not 'unknown'."""
    response = client.get(user_path(SPACED), {"hours": "1", "earlierthandays": "30", "json": ""})
    assert response.status_code == 200
    assert response.json()["user"]["njobs"] == 0 and response.json()["states"] == {}


@pytest.mark.parametrize("path", ["/users/", user_path(SPACED)])
@pytest.mark.parametrize("query", [{"days": "0"}, {"nosuch": "x"}, {"produsername": ""}, {"limit": "many"}])
def test_bad_parameters_are_400(client, path, query):
    assert_bad_request(client, path, query)


@pytest.mark.parametrize("path, bound", [
    # two grouped queries per table (counts by user, site and state; latest per user) + the oldest row
    ("/users/", 2 * 5 + 1),
    # by site, timeline, tasks, errors, recent jobs, latest: six per table; jedi_tasks; the tasks' progress
    # (one grouped query over jedi_datasets); the oldest row
    (user_path(SPACED), 6 * 5 + 1 + 1 + 1),
])
def test_query_count_does_not_grow_with_rows(client, path, bound):
    counts = []
    for query in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        with CaptureQueriesContext(connections["panda"]) as ctx:
            assert client.get(path, query).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert max(counts) <= bound
