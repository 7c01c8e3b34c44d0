"""/job/<pandaid>/?json's `job` as BigPanDA's job page sends it (issue 10): the /jobs/ row
builder's keys, the five main times with a space, harvesterInfo, file_summary_str,
days_since_creation, destinationse from the task's storage token, metastruct/metadata —
each against the rows written here with plain SQL (bigpanda-json/job.json for the keys)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connections

from harvester.models import HarvesterRelJobsWorkers, HarvesterWorker
from jobs.models import Filestable4, Jobsarchived4, Metatable
from tasks.models import JediDataset, JediDatasetContent
from tests.jobrows import BASE_PANDAID, T0, _insert, insert_job
from tests.pages import accept_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

REFERENCE = json.loads(Path("/work/shared/reference/bigpanda-json/job.json").read_text())["job"]
PANDAID = BASE_PANDAID + 610
TASK = 77_000_610
REPORT = {"files": {"output": [{"name": "out.root", "nentries": 12}]}, "exitCode": 0}


@pytest.fixture
def job():
    ended = T0 + dt.timedelta(hours=3)
    insert_job(PANDAID, model=Jobsarchived4, jobstatus="finished", jeditaskid=TASK, endtime=ended,
               modificationtime=ended, statechangetime=ended, maxpss=4 * 1024 * 1024, actualcorecount=2,
               cpuconsumptiontime=7200, schedulerid="harvester-CERN_central_A", jobsubstatus=None)
    _insert(Metatable, [{"pandaid": PANDAID, "modificationtime": ended, "metadata": json.dumps(REPORT)}])
    _insert(Filestable4, [
        {"row_id": PANDAID * 10 + i, "pandaid": PANDAID, "modificationtime": ended, "lfn": f"f{i}", "type": kind,
         "dataset": "mc23:ds", "scope": "mc23", "fsize": size, "status": "ready", "datasetid": 610, "fileid": i}
        for i, (kind, size) in enumerate([("input", 250_000_000), ("input", 310_000_000), ("output", 1000),
                                          ("log", 10)])])
    _insert(JediDataset, [{"jeditaskid": TASK, "datasetid": 610, "datasetname": "mc23:ds", "type": "input",
                           "creationtime": T0, "modificationtime": T0, "status": "ready",
                           "storagetoken": "dst:CERN-PROD_DATADISK"}])
    _insert(JediDatasetContent, [
        {"jeditaskid": TASK, "datasetid": 610, "fileid": i, "creationdate": T0, "lfn": f"f{i}", "type": "input",
         "status": "finished", "nevents": n} for i, n in ((0, 40), (1, 60))])
    _insert(HarvesterWorker, [{"harvesterid": "CERN_central_A", "workerid": 5, "lastupdate": ended,
                               "status": "finished", "batchlog": "https://ce/5.log", "computingelement": "ce1",
                               "errorcode": 0, "diagmessage": ""}])
    _insert(HarvesterRelJobsWorkers, [{"harvesterid": "CERN_central_A", "workerid": 5, "pandaid": PANDAID,
                                       "lastupdate": ended}])
    return PANDAID


def t(model) -> str:
    """The model's table as the database names it (schema-qualified in PanDA's official layout)."""
    return connections["panda"].ops.quote_name(model._meta.db_table)


def sql(query: str, *args):
    with connections["panda"].cursor() as cursor:
        cursor.execute(query, args)
        return cursor.fetchall()


def test_the_job_object_is_bigpandas_job_page(client, job):
    _, data = accept_json(client, f"/job/{PANDAID}/")
    got = data["job"]
    # Every key BigPanDA's job page sent, except jobsetrange (the job has no jobset); not the list's own keys.
    assert set(REFERENCE) - {"jobsetrange"} <= set(got), set(REFERENCE) - set(got)
    assert not {"consumer", "pilotversion", "jobparameters", "resource_type"} & set(got)
    assert got["schedulerid"] == "harvester-CERN_central_A"  # the job page does not shorten it
    (created, ended), = [(c.replace(tzinfo=None) if c.tzinfo else c, e.replace(tzinfo=None) if e.tzinfo else e)
                         for c, e in sql(f"SELECT creationtime, endtime FROM {t(Jobsarchived4)} WHERE pandaid = %s",
                                         PANDAID)]
    assert got["creationtime"] == created.strftime("%Y-%m-%d %H:%M:%S")
    assert got["endtime"] == ended.strftime("%Y-%m-%d %H:%M:%S")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert got["days_since_creation"] == (now - created).days + 1
    assert got["durationsec"] == int((ended - (created + dt.timedelta(hours=1))).total_seconds())
    assert got["maxpssgbpercore"] == 2.0
    assert got["cpuefficiency"] == round(100.0 * 7200 / got["durationsec"] / 2, 2)


def test_page_keys_against_plain_sql(client, job):
    _, data = accept_json(client, f"/job/{PANDAID}/")
    got = data["job"]
    (worker,) = sql("SELECT w.workerid, w.harvesterid, w.batchlog, w.computingelement, w.errorcode, w.diagmessage "
                    f"FROM {t(HarvesterRelJobsWorkers)} r JOIN {t(HarvesterWorker)} w ON w.harvesterid = r.harvesterid "
                    "AND w.workerid = r.workerid WHERE r.pandaid = %s", PANDAID)
    assert got["harvesterInfo"] == dict(zip(("workerid", "harvesterid", "batchlog", "computingelement",
                                             "errorcode", "diagmessage"), worker, strict=True))
    counts = dict(sql(f"SELECT type, COUNT(*) FROM {t(Filestable4)} WHERE pandaid = %s GROUP BY type", PANDAID))
    (size,), = sql(f"SELECT SUM(fsize) FROM {t(Filestable4)} WHERE pandaid = %s AND type = 'input'", PANDAID)
    (events,), = sql(f"SELECT SUM(c.nevents) FROM {t(JediDatasetContent)} c JOIN {t(Filestable4)} f "
                     "ON f.fileid = c.fileid AND f.datasetid = c.datasetid "
                     "WHERE f.pandaid = %s AND f.type = 'input'", PANDAID)
    assert got["file_summary_str"] == (f"input: {counts['input']}, size: {round(int(size) / 1e9, 2)}GB, "
                                       f"#events: {events}; output: {counts['output']}; pseudo_input: 0; "
                                       f"log: {counts['log']}")
    (token,), = sql(f"SELECT storagetoken FROM {t(JediDataset)} WHERE jeditaskid = %s AND storagetoken IS NOT NULL",
                    TASK)
    assert got["destinationse"] == token
    (text,), = sql(f"SELECT metadata FROM {t(Metatable)} WHERE pandaid = %s", PANDAID)
    assert got["metastruct"] == json.loads(text)
    assert json.loads(got["metadata"]) == json.loads(text) and "\n    " in got["metadata"]


def test_a_job_without_worker_report_or_jedi_rows(client):
    insert_job(PANDAID + 1, model=Jobsarchived4, jobstatus="failed", piloterrorcode=1201, piloterrordiag="killed",
               jeditaskid=TASK + 1)
    _, data = accept_json(client, f"/job/{PANDAID + 1}/")
    got = data["job"]
    assert got["harvesterInfo"] == {} and "metastruct" not in got and "metadata" not in got
    assert got["file_summary_str"] == "input: 0, size: 0.0GB, #events: 0; output: 0; pseudo_input: 0; log: 0"
    assert got["destinationse"] is None  # the column's own value: the task has no dataset with a token
    assert got["errorinfo"] == "pilot:1201 killed "
