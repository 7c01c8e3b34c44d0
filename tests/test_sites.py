"""/sites/ and /site/<name>/ on the generated session data: queue rows from the
queue configuration (schedconfig_json or schedconfig), job counts equal to plain
SQL over every job table, links that carry the filters and the window, the
contract's JSON, 400s and 404s, bounded queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.query import JobQuery
from jobs.query.errors import errs_by_count
from pandamon.params import parse_params
from sites.queries import QUEUE_KEYS
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, query_of
from tests.queues import expected_queues

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def window(generated_at):
    """Three days up to just after generation: fast buffer and live tables, explicit bounds."""
    return explicit_window(generated_at, days=3)


def site_counts(start, end, extra_where="", extra_params=()):
    where, params = sqlcheck.window_where(start, end)
    return sqlcheck.grouped_counts(["computingsite", "jobstatus"], where + extra_where, params + list(extra_params))


def count_links(html: str, path: str = "/jobs/") -> list[tuple[dict, int]]:
    """(query of the link, number shown) for every count linking to `path`."""
    found = re.findall(r'href="(' + re.escape(path) + r'\?[^"]+)"[^>]*>(\d+)<', html)
    return [(query_of(href), int(n)) for href, n in found]


def schedconfig():
    return expected_queues()


# --- /sites/ ---------------------------------------------------------------------------


def test_sites_json_is_every_queue_with_exact_counts(client, window):
    query, (start, end) = window
    response, queues = get_json(client, "/sites/", query)
    assert response.status_code == 200
    assert sorted(q["nickname"] for q in queues) == sorted(r["nickname"] for r in schedconfig())
    expected = site_counts(start, end)
    for queue in queues:
        assert set(queue) == set(QUEUE_KEYS) | {"states"}
        assert all(isinstance(n, int) for n in queue["states"].values())
        want = {state: n for (site, state), n in expected.items() if site == queue["siteid"]}
        assert queue["states"] == want, queue["nickname"]
    assert sum(sum(q["states"].values()) for q in queues) > 100  # the data is busy enough to mean something


@pytest.mark.parametrize("query, keep", [
    ({"cloud": "UK"}, lambda r: r["cloud"] == "UK"),
    ({"cloud": "UK|DE"}, lambda r: r["cloud"] in ("UK", "DE")),
    ({"vo": "lsst"}, lambda r: r["vo_name"] == "lsst"),
    ({"status": "online|test"}, lambda r: r["status"] in ("online", "test")),
    ({"status": "!online"}, lambda r: r["status"] != "online"),
    ({"cloud": "US", "status": "online"}, lambda r: r["cloud"] == "US" and r["status"] == "online"),
])
def test_cloud_vo_and_status_choose_queues(client, window, query, keep):
    window_query, (start, end) = window
    _, queues = get_json(client, "/sites/", {**query, **window_query})
    wanted = sorted(r["nickname"] for r in schedconfig() if keep(r))
    assert wanted and sorted(q["nickname"] for q in queues) == wanted
    expected = site_counts(start, end)
    for queue in queues:  # the queue filter chooses queues; every job at them counts
        assert sum(queue["states"].values()) == sum(n for (s, _), n in expected.items() if s == queue["siteid"])


def test_job_filters_narrow_the_counted_jobs(client, window):
    query, (start, end) = window
    _, queues = get_json(client, "/sites/", {**query, "jobtype": "analysis"})
    expected = site_counts(start, end, " AND prodsourcelabel IN (%s, %s)", ["user", "panda"])
    for queue in queues:
        assert queue["states"] == {st: n for (s, st), n in expected.items() if s == queue["siteid"]}


def test_sites_html_links_counts_to_the_job_list_with_window(client, window):
    query, (start, end) = window
    response = client.get("/sites/", {**query, "jobtype": "production", "cloud": "DE"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="badge badge-online"' in html
    expected = site_counts(start, end, " AND prodsourcelabel = %s", ["managed"])
    links = count_links(html)
    for params, n in links:
        assert params["date_from"] == query["date_from"] and params["date_to"] == query["date_to"]
        assert params["jobtype"] == "production" and "cloud" not in params  # cloud chose the queues
        if "jobstatus" in params:
            assert n == expected[(params["computingsite"], params["jobstatus"])]
        else:
            assert n == sum(v for (s, _), v in expected.items() if s == params["computingsite"])
    assert len([p for p, _ in links if "jobstatus" in p]) > 5
    # each queue links to its page over the same window
    assert re.search(r'href="/site/[^"?]+/\?[^"]*date_from=', html)


def test_default_window_is_spelt_out_in_links(client):
    html = client.get("/sites/").content.decode()
    assert re.search(r'href="/jobs/\?[^"]*hours=12', html)


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"status": ""}, {"status": "online|!"}, {"nosuch": "1"},
                                   {"days": "x"}, {"cloud": ""}])
def test_bad_parameters_are_400_in_json_and_html(client, query):
    assert_bad_request(client, "/sites/", query)


def test_sites_query_count_does_not_grow_with_rows(client):
    """The queue configuration once, then one grouped count per job table (plus the fast
    buffer's oldest row for the archive's de-duplication): the same for one hour
    as for ten days."""
    counts = []
    for query in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        with CaptureQueriesContext(connections["panda"]) as ctx:
            assert client.get("/sites/", query).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 1 + 5 + 1


# --- /site/<name>/ ----------------------------------------------------------------------


def busiest_queue(start, end) -> dict:
    totals: dict[str, int] = {}
    for (site, _), n in site_counts(start, end).items():
        totals[site] = totals.get(site, 0) + n
    siteid = max(totals, key=totals.get)
    return next(r for r in schedconfig() if r["siteid"] == siteid)


@pytest.mark.parametrize("by", ["siteid", "nickname"])
def test_site_json_has_configuration_states_and_errors(client, window, by):
    query, (start, end) = window
    queue = busiest_queue(start, end)
    response, pairs = get_json(client, f"/site/{queue[by]}/", query)
    assert response.status_code == 200
    response, body = get_json(client, f"/site/{queue[by]}/", {**query, "outputs": "site,states,errsByCount,window"})
    assert set(body) == {"site", "states", "errsByCount", "window"}
    # BigPanDA's list: the same configuration as {param, value}, sorted by param.
    assert pairs == sorted(({"param": k, "value": v} for k, v in body["site"].items()), key=lambda p: p["param"])
    assert set(body["site"]) == set(QUEUE_KEYS) and body["site"]["siteid"] == queue["siteid"]
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}
    expected = {st: n for (s, st), n in site_counts(start, end).items() if s == queue["siteid"]}
    assert body["states"] == expected
    job_query = JobQuery(parse_params({**query, "computingsite": queue["siteid"]}))
    assert body["errsByCount"] == errs_by_count(job_query)
    assert body["errsByCount"], "the busiest queue has errors in three days"
    for error in body["errsByCount"]:
        assert set(error) >= {"error", "component", "codeval", "codename", "diag", "desc", "count", "example_pandaid"}


def test_site_html_shows_configuration_counts_and_links(client, window):
    query, (start, end) = window
    queue = busiest_queue(start, end)
    response = client.get(f"/site/{queue['siteid']}/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert queue["nickname"] in html and f"badge-{queue['status']}" in html
    expected = {st: n for (s, st), n in site_counts(start, end).items() if s == queue["siteid"]}
    shown = {p["jobstatus"]: n for p, n in count_links(html) if "jobstatus" in p}
    assert shown == expected
    for params, _ in count_links(html):
        assert params["computingsite"] == queue["siteid"] and params["date_from"] == query["date_from"]
    assert f"/wns/{queue['nickname']}/?date_from=" in unescape(html)
    assert re.search(r'href="/jobs/\?[^"]*computingsite=[^"]*(piloterrorcode|exeerrorcode|ddmerrorcode|superrorcode|'
                     r'jobdispatchererrorcode|taskbuffererrorcode|brokerageerrorcode)=\d+', html)


@pytest.mark.parametrize("path", ["/site/NO_SUCH_QUEUE/", "/wns/NO_SUCH_QUEUE/"])
def test_unknown_queue_is_404_in_json_and_html(client, path):
    response, body = get_json(client, path)
    assert response.status_code == 404 and "NO_SUCH_QUEUE" in body["error"]
    html = client.get(path)
    assert html.status_code == 404 and b"NO_SUCH_QUEUE" in html.content


def test_site_query_count_is_bounded(client):
    queue = schedconfig()[0]
    counts = []
    for query in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        with CaptureQueriesContext(connections["panda"]) as ctx:
            assert client.get(f"/site/{queue['nickname']}/", query).status_code == 200
        counts.append(len(ctx.captured_queries))
    # the queue configuration; states and errors: one grouped query per table each; the fast buffer's oldest row
    assert counts[0] == counts[1] <= 1 + 2 * 5 + 1
