"""/job/<pandaid>/, /job?pandaid=N, /job?jobname=X: lookup in every table, the
diagnosis, durations, retries in both directions, 404/400, constant query count."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs import rows as jobrows
from jobs.diagnosis import RELEVANCE, diagnose, errorinfo
from jobs.errorcodes import describe
from jobs.models import ERROR_COMPONENTS, JOB_MODELS, Jobsactive4, Jobsarchived, Jobsarchived4
from tests.jobrows import BASE_PANDAID, T0, insert_files, insert_job, insert_states
from tests.pages import accept_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
TABLE_NAMES = ["jobsdefined4", "jobswaiting4", "jobsactive4", "jobsarchived4", "jobsarchived"]


def pandaids_of(model, **filters) -> set[int]:
    return set(model.objects.using("panda").filter(**filters).values_list("pandaid", flat=True))


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_job_is_found_in_whichever_table_it_lives_in(client, table):
    model = dict(zip(TABLE_NAMES, JOB_MODELS, strict=True))[table]
    ids = pandaids_of(model)
    if table == "jobsarchived":
        ids -= pandaids_of(Jobsarchived4)  # archive-only jobs
    if table == "jobswaiting4" and not ids:
        pytest.skip("the generated dataset has no job in jobswaiting4")
    assert ids, f"the generated dataset has no job in {table}"
    pandaid = min(ids)
    response, data = accept_json(client, f"/job/{pandaid}/")
    assert response.status_code == 200
    job = data["job"]
    assert job["pandaid"] == pandaid and job["table"] == table
    # BigPanDA's job object: every column under BigPanDA's key, not the two big texts (metadata only
    # as the parsed report's text), errorinfo on failed and holding jobs only.
    assert set(jobrows.COLUMN_KEYS) <= set(job)
    assert not {"jobparameters", "resource_type", "memory_leak"} & set(job)
    assert ("metadata" in job) == ("metastruct" in job)
    assert isinstance(job["durationsec"], int) and isinstance(job["waittimesec"], int)
    assert ("errorinfo" in job) == (job["jobstatus"] in ("failed", "holding"))
    for key in ("files", "dsfiles", "datasets", "statuslog", "retries", "logs"):
        assert isinstance(data[key], list), key


def test_job_in_fast_buffer_and_archive_is_shown_once_from_the_fast_buffer(client):
    both = pandaids_of(Jobsarchived4) & pandaids_of(Jobsarchived)
    assert both, "the dataset should hold jobs copied to the archive but not yet dropped"
    pandaid = min(both)
    _, data = accept_json(client, f"/job/{pandaid}/")
    assert data["job"]["table"] == "jobsarchived4"
    assert [r["pandaid"] for r in data["retries"]].count(pandaid) == 1


def test_the_three_url_forms_give_the_same_job(client):
    pandaid = min(pandaids_of(Jobsactive4))
    jobname = Jobsactive4.objects.using("panda").get(pandaid=pandaid).jobname

    def job(url):
        # A live job's durations (and cpuefficiency from them) run on the clock: compare the rest.
        answer = accept_json(client, url)[1]["job"]
        clock = {"durationsec", "durationmin", "duration", "waittimesec", "waittime", "cpuefficiency",
                 "days_since_creation"}
        return {k: v for k, v in answer.items() if k not in clock}

    by_path = job(f"/job/{pandaid}/")
    assert job(f"/job?pandaid={pandaid}") == by_path
    assert job(f"/job/?pandaid={pandaid}") == by_path
    by_name = accept_json(client, f"/job?jobname={jobname}")[1]
    # Retries share a jobname: the name gives the latest attempt, the others are listed.
    assert by_name["job"]["jobname"] == jobname
    assert by_name["job"]["pandaid"] >= pandaid
    assert pandaid in {by_name["job"]["pandaid"], *(o["pandaid"] for o in by_name["samename"])}


def test_retry_chain_is_complete_in_both_directions(client):
    # A middle attempt: it has a parent and a child.
    children = {}
    rows = []
    for model in JOB_MODELS:
        rows += model.objects.using("panda").filter(parentid__isnull=False).values_list("pandaid", "parentid")
    for pandaid, parent in rows:
        children.setdefault(parent, set()).add(pandaid)
    parents = dict(rows)
    middle = next((p for p in sorted(parents) if p in children), None)
    assert middle is not None, "the dataset should hold a job that is both a retry and retried"

    expected = {middle}
    node = middle
    while node in parents:
        node = parents[node]
        expected.add(node)
    todo = [middle]
    while todo:
        for child in children.get(todo.pop(), ()):
            expected.add(child)
            todo.append(child)

    for pandaid in (middle, min(expected), max(expected)):
        _, data = accept_json(client, f"/job/{pandaid}/")
        chain = [r["pandaid"] for r in data["retries"]]
        assert set(chain) == expected, pandaid
        assert len(chain) == len(set(chain))
        attempts = [r["attemptnr"] for r in data["retries"]]
        assert attempts == sorted(attempts)


def test_every_error_component_that_is_set_appears_in_the_diagnosis(client):
    pandaid = BASE_PANDAID + 1
    codes = {code: 100 + i for i, (_, code, _) in enumerate(ERROR_COMPONENTS)}
    diags = {diag: f"<script>alert('{diag}')</script> at wn001" for _, _, diag in ERROR_COMPONENTS}
    insert_job(pandaid, jobstatus="failed", model=Jobsarchived4, transexitcode="65", **codes, **diags)
    response, data = accept_json(client, f"/job/{pandaid}/")
    diagnosis = data["diagnosis"]
    assert {d["component"] for d in diagnosis} == {c for c, _, _ in ERROR_COMPONENTS} | {"transform"}
    assert [d["component"] for d in diagnosis] == list(RELEVANCE)  # most relevant first
    pilot = next(d for d in diagnosis if d["component"] == "pilot")
    assert pilot["code"] == codes["piloterrorcode"] and "piloterrordiag" in pilot["diag"]
    transform = next(d for d in diagnosis if d["component"] == "transform")
    assert (transform["code"], transform["name"]) == (65, "SETUP_FAIL")
    # BigPanDA's errorinfo: 'component:code diag ' in its component order, the supervisor code hides
    # taskbuffer, a diag cut before ' at ' (BigPanDA also drops the character before it), 300 chars + '...'.
    order = [("brokerage", "brokerageerrorcode", "brokerageerrordiag"), ("dataservice", "ddmerrorcode", "ddmerrordiag"),
             ("executor", "exeerrorcode", "exeerrordiag"),
             ("jobdispatcher", "jobdispatchererrorcode", "jobdispatchererrordiag"),
             ("pilot", "piloterrorcode", "piloterrordiag"), ("transform", "transexitcode", None),
             ("supervisor", "superrorcode", "superrordiag")]
    expected = ""
    for component, code, diag in order:
        text = f"<script>alert('{diag}')</script" if diag else describe("transform", 65)[1]
        expected += f"{component}:{codes.get(code, 65)} {text} "
    assert data["job"]["errorinfo"] == expected[:300] + "..."

    # Diagnostics are shown escaped, never as markup.
    html = client.get(f"/job/{pandaid}/").content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_errorinfo_and_diagnosis_of_a_clean_and_a_lost_heartbeat_job():
    assert errorinfo({"transexitcode": "0", "piloterrorcode": 0}) == ""
    assert diagnose({"transexitcode": "0"}) == []
    row = {"jobdispatchererrorcode": 100, "jobdispatchererrordiag": "lost heartbeat : 2026-11-20 11:46:09"}
    assert errorinfo(row) == "jobdispatcher:100 lost heartbeat"
    assert diagnose(row)[0]["name"] == "LOSTHEARTBEAT"


def test_state_history_on_the_job_page_ends_in_the_current_state(client):
    for model in JOB_MODELS:
        pandaid = model.objects.using("panda").order_by("pandaid").values_list("pandaid", flat=True).first()
        if pandaid is None:
            continue
        _, data = accept_json(client, f"/job/{pandaid}/")
        assert data["statuslog"][-1]["jobstatus"] == data["job"]["jobstatus"]


def test_unknown_pandaid_is_404_in_html_and_json(client):
    response = client.get("/job/123/")
    assert response.status_code == 404
    assert b"no job with pandaid 123" in response.content and b"<nav" in response.content  # the site's frame
    response, data = accept_json(client, "/job/123/")
    assert response.status_code == 404 and "123" in data["error"]
    assert accept_json(client, "/job?jobname=no.such.job")[0].status_code == 404


@pytest.mark.parametrize("url", ["/job/abc/", "/job/-5/", "/job/1.5/", "/job?pandaid=x", "/job/?pandaid=",
                                 "/job/", "/job?pandaid=1&computingsite=X", "/job?pandaid=1|2"])
def test_malformed_request_is_400(client, url):
    response, data = accept_json(client, url)
    assert response.status_code == 400, url
    assert data["error"]
    assert client.get(url).status_code == 400


def test_links_to_user_site_node_and_task(client):
    pandaid = min(pandaids_of(Jobsarchived4, jobstatus="failed"))
    html = client.get(f"/job/{pandaid}/").content.decode()
    job = Jobsarchived4.objects.using("panda").get(pandaid=pandaid)
    assert f'href="/task/{job.jeditaskid}/"' in html
    assert f'href="/site/{job.computingsite}/"' in html
    assert "/user/" in html and "modificationhost=" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connections["panda"]) as ctx:
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
    return len(ctx)


def test_query_count_does_not_depend_on_files_states_or_retries(client):
    few, many = BASE_PANDAID + 10, BASE_PANDAID + 20
    insert_job(few)
    insert_files(few, 2)
    insert_states(few, ["defined", "activated", "running"])
    insert_job(many)
    insert_files(many, 300)
    insert_states(many, ["defined", "activated", "throttled", "activated", "sent", "starting"] * 5 + ["running"])
    # and a chain of retries behind it
    for i in range(1, 6):
        insert_job(many + i, attemptnr=i, parentid=many + i - 1, jobstatus="activated")
    assert _queries(client, f"/job/{few}/") == _queries(client, f"/job/{many}/")
    _, data = accept_json(client, f"/job/{many}/")
    assert len(data["files"]) == 300 and len(data["retries"]) == 6
    assert data["dsfiles"] == []  # BigPanDA's: event-service dataset contents, which pandamon does not read
    assert data["datasets"] == [
        {"dataset": "mc23:test.dataset", "scope": "mc23", "type": "input", "nfiles": 299,
         "fsize": sum(1000 + i for i in range(1, 300))},
        {"dataset": "mc23:test.dataset", "scope": "mc23", "type": "log", "nfiles": 1, "fsize": 1000},
    ]


def test_durations_and_time_per_state(client):
    pandaid = BASE_PANDAID + 30
    insert_job(pandaid, model=Jobsarchived4, jobstatus="finished")  # created T0, started +1 h
    insert_states(pandaid, ["defined", "activated", "running", "finished"])
    _, data = accept_json(client, f"/job/{pandaid}/")
    job = data["job"]
    assert job["waittimesec"] == 3600
    # BigPanDA's durationsec: an ended job without endtime ends at its statechangetime (+1 h, its start).
    assert job["durationsec"] == 0 and job["duration"] == "0:0:00:00"
    assert data["durations"]["total"] == 7200  # ours: creation to the last update (modificationtime, +2 h)
    assert [s["duration"] for s in data["statuslog"]] == [600, 600, 600, None]
    assert data["durations"]["states"] == [{"jobstatus": s, "seconds": 600} for s in ("defined", "activated",
                                                                                        "running")]


# The keys of a file row in BigPanDA's /job/ JSON (bigpanda-json/job.json, an input file).
BIGPANDA_FILE_KEYS = {
    "row_id", "pandaid", "modificationtime", "guid", "lfn", "type", "dataset", "status", "proddblock",
    "proddblocktoken", "dispatchdblock", "dispatchdblocktoken", "destinationdblock", "destinationdblocktoken",
    "destinationse", "fsize", "md5sum", "checksum", "scope", "jeditaskid", "datasetid", "fileid", "attemptnr",
    "fsizemb", "creationdate", "datasetname", "ruciodatasetname", "oldfiletable", "ddmsite", "maxattempt",
}


def test_files_are_bigpandas_file_rows(client):
    pandaid = BASE_PANDAID + 50
    insert_job(pandaid)
    insert_files(pandaid, 3)
    _, data = accept_json(client, f"/job/{pandaid}/")
    inputs = [f for f in data["files"] if f["type"] == "input"]
    log = next(f for f in data["files"] if f["type"] == "log")
    assert len(inputs) == 2
    for f in inputs:
        assert set(f) == BIGPANDA_FILE_KEYS  # no destinationdblock: no destinationdblock_vis
        assert f["maxattempt"] == "" and f["guid"] == "" and f["md5sum"] == ""  # NULL is "", as BigPanDA's
        assert f["fsizemb"] == round(f["fsize"] / 1e6, 2) and isinstance(f["fsize"], int)
        assert f["modificationtime"] == f["creationdate"] == T0.strftime("%Y-%m-%d %H:%M:%S")
        assert f["datasetname"] == "mc23:test.dataset" and f["ruciodatasetname"] == "test.dataset"
        assert f["oldfiletable"] == 1 and f["ddmsite"] == "All" and f["pandaid"] == pandaid
    assert "maxattempt" not in log and log["fsize"] == 1000


def test_file_row_derivations():
    from jobs.files import bigpanda_file

    f = bigpanda_file({"row_id": 7, "fileid": None, "type": "output", "dataset": "user.x.out", "scope": "user.x",
                       "fsize": None, "destinationdblock": "user.x.out_sub0123",
                       "destinationdblocktoken": "dst:CERN-PROD_SCRATCHDISK"})
    assert f["fileid"] == 7 and f["fsize"] == 0 and f["fsizemb"] == 0
    assert f["ruciodatasetname"] == "user.x.out"  # no "scope:" prefix to strip
    assert f["destinationdblock_vis"] == "sub0123"
    assert f["ddmsite"] == "CERN-PROD" and f["dsttoken"] == "ATLASSCRATCHDISK"
