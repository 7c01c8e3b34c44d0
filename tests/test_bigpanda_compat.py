"""Scripts written for BigPanDA work against pandamon unchanged (issue 10, item 5).

A catalogue of URLs that real scripts, documentation and one-liners send to the BigPanDA monitor, each
citing where it was found (repository and path). Each is replayed against the generated data as the
script sends it (its query string as written, `Accept: application/json` as most of them send) and
must answer 200 with the keys and types the script reads; where the script reads a count, it equals
plain SQL (tests/sqlcheck.py). A case whose support is still being built is marked
`xfail(strict=True)` with what is missing: it turns red (XPASS) the moment it passes, and must then be
unmarked. docs/bigpanda-compatibility.md lists the same gaps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.db import connections

from jobs.models.job import LIVE_JOB_MODELS, Jobsarchived4
from pandamon import window as windows
from tasks.models import JediTask
from tests import sqlcheck

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
LIVE_TABLES = [m._meta.db_table for m in LIVE_JOB_MODELS]


# --- what the scripts read ------------------------------------------------------------------------


def _dates(value) -> None:
    """BigPanDA's dates are strings datetime.fromisoformat reads (`YYYY-MM-DD HH:MM:SS`)."""
    if value is not None:
        assert isinstance(value, str)
        dt.datetime.fromisoformat(value)


def jobs_list(body, sample) -> None:
    # pandamonium reads reply['jobs'] and each job's keys; agents read jobstatus/computingsite/pandaid.
    assert isinstance(body, dict) and isinstance(body["jobs"], list)
    assert isinstance(body["selectionsummary"], list) and isinstance(body["errsByCount"], list)
    for job in body["jobs"][:50]:
        assert isinstance(job["pandaid"], int) and isinstance(job["jobstatus"], str)
        assert isinstance(job["computingsite"], (str, type(None)))


def jobs_fields(body, sample) -> None:
    """fields= gives exactly the named keys (a worker-node watcher reads these three)."""
    assert isinstance(body["jobs"], list) and body["jobs"]
    for job in body["jobs"]:
        assert set(job) == {"pandaid", "modificationhost", "jobstatus"} and isinstance(job["pandaid"], int)


def jobs_where(**want) -> Callable:
    """The list holds only jobs with these values, and is not empty (the data has them)."""
    def check(body, sample) -> None:
        jobs_list(body, sample)
        assert body["jobs"]
        for job in body["jobs"]:
            for key, value in want.items():
                expected = getattr(sample, value[1:]) if isinstance(value, str) and value[0] == "@" else value
                assert job[key] == expected, (key, job[key])
    return check


def jobs_ended_in(body, sample) -> None:
    """endtimerange=A|B: failed jobs that ended in the six hours before the data's generation."""
    jobs_where(jobstatus="failed")(body, sample)
    start = (sample.now - dt.timedelta(hours=6)).replace(second=0)
    for job in body["jobs"]:
        assert start <= dt.datetime.fromisoformat(job["endtime"]).replace(tzinfo=None) <= sample.now \
            + dt.timedelta(minutes=1)


def job_rows_full(body, sample) -> None:
    """Job rows with BigPanDA's columns and derived keys (jobs.json has 139 keys)."""
    jobs_list(body, sample)
    assert body["jobs"]
    for job in body["jobs"][:20]:
        assert {"modificationhost", "produsername", "jeditaskid", "piloterrorcode", "durationsec"} <= set(job)
        _dates(job["modificationtime"])


def jobs_of_task(body, sample) -> None:
    """Every job of the task (a lookup by id has no window), as many as plain SQL counts."""
    jobs_list(body, sample)
    assert {j["jeditaskid"] for j in body["jobs"]} == {sample.taskid}
    assert len(body["jobs"]) == sqlcheck.total("jeditaskid = %s", [sample.taskid])


def two_jobs(body, sample) -> None:
    jobs_list(body, sample)
    assert sorted(j["pandaid"] for j in body["jobs"]) == sorted({sample.pandaid, sample.pandaid2})


def metastruct(body, sample) -> None:
    # pandamonium: [j['metastruct'] for j in reply['jobs'] if j]. fields=metastruct gives that key only (BigPanDA
    # too: its pandaid append is lost); one per job of the task, the parsed job report where the job has one.
    assert isinstance(body["jobs"], list)
    assert len(body["jobs"]) == sqlcheck.total("jeditaskid = %s", [sample.taskid])
    assert all(set(j) == {"metastruct"} for j in body["jobs"])
    reports = sqlcheck.job_reports("jeditaskid = %s", [sample.taskid])
    got = sorted((j["metastruct"] for j in body["jobs"] if j["metastruct"] is not None), key=json.dumps)
    assert got and got == sorted((json.loads(t) for t in reports.values() if t), key=json.dumps)


def tasks_list(body, sample) -> None:
    # pandamonium reads status, superstatus, taskname, jeditaskid, reqid, dsinfo.pctfinished
    assert isinstance(body, list)
    for task in body[:50]:
        assert isinstance(task["jeditaskid"], int)
        assert isinstance(task["status"], str) and isinstance(task["taskname"], (str, type(None)))


def tasks_pandamonium(body, sample) -> None:
    tasks_list(body, sample)
    assert body
    for task in body[:20]:
        assert isinstance(task["superstatus"], str) and "reqid" in task
        assert isinstance(task["dsinfo"]["pctfinished"], (int, float))
        assert isinstance(task["datasets"], list)


def tasks_of_user(body, sample) -> None:
    """username= (BigPanDA's wildcard or substring match on the task's user)."""
    tasks_list(body, sample)
    assert body and all(sample.user.split()[0].lower() in (t["username"] or "").lower() for t in body)


def one_task(body, sample) -> None:
    tasks_list(body, sample)
    assert [t["jeditaskid"] for t in body] == [sample.taskid]


def task_page(body, sample) -> None:
    # s['task']['superstatus'] (a workflow script), task['jeditaskid']
    assert isinstance(body, dict) and isinstance(body["task"], dict)
    assert body["task"]["jeditaskid"] == sample.taskid
    assert isinstance(body["task"]["status"], str)


def task_page_bigpanda(body, sample) -> None:
    task_page(body, sample)
    assert isinstance(body["task"]["superstatus"], str)
    assert isinstance(body["taskparams"], dict) and isinstance(body["datasets"], list)


def job_page(body, sample) -> None:
    # job['job'] fields, files list (panda-docs, MCP agents)
    assert isinstance(body, dict) and body["job"]["pandaid"] == sample.pandaid
    assert isinstance(body["files"], list)


def job_page_bigpanda(body, sample) -> None:
    job_page(body, sample)
    assert isinstance(body["dsfiles"], list)
    _dates(body["job"]["modificationtime"])


def statuslog(body, sample) -> None:
    assert isinstance(body, list) and body
    for row in body:
        assert isinstance(row["jobstatus"], str)
        _dates(row["modificationtime"])


def statuslog_bigpanda(body, sample) -> None:
    statuslog(body, sample)
    for row in body:
        assert row["pandaid"] == sample.pandaid and "duration" in row and "modiftime_str" in row


def errors_page(body, sample) -> None:
    # errors.py scripts read errsBySite (fields=errsBySite), errsByCount items' count
    assert isinstance(body, dict)
    assert isinstance(body["errsByCount"], list) and isinstance(body["errsBySite"], list)
    for item in body["errsByCount"]:
        assert isinstance(item["count"], int)


def errors_by_site_only(body, sample) -> None:
    """fields=errsBySite: only that summary (BigPanDA's error view computes what fields= names); the limit
    above pandamon's maximum is served clamped, and the answer says so."""
    assert isinstance(body["errsBySite"], list) and body["errsBySite"]
    assert not {"errsByCount", "errsByUser", "errsByTask", "jobSummary"} & set(body)
    for row in body["errsBySite"]:
        assert isinstance(row["name"], str) and isinstance(row["toterrors"], int)
    assert body["limit_clamped"] == {"requested": 10_000_000, "limit": 200_000}


def errors_bigpanda(body, sample) -> None:
    errors_page(body, sample)
    assert {"jobSummary", "errsByUser", "errsByTask"} <= set(body)


def users_page(body, sample) -> None:
    """BigPanDA's /users/ rows {name, latest, dict}; njobs per user equal to plain SQL."""
    assert isinstance(body, list) and body
    where, params = sqlcheck.window_where(sample.now - dt.timedelta(hours=12), sample.now + dt.timedelta(minutes=1))
    expected = sqlcheck.grouped_counts(["produsername"], where, params)
    for row in body:
        assert isinstance(row["name"], str) and isinstance(row["latest"], int)
        d = row["dict"]
        assert isinstance(d["njobs"], int) and isinstance(d["nqueued"], int) and isinstance(d["sites"], dict)
        assert isinstance(d["cputime"], str)
        _dates(d["latest"])
    got = {row["dict"]["name"]: row["dict"]["njobs"] for row in body}
    assert got == expected


def user_page(body, sample) -> None:
    assert isinstance(body, dict) and isinstance(body["jobs"], list)
    assert all(j["produsername"] == sample.user for j in body["jobs"])


def sites_page(body, sample) -> None:
    # CRIC-style queue dicts: nickname, siteid, cloud, status, tier, corecount ...
    assert isinstance(body, list) and body
    for queue in body:
        assert isinstance(queue["nickname"], str) and isinstance(queue["status"], (str, type(None)))
        assert {"siteid", "cloud", "tier", "corecount", "maxtime", "type", "vo_name"} <= set(queue)


def site_page(body, sample) -> None:
    # BigPanDA's siteInfo JSON: [{param, value}] sorted by param; the script links a job's computingsite, the
    # queue's siteid
    assert isinstance(body, list) and all(set(p) == {"param", "value"} for p in body)
    assert [p["param"] for p in body] == sorted(p["param"] for p in body)
    values = {p["param"]: p["value"] for p in body}
    assert values["siteid"] == sample.site and isinstance(values["legacy_nickname"], str)


def wns_page(body, sample) -> None:
    """BigPanDA's /wns/<site>/: summary rows with the All row first, counts equal to plain SQL."""
    assert isinstance(body, dict) and body["site"] == sample.site
    assert body["summary"][0]["name"] == "All"
    where, params = sqlcheck.window_where(sample.now - dt.timedelta(hours=12), sample.now + dt.timedelta(minutes=1))
    assert body["summary"][0]["count"] == sqlcheck.total(where + " AND computingsite = %s", params + [sample.site])
    assert isinstance(body["wnPlotFailed"], list) and isinstance(body["wnPlotFinished"], list)


def dash_page(body, sample) -> None:
    assert isinstance(body, dict)


def dash_region(body, sample) -> None:
    assert isinstance(body, dict) and {"regions", "sites", "queues"} <= set(body)
    queue = body["queues"][sample.site]
    assert {"pqtype", "region", "atlas_site", "status", "n_pilots_total", "n_pilots_nojob", "n_running_cores",
            "failed_percentage", "n_jobs", "job_summary"} <= set(queue)
    states = queue["job_summary"]["all"]["all"]
    assert all(set(e) == {"jobstatus", "count"} and isinstance(e["count"], int) for e in states)
    assert body["regions"][queue["region"]]["all"]["all"][0]["jobstatus"] == "pending"


def maxpandaid(body, sample) -> None:
    """BigPanDA's {maxpandaid}: the newest job (pandamon looks at every live table, BigPanDA at
    jobsarchived4, whose newest job is never newer)."""
    with connections["panda"].cursor() as cursor:
        assert body["maxpandaid"] == max(_max(cursor, t) for t in LIVE_TABLES)
        assert body["maxpandaid"] >= _max(cursor, Jobsarchived4._meta.db_table)


def _max(cursor, table) -> int:
    cursor.execute(f"SELECT MAX(pandaid) FROM {sqlcheck._q(table)}")
    return cursor.fetchone()[0] or 0


# --- the catalogue ----------------------------------------------------------------------------------

PANDAMONIUM = "dguest/pandamonium src/pandamonium/pandamon.py"
PANDA_DOCS = "PanDAWMS/panda-docs docs/source/client/monitoring.rst"
PANDA_CLIENT = "PanDAWMS/panda-client pandaclient/queryPandaMonUtils.py"
# Cases citing a description rather than a repository and path were found by the code index's exact-string
# search, which does not name the file; the quoted URL is as the file writes it.
BIGMON = "PanDAWMS/panda-bigmon-core"


@dataclass(frozen=True)
class Case:
    name: str
    url: str  # {pandaid} {taskid} {taskname} {user} {site} filled from the data
    source: str
    check: Callable
    missing: str | None = None  # issue 10: what is missing, while it is


CATALOGUE: list[Case] = [
    # pandamonium: get_request() — the task list of one user by task-name pattern, with datasets
    Case("pandamonium-tasks", "/tasks/?taskname={taskname_prefix}*&datasets=True&limit=10000&username={user_q}&json=1",
         PANDAMONIUM, tasks_pandamonium),
    Case("pandamonium-tasks-days", "/tasks/?taskname={taskname_prefix}*&datasets=True&limit=10000&days=30&json=1",
         PANDAMONIUM, tasks_pandamonium),
    Case("pandamonium-tasks-metadata",
         "/tasks/?taskname={taskname_prefix}*&datasets=True&limit=10000&extra=metastruct&json=1",
         PANDAMONIUM, tasks_pandamonium),
    Case("pandamonium-tasks-timestamp",
         "/tasks/?taskname={taskname_prefix}*&datasets=True&limit=10000&timestamp=12:00:00&json=1",
         PANDAMONIUM, tasks_pandamonium),
    # pandamonium: get_jobid_request() — every job of a task with its metadata
    Case("pandamonium-jobs-metastruct", "/jobs/?jeditaskid={taskid}&limit=10000&json=1&fields=metastruct",
         PANDAMONIUM, metastruct),
    Case("pandamonium-jobs-metastruct-days", "/jobs/?jeditaskid={taskid}&limit=10000&json=1&fields=metastruct&days=30",
         PANDAMONIUM, metastruct),
    # panda-client (pbook, pandaclient/queryPandaMonUtils.py): query_tasks() and query_jobs()
    Case("panda-client-task", "/tasks/?json=1&datasets=True&limit=10000&jeditaskid={taskid}", PANDA_CLIENT,
         one_task),
    Case("panda-client-tasks-user", "/tasks/?json=1&datasets=True&limit=10000&username={user_q}&days=30",
         PANDA_CLIENT, tasks_of_user),
    Case("panda-client-tasks-superstatus",
         "/tasks/?json=1&datasets=True&limit=10000&superstatus=running&timestamp=1764700000", PANDA_CLIENT,
         tasks_list),
    Case("panda-client-jobs", "/jobs/?json=1&limit=10000&jeditaskid={taskid}", PANDA_CLIENT, jobs_of_task),
    Case("panda-client-jobs-nodrop", "/jobs/?json=1&limit=10000&jeditaskid={taskid}&mode=nodrop", PANDA_CLIENT,
         jobs_of_task),
    # panda-docs: the task list examples
    Case("docs-tasks", "/tasks/?json", PANDA_DOCS, tasks_list),
    Case("docs-tasks-display-limit", "/tasks/?display_limit=100&json", PANDA_DOCS, tasks_list),
    Case("docs-tasks-dates", "/tasks/?date_from={date_from_day}&date_to={date_to_day}&limit=1000&json", PANDA_DOCS,
         tasks_list),
    Case("docs-tasks-taskname", "/tasks/?days=120&taskname={taskname_prefix}*&json", PANDA_DOCS, tasks_list),
    Case("docs-tasks-username-wildcard", "/tasks/?username={user_first}*&json", PANDA_DOCS, tasks_of_user),
    Case("docs-tasks-tasktype", "/tasks/?tasktype=anal&json", PANDA_DOCS, tasks_list),
    Case("docs-tasks-status", "/tasks/?status=done&json", PANDA_DOCS, tasks_list),
    Case("docs-tasks-endtime", "/tasks/?endtime_from={date_from_min}&endtime_to={date_to_min}&json", PANDA_DOCS,
         tasks_list),
    Case("docs-tasks-earlierthan", "/tasks/?earlierthandays=1&json", PANDA_DOCS, tasks_list),
    # panda-docs: the task page, by path and by the documented ?json
    Case("docs-task", "/task/{taskid}/?json", PANDA_DOCS, task_page),
    Case("docs-task-bigpanda-keys", "/task/{taskid}/?json", PANDA_DOCS, task_page_bigpanda),
    # panda-docs: the job list examples
    Case("docs-jobs-finished", "/jobs/?jobstatus=finished&json", PANDA_DOCS, jobs_where(jobstatus="finished")),
    Case("docs-jobs-failed-dates", "/jobs/?jobstatus=failed&date_from={date_from_min}&date_to={date_to_min}&json",
         PANDA_DOCS, jobs_where(jobstatus="failed")),
    Case("docs-jobs-endtimerange", "/jobs/?jobstatus=failed&endtimerange={date_from_min}|{date_to_min}&json",
         PANDA_DOCS, jobs_ended_in),
    # panda-docs: one job
    Case("docs-job", "/job?pandaid={pandaid}&json", PANDA_DOCS, job_page),
    Case("docs-job-dsfiles", "/job?pandaid={pandaid}&json", PANDA_DOCS, job_page_bigpanda),
    # panda-docs, a client page ("You can fetch a json dump through …/jobs/?jeditaskid=<taskID>&fields=metastruct
    # &json"); the index's string search found it without naming the file
    Case("docs-prun-metastruct", "/jobs/?jeditaskid={taskid}&fields=metastruct&json",
         "PanDAWMS/panda-docs (client docs, user job metadata)", metastruct),
    # users' one-liners and agents (public code found by the code index)
    Case("curl-jobs-task", "/jobs/?jeditaskid={taskid}&json=1",
         "a grid-status script (get_jobs: bigpanda.cern.ch/jobs/?jeditaskid={taskid}&json=1)", jobs_of_task),
    Case("curl-jobs-task-noflag", "/jobs/?jeditaskid={taskid}",
         "a urllib2 retry-monitor script (Accept header only, no json flag)", jobs_of_task),
    Case("curl-jobs-queue-hour", "/jobs/?computingsite={site}&json&hours=1",
         "a queue-harvesting agent's README (GET /jobs/?computingsite=<Q>&json&hours=1)",
         jobs_where(computingsite="@site")),
    Case("curl-jobs-fields", "/jobs/?hours=1&fields=pandaid,modificationhost,jobstatus&computingsite={site}",
         "a worker-node watch script (pycurl, fields=pandaid,modificationhost,jobstatus)", jobs_fields),
    Case("curl-jobs-user-site", "/jobs/?username={user_q}&computingsite={site}&date_from={date_from_min}"
         "&date_to={date_to_min}&json",
         "a HammerCloud debugging note (curl … /jobs/?username=…&computingsite=…&date_from=…&json)",
         jobs_where(produsername="@user", computingsite="@site")),
    Case("curl-jobs-pandaids", "/jobs/?pandaid={pandaid},{pandaid2}",
         "a prodtask view comment (curl /jobs/?pandaid=A,B with Accept: application/json)", two_jobs),
    Case("curl-job-json", "/job?pandaid={pandaid}&json",
         "an MCP agent's data-source note (GET /job?pandaid=<job_id>&json)", job_page),
    Case("curl-job-path", "/job/{pandaid}/?json", "BigPanDA's own /job/<id>/ links", job_page),
    Case("curl-tasks-jeditaskid", "/tasks/?jeditaskid={taskid}&json",
         "a dataset-provenance script (fetch_taskinfo_from_bigpanda: /tasks/?jeditaskid={taskid}&json)", one_task),
    Case("curl-tasks-taskname-days", "/tasks/?taskname={taskname_prefix}*&days=30&json",
         "franaln/bins bigpanda.py (curl … /tasks/?taskname=user.%s*&days=10&json)", tasks_list),
    Case("curl-tasks-reqid-user", "/tasks/?reqid=1&username={user_q}&days=180",
         "a task-report generator (href /tasks/?reqid=…&username=…&days=180)", tasks_list),
    Case("curl-tasks-anal-user", "/tasks/?tasktype=anal&display_limit=5000&username={user_q}&days=60",
         "an SSO-cookie pycurl script (/tasks/?tasktype=anal&display_limit=5000&username=…&days=60)", tasks_list),
    Case("curl-task-json-true", "/task/{taskid}?json=true",
         "a workflow driver (urlopen('…/task/' + id + '?json=true'); s['task']['superstatus'])",
         task_page_bigpanda),
    Case("curl-task-query", "/task/?jeditaskid={taskid}&display_limit=200",
         "a grid job list builder (curl …/task/?jeditaskid=…&display_limit=200)", task_page),
    Case("curl-errors-site", "/errors/?json&hours=12&limit=10000000&fields=errsBySite",
         "an error-data downloader (/errors/?json&hours=NNN&limit=10000000&fields=errsBySite)", errors_by_site_only),
    Case("curl-errors-task", "/errors/?jeditaskid={taskid}&json",
         "a task-status web component (link /errors/?jeditaskid=${task.id})", errors_page),
    Case("curl-errors-bigpanda", "/errors/?json", "BigPanDA's own /errors/?json answer (bigpanda-json/errors.json)",
         errors_bigpanda),
    Case("curl-user-query", "/user/?user={user_q}&days=11",
         "a GRL bookkeeping script (/user/?user=Angel+Fernando+…&days=11)", user_page),
    Case("curl-user-path", "/user/{user_path}/?json", "an electron app (loadURL /user/<name>)", user_page),
    Case("curl-site-path", "/site/{site}/?json", "a site-overview page (link /site/{site_name}/)", site_page),
    Case("curl-site-query", "/site/?site={site}&json", BIGMON + " core/schedresource/urls.py (^site/$, ?site=)",
         site_page),
    # BigPanDA's own answers (bigpanda-json), as scripts read them
    Case("bigpanda-users", "/users/?json", BIGMON + " core/pandajob/summary_user.py (users.json)", users_page),
    Case("bigpanda-sites", "/sites/?json", BIGMON + " core/schedresource/views.py (sites.json)", sites_page),
    Case("bigpanda-wns", "/wns/{site}/?json", BIGMON + " core/views.py wnInfo (wns.json)", wns_page),
    Case("bigpanda-jobs-rows", "/jobs/?json&hours=12", BIGMON + " core/views.py jobList (jobs.json)", job_rows_full),
    Case("bigpanda-jobstatuslog", "/jobstatuslog/{pandaid}/?json", BIGMON + " core/views.py getJobStatusLog",
         statuslog),
    Case("bigpanda-jobstatuslog-durations", "/jobstatuslog/{pandaid}/?json",
         BIGMON + " core/views.py getJobStatusLog (jobstatuslog.json)", statuslog_bigpanda),
    Case("bigpanda-dash", "/dash/?json", BIGMON + " core/urls.py (^dash/$)", dash_page),
    Case("bigpanda-dash-region", "/dash/region/?json", BIGMON + " core/urls.py (^dash/region/$, dash-region.json)",
         dash_region),
    Case("bigpanda-jobs-field-value", "/jobs/computingsite/{site}/?json", BIGMON + " core/urls.py (^jobs/(.*)/(.*)/$)",
         jobs_where(computingsite="@site")),
    Case("bigpanda-jobs-drop", "/jobs/?jeditaskid={taskid}&mode=drop&json",
         BIGMON + " core/views.py jobList (mode=drop)", jobs_list),
    Case("bigpanda-maxpandaid", "/api/support/maxpandaid/", BIGMON + " core/urls.py (^api/support/maxpandaid/$)",
         maxpandaid),
    Case("bigpanda-text-json", "/jobs/?jobstatus=failed", BIGMON + " core/utils.py is_json_request (Accept: text/json)",
         jobs_where(jobstatus="failed")),
]


@dataclass(frozen=True)
class Sample:
    now: dt.datetime
    pandaid: int
    pandaid2: int
    taskid: int
    taskname: str
    user: str
    site: str


@pytest.fixture(scope="module")
def sample(django_db_blocker, django_db_setup, generated_at) -> Sample:
    """Real values from the generated data: a failed job of the last hours, a task with fewer jobs than the
    default limit, a busy user and site."""
    with django_db_blocker.unblock(), connections["panda"].cursor() as cursor:
        q = sqlcheck._q
        since = sqlcheck.dbtime((generated_at - dt.timedelta(hours=6)).replace(tzinfo=None))
        fast_buffer = q(Jobsarchived4._meta.db_table)
        cursor.execute(f"SELECT pandaid, jeditaskid, produsername, computingsite FROM {fast_buffer} "
                       f"WHERE jobstatus = 'failed' AND modificationtime >= %s AND jeditaskid IS NOT NULL "
                       f"AND produsername IS NOT NULL ORDER BY pandaid DESC", [since])
        rows = cursor.fetchmany(200)
        union = " UNION ALL ".join(f"SELECT pandaid, jeditaskid FROM {q(t)}" for t in sqlcheck.TABLES)
        cursor.execute(f"SELECT jeditaskid, COUNT(DISTINCT pandaid) FROM ({union}) u GROUP BY jeditaskid")
        sizes = dict(cursor.fetchall())
        pandaid, taskid, user, site = next(r for r in rows if 0 < sizes.get(r[1], 0) <= 500)
        cursor.execute(f"SELECT taskname FROM {q(JediTask._meta.db_table)} WHERE jeditaskid = %s", [taskid])
        found = cursor.fetchone()
    return Sample(generated_at.replace(tzinfo=None), pandaid, rows[-1][0], taskid,
                  found[0] if found and found[0] else "user", user, site)


def _url(case: Case, s: Sample) -> str:
    start, end = s.now - dt.timedelta(hours=6), s.now + dt.timedelta(minutes=1)
    prefix = s.taskname.split(".")[0] if "." in s.taskname else s.taskname[:4]
    return case.url.format(
        pandaid=s.pandaid, pandaid2=s.pandaid2, taskid=s.taskid, site=quote(s.site, safe=""),
        taskname_prefix=quote(prefix, safe=""), user_q=quote(s.user), user_first=quote(s.user.split()[0]),
        user_path=quote(s.user, safe=""),
        date_from_min=start.strftime("%Y-%m-%dT%H:%M"), date_to_min=end.strftime("%Y-%m-%dT%H:%M"),
        date_from_day=(s.now - dt.timedelta(days=2)).strftime("%Y-%m-%d"),
        date_to_day=(s.now + dt.timedelta(days=1)).strftime("%Y-%m-%d"),
    )


def _params(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=f"issue 10: {case.missing}")] if case.missing else []
    return pytest.param(case, id=case.name, marks=marks)


def test_the_catalogue_is_big_enough_and_cited():
    assert len(CATALOGUE) >= 40 and len({c.name for c in CATALOGUE}) == len(CATALOGUE)
    assert all(c.source for c in CATALOGUE)


@pytest.mark.parametrize("case", [_params(c) for c in CATALOGUE])
def test_script_url(client, sample, case, generated_at, monkeypatch):
    # The expectations are windows ending at the sample's clock: the page's "now" is that clock too, or a job
    # at the lower edge leaves the page's window minutes after generation and not the plain SQL's.
    monkeypatch.setattr(windows, "now", lambda: generated_at)
    accept = "text/json" if case.name == "bigpanda-text-json" else "application/json"
    response = client.get(_url(case, sample), HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:300]
    body = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    case.check(body, sample)
