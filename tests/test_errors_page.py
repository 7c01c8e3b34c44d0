"""The error summary (`/errors/`) on the generated session data: failed and
holding jobs by default, error counts equal to plain SQL, codes explained from
the catalogue, breakdowns by site, user and task, links into /jobs/ that carry
the selection and the window, 400s and a bounded query count."""

from __future__ import annotations

import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.errorcodes import describe
from jobs.models import JOB_MODELS
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
DEFAULT_STATES = ("failed", "holding")


@pytest.fixture
def window(generated_at):
    """Ten days up to just after generation, explicit bounds: every table, archive included."""
    return explicit_window(generated_at, days=10)


def failed_or_holding(start, end) -> tuple[str, list]:
    where, params = sqlcheck.window_where(start, end)
    return where + " AND jobstatus IN (%s, %s)", params + list(DEFAULT_STATES)


def distinct_jobs(start, end, condition: str, args: list) -> int:
    """Written out in full on purpose: failed/holding jobs matching a condition,
    each pandaid once over the five job tables."""
    q = connections["panda"].ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT pandaid FROM {q(m._meta.db_table)} WHERE modificationtime >= %s AND modificationtime < %s "
        f"AND jobstatus IN (%s, %s) AND {condition}"
        for m in JOB_MODELS
    )
    one = [sqlcheck.dbtime(start), sqlcheck.dbtime(end), *DEFAULT_STATES, *args]
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT pandaid) FROM ({union}) u", one * len(JOB_MODELS))
        return cursor.fetchone()[0]


def test_json_follows_the_contract(client, window):
    query, _ = window
    response, body = get_json(client, "/errors/", query)
    assert response.status_code == 200
    assert set(body) == {"jobSummary", "errsByCount", "errsBySite", "errsByUser", "errsByTask", "window"}
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}
    assert body["errsByCount"]
    for e in body["errsByCount"]:
        assert set(e) == {"error", "component", "codeval", "codename", "diag", "desc", "count", "example_pandaid"}
        assert e["error"] == f"{e['component']}:{e['codeval']}"
        assert (e["codename"], e["desc"]) == describe(e["component"], e["codeval"])
        assert isinstance(e["count"], int) and isinstance(e["example_pandaid"], int)
    counts = [e["count"] for e in body["errsByCount"]]
    assert counts == sorted(counts, reverse=True)
    for key in ("errsBySite", "errsByUser", "errsByTask"):
        assert body[key]
        for entry in body[key]:
            assert set(entry) == {"name", "count", "errors"} and isinstance(entry["name"], str)
            assert all(re.fullmatch(r"[a-z]+:\d+", k) and isinstance(n, int) for k, n in entry["errors"].items())
        assert [e["count"] for e in body[key]] == sorted((e["count"] for e in body[key]), reverse=True)


def test_default_selection_is_failed_and_holding_jobs(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", query)
    where, params = sqlcheck.window_where(start, end)
    states = sqlcheck.grouped_counts(["jobstatus"], where, params)
    assert body["jobSummary"] == [{"name": s, "count": states[s]} for s in ("holding", "failed") if s in states]
    total = sum(s["count"] for s in body["jobSummary"])
    for key in ("errsBySite", "errsByUser", "errsByTask"):
        assert sum(e["count"] for e in body[key]) == total
    # the default can be replaced
    _, finished = get_json(client, "/errors/", {**query, "jobstatus": "finished"})
    assert [s["name"] for s in finished["jobSummary"]] == ["finished"]


def test_error_counts_equal_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", query)
    for e in body["errsByCount"][:8]:
        column = {"pilot": "piloterrorcode", "executor": "exeerrorcode", "dataservice": "ddmerrorcode",
                  "jobdispatcher": "jobdispatchererrorcode", "supervisor": "superrorcode",
                  "brokerage": "brokerageerrorcode", "taskbuffer": "taskbuffererrorcode"}[e["component"]]
        condition = f"{column} = %s" + (" AND superrorcode = 0" if e["component"] == "taskbuffer" else "")
        assert e["count"] == distinct_jobs(start, end, condition, [e["codeval"]]), e["error"]


def test_breakdowns_equal_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", query)
    where, params = failed_or_holding(start, end)
    per_site = sqlcheck.grouped_counts(["computingsite"], where, params)
    assert {e["name"]: e["count"] for e in body["errsBySite"]} == {str(k): n for k, n in per_site.items()}
    per_task = sqlcheck.grouped_counts(["jeditaskid"], where, params)
    assert {e["name"]: e["count"] for e in body["errsByTask"]} == {str(k): n for k, n in per_task.items()}
    pilot_site = next((s, k, v) for s in body["errsBySite"] for k, v in s["errors"].items() if k.startswith("pilot:"))
    assert pilot_site[2] == distinct_jobs(start, end, "computingsite = %s AND piloterrorcode = %s",
                                          [pilot_site[0]["name"], int(pilot_site[1].split(":")[1])])


def test_html_shows_counts_with_links_carrying_selection_and_window(client, window):
    query, _ = window
    response = client.get("/errors/", {**query, "vo": "atlas"})
    assert response.status_code == 200
    html = response.content.decode()
    _, body = get_json(client, "/errors/", {**query, "vo": "atlas"})
    links = [(query_of(h), int(n.replace(",", ""))) for h, n in
             re.findall(r'<a href="(/jobs/\?[^"]+)"><b>([\d,]+)</b></a>', html)]
    assert len(links) > 20
    for params, _ in links:
        assert params["jobstatus"] == "failed|holding" and params["vo"] == "atlas"
        assert params["date_from"] == query["date_from"] and params["date_to"] == query["date_to"]
    top = body["errsByCount"][0]
    code_links = [(p, n) for p, n in links if any(k.endswith("errorcode") for k in p) and "computingsite" not in p]
    assert code_links[0][1] == top["count"]
    for e in body["errsByCount"][:3]:
        assert f'href="/job/{e["example_pandaid"]}/"' in html and e["codename"] in html


def test_an_error_link_opens_a_list_of_that_many_jobs(client, window):
    query, _ = window
    html = client.get("/errors/", query).content.decode()
    href, shown = next((h, int(n.replace(",", ""))) for h, n in
                       re.findall(r'<a href="(/jobs/\?[^"]+)"><b>([\d,]+)</b></a>', html) if "errorcode" in h)
    _, jobs = get_json(client, "/jobs/", {**query_of(href), "outputs": "selectionsummary"})
    states = next(a for a in jobs["selectionsummary"] if a["field"] == "jobstatus")
    assert sum(v["kvalue"] for v in states["list"]) == shown


def test_default_filter_is_lifted_with_a_star(client, window):
    query, _ = window
    html = client.get("/errors/", query).content.decode()
    remove = re.search(r'jobstatus=<b>failed\|holding</b> <a href="([^"]+)"', html).group(1)
    assert query_of(remove)["jobstatus"] == "*"
    _, everything = get_json(client, "/errors/", query_of(remove))
    assert {s["name"] for s in everything["jobSummary"]} > set(DEFAULT_STATES)


@pytest.mark.parametrize("query", [{"jobstatus": ""}, {"site": "X"}, {"days": "-1"}, {"piloterrorcode": "abc"}])
def test_bad_parameters_are_400_in_json_and_html(client, query):
    assert_bad_request(client, "/errors/", query)


def test_query_count_is_bounded(client):
    """Per table that can hold failed or holding jobs (active4, archived4, the
    archive): jobs by state, error counts, one breakdown GROUP BY (site, user,
    task and the code columns together); plus the fast buffer's oldest row."""
    counts = []
    for window in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        for fmt in ({}, {"json": ""}):
            with CaptureQueriesContext(connections["panda"]) as ctx:
                assert client.get("/errors/", {**window, **fmt}).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1 and counts[0] <= 3 * 3 + 1, counts
