"""Global shares and work queues: the share tree normalised from 100, the live jobs
and cores per share (a parent's subtree summed) and per work queue equal to plain SQL
over jobsactive4, links onto those jobs, a database without the tables, pinned queries."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.models.job import Jobsactive4
from shares.models import GlobalShare
from tests.pages import get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
EXECUTING = ("sent", "starting", "running")


def t(model) -> str:
    return connections["panda"].ops.quote_name(model._meta.db_table)


def live(column: str) -> dict:
    """{value: (executing jobs, queued jobs, executing cores)} by plain SQL."""
    with connections["panda"].cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, SUM(CASE WHEN jobstatus IN ('sent', 'starting', 'running') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN jobstatus = 'activated' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN jobstatus IN ('sent', 'starting', 'running') "
            "THEN COALESCE(actualcorecount, corecount, 1) ELSE 0 END) "
            f"FROM {t(Jobsactive4)} WHERE jobstatus IN ('sent', 'starting', 'running', 'activated') "
            f"GROUP BY {column}")
        return {r[0]: tuple(int(x) for x in r[1:]) for r in cursor.fetchall()}


def test_share_counts_equal_plain_sql_and_parents_sum_their_subtree(client):
    response, body = get_json(client, "/globalshares/")
    assert response.status_code == 200
    shares = {s["name"]: s for s in body["shares"]}
    expected = live("gshare")
    assert sum(v[0] for v in expected.values()) > 20
    children = {}
    for s in body["shares"]:
        children.setdefault(s["parent"], []).append(s["name"])

    def subtree(name):
        own = expected.get(name, (0, 0, 0))
        below = [subtree(c) for c in children.get(name, [])]
        return tuple(own[i] + sum(b[i] for b in below) for i in range(3))

    for name, s in shares.items():
        assert (s["executing_jobs"], s["queued_jobs"], s["executing_cores"]) == subtree(name), name
    outside = [v for k, v in expected.items() if k not in shares]
    assert body["outside"]["executing_jobs"] == sum(v[0] for v in outside)
    # roots plus outside cover every live job
    roots = [s for s in body["shares"] if s["parent"] is None]
    assert sum(s["executing_jobs"] for s in roots) + body["outside"]["executing_jobs"] == \
        sum(v[0] for v in expected.values())


def test_targets_are_normalised_from_a_root_of_100(client):
    _, body = get_json(client, "/globalshares/")
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT name, parent, value FROM {t(GlobalShare)}")
        rows = cursor.fetchall()
    value = {name: v for name, _, v in rows}
    parent = {name: p for name, p, _ in rows}
    siblings = {}
    for _, p, v in rows:
        siblings[p] = siblings.get(p, 0) + v

    def target(name):
        p = parent[name]
        return (100.0 if p is None else target(p)) * value[name] / siblings[p]

    shares = {s["name"]: s for s in body["shares"]}
    assert len(shares) == len(rows) >= 5
    for name in shares:
        assert shares[name]["target_percent"] == round(target(name), 2), name
    assert round(sum(s["target_percent"] for s in body["shares"] if s["parent"] is None), 6) == 100
    # depth first: a child comes after its parent
    order = [s["name"] for s in body["shares"]]
    assert all(order.index(s["parent"]) < order.index(s["name"]) for s in body["shares"] if s["parent"])
    everything = sum(s["executing_cores"] for s in body["shares"] if s["parent"] is None) + \
        body["outside"]["executing_cores"]
    for s in body["shares"]:
        assert s["pledged_cores"] == round(everything * s["target_percent"] / 100, 1)


def test_work_queues_count_their_live_jobs(client):
    _, body = get_json(client, "/workqueues/")
    expected = live("workqueue_id")
    got = {q["queue_id"]: (q["executing_jobs"], q["queued_jobs"], q["executing_cores"]) for q in body["workqueues"]}
    assert {k: v for k, v in got.items() if any(v)} == {k: v for k, v in expected.items() if k in got}
    assert len(body["workqueues"]) >= 3 and any(any(v) for v in got.values())


def test_share_links_open_its_live_jobs(client):
    html = client.get("/globalshares/").content.decode()
    import re

    links = re.findall(r'<a href="(/jobs/\?[^"]+)">([\d,]+)</a>', html)
    leaf = [(query_of(h), int(n.replace(",", ""))) for h, n in links
            if "gshare=User+Analysis" in h or "gshare=MC+Simulation" in h]
    assert leaf
    for query, n in leaf:
        _, body = get_json(client, "/jobs/", {**query, "outputs": "selectionsummary"})
        states = {v["kname"]: v["kvalue"] for f in body["selectionsummary"] if f["field"] == "jobstatus"
                  for v in f["list"]}
        assert sum(states.values()) == n, query


@pytest.mark.parametrize("path", ["/globalshares/", "/workqueues/"])
def test_query_count_is_pinned(client, path):
    get_json(client, path)
    with CaptureQueriesContext(connections["panda"]) as captured:
        response, _ = get_json(client, path)
    assert response.status_code == 200
    assert len(captured) == 2, [q["sql"][:100] for q in captured]  # the tree (or queues), one grouped count


def test_html_pages_render_their_rows(client):
    html = client.get("/workqueues/").content.decode()
    assert "<h1>JEDI work queues</h1>" in html and html.count("<tr>") >= 4
    html = client.get("/globalshares/").content.decode()
    assert 'class="share level-1"' in html and "not in the tree" in html
