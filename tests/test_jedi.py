"""JEDI's tables as generated and as the task, dataset and file pages read them (issue 12):
every progress figure and count equals plain SQL over the JEDI tables and the job tables."""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from jobs.models import Filestable4, FilestableArch
from tasks import queries
from tasks.models import JediDataset, JediDatasetContent, JediJobRetryHistory, JediTask, TasksStatuslog
from tests import sqlcheck
from tests.conftest import backend
from tests.pages import accept_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
q = sqlcheck._q


def fetch(sql, params=()):
    with connections["panda"].cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def t(model):
    return q(model._meta.db_table)


def test_tasks_in_every_jedi_state_with_datasets_params_and_history():
    states = {s for (s,) in fetch(f"SELECT DISTINCT status FROM {t(JediTask)}")}
    assert {"running", "done", "finished"} <= states, states
    assert states & {"paused", "scouting", "throttled"} and states & {"broken", "exhausted", "failed"}, states
    missing = fetch(f"SELECT COUNT(*) FROM {t(JediTask)} j WHERE NOT EXISTS (SELECT 1 FROM {t(TasksStatuslog)} s "
                    f"WHERE s.jeditaskid = j.jeditaskid AND s.status = j.status)")
    assert missing[0][0] == 0  # the history ends in the task's status


def test_dataset_counters_equal_their_files():
    rows = fetch(f"SELECT d.datasetid, d.nfiles, d.nfilesfinished, d.nfilesfailed, "
                 f"(SELECT COUNT(*) FROM {t(JediDatasetContent)} c WHERE c.datasetid = d.datasetid), "
                 f"(SELECT COUNT(*) FROM {t(JediDatasetContent)} c WHERE c.datasetid = d.datasetid "
                 f"AND c.status = 'finished'), "
                 f"(SELECT COUNT(*) FROM {t(JediDatasetContent)} c WHERE c.datasetid = d.datasetid "
                 f"AND c.status = 'failed') FROM {t(JediDataset)} d")
    assert rows
    for _, nfiles, fin, failed, n, n_fin, n_failed in rows:
        assert (nfiles, fin, failed) == (n, n_fin, n_failed)


def test_input_files_attempts_are_the_jobs_that_read_them():
    """Each input content row's attemptnr = its filestable rows (one per job attempt); pandaid = the last."""
    union = (f"SELECT pandaid, datasetid, fileid FROM {t(Filestable4)} WHERE type = 'input' UNION ALL "
             f"SELECT pandaid, datasetid, fileid FROM {t(FilestableArch)} WHERE type = 'input'")
    got = fetch(f"SELECT c.fileid, c.attemptnr, c.pandaid, COUNT(DISTINCT f.pandaid), MAX(f.pandaid) "
                f"FROM {t(JediDatasetContent)} c JOIN ({union}) f ON f.datasetid = c.datasetid AND f.fileid = c.fileid "
                f"WHERE c.type = 'input' GROUP BY c.fileid, c.attemptnr, c.pandaid")
    assert len(got) > 100
    for _, attempts, pandaid, n, last in got:
        assert (attempts, pandaid) == (n, last)


def _dsinfo_sql(taskid):
    (n, fin, failed, ev, used), = fetch(
        f"SELECT COALESCE(SUM(CASE WHEN nfiles > 0 THEN nfiles ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN nfiles > 0 THEN nfilesfinished ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN nfiles > 0 THEN nfilesfailed ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN nevents > 0 THEN nevents ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN neventsused > 0 THEN neventsused ELSE 0 END), 0) FROM {t(JediDataset)} "
        f"WHERE jeditaskid = %s AND type IN ('input', 'pseudo_input') AND masterid IS NULL "
        f"AND (status IS NULL OR status <> 'removed')", [taskid])
    return {"nfiles": n, "nfilesfinished": fin, "nfilesfailed": failed, "neventsTot": ev, "neventsUsedTot": used,
            "pctfinished": 100 * fin // n if n else 0, "pctfailed": 100 * failed // n if n else 0}


def test_task_list_progress_and_datasets_equal_plain_sql(client):
    _, tasks = accept_json(client, "/tasks/?days=30&datasets=true&limit=60")
    assert len(tasks) == 60
    for task in tasks:
        want = _dsinfo_sql(task["jeditaskid"])
        assert {k: task["dsinfo"][k] for k in want} == want and task["pctfinished"] == want["pctfinished"]
        ids = {r[0] for r in fetch(f"SELECT datasetid FROM {t(JediDataset)} WHERE jeditaskid = %s AND type IN "
                                   f"('input', 'pseudo_input', 'output')", [task["jeditaskid"]])}
        assert {d["datasetid"] for d in task["datasets"]} == ids
    assert any(task["dsinfo"]["nfiles"] for task in tasks)


def test_task_list_query_count_does_not_grow_with_the_page(client):
    def count(limit):
        with CaptureQueriesContext(connections["panda"]) as panda, CaptureQueriesContext(connection):
            response = client.get(f"/tasks/?days=30&datasets=true&limit={limit}", HTTP_ACCEPT="application/json")
            assert response.status_code == 200
        return len(panda.captured_queries)
    assert count(3) == count(80)


def test_task_filters_equal_plain_sql(client):
    (name,), = fetch(f"SELECT taskname FROM {t(JediTask)} WHERE taskname LIKE 'user.%%' ORDER BY jeditaskid "
                     f"LIMIT 1")
    prefix = ".".join(name.split(".")[:2]) + "."
    _, got = accept_json(client, f"/tasks/?days=3650&taskname={prefix}*&limit=10000")
    want = {r[0] for r in fetch(f"SELECT jeditaskid FROM {t(JediTask)} WHERE taskname LIKE %s", [prefix + "%"])}
    assert {x["jeditaskid"] for x in got} == want and want
    (campaign,), = fetch(f"SELECT campaign FROM {t(JediTask)} WHERE campaign IS NOT NULL ORDER BY jeditaskid "
                         f"LIMIT 1")
    for param, column, value in (("tasktype", "tasktype", "anal"), ("superstatus", "superstatus", "running"),
                                 ("status", "status", "done"), ("campaign", "campaign", campaign)):
        _, got = accept_json(client, f"/tasks/?days=3650&{param}={value}&limit=10000")
        want = {r[0] for r in fetch(f"SELECT jeditaskid FROM {t(JediTask)} WHERE {column} = %s", [value])}
        assert {x["jeditaskid"] for x in got} == want and want
    summary = queries.summary(_params("days=3650&tasktype=prod"))
    want = dict(fetch(f"SELECT status, COUNT(*) FROM {t(JediTask)} WHERE tasktype = 'prod' GROUP BY status"))
    assert dict(summary["status"]) == want


def _params(query):
    from django.http import QueryDict

    from pandamon.params import parse_params
    from tasks import filters
    return parse_params(QueryDict(query), extra=filters.EXTRA)


def test_task_page_has_bigpandas_keys_equal_to_plain_sql(client):
    (taskid,), = fetch(f"SELECT jeditaskid FROM {t(JediTask)} WHERE status = 'finished' ORDER BY jeditaskid LIMIT 1")
    _, data = accept_json(client, f"/task/{taskid}/")
    assert data["taskparams"]["taskName"] == data["task"]["taskname"]
    assert {d["datasetid"] for d in data["datasets"]} == {r[0] for r in fetch(
        f"SELECT datasetid FROM {t(JediDataset)} WHERE jeditaskid = %s", [taskid])}
    assert [s["status"] for s in data["statuslog"]] == [r[0] for r in fetch(
        f"SELECT status FROM {t(TasksStatuslog)} WHERE jeditaskid = %s ORDER BY modificationtime", [taskid])]
    assert data["statuslog"][-1]["durationsec"] is None and data["statuslog"][0]["durationsec"] >= 0
    want = _dsinfo_sql(taskid)
    assert {k: data["task"]["dsinfo"][k] for k in want} == want
    failed = fetch(f"SELECT COUNT(*) FROM {t(JediDatasetContent)} WHERE jeditaskid = %s AND type = 'input' "
                   f"AND (status = 'failed' OR failedattempt > 0)", [taskid])[0][0]
    assert len(data["failedfiles"]) == failed
    union = " UNION ".join(f"SELECT pandaid, jobstatus FROM {q(x)} WHERE jeditaskid = %s" for x in sqlcheck.TABLES)
    jobs = dict(fetch(union, [taskid] * len(sqlcheck.TABLES)))  # a job in two tables is one row: UNION
    assert all(f["lasterror"] for f in data["failedfiles"] if jobs.get(f["pandaid"]) == "failed")
    # Attempt-aware: the jobs no retry replaced (plain SQL over the retry history's oldpandaid).
    retried = {r[0] for r in fetch(f"SELECT oldpandaid FROM {q(JediJobRetryHistory._meta.db_table)} "
                                   f"WHERE jeditaskid = %s AND relationtype = 'retry'", [taskid])}
    want_last = {}
    for pandaid, state in jobs.items():
        if pandaid not in retried:
            want_last[state] = want_last.get(state, 0) + 1
    assert data["states_lastattempt"] == want_last


def test_children_name_their_parent(client):
    rows = fetch(f"SELECT jeditaskid, parent_tid FROM {t(JediTask)} WHERE parent_tid IS NOT NULL")
    assert rows
    child, parent = rows[0]
    _, data = accept_json(client, f"/task/{parent}/")
    assert child in {c["jeditaskid"] for c in data["children"]}
    _, data = accept_json(client, f"/task/{child}/")
    assert data["parent"]["jeditaskid"] == parent


@pytest.mark.parametrize("table", [Filestable4, FilestableArch])
def test_a_file_finds_the_job_that_wrote_it_live_or_archived(client, table):
    (lfn, pandaid), = fetch(f"SELECT lfn, pandaid FROM {t(table)} WHERE type = 'output' ORDER BY row_id LIMIT 1")
    response, data = accept_json(client, f"/job/?creator={lfn}")
    assert response.status_code == 200 and data["job"]["pandaid"] == pandaid
    _, found = accept_json(client, f"/file/?lfn={lfn}")
    assert pandaid in {j["pandaid"] for j in found["jobs"]}
    assert [f["outpandaid"] for f in found["files"]] == [pandaid]


def test_datasets_and_dataset_files(client):
    (datasetid, taskid, n), = fetch(f"SELECT datasetid, jeditaskid, nfiles FROM {t(JediDataset)} "
                                    f"WHERE type = 'input' AND nfiles > 3 ORDER BY datasetid LIMIT 1")
    _, rows = accept_json(client, f"/datasets/?jeditaskid={taskid}")
    assert datasetid in {r["datasetid"] for r in rows}
    _, page = accept_json(client, f"/dataset/{datasetid}/?limit=2")
    assert len(page["files"]) == 2 and page["next"]
    seen = [f["fileid"] for f in page["files"]]
    while page["next"]:
        _, page = accept_json(client, page["next"] + "&limit=2")
        seen += [f["fileid"] for f in page["files"]]
    assert len(seen) == len(set(seen)) == n
    response = client.get(f"/dataset/{datasetid}/?export=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv") and len(lines) == n + 1
    assert sorted(int(line.split(",")[2]) for line in lines[1:]) == sorted(seen)


@pytest.mark.parametrize("url, status", [
    ("/dataset/999999999999/", 404), ("/dataset/abc/", 400), ("/datasets/", 400), ("/files/?lfn=*.root", 400),
    ("/files/", 400), ("/tasks/?taskname=*", 400), ("/tasks/?taskname=*alice*", 400), ("/tasks/?tasktype=x", 400),
    ("/tasks/?sortby=nonsense", 400), ("/job/?creator=no.such.file", 404), ("/files/?lfn=a%25b", 400),
])
def test_bad_input(client, url, status):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status and "error" in response.json()


def test_a_leading_wildcard_with_a_window_is_bounded_by_it(client):
    response, rows = accept_json(client, "/tasks/?taskname=*user*&days=1")
    assert response.status_code == 200


def test_taskname_prefix_uses_an_index(panda_db):
    """The condition /tasks/?taskname=user.alice.* sends can be served by the name index (the table is small
    here, so PostgreSQL is told to avoid a sequential scan where an index can serve)."""
    if backend() not in ("mysql", "postgresql"):
        pytest.skip("EXPLAIN of MariaDB and PostgreSQL; their runs of the suite cover it")
    from tasks import filters

    qs = JediTask.objects.using("panda").filter(filters.task_q(_params("taskname=user.alice.*"), "panda"))
    with panda_db.cursor() as cursor:
        if backend() == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        try:
            plan = qs.values("jeditaskid").explain()
        finally:
            if backend() == "postgresql":
                cursor.execute("SET enable_seqscan = on")
    assert "jedi_tasks_nametaskid" in plan or "jedi_tasks_upper_name" in plan, plan
    assert all(n.startswith("user.alice.") for n in qs.values_list("taskname", flat=True))


def test_user_page_tasks_have_the_task_lists_progress(client):
    (user,), = fetch(f"SELECT username FROM {t(JediTask)} WHERE tasktype = 'anal' ORDER BY jeditaskid LIMIT 1")
    from urllib.parse import quote
    _, page = accept_json(client, f"/user/{quote(user, safe='')}/?days=30")
    _, listed = accept_json(client, f"/tasks/?days=30&username={quote(user)}&limit=10000")
    by_id = {x["jeditaskid"]: x["dsinfo"] for x in listed}
    shown = [x for x in page["tasks"] if x["jeditaskid"] in by_id]
    assert shown and all(x["dsinfo"] == by_id[x["jeditaskid"]] for x in shown)


def test_search_finds_task_dataset_and_file_names(client):
    (taskid, name), = fetch(f"SELECT jeditaskid, taskname FROM {t(JediTask)} ORDER BY jeditaskid DESC LIMIT 1")
    (dsname,), = fetch(f"SELECT datasetname FROM {t(JediDataset)} WHERE type = 'output' ORDER BY datasetid LIMIT 1")
    (lfn,), = fetch(f"SELECT lfn FROM {t(JediDatasetContent)} WHERE type = 'input' ORDER BY fileid LIMIT 1")
    from urllib.parse import quote
    found = {kind: accept_json(client, f"/search/?q={quote(text)}")[1] for kind, text in
             (("task", name), ("dataset", dsname), ("file", lfn))}
    assert found["task"]["kind"] == "task" and found["task"]["url"] == f"/task/{taskid}/"
    assert found["dataset"]["kind"] == "dataset" and found["file"]["kind"] == "file"


def test_cli_tasks_and_task(live_server, capsys):
    from cli.main import main

    (taskid,), = fetch(f"SELECT jeditaskid FROM {t(JediTask)} WHERE status = 'finished' ORDER BY jeditaskid LIMIT 1")
    assert main(["--url", live_server.url, "tasks", "days=3650", f"jeditaskid={taskid}"]) == 0
    out = capsys.readouterr().out
    assert str(taskid) in out and "pctfinished" in out
    assert main(["--url", live_server.url, "task", str(taskid)]) == 0
    out = capsys.readouterr().out
    want = _dsinfo_sql(taskid)
    assert f"{want['nfilesfinished']} ({want['pctfinished']}%)" in out


def test_task_list_summary_in_json_when_outputs_asks_for_it(client):
    """/tasks/?json is BigPanDA's list; outputs=summary gives pandamon's object with the selection's exact counts
    by status, superstatus, tasktype and username (the whole selection, not the page: limit=5)."""
    _, tasks = accept_json(client, "/tasks/?days=3650&tasktype=prod&limit=5")
    assert isinstance(tasks, list) and len(tasks) == 5
    _, body = accept_json(client, "/tasks/?days=3650&tasktype=prod&limit=5&outputs=summary,truncated,tasks")
    assert set(body) == {"summary", "truncated", "tasks"} and body["truncated"] is True
    assert [x["jeditaskid"] for x in body["tasks"]] == [x["jeditaskid"] for x in tasks]
    for column in ("status", "superstatus", "tasktype", "username"):
        want = dict(fetch(f"SELECT {q(column)}, COUNT(*) FROM {t(JediTask)} WHERE tasktype = 'prod' "
                          f"GROUP BY {q(column)}"))
        assert {r["name"]: r["count"] for r in body["summary"][column]} == want and want
    response, _ = accept_json(client, "/tasks/?days=3650&outputs=nosuch")
    assert response.status_code == 400


def test_task_page_events_over_time_equal_plain_sql(client):
    """The task page's events plot: nevents of the task's finished jobs per bucket, totals equal to plain SQL."""
    (taskid,), = fetch(f"SELECT jeditaskid FROM {t(JediTask)} WHERE status IN ('done', 'finished') "
                       f"ORDER BY jeditaskid DESC LIMIT 1")
    _, data = accept_json(client, f"/task/{taskid}/")
    union = " UNION ALL ".join(f"SELECT pandaid, nevents FROM {q(name)} "
                               f"WHERE jeditaskid = %s AND jobstatus = 'finished'" for name in sqlcheck.TABLES)
    (want,), = fetch(f"SELECT SUM(nevents) FROM (SELECT DISTINCT pandaid, nevents FROM ({union}) u) d",
                     [taskid] * len(sqlcheck.TABLES))
    rows = data["progress"]
    assert want and rows[-1]["events_total"] == want == sum(r["events_finished"] for r in rows)
    assert all(r["events_finished"] == 0 for r in rows if r["finished"] == 0)
    html = client.get(f"/task/{taskid}/").content.decode()
    assert 'data-panel="task-events"' in html
