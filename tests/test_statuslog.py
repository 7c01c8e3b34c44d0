"""/jobstatuslog/<pandaid>/: a job's state history in time order, ending in its
current state, with the time spent in each state: BigPanDA's rows and duration
text, and pandamon's seconds (durationsec)."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.models import JOB_MODELS, JobsStatuslog
from tests.jobrows import BASE_PANDAID, T0, insert_job, insert_states

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
KEYS = {"pandaid", "modificationtime", "jobstatus", "prodsourcelabel", "cloud", "computingsite",  # BigPanDA's
        "modificationhost", "modiftime_extended", "duration", "modiftime_str",
        "durationsec", "logged"}  # pandamon's


def seconds_of(text: str) -> int:
    days, hours, minutes, seconds = (int(x) for x in text.split(":"))
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def bigpanda_text(seconds: float) -> str:
    """BigPanDA's duration written out: days, then H:MM:SS."""
    days, rest = divmod(int(seconds), 86400)
    return f"{days}:{rest // 3600}:{rest % 3600 // 60:02d}:{rest % 60:02d}"


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
        assert all(item["pandaid"] == job["pandaid"] for item in items)
        assert sum(not item["logged"] for item in items) == len(items) - logged
        # BigPanDA measures on modiftime_extended when every row has it, else on modificationtime.
        column = "modiftime_extended" if all(item["modiftime_extended"] for item in items) else "modificationtime"
        for a, b in zip(items, items[1:], strict=False):
            gap = dt.datetime.fromisoformat(b["modificationtime"]) - dt.datetime.fromisoformat(a["modificationtime"])
            assert a["durationsec"] == int(gap.total_seconds())
            measured = dt.datetime.fromisoformat(b[column]) - dt.datetime.fromisoformat(a[column])
            # within a second: the JSON's extended times are cut to milliseconds, as BigPanDA's
            assert abs(seconds_of(a["duration"]) - measured.total_seconds()) < 1.001, (a, b)
        for item in items:
            assert item["modiftime_str"] == item[column][:19].replace("T", " ")
        assert items[-1]["duration"] == "---"


def test_a_lagging_log_is_completed_from_the_job_row(client):
    pandaid = BASE_PANDAID + 40
    insert_job(pandaid, jobstatus="running", statechangetime=T0 + dt.timedelta(hours=1))
    insert_states(pandaid, ["defined", "activated"])
    items = history(client, pandaid)
    assert [i["jobstatus"] for i in items] == ["defined", "activated", "running"]
    assert [i["logged"] for i in items] == [True, True, False]
    assert items[1]["durationsec"] == 3600 - 600 and items[1]["duration"] == "0:0:50:00"
    assert items[-1]["durationsec"] is not None and items[-1]["durationsec"] > 0  # still running: until now
    assert items[-1]["duration"] == "---"  # BigPanDA: the last row has none


def test_durations_over_a_day_count_whole_days(client):
    pandaid = BASE_PANDAID + 41
    created = T0 - dt.timedelta(days=2, hours=3, seconds=5)
    insert_job(pandaid, jobstatus="activated", creationtime=created, statechangetime=T0, starttime=None)
    insert_states(pandaid, ["defined"], start=created)
    insert_states(pandaid, ["activated"], start=T0)
    items = history(client, pandaid)
    assert [i["jobstatus"] for i in items] == ["defined", "activated"]
    assert items[0]["duration"] == "2:3:00:05" == bigpanda_text(items[0]["durationsec"])
    assert items[0]["modiftime_str"] == created.strftime("%Y-%m-%d %H:%M:%S")


def test_html_page_and_errors(client):
    pandaid = JobsStatuslog.objects.using("panda").values_list("pandaid", flat=True).first()
    html = client.get(f"/jobstatuslog/{pandaid}/").content.decode()
    assert "State history of job" in html and f'href="/job/{pandaid}/"' in html
    assert client.get("/jobstatuslog/1/").status_code == 404
    assert client.get("/jobstatuslog/1/", HTTP_ACCEPT="application/json").json()["error"]
    assert client.get("/jobstatuslog/x/").status_code == 400
