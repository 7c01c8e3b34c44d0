"""/tasks/ and /task/<id>/: from jedi_tasks, or built from the jobs when PanDA
has no JEDI; jobs by state equal to plain SQL over every table."""

from __future__ import annotations

import pytest

from pandamon import introspection
from tasks import queries
from tasks.models import JediTask
from tests import sqlcheck
from tests.pages import accept_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def without_jedi(monkeypatch):
    monkeypatch.setattr(queries, "has_jedi_tasks", lambda using="panda": False)


def a_task_with_failures() -> int:
    counts = sqlcheck.grouped_counts(["jeditaskid", "jobstatus"], "jeditaskid IS NOT NULL", [])
    failed = sorted((n, task) for (task, state), n in counts.items() if state == "failed")
    assert failed, "the dataset should hold failed jobs"
    return failed[-1][1]


def test_jedi_tasks_is_found_by_introspection():
    introspection.forget()
    assert queries.has_jedi_tasks() is True


def test_task_page_counts_equal_plain_sql(client):
    taskid = a_task_with_failures()
    response, data = accept_json(client, f"/task/{taskid}/")
    assert response.status_code == 200
    expected = {state: n for (task, state), n in sqlcheck.grouped_counts(
        ["jeditaskid", "jobstatus"], "jeditaskid = %s", [taskid]).items()}
    assert data["states"] == expected
    assert data["task"]["jeditaskid"] == taskid and data["task"]["source"] == "jedi_tasks"
    assert data["task"]["status"] == JediTask.objects.using("panda").get(jeditaskid=taskid).status
    assert {j["pandaid"] for j in data["jobs"]} and all("_sortkey" not in j for j in data["jobs"])
    assert sum(e["count"] for e in data["errsByCount"] if e["component"] != "taskbuffer") >= expected["failed"]
    assert all(e["error"] == f"{e['component']}:{e['codeval']}" for e in data["errsByCount"])
    ended = sum(n for s, n in expected.items() if s in ("finished", "failed", "cancelled", "closed"))
    assert data["progress"][-1]["ended_total"] == ended


def test_task_page_html_links_to_its_jobs(client):
    taskid = a_task_with_failures()
    html = client.get(f"/task/{taskid}/").content.decode()
    assert f"/jobs/?jeditaskid={taskid}" in html and 'data-panel="task-progress"' in html
    assert "plotly.min.js" in html and "cdn" not in html.lower()


def test_task_list_from_jedi_tasks(client):
    response, tasks = accept_json(client, "/tasks/?days=3")
    assert response.status_code == 200 and tasks
    task = tasks[0]
    assert {"jeditaskid", "taskname", "status", "username", "states", "njobs", "url"} <= set(task)
    expected = {state: n for (t, state), n in sqlcheck.grouped_counts(
        ["jeditaskid", "jobstatus"], "jeditaskid = %s", [task["jeditaskid"]]).items()}
    assert task["states"] == expected
    times = [t["modificationtime"] for t in tasks]
    assert times == sorted(times, reverse=True)
    user = task["username"]
    _, mine = accept_json(client, f"/tasks/?days=3&produsername={user}")
    assert mine and all(t["username"] == user for t in mine)
    assert client.get("/tasks/?computingsite=X").status_code == 400
    assert "Tasks" in client.get("/tasks/?days=3").content.decode()


def test_tasks_built_from_jobs_without_jedi(client, without_jedi):
    response, tasks = accept_json(client, "/tasks/?days=2")
    assert response.status_code == 200 and tasks
    in_window = sqlcheck.grouped_counts(["jeditaskid"], "jeditaskid IS NOT NULL AND modificationtime >= %s",
                                        [sqlcheck.dbtime(_two_days_ago())])
    assert {t["jeditaskid"] for t in tasks} <= set(in_window)
    for task in tasks[:5]:
        assert task["status"] == queries.derived_status(task["states"])
    taskid = a_task_with_failures()
    _, data = accept_json(client, f"/task/{taskid}/")
    assert data["task"]["source"] == "jobs" and data["task"]["username"]
    assert data["task"]["status"] == queries.derived_status(data["states"])


def _two_days_ago():
    import datetime as dt

    from pandamon import window

    return window.now() - dt.timedelta(days=2)


def test_derived_status():
    assert queries.derived_status({"finished": 3}) == "done"
    assert queries.derived_status({"finished": 3, "failed": 1}) == "finished"
    assert queries.derived_status({"failed": 2}) == "failed"
    assert queries.derived_status({"running": 1, "finished": 2}) == "running"
    assert queries.derived_status({"defined": 2}) == "ready"
    assert queries.derived_status({"cancelled": 2}) == "aborted"


def test_unknown_and_malformed_task(client):
    assert accept_json(client, "/task/1/")[0].status_code == 404
    assert client.get("/task/1/").status_code == 404
    assert client.get("/task/abc/").status_code == 400
