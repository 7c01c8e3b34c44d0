"""Harvester pages on the generated workers: counts by queue and state equal to plain
SQL over harvester_workers in the window, the filters, one worker with its jobs, the
job page linking to its workers, the generator's workers consistent with the jobs,
400s/404s and pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from harvester.models import HarvesterInstance, HarvesterRelJobsWorkers, HarvesterWorker
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def t(model) -> str:
    return connections["panda"].ops.quote_name(model._meta.db_table)


def sql(query: str, args=()):
    with connections["panda"].cursor() as cursor:
        cursor.execute(query, list(args))
        return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=2)


def where_window(start, end):
    return "lastupdate >= %s AND lastupdate < %s", [sqlcheck.dbtime(start), sqlcheck.dbtime(end)]


def test_workers_by_queue_and_state_equal_plain_sql(client, window):
    query, (start, end) = window
    response, body = get_json(client, "/harvester/workers/", query)
    assert response.status_code == 200
    where, args = where_window(start, end)
    rows = sql(f"SELECT computingsite, status, COUNT(*) FROM {t(HarvesterWorker)} WHERE {where} "
               "GROUP BY computingsite, status", args)
    expected = {(site, status): n for site, status, n in rows}
    got = {(e["computingsite"], s): n for e in body["summary"] for s, n in e["states"].items()}
    assert got == expected and len(expected) > 10
    assert {"submitted", "running", "finished", "failed", "missed"} <= {s for _, s in expected}
    assert sum(body["states"].values()) == sum(expected.values())
    totals = [e["total"] for e in body["summary"]]
    assert totals == sorted(totals, reverse=True)


def test_filters_narrow_the_workers_exactly(client, window):
    query, (start, end) = window
    where, args = where_window(start, end)
    # the queue with the most running workers, so every narrowing below keeps some
    site = max(sql(f"SELECT computingsite, COUNT(*) FROM {t(HarvesterWorker)} WHERE {where} AND status = 'running' "
                   "GROUP BY computingsite", args), key=lambda r: (r[1], r[0]))[0]
    (instance,), = sql(f"SELECT MIN(harvesterid) FROM {t(HarvesterWorker)} WHERE {where}", args)
    for params, clause, extra in (
        ({"computingsite": site}, " AND computingsite = %s", [site]),
        ({"harvesterid": instance}, " AND harvesterid = %s", [instance]),
        ({"harvesterinstance": instance}, " AND harvesterid = %s", [instance]),
        ({"status": "failed|missed"}, " AND status IN ('failed', 'missed')", []),
        ({"computingsite": site, "status": "running"}, " AND computingsite = %s AND status = 'running'", [site]),
    ):
        _, body = get_json(client, "/harvester/workers/", {**query, **params})
        (n,), = sql(f"SELECT COUNT(*) FROM {t(HarvesterWorker)} WHERE {where}{clause}", args + extra)
        assert sum(body["states"].values()) == n > 0, params
    (workerid,), = sql(f"SELECT MAX(workerid) FROM {t(HarvesterWorker)} WHERE {where}", args)
    _, body = get_json(client, "/harvester/workers/", {**query, "workerid": str(workerid)})
    assert [w["workerid"] for w in body["workers"]] == [workerid]


def test_newest_workers_list_is_capped_and_ordered(client, window):
    query, _ = window
    _, body = get_json(client, "/harvester/workers/", {**query, "limit": "25"})
    assert len(body["workers"]) == 25 and body["truncated"] is True
    times = [w["lastupdate"] for w in body["workers"]]
    assert times == sorted(times, reverse=True)


def test_instances_count_their_workers(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/harvester/instances/", query)
    where, args = where_window(start, end)
    expected = dict(sql(f"SELECT harvesterid, COUNT(*) FROM {t(HarvesterWorker)} WHERE {where} GROUP BY harvesterid",
                        args))
    (n_instances,), = sql(f"SELECT COUNT(*) FROM {t(HarvesterInstance)}")
    assert len(body["instances"]) == n_instances >= 2
    assert {i["harvesterid"]: i["workers"] for i in body["instances"] if i["workers"]} == expected


def test_generated_workers_follow_their_jobs(panda_db):
    """A worker per job that reached a pilot: same queue, batchid and Harvester instance."""
    union = " UNION ALL ".join(f"SELECT pandaid, computingsite, batchid, schedulerid FROM {sqlcheck._q(tb)}"
                               for tb in sqlcheck.TABLES)
    bad = sql(f"SELECT COUNT(*) FROM {t(HarvesterRelJobsWorkers)} r JOIN {t(HarvesterWorker)} w "
              "ON w.harvesterid = r.harvesterid AND w.workerid = r.workerid "
              f"JOIN ({union}) j ON j.pandaid = r.pandaid "
              "WHERE w.computingsite <> j.computingsite OR w.batchid <> j.batchid "
              "OR j.schedulerid <> CONCAT('harvester-', w.harvesterid)"
              if connections["panda"].vendor != "sqlite" else
              f"SELECT COUNT(*) FROM {t(HarvesterRelJobsWorkers)} r JOIN {t(HarvesterWorker)} w "
              "ON w.harvesterid = r.harvesterid AND w.workerid = r.workerid "
              f"JOIN ({union}) j ON j.pandaid = r.pandaid "
              "WHERE w.computingsite <> j.computingsite OR w.batchid <> j.batchid "
              "OR j.schedulerid <> 'harvester-' || w.harvesterid")
    assert bad == [(0,)]
    (linked,), = sql(f"SELECT COUNT(*) FROM {t(HarvesterRelJobsWorkers)}")
    assert linked > 1000


def test_worker_page_lists_its_jobs_and_the_job_page_links_back(client, panda_db):
    (harvesterid, workerid, pandaid), = sql(
        f"SELECT harvesterid, workerid, MIN(pandaid) FROM {t(HarvesterRelJobsWorkers)} "
        f"WHERE workerid = (SELECT MIN(workerid) FROM {t(HarvesterRelJobsWorkers)}) GROUP BY harvesterid, workerid")
    response, body = get_json(client, f"/harvester/worker/{harvesterid}/{workerid}/")
    assert response.status_code == 200
    assert body["worker"]["workerid"] == workerid and body["worker"]["harvesterid"] == harvesterid
    assert [j["pandaid"] for j in body["jobs"]] == [pandaid] and body["jobs"][0]["jobstatus"]
    html = client.get(f"/job/{pandaid}/").content.decode()
    assert f'href="/harvester/worker/{harvesterid}/{workerid}/"' in html
    _, job = get_json(client, f"/job/{pandaid}/")
    assert (job["job"]["harvesterInfo"]["harvesterid"], job["job"]["harvesterInfo"]["workerid"]) == \
        (harvesterid, workerid)


def test_unknown_worker_is_a_404_and_bad_input_a_400(client, window):
    query, _ = window
    response, body = get_json(client, "/harvester/worker/CERN_central_A/1/")
    assert response.status_code == 404 and "no worker 1" in body["error"]
    assert get_json(client, "/harvester/worker/CERN_central_A/abc/")[0].status_code == 400
    for bad in ({"status": "sleeping"}, {"workerid": "x"}, {"limit": "0"}, {"harvesterid": "a||b"}):
        assert_bad_request(client, "/harvester/workers/", {**query, **bad})


def test_summary_links_open_exactly_those_workers(client, window):
    query, _ = window
    html = client.get("/harvester/workers/", query).content.decode()
    import re

    links = re.findall(r'<a href="(/harvester/workers/\?[^"]+)">(?:<b>)?([\d,]+)(?:</b>)?</a>', html)
    assert len(links) > 10
    for href, n in links[:8]:
        _, body = get_json(client, "/harvester/workers/", query_of(href))
        assert sum(body["states"].values()) == int(n.replace(",", "")), href


@pytest.mark.parametrize("path", ["/harvester/workers/", "/harvester/instances/"])
def test_query_count_is_pinned(client, window, path):
    query, _ = window
    get_json(client, path, query)  # the catalogue's introspection is cached after this
    with CaptureQueriesContext(connections["panda"]) as captured:
        response, _ = get_json(client, path, query)
    assert response.status_code == 200
    # workers: the grouped count and the newest list; instances: the grouped count and the instances
    assert len(captured) == 2, [q["sql"][:100] for q in captured]


def test_instances_html_links_to_their_workers(client, window):
    query, _ = window
    html = client.get("/harvester/instances/", query).content.decode()
    assert "<h1>Harvester instances</h1>" in html and "/harvester/workers/?" in html and "harvesterid=" in html
