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
from jobs.models import ERROR_COMPONENTS, JOB_MODELS
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
DEFAULT_STATES = ("failed", "holding")
CODE_COLUMNS = {component: column for component, column, _ in ERROR_COMPONENTS}
ANY_ERROR = "(" + " OR ".join(f"{column} <> 0" for column in CODE_COLUMNS.values()) + ")"
ITEM_KEYS = {"error", "codename", "codeval", "diag", "desc", "cat", "example_pandaid", "count",  # BigPanDA's
             "component", "title"}  # pandamon's


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
    assert set(body) == {"jobSummary", "errsByCount", "errsBySite", "errsByUser", "errsByTask", "jobstates",
                         "errsByTime", "errsByMessage", "errsByCategory", "window"}
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}
    assert body["errsByCount"]
    for e in body["errsByCount"]:
        assert_bigpanda_item(e)
    counts = [e["count"] for e in body["errsByCount"]]
    assert counts == sorted(counts, reverse=True)
    for key, name_type in (("errsBySite", str), ("errsByUser", str), ("errsByTask", int)):
        assert body[key]
        for entry in body[key]:
            assert set(entry) == {"name", "errors", "toterrors", "toterrjobs", "errorlist", "count"}
            assert isinstance(entry["name"], name_type)
            assert entry["errorlist"] and list(entry["errors"].values()) == entry["errorlist"]
            for error, item in entry["errors"].items():
                assert re.fullmatch(r"[a-z]+:\d+", error) and item["error"] == error
                assert_bigpanda_item(item)
            assert entry["toterrors"] == sum(e["count"] for e in entry["errorlist"])
            assert entry["toterrjobs"] <= entry["count"]
            assert [e["count"] for e in entry["errorlist"]] == sorted((e["count"] for e in entry["errorlist"]),
                                                                      reverse=True)
        totals = [e["toterrors"] for e in body[key]]
        assert totals == sorted(totals, reverse=True)


def assert_bigpanda_item(e: dict) -> None:
    """An errsByCount item as BigPanDA's: codename is the job column of the code."""
    assert set(e) == ITEM_KEYS
    assert e["error"] == f"{e['component']}:{e['codeval']}"
    assert e["codename"] == CODE_COLUMNS[e["component"]]
    assert (e["title"], e["desc"]) == describe(e["component"], e["codeval"])
    assert e["cat"] == {"name": "Uncategorized", "id": 0}
    assert isinstance(e["codeval"], int) and isinstance(e["diag"], str)
    assert isinstance(e["count"], int) and isinstance(e["example_pandaid"], int)


def test_job_summary_is_bigpandas_attribute_summary(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", query)
    fields = [f["field"] for f in body["jobSummary"]]
    assert fields == sorted(fields) and "jobstatus" in fields and "jeditaskid" not in fields
    summary = {f["field"]: f["list"] for f in body["jobSummary"]}
    where, params = failed_or_holding(start, end)
    for column in ("computingsite", "produsername", "jobstatus"):
        expected = {k: n for k, n in sqlcheck.grouped_counts([column], where, params).items() if k is not None}
        assert {v["kname"]: v["kvalue"] for v in summary[column]} == expected, column
        assert [v["kvalue"] for v in summary[column]] == sorted((v["kvalue"] for v in summary[column]),
                                                                reverse=True)
    es = sqlcheck.grouped_counts(["eventservice"], where, params)
    ordinary = sum(n for k, n in es.items() if k not in (1, 2, 3, 4, 5, 6))
    assert {v["kname"]: v["kvalue"] for v in summary["eventservice"]}.get("ordinary", 0) == ordinary
    _, alpha = get_json(client, "/errors/", {**query, "sortby": "alpha"})
    sites = [v["kname"] for f in alpha["jobSummary"] if f["field"] == "computingsite" for v in f["list"]]
    assert sites == sorted(sites)


def test_default_selection_is_failed_and_holding_jobs(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", query)
    where, params = sqlcheck.window_where(start, end)
    states = sqlcheck.grouped_counts(["jobstatus"], where, params)
    assert body["jobstates"] == [{"name": s, "count": states[s]} for s in ("holding", "failed") if s in states]
    total = sum(s["count"] for s in body["jobstates"])
    for key in ("errsBySite", "errsByUser", "errsByTask"):
        assert 0 < sum(e["count"] for e in body[key]) <= total
    # the default can be replaced
    _, finished = get_json(client, "/errors/", {**query, "jobstatus": "finished"})
    assert [s["name"] for s in finished["jobstates"]] == ["finished"]


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
    for key, column in (("errsBySite", "computingsite"), ("errsByTask", "jeditaskid")):
        # The values with an error (NULL left out, as BigPanDA), each with all its jobs in `count`.
        with_errors = {k for k in sqlcheck.grouped_counts([column], f"{where} AND {ANY_ERROR}", params) if k}
        per_value = sqlcheck.grouped_counts([column], where, params)
        assert {e["name"]: e["count"] for e in body[key]} == {k: per_value[k] for k in with_errors}, key
        failed = sqlcheck.grouped_counts([column], f"{where} AND jobstatus = 'failed' AND {ANY_ERROR}", params)
        assert {e["name"]: e["toterrjobs"] for e in body[key]} == {k: failed.get(k, 0) for k in with_errors}, key
    pilot_site = next((s, k, v) for s in body["errsBySite"] for k, v in s["errors"].items() if k.startswith("pilot:"))
    assert pilot_site[2]["count"] == distinct_jobs(start, end, "computingsite = %s AND piloterrorcode = %s",
                                                   [pilot_site[0]["name"], int(pilot_site[1].split(":")[1])])
    example = pilot_site[2]["example_pandaid"]
    assert distinct_jobs(start, end, "pandaid = %s AND computingsite = %s AND piloterrorcode = %s",
                         [example, pilot_site[0]["name"], pilot_site[2]["codeval"]]) == 1


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
        assert f'href="/job/{e["example_pandaid"]}/"' in html and e["title"] in html


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
    assert {s["name"] for s in everything["jobstates"]} > set(DEFAULT_STATES)


@pytest.mark.parametrize("query", [{"jobstatus": ""}, {"site": "X"}, {"days": "-1"}, {"piloterrorcode": "abc"}])
def test_bad_parameters_are_400_in_json_and_html(client, query):
    assert_bad_request(client, "/errors/", query)


def test_query_count_is_bounded(client):
    """Per table that can hold failed or holding jobs (active4, archived4, the
    archive): the attribute summary's two GROUP BYs (the states among them),
    error counts, one breakdown GROUP BY (site, user, task, state and the code
    columns together), the messages' GROUP BY (codes and diags), the categories'
    filtered counts (one aggregate); the JSON adds the
    histogram's GROUP BY (hour and codes), drawn from it after the HTML loads;
    plus the fast buffer's oldest row."""
    counts: dict = {"html": [], "json": []}
    for window in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        for name, fmt in (("html", {}), ("json", {"json": ""})):
            with CaptureQueriesContext(connections["panda"]) as ctx:
                assert client.get("/errors/", {**window, **fmt}).status_code == 200
            counts[name].append(len(ctx.captured_queries))
    assert all(len(set(c)) == 1 for c in counts.values()), counts
    assert counts["html"][0] <= 6 * 3 + 1 and counts["json"][0] <= 7 * 3 + 1, counts
    assert counts["json"][0] - counts["html"][0] <= 3, counts
