"""/wns/<site>/: worker nodes from the jobs' modificationhost, fail rates equal
to plain SQL, the generator's black-hole node on top and highlighted."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.synthetic.catalogue import BLACK_HOLE_NODE, BLACK_HOLE_SITE
from pandamon.params import NOT_SPECIFIED
from sites import wns
from tests import sqlcheck
from tests.pages import explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=10, hours=1)


def node_counts(siteid, start, end) -> dict:
    where, params = sqlcheck.window_where(start, end)
    return sqlcheck.grouped_counts(["modificationhost", "jobstatus"], where + " AND computingsite = %s",
                                   params + [siteid])


def test_failrate_arithmetic_equals_sql(client, window):
    query, (start, end) = window
    response, body = get_json(client, f"/wns/{BLACK_HOLE_SITE}/", query)
    assert response.status_code == 200
    nodes = body["nodes"]  # our ranking, beside BigPanDA's summary
    expected = node_counts(BLACK_HOLE_SITE, start, end)
    hosts = {NOT_SPECIFIED if h is None else h for h, _ in expected}
    assert {n["wn"] for n in nodes} == hosts
    for node in nodes:
        assert set(node) == {"wn", "states", "nfailed", "nfinished", "failrate"}
        host = None if node["wn"] == NOT_SPECIFIED else node["wn"]
        want = {state: n for (h, state), n in expected.items() if h == host}
        assert node["states"] == want
        failed, finished = want.get("failed", 0), want.get("finished", 0)
        assert (node["nfailed"], node["nfinished"]) == (failed, finished)
        assert isinstance(node["failrate"], float)
        assert node["failrate"] == (round(failed / (failed + finished), 4) if failed + finished else 0.0)


def test_bigpanda_summary_equals_sql(client, window):
    """BigPanDA's wnInfo JSON: All, Average, then one row per node by name (the part after "slot@";
    no host and the PanDA server's name are "Unknown"), finished/failed per node, pctfail."""
    query, (start, end) = window
    _, body = get_json(client, f"/wns/{BLACK_HOLE_SITE}/", query)
    assert {"url", "site", "wnname", "user", "summary", "wnPlotFailed", "wnPlotFinished", "hours", "built",
            "nodes", "window"} == set(body)
    assert (body["site"], body["wnname"], body["user"], body["hours"]) == (BLACK_HOLE_SITE, "all", None, 0)
    expected = node_counts(BLACK_HOLE_SITE, start, end)
    per_node: dict[str, Counter] = {}
    for (host, state), n in expected.items():
        per_node.setdefault(wns.node_and_slot(host)[0], Counter())[state] += n
    total = sum(expected.values())
    all_row, average, *rows = body["summary"]
    assert all_row["name"] == "All" and all_row["count"] == total
    failed = sum(n for (_, s), n in expected.items() if s == "failed")
    finished = sum(n for (_, s), n in expected.items() if s == "finished")
    assert all_row["pctfail"] == int(100 * failed / (failed + finished))
    assert [r["name"] for r in all_row["statelist"]] == list(wns.SITE_STATES)
    assert average["name"] == "Average" and average["count"] == f"{total / len(per_node):.2f}"
    assert [r["name"] for r in rows] == sorted(per_node)
    for row in rows:
        want = per_node[row["name"]]
        assert row["count"] == sum(want.values())
        assert {s: v["count"] for s, v in row["states"].items() if v["count"]} == dict(want)
        ended = want["failed"] + want["finished"]
        assert row["pctfail"] == (-(-100 * want["failed"] // ended) if ended else 0)
    known = {wn: c for wn, c in per_node.items() if wn != wns.UNKNOWN}
    assert body["wnPlotFailed"] == sorted(([wn, c["failed"]] for wn, c in known.items() if c["failed"]),
                                          reverse=True)
    assert dict(map(tuple, body["wnPlotFinished"])) == {wn: c["finished"] for wn, c in known.items()
                                                        if c["finished"]}


def test_black_hole_node_is_first_and_highlighted(client, window, monkeypatch):
    query, _ = window
    nodes = client.get(f"/wns/{BLACK_HOLE_SITE}/", {**query, "json": ""}).json()["nodes"]
    assert nodes[0]["wn"] == BLACK_HOLE_NODE
    assert nodes[0]["failrate"] > wns.SUSPECT_FAILRATE
    # The 3000-job session data leaves the black hole only a handful of ended jobs.
    ended = nodes[0]["nfailed"] + nodes[0]["nfinished"]
    assert ended >= 2
    monkeypatch.setattr(wns, "SUSPECT_MIN_JOBS", ended)
    html = client.get(f"/wns/{BLACK_HOLE_SITE}/", query).content.decode()
    suspects = re.findall(r'<tr class="suspect">\s*<td>(?:<a href="/wn/[^"]+">)?([^<]+)(?:</a>)?</td>', html)
    assert suspects[0] == BLACK_HOLE_NODE
    assert all(wns.is_suspect(n) for n in nodes if n["wn"] in suspects)


def test_html_counts_link_to_the_nodes_jobs_with_window(client, window):
    query, (start, end) = window
    html = client.get(f"/wns/{BLACK_HOLE_SITE}/", query).content.decode()
    expected = node_counts(BLACK_HOLE_SITE, start, end)
    links = re.findall(r'href="(/jobs/\?[^"]+)"[^>]*>(\d+)<', html)
    assert len(links) > 10
    for href, n in links:
        params = query_of(href)
        assert params["computingsite"] == BLACK_HOLE_SITE and params["date_from"] == query["date_from"]
        host = None if params["modificationhost"] == NOT_SPECIFIED else params["modificationhost"]
        assert int(n) == expected[(host, params["jobstatus"])]


def test_ranking_needs_both_a_high_rate_and_many_jobs():
    counts = Counter({
        ("lucky", "failed"): 1,                                   # 100 % of one job
        ("big", "failed"): 30, ("big", "finished"): 970,          # many failures, healthy rate
        ("hole", "failed"): 40, ("hole", "finished"): 10,         # the black hole
        ("idle", "running"): 3,                                   # nothing ended: rate 0
    })
    rows = wns.worker_nodes(counts)
    assert [r["wn"] for r in rows][:2] == ["hole", "lucky"]
    assert {r["wn"]: r["failrate"] for r in rows} == {"hole": 0.8, "lucky": 1.0, "big": 0.03, "idle": 0.0}
    assert [wns.is_suspect(r) for r in rows] == [True, False, False, False]


def test_query_count_is_bounded(client):
    counts = []
    for query in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
        with CaptureQueriesContext(connections["panda"]) as ctx:
            assert client.get(f"/wns/{BLACK_HOLE_SITE}/", query).status_code == 200
        counts.append(len(ctx.captured_queries))
    # the queue configuration, one grouped count per table, the fast buffer's oldest row
    assert counts[0] == counts[1] <= 1 + 5 + 1


def test_bad_parameter_is_400(client):
    response = client.get(f"/wns/{BLACK_HOLE_SITE}/", {"hours": "-3", "json": ""})
    assert response.status_code == 400 and "hours" in response.json()["error"]
