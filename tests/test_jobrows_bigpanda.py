"""Job rows of /jobs/?json as BigPanDA sends them (issue 10 item 3): every key of
BigPanDA's captured answer with the same JSON type, derived values recomputed from
the plain-SQL columns, `fields=` over derived keys, dates readable by fromisoformat."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from django.db import connections

from jobs import rows as jobrows
from tests import sqlcheck
from tests.pages import explicit_window, get_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

BIGPANDA = [j for j in json.loads(Path("/work/shared/reference/bigpanda-json/jobs.json").read_text())["jobs"]
            if isinstance(j, dict)]  # the capture ends its cut lists with a note
# The same JSON type: BigPanDA's ints and floats are both JSON numbers; null stands for any type.
JSON_TYPE = {bool: "boolean", int: "number", float: "number", str: "string", type(None): "null",
             list: "array", dict: "object"}


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=10)


def sql_row(pandaid: int, columns: list[str]) -> dict:
    for table in sqlcheck.TABLES:
        with connections["panda"].cursor() as cursor:
            cols = ", ".join(sqlcheck._q(c) for c in columns)
            cursor.execute(f"SELECT {cols} FROM {sqlcheck._q(table)} WHERE pandaid = %s", [pandaid])
            found = cursor.fetchone()
        if found:
            return {c: (v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v)
                    for c, v in zip(columns, found, strict=True)}
    raise AssertionError(pandaid)


def test_every_bigpanda_key_with_its_json_type(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "300"})
    reference = set(BIGPANDA[0])
    for job in body["jobs"]:
        conditional = {"jobsetrange"} if not job.get("jobsetid") else set()
        assert reference - conditional <= set(job), reference - set(job)
        extra = set(job) - reference
        # documented additions: our `table`; BigPanDA's own errorinfo on failed/holding jobs, and its
        # maxpssgbpercore / cpuefficiency where the figures allow (the captured job had none)
        assert extra <= {"table", "errorinfo", "maxpssgbpercore", "cpuefficiency"}, extra
        assert ("errorinfo" in job) == (job["jobstatus"] in ("failed", "holding"))
    typed = {}
    for job in BIGPANDA:
        for key, value in job.items():
            if value is not None:
                typed[key] = JSON_TYPE[type(value)]
    for job in body["jobs"]:
        for key, kind in typed.items():
            if job.get(key) is not None:
                assert JSON_TYPE[type(job[key])] == kind, (key, job[key])


def test_dates_are_bigpandas_and_fromisoformat_reads_them(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "50", "jobstatus": "finished"})
    for job in body["jobs"]:
        for key in ("creationtime", "modificationtime", "starttime", "endtime", "statechangetime"):
            if job[key] is not None:
                assert len(job[key]) == 19 and job[key][10] == "T"
                dt.datetime.fromisoformat(job[key])


def duration_text(seconds: int) -> str:
    d, r = divmod(seconds, 86400)
    return f"{d}:{r // 3600}:{r % 3600 // 60:02d}:{r % 60:02d}"


def test_derived_values_of_ended_jobs_equal_plain_sql(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "40", "jobstatus": "finished|failed"})
    assert body["jobs"]
    for job in body["jobs"]:
        cols = sql_row(job["pandaid"], ["creationtime", "starttime", "endtime", "currentpriority", "jobsetid",
                                        "pilotid", "modificationhost", "statechangetime", "modificationtime"])
        end = cols["endtime"] or cols["statechangetime"] or cols["modificationtime"]
        run = int((end - cols["starttime"]).total_seconds()) if cols["starttime"] else 0
        assert job["durationsec"] == run and job["durationmin"] == math.floor(run / 60)
        assert job["duration"] == duration_text(run)
        if cols["starttime"]:
            wait = int((cols["starttime"] - cols["creationtime"]).total_seconds())
            assert job["waittimesec"] == wait and job["waittime"] == duration_text(wait)
        low = cols["currentpriority"] - cols["currentpriority"] % 100
        assert job["priorityrange"] == f"{low}:{low + 99}"
        if cols["jobsetid"]:
            low = cols["jobsetid"] - cols["jobsetid"] % 100
            assert job["jobsetrange"] == f"{low}:{low + 99}"
        figures = sql_row(job["pandaid"], ["maxpss", "actualcorecount", "cpuconsumptiontime"])
        cores = figures["actualcorecount"]
        if figures["maxpss"] is not None and cores:
            assert job["maxpssgbpercore"] == round(figures["maxpss"] / 1024 / 1024 / cores, 2)
        else:
            assert "maxpssgbpercore" not in job
        cpu = float(figures["cpuconsumptiontime"] or 0)
        if cpu > 0 and cores and run > 0:
            assert job["cpuefficiency"] == round(100.0 * cpu / run / cores, 2)
        else:
            assert "cpuefficiency" not in job
        pilot = cols["pilotid"]
        assert job["pilotversion"] == (pilot.split("|")[-1] if pilot and "|" in pilot else "Not specified")
        assert job["wn"] == (cols["modificationhost"] or "Unknown").split("@")[-1]
        assert job["category"] in ("run", "build", "merge") and isinstance(job["jobinfo"], str)


def test_failed_jobs_carry_bigpandas_errorinfo(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "40", "jobstatus": "failed"})
    assert body["jobs"]
    for job in body["jobs"]:
        cols = sql_row(job["pandaid"], ["piloterrorcode", "exeerrorcode", "ddmerrorcode", "superrorcode"])
        for component, column in (("pilot", "piloterrorcode"), ("executor", "exeerrorcode"),
                                  ("dataservice", "ddmerrorcode"), ("supervisor", "superrorcode")):
            assert (f"{component}:{cols[column]} " in job["errorinfo"]) == bool(cols[column]), job["errorinfo"]


def test_waittime_of_a_job_not_started_runs_to_now(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "20", "jobstatus": "activated|pending|defined"})
    for job in body["jobs"]:
        created = dt.datetime.fromisoformat(job["creationtime"])
        assert job["waittimesec"] >= int((dt.datetime.now(dt.UTC).replace(tzinfo=None) - created).total_seconds()) - 5
        assert job["durationsec"] == 0 and job["duration"] == "0:0:00:00"


def test_fields_select_columns_and_derived_keys(client, window):
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "20",
                                           "fields": "pandaid,durationsec,waittime,homecloud,resourcetype"})
    assert body["jobs"]
    for job in body["jobs"]:
        assert set(job) == {"pandaid", "durationsec", "waittime", "homecloud", "resourcetype"}
    response = client.get("/jobs/", {**query, "limit": "20", "fields": "pandaid,nosuchkey", "json": ""})
    assert response.status_code == 400 and "nosuchkey" in response.json()["error"]


def test_consumer_is_the_first_ancestor_in_the_answer():
    rows = [{"pandaid": 3, "parentid": 2}, {"pandaid": 2, "parentid": 1}, {"pandaid": 1, "parentid": None},
            {"pandaid": 9, "parentid": 7}]
    by_id = {j["pandaid"]: j["consumer"] for j in jobrows.with_consumers(rows)}
    assert by_id == {3: 1, 2: 1, 1: None, 9: None}
