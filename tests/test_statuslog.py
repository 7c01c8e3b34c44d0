"""/jobstatuslog/<pandaid>/: a job's state history in time order, ending in its
current state, with the time spent in each state."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.models import JOB_MODELS, JobsStatuslog
from tests.jobrows import BASE_PANDAID, T0, insert_job, insert_states

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
KEYS = {"jobstatus", "modificationtime", "modificationhost", "duration"}


def history(client, pandaid):
    response = client.get(f"/jobstatuslog/{pandaid}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("model", JOB_MODELS, ids=lambda m: m._meta.db_table)
def test_history_is_in_time_order_and_ends_in_the_current_state(client, model):
    jobs = list(model.objects.using("panda").order_by("pandaid").values("pandaid", "jobstatus")[:5])
    if not jobs and model._meta.db_table == "jobswaiting4":
        pytest.skip("the generated dataset has no job in jobswaiting4")
    assert jobs
    for job in jobs:
        items = history(client, job["pandaid"])
        assert items and all(set(item) == KEYS for item in items)
        assert items[-1]["jobstatus"] == job["jobstatus"]
        times = [item["modificationtime"] for item in items]
        assert times == sorted(times)
        logged = JobsStatuslog.objects.using("panda").filter(pandaid=job["pandaid"]).count()
        assert len(items) in (logged, logged + 1)  # +1: the current state when the log lags behind
        for a, b in zip(items, items[1:], strict=False):
            gap = dt.datetime.fromisoformat(b["modificationtime"]) - dt.datetime.fromisoformat(a["modificationtime"])
            assert a["duration"] == int(gap.total_seconds())


def test_a_lagging_log_is_completed_from_the_job_row(client):
    pandaid = BASE_PANDAID + 40
    insert_job(pandaid, jobstatus="running", statechangetime=T0 + dt.timedelta(hours=1))
    insert_states(pandaid, ["defined", "activated"])
    items = history(client, pandaid)
    assert [i["jobstatus"] for i in items] == ["defined", "activated", "running"]
    assert items[1]["duration"] == 3600 - 600
    assert items[-1]["duration"] is not None and items[-1]["duration"] > 0  # still running: until now


def test_html_page_and_errors(client):
    pandaid = JobsStatuslog.objects.using("panda").values_list("pandaid", flat=True).first()
    html = client.get(f"/jobstatuslog/{pandaid}/").content.decode()
    assert "State history of job" in html and f'href="/job/{pandaid}/"' in html
    assert client.get("/jobstatuslog/1/").status_code == 404
    assert client.get("/jobstatuslog/1/", HTTP_ACCEPT="application/json").json()["error"]
    assert client.get("/jobstatuslog/x/").status_code == 400
