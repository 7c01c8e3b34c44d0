"""The archive's companions on the job page: files, parameters and the pilot's job
report from filestable4 / jobparamstable / metatable, else from their *_arch copies;
jobsdebug stdout; a database without these tables; what generate_jobs writes there.

Rows are inserted with plain SQL, as PanDA writes them (tests.jobrows), inside the
test's rolled-back transaction.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from jobs.models import (
    LIVE_COMPANION_TIME,
    Filestable4,
    FilestableArch,
    Jobparamstable,
    JobparamstableArch,
    Jobsactive4,
    Jobsarchived,
    Jobsarchived4,
    Jobsdebug,
    Metatable,
    MetatableArch,
)
from tests.jobrows import BASE_PANDAID, T0, _insert, insert_job
from tests.pages import accept_json
from tests.renamed import renamed

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
ENDED = T0 + dt.timedelta(hours=3)
REPORT = {"exitCode": 0, "exitMsg": "<b>OK</b>", "files": {"output": [{"subFiles": [{"name": "HITS.pool.root.1"}]}]}}


def archived_job(pandaid: int, **columns) -> dict:
    """A job past the fast buffer: only in the archive, ended at ENDED."""
    return insert_job(pandaid, model=Jobsarchived, jobstatus="finished", modificationtime=ENDED,
                      statechangetime=ENDED, endtime=ENDED, **columns)


def file_rows(pandaid: int, n: int, modified: dt.datetime, prefix: str = "EVNT") -> list[dict]:
    return [{"row_id": pandaid * 1000 + i, "pandaid": pandaid, "modificationtime": modified,
             "lfn": f"{prefix}.{pandaid}.{i:05d}", "type": "input" if i else "log", "dataset": "mc23:test.ds",
             "scope": "mc23", "fsize": 1000 + i, "status": "ready"} for i in range(n)]


def text_row(pandaid: int, modified: dt.datetime, column: str, text: str) -> list[dict]:
    return [{"pandaid": pandaid, "modificationtime": modified, column: text}]


def page(client, pandaid: int) -> tuple[dict, str]:
    response, data = accept_json(client, f"/job/{pandaid}/")
    assert response.status_code == 200, data
    html = client.get(f"/job/{pandaid}/")
    assert html.status_code == 200
    return data, html.content.decode()


# --- the job page ---------------------------------------------------------------------


def test_an_archived_job_shows_files_params_and_metadata_kept_only_in_the_archive(client):
    pandaid = BASE_PANDAID + 501
    archived_job(pandaid)
    _insert(FilestableArch, [{**r, "creationtime": T0} for r in file_rows(pandaid, 3, ENDED)])
    _insert(JobparamstableArch, text_row(pandaid, ENDED, "jobparameters", "--maxEvents=10 --in=<x>"))
    _insert(MetatableArch, text_row(pandaid, ENDED, "metadata", json.dumps(REPORT)))
    data, html = page(client, pandaid)
    assert data["job"]["table"] == "jobsarchived"
    assert [f["lfn"] for f in data["files"]] == [f"EVNT.{pandaid}.00001", f"EVNT.{pandaid}.00002",
                                                 f"EVNT.{pandaid}.00000"]  # inputs first, the log last
    assert data["datasets"][0]["nfiles"] == 2
    assert data["jobparameters"] == "--maxEvents=10 --in=<x>"
    assert json.loads(data["metadata"]) == REPORT
    assert data["debugstdout"] is None
    assert f"EVNT.{pandaid}.00002" in html
    assert "--maxEvents=10 --in=&lt;x&gt;" in html
    # The job report indented, its markup escaped.
    assert escape('"exitMsg": "<b>OK</b>"') in html and "<b>OK</b>" not in html
    assert escape('\n  "files": {') in html


def test_the_live_companion_wins_over_its_archive_copy(client):
    pandaid = BASE_PANDAID + 502
    insert_job(pandaid, model=Jobsarchived4, jobstatus="failed", modificationtime=ENDED, endtime=ENDED)
    archived_job(pandaid)  # copied to the archive, not yet dropped from the fast buffer
    _insert(Filestable4, file_rows(pandaid, 2, ENDED, "LIVE"))
    _insert(FilestableArch, file_rows(pandaid, 2, ENDED, "COPY"))
    _insert(Jobparamstable, text_row(pandaid, ENDED, "jobparameters", "live params"))
    _insert(JobparamstableArch, text_row(pandaid, ENDED, "jobparameters", "archived params"))
    _insert(Metatable, text_row(pandaid, ENDED, "metadata", "not json <i>at all</i>"))
    _insert(MetatableArch, text_row(pandaid, ENDED, "metadata", "{}"))
    data, html = page(client, pandaid)
    assert {f["lfn"].split(".")[0] for f in data["files"]} == {"LIVE"} and len(data["files"]) == 2
    assert data["jobparameters"] == "live params"
    assert data["metadata"] == "not json <i>at all</i>"
    assert "not json &lt;i&gt;at all&lt;/i&gt;" in html  # text that is not JSON is shown as it is


def test_a_live_job_reads_its_rows_at_1970_and_its_debug_stdout(client):
    pandaid = BASE_PANDAID + 503
    insert_job(pandaid, model=Jobsactive4, jobstatus="running", specialhandling="debug")
    _insert(Filestable4, file_rows(pandaid, 2, LIVE_COMPANION_TIME))
    _insert(Jobparamstable, text_row(pandaid, LIVE_COMPANION_TIME, "jobparameters", "--live"))
    _insert(Jobsdebug, [{"pandaid": pandaid, "stdout": "line 1\n<script>alert(1)</script>\nline 3"}])
    data, html = page(client, pandaid)
    assert len(data["files"]) == 2 and data["jobparameters"] == "--live"
    assert data["metadata"] is None
    assert data["debugstdout"] == "line 1\n<script>alert(1)</script>\nline 3"
    assert 'id="debugstdout"' in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_an_ended_job_ignores_rows_stamped_outside_its_life(client):
    # Rows at 1970 belong to a job not yet archived; an ended job's rows carry its archival time.
    pandaid = BASE_PANDAID + 504
    insert_job(pandaid, model=Jobsarchived4, jobstatus="finished", modificationtime=ENDED, endtime=ENDED)
    _insert(Filestable4, file_rows(pandaid, 2, LIVE_COMPANION_TIME))
    _insert(Filestable4, file_rows(pandaid + 1, 1, ENDED))  # another job's file: not this one's
    data, _ = page(client, pandaid)
    assert data["files"] == []


def test_a_database_without_the_companion_tables_still_serves_the_job_page(client):
    pandaid = BASE_PANDAID + 505
    archived_job(pandaid)
    _insert(Filestable4, file_rows(pandaid, 2, ENDED))
    _insert(Jobparamstable, text_row(pandaid, ENDED, "jobparameters", "--old layout"))
    absent = {model: f"absent_{model._meta.db_table.split('.')[-1].strip(chr(34) + '`')}"
              for model in (FilestableArch, JobparamstableArch, Metatable, MetatableArch, Jobsdebug)}
    with renamed(absent):
        data, html = page(client, pandaid)
    assert len(data["files"]) == 2 and data["jobparameters"] == "--old layout"
    assert data["metadata"] is None and data["debugstdout"] is None
    assert 'id="metadata"' not in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connections["panda"]) as ctx:
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
    return len(ctx)


def test_query_count_does_not_depend_on_where_the_rows_are_or_how_many(client):
    few, many, live = BASE_PANDAID + 510, BASE_PANDAID + 520, BASE_PANDAID + 530
    archived_job(few)
    _insert(Filestable4, file_rows(few, 1, ENDED))
    archived_job(many)
    _insert(FilestableArch, file_rows(many, 250, ENDED))
    _insert(JobparamstableArch, text_row(many, ENDED, "jobparameters", "x"))
    _insert(MetatableArch, text_row(many, ENDED, "metadata", json.dumps(REPORT)))
    insert_job(live, model=Jobsarchived4, jobstatus="finished", modificationtime=ENDED, endtime=ENDED)
    _insert(Metatable, text_row(live, ENDED, "metadata", "{}"))
    _insert(Jobsdebug, [{"pandaid": live, "stdout": "tail"}])
    _queries(client, f"/job/{few}/")  # the catalogue is asked once, then cached
    counts = {pandaid: _queries(client, f"/job/{pandaid}/") for pandaid in (few, many, live)}
    assert len(set(counts.values())) == 1, counts
    assert len(accept_json(client, f"/job/{many}/")[1]["files"]) == 250


# --- what generate_jobs wrote ----------------------------------------------------------


def _pandaids(model, **filters) -> set[int]:
    return set(model.objects.using("panda").filter(**filters).values_list("pandaid", flat=True))


def test_generated_jobs_past_the_fast_buffer_keep_their_rows_only_in_the_archive_copies(client):
    archive_only = _pandaids(Jobsarchived) - _pandaids(Jobsarchived4)
    assert archive_only, "the dataset should hold jobs past the fast buffer"
    assert not archive_only & (_pandaids(Filestable4) | _pandaids(Jobparamstable) | _pandaids(Metatable))
    assert archive_only == _pandaids(FilestableArch) == _pandaids(JobparamstableArch) & archive_only
    assert _pandaids(MetatableArch) <= archive_only
    pandaid = min(_pandaids(MetatableArch))
    data, html = page(client, pandaid)
    assert data["files"] and data["jobparameters"] and json.loads(data["metadata"])["exitCode"] is not None
    assert data["files"][0]["lfn"] in html and 'id="metadata"' in html


def test_generated_live_jobs_rows_sit_at_1970_and_ended_jobs_rows_at_their_time():
    live = _pandaids(Jobsactive4)
    stamped = dict(Jobsarchived4.objects.using("panda").values_list("pandaid", "modificationtime"))
    for model in (Filestable4, Jobparamstable):
        times = dict(model.objects.using("panda").values_list("pandaid", "modificationtime"))
        assert {times[p] for p in live & set(times)} == {LIVE_COMPANION_TIME}, model
        assert all(times[p] == t for p, t in stamped.items() if p in times), model
    reports = dict(Metatable.objects.using("panda").values_list("pandaid", "metadata"))
    assert reports and set(reports) <= set(stamped)
    report = json.loads(next(iter(reports.values())))
    assert {"exitCode", "files", "executor", "resource"} <= set(report)


def test_generated_debug_stdout_belongs_to_running_jobs(client):
    debug = dict(Jobsdebug.objects.using("panda").values_list("pandaid", "stdout"))
    assert debug, "the dataset should hold some jobs in debug mode"
    assert set(debug) <= _pandaids(Jobsactive4, jobstatus="running")
    assert all(0 < len(text) <= 2048 for text in debug.values())
    pandaid = min(debug)
    data, html = page(client, pandaid)
    assert data["debugstdout"] == debug[pandaid]
    assert 'id="debugstdout"' in html
