"""BigPanDA's URL forms answered in place, never by a redirect (issue 10 item 2):
/task/?jeditaskid=N, /task/?taskname=X, /user/?user=X, /site/?site=X,
/job?batchid=X, /jobs/<field>/<value>/, every page without its trailing slash,
and `Accept: text/json`."""

from __future__ import annotations

import pytest

from jobs.models import JOB_MODELS
from pandamon import window as windows
from tasks.models import JediTask
from tests import sqlcheck
from tests.pages import explicit_window, get_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def no_redirect(response):
    assert response.status_code < 300 or response.status_code >= 400, response.get("Location")
    return response


def some_task() -> dict:
    return JediTask.objects.using("panda").order_by("jeditaskid").values("jeditaskid", "taskname").first()


def a_job_with(column: str) -> dict:
    for model in JOB_MODELS:
        row = (model.objects.using("panda").exclude(**{f"{column}__isnull": True})
               .order_by("pandaid").values("pandaid", column).first())
        if row:
            return row
    pytest.skip(f"no job has a {column}")


def busiest(column: str) -> str:
    counts = sqlcheck.grouped_counts([column], f"{sqlcheck._q(column)} IS NOT NULL", [])
    return max(counts, key=counts.get)


def test_task_by_jeditaskid_in_the_query_is_the_task_page(client):
    task = some_task()
    _, direct = get_json(client, f"/task/{task['jeditaskid']}/")
    response, body = get_json(client, "/task/", {"jeditaskid": task["jeditaskid"]})
    assert no_redirect(response).status_code == 200
    assert body["task"] == direct["task"] and body["states"] == direct["states"]
    assert body["task"]["jeditaskid"] == task["jeditaskid"]


def test_task_by_exact_taskname(client):
    task = some_task()
    newest = JediTask.objects.using("panda").filter(taskname=task["taskname"]).order_by("-jeditaskid").first()
    response, body = get_json(client, "/task/", {"taskname": task["taskname"]})
    assert no_redirect(response).status_code == 200
    assert body["task"]["jeditaskid"] == newest.jeditaskid


def test_task_without_an_id_or_with_an_unknown_name(client):
    response, body = get_json(client, "/task/", {})
    assert response.status_code == 400 and "jeditaskid" in body["error"]
    response, body = get_json(client, "/task/", {"taskname": "no.such.task.name"})
    assert response.status_code == 404 and "no.such.task.name" in body["error"]
    response, body = get_json(client, "/task/", {"jeditaskid": "x"})
    assert response.status_code == 400


def test_user_by_query_is_the_user_page(client):
    name = busiest("produsername")
    _, direct = get_json(client, f"/user/{name}/")
    for key in ("user", "produsername"):
        response, body = get_json(client, "/user/", {key: name})
        assert no_redirect(response).status_code == 200
        assert {k: v for k, v in body.items() if k != "window"} == {k: v for k, v in direct.items() if k != "window"}
    response, body = get_json(client, "/user/", {})
    assert response.status_code == 400 and "user" in body["error"]


def test_site_by_query_is_the_site_page(client):
    name = busiest("computingsite")
    _, direct = get_json(client, f"/site/{name}/")
    response, body = get_json(client, "/site/", {"site": name})
    assert no_redirect(response).status_code == 200
    assert body == direct and {"param": "siteid", "value": name} in body
    _, direct = get_json(client, f"/site/{name}/", {"outputs": "site,states"})
    _, body = get_json(client, "/site/", {"site": name, "outputs": "site,states"})
    assert body == direct and body["states"]
    response, body = get_json(client, "/site/", {})
    assert response.status_code == 400 and "site" in body["error"]


@pytest.mark.parametrize("path", ["/job", "/job/"])
def test_job_by_batchid(client, path):
    row = a_job_with("batchid")
    expected = max(pandaid for model in JOB_MODELS
                   for pandaid in model.objects.using("panda").filter(batchid=row["batchid"])
                   .values_list("pandaid", flat=True))  # the newest job of that batch id, as for a jobname
    response, body = get_json(client, path, {"batchid": row["batchid"]})
    assert no_redirect(response).status_code == 200
    assert body["job"]["pandaid"] == expected and body["job"]["batchid"] == row["batchid"]
    response, body = get_json(client, path, {"batchid": "no-such-batch-id"})
    assert response.status_code == 404 and "no-such-batch-id" in body["error"]


def test_jobs_filter_in_the_path(client, generated_at):
    window, (start, end) = explicit_window(generated_at, days=10)
    site = busiest("computingsite")
    response, body = get_json(client, f"/jobs/computingsite/{site}/", {**window, "limit": 100000})
    assert no_redirect(response).status_code == 200
    where, params = sqlcheck.window_where(start, end)
    expected = sqlcheck.total(f"{where} AND {sqlcheck._q('computingsite')} = %s", [*params, site])
    assert expected and len(body["jobs"]) == expected
    assert {job["computingsite"] for job in body["jobs"]} == {site}
    _, query_form = get_json(client, "/jobs/", {**window, "limit": 100000, "computingsite": site})
    assert body["selectionsummary"] == query_form["selectionsummary"]


def test_jobs_path_filter_is_checked_like_a_query_parameter(client):
    response, body = get_json(client, "/jobs/nosuchcolumn/1/", {})
    assert response.status_code == 400 and "nosuchcolumn" in body["error"]
    response, body = get_json(client, "/jobs/computingsite/X/", {"computingsite": "Y"})
    assert response.status_code == 400 and "computingsite" in body["error"]


@pytest.mark.parametrize("path", ["/jobs", "/errors", "/users", "/sites", "/tasks", "/dash", "/health",
                                  "/jobs/jobstatus/failed"])
def test_pages_answer_without_their_trailing_slash(client, path):
    response, body = get_json(client, path, {})
    assert no_redirect(response).status_code == 200
    _, slashed = get_json(client, path + "/", {})
    assert type(body) is type(slashed) and len(body) == len(slashed)
    if isinstance(body, dict):
        assert set(body) == set(slashed)


def test_object_pages_answer_without_their_trailing_slash(client, monkeypatch):
    # one clock for both requests: a live job's wait and run times count up to "now"
    frozen = windows.now()
    monkeypatch.setattr(windows, "now", lambda: frozen)
    task = some_task()
    job = a_job_with("batchid")
    for path, key in ((f"/task/{task['jeditaskid']}", "task"), (f"/job/{job['pandaid']}", "job")):
        response, body = get_json(client, path, {})
        assert no_redirect(response).status_code == 200
        assert body[key] == get_json(client, path + "/", {})[1][key]
    response, body = get_json(client, f"/jobstatuslog/{job['pandaid']}", {})
    assert no_redirect(response).status_code == 200 and body == get_json(
        client, f"/jobstatuslog/{job['pandaid']}/", {})[1]


def test_html_pages_answer_without_their_trailing_slash(client):
    response = no_redirect(client.get("/errors"))
    assert response.status_code == 200 and b'class="frame"' in response.content


def test_an_unknown_path_without_slash_is_still_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b'class="frame"' in response.content
    response = client.get("/no/such/page", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json() == {"error": "page not found"}


@pytest.mark.parametrize("accept", ["text/json", "text/json, */*;q=0.1", "application/json"])
def test_accept_text_json_is_json(client, accept):
    response = client.get("/jobs/", {"limit": 1}, HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "jobs" in response.json()


def test_accept_html_stays_html(client):
    response = client.get("/errors/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
