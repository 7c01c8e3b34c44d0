"""generate_jobs: the synthetic PanDA data every other test and the demo read.

Most checks read the session's data (conftest runs the command once with a fixed
seed and reference time). Reproducibility and the split layout write, so they
run the command into scratch databases of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from jobs import errorcodes
from jobs.archive import period_of
from jobs.ddl import split_archive_tables
from jobs.ddl.models import table_name
from jobs.models import (
    Filestable4,
    FilestableArch,
    Jobparamstable,
    JobparamstableArch,
    Jobsactive4,
    Jobsarchived,
    Jobsarchived4,
    Jobsdebug,
    Jobsdefined4,
    JobsStatuslog,
    Jobswaiting4,
    Metatable,
    MetatableArch,
    Pandalog,
)
from jobs.states import JOB_STATES
from jobs.synthetic import catalogue
from pandamon import introspection
from pandamon.schema import panda_table
from sites.models import QUEUE_STATES, Cloudconfig, PandaSite, Schedconfig, SchedconfigJson, Site
from tasks.models import JediTask
from tests.conftest import DATASET
from tests.queues import expected_queues
from tests.test_schema import scratch_database

DBS = ["default", "panda"]
TABLE_STATES = {
    Jobsdefined4: {"pending", "defined", "assigned", "waiting"},
    Jobswaiting4: {"waiting"},
    Jobsactive4: {"activated", "throttled", "sent", "starting", "running", "holding", "merging", "transferring"},
    Jobsarchived4: {"finished", "failed", "cancelled", "closed"},
    Jobsarchived: {"finished", "failed", "cancelled", "closed"},
}
ALL_STATES = set().union(*TABLE_STATES.values())
JOB_MODELS = tuple(TABLE_STATES)
ERROR_CODES = (
    ("pilot", "piloterrorcode"), ("executor", "exeerrorcode"), ("supervisor", "superrorcode"),
    ("dataservice", "ddmerrorcode"), ("brokerage", "brokerageerrorcode"),
    ("jobdispatcher", "jobdispatchererrorcode"), ("taskbuffer", "taskbuffererrorcode"),
)  # fmt: skip


def fetch(connection, sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def table(connection, model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def naive(value) -> dt.datetime:
    """A datetime column as read through a raw cursor (SQLite gives strings)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo else value


def jobs(connection, model, columns: str = "pandaid, jobstatus") -> list[tuple]:
    return fetch(connection, f"SELECT {columns} FROM {table(connection, model)}")


@pytest.fixture
def now(generated_at) -> dt.datetime:
    return generated_at.replace(tzinfo=None)


@pytest.fixture
def all_jobs(panda_db) -> dict[int, tuple]:
    """Every job once (live tables win over the archive), as the monitor de-duplicates."""
    columns = "pandaid, jobstatus, parentid, attemptnr, jeditaskid, computingsite, modificationtime"
    seen: dict[int, tuple] = {}
    for model in JOB_MODELS:
        for row in jobs(panda_db, model, columns):
            seen.setdefault(row[0], row)
    return seen


# --- States and tables ----------------------------------------------------------------


@pytest.mark.django_db(databases=DBS)
def test_every_state_lives_in_its_table_and_every_state_appears(panda_db):
    found = set()
    for model, states in TABLE_STATES.items():
        present = {status for (status,) in fetch(panda_db, f"SELECT DISTINCT jobstatus FROM {table(panda_db, model)}")}
        assert present, f"{model._meta.db_table} is empty"
        assert present <= states, f"{model._meta.db_table} holds {present - states}"
        found |= present
    assert found == ALL_STATES


@pytest.mark.django_db(databases=DBS)
def test_pandaids_are_unique_per_table_and_the_job_count_is_exact(panda_db, all_jobs):
    for model in JOB_MODELS:
        ids = [pid for (pid,) in fetch(panda_db, f"SELECT pandaid FROM {table(panda_db, model)}")]
        assert len(ids) == len(set(ids))
        assert all(4_600_000_000 <= pid < 5_000_000_000 for pid in ids)
    assert len(all_jobs) == DATASET["jobs"]


@pytest.mark.django_db(databases=DBS)
def test_ended_jobs_are_mostly_finished_and_failures_spread_over_components_and_sites(panda_db, all_jobs):
    ended = Counter(row[1] for row in all_jobs.values() if row[1] in TABLE_STATES[Jobsarchived])
    share = ended["finished"] / sum(ended.values())
    assert 0.80 <= share <= 0.93, ended
    components, sites = set(), set()
    for model in (Jobsarchived4, Jobsarchived):
        codes = ", ".join(column for _, column in ERROR_CODES)
        for row in jobs(panda_db, model, f"computingsite, {codes}"):
            for (component, _), code in zip(ERROR_CODES, row[1:], strict=True):
                if code:
                    components.add(component)
                    sites.add(row[0])
    assert len(components) >= 4, components
    assert len(sites) >= 15, sites


@pytest.mark.django_db(databases=DBS)
def test_live_queue_is_plausible(panda_db):
    states = Counter(status for (status,) in jobs(panda_db, Jobsactive4, "jobstatus"))
    queued = states["activated"] + states["throttled"] + states["sent"] + states["starting"]
    assert states["running"] > 0
    assert queued <= 3 * states["running"], states  # brokerage keeps queued ≲ 2 × running


@pytest.mark.django_db(databases=DBS)
def test_cancelled_and_closed_jobs_carry_taskbuffer_kill_codes(panda_db):
    rows = jobs(panda_db, Jobsarchived4, "jobstatus, taskbuffererrorcode, jobsubstatus") + jobs(
        panda_db, Jobsarchived, "jobstatus, taskbuffererrorcode, jobsubstatus"
    )
    closed = [r for r in rows if r[0] == "closed"]
    assert closed and all(r[1] in (102, 105, 106) for r in closed)
    assert any(r[2] == "toreassign" for r in closed)
    assert all(r[1] for r in rows if r[0] == "cancelled")


# --- Time --------------------------------------------------------------------------------


@pytest.mark.django_db(databases=DBS)
def test_timestamps_are_ordered(panda_db, now):
    for model in JOB_MODELS:
        for created, start, end, modified, changed in jobs(
            panda_db, model, "creationtime, starttime, endtime, modificationtime, statechangetime"
        ):
            times = [naive(t) for t in (created, start, end, modified) if t is not None]
            assert times == sorted(times)
            assert naive(created) <= naive(changed) <= naive(modified) <= now


@pytest.mark.django_db(databases=DBS)
def test_fast_buffer_and_archive_overlap_like_pandas(panda_db, now):
    fast = {r[0]: r for r in jobs(panda_db, Jobsarchived4, "pandaid, modificationtime, jobstatus, endtime")}
    archived = {r[0]: r for r in jobs(panda_db, Jobsarchived, "pandaid, modificationtime, jobstatus, endtime")}
    both = fast.keys() & archived.keys()
    assert both, "no job is in both jobsarchived4 and jobsarchived"
    for pandaid in both:
        assert fast[pandaid] == archived[pandaid]  # the same row copied
        assert dt.timedelta(days=1) <= now - naive(fast[pandaid][1]) < dt.timedelta(days=3)
    assert all(now - naive(r[1]) < dt.timedelta(days=3) for r in fast.values())
    assert all(now - naive(r[1]) >= dt.timedelta(days=1) for r in archived.values())
    assert any(now - naive(r[1]) >= dt.timedelta(days=3) for r in archived.values())


@pytest.mark.django_db(databases=DBS)
def test_last_twelve_hours_are_busy(panda_db, all_jobs, now):
    recent = [r for r in all_jobs.values() if now - naive(r[6]) <= dt.timedelta(hours=12)]
    assert len(recent) >= 0.12 * len(all_jobs)
    assert {r[1] for r in recent} >= {"running", "activated", "finished", "failed"}


# --- Retries, tasks ---------------------------------------------------------------------


@pytest.mark.django_db(databases=DBS)
def test_retries_point_at_the_failed_attempt_before_them(all_jobs):
    retries = [r for r in all_jobs.values() if r[2]]
    assert len(retries) >= 20
    for pandaid, _, parentid, attemptnr, taskid, _, _ in retries:
        parent = all_jobs[parentid]
        assert parent[1] == "failed"
        assert parent[3] == attemptnr - 1
        assert parent[4] == taskid
        assert parentid < pandaid
    assert max(r[3] for r in retries) >= 2  # chains of three attempts


@pytest.mark.django_db(databases=DBS)
def test_task_status_follows_its_jobs(panda_db, all_jobs):
    by_task = defaultdict(list)
    for row in all_jobs.values():
        by_task[row[4]].append(row[1])
    tasks = dict(fetch(panda_db, f"SELECT jeditaskid, status FROM {table(panda_db, JediTask)}"))
    assert set(by_task) == set(tasks)
    for taskid, states in by_task.items():
        if tasks[taskid] == "done":
            assert set(states) <= {"finished", "failed", "closed", "cancelled"} and "finished" in states
        if tasks[taskid] == "running":
            assert set(states) - TABLE_STATES[Jobsarchived]


# --- Related rows -------------------------------------------------------------------------


@pytest.mark.django_db(databases=DBS)
def test_statuslog_walks_forward_to_the_current_state(panda_db, all_jobs):
    history = defaultdict(list)
    sql = f"SELECT pandaid, jobstatus, modificationtime, modiftime_extended FROM {table(panda_db, JobsStatuslog)}"
    nulls = 0
    for pandaid, status, modified, extended in fetch(panda_db, sql):
        nulls += extended is None
        # PanDA allows a NULL modiftime_extended; readers order by modificationtime then.
        key = naive(extended) if extended is not None else naive(modified)
        history[pandaid].append((key, naive(modified), JOB_STATES.index(status), status))
    assert set(history) == set(all_jobs)
    assert nulls, "some state-history rows should have a NULL modiftime_extended"
    for pandaid, rows in history.items():
        rows = [(k, m, s) for k, m, _, s in sorted(rows)]
        assert rows[-1][2] == all_jobs[pandaid][1]
        assert rows[0][2] == "pending"
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)


@pytest.mark.django_db(databases=DBS)
def test_every_job_has_files_params_and_some_pandalog(panda_db, all_jobs):
    # Past the fast buffer's retention a job's files and parameters are only in the archive's copies.
    files = [f for model in (Filestable4, FilestableArch)
             for f in fetch(panda_db, f"SELECT row_id, pandaid, type, status, checksum FROM {table(panda_db, model)}")]
    assert len({f[0] for f in files}) == len(files)
    kinds = defaultdict(Counter)
    for _, pandaid, kind, status, checksum in files:
        kinds[pandaid][kind] += 1
        if checksum:
            assert checksum.startswith("ad:") and len(checksum) == 11
        if kind == "output" and all_jobs[pandaid][1] == "finished":
            assert status == "ready"
    assert set(kinds) == set(all_jobs)
    assert all(k["log"] == 1 and 1 <= k["output"] <= 3 for k in kinds.values())
    assert 5 <= len(files) / len(all_jobs) <= 12
    params = {pandaid: text for model in (Jobparamstable, JobparamstableArch)
              for pandaid, text in fetch(panda_db, f"SELECT pandaid, jobparameters FROM {table(panda_db, model)}")}
    assert set(params) == set(all_jobs) and all(params.values())
    messages = [m for (m,) in fetch(panda_db, f"SELECT message FROM {table(panda_db, Pandalog)}")]
    assert messages and all(m.startswith("PandaID=") for m in messages)


@pytest.mark.django_db(databases=DBS)
def test_log_folders_exist_for_started_jobs(panda_db, log_root, all_jobs):
    folders = [p for p in Path(log_root).iterdir() if p.name.isdigit()]
    assert len(folders) >= 100
    for folder in folders[:50]:
        assert {p.name for p in folder.iterdir()} == {"payload.stdout", "payload.stderr", "pilotlog.txt"}
        assert int(folder.name) in all_jobs
    failed = [f for f in folders if all_jobs[int(f.name)][1] == "failed"]
    assert failed
    last_line = (failed[0] / "pilotlog.txt").read_text(encoding="utf-8").rstrip().rsplit("\n", 1)[-1]
    assert "ERROR" in last_line and "failed: error" in last_line
    assert max((f / "pilotlog.txt").stat().st_size for f in folders) > 2 * 1024 * 1024


# --- Sites, users, errors -------------------------------------------------------------------


@pytest.mark.django_db(databases=DBS)
def test_queues_clouds_and_users(panda_db):
    # From whichever queue table the layout has: schedconfig, or schedconfig_json's CRIC records.
    queues = expected_queues()
    assert 40 <= len(queues) <= 60
    assert {q["status"] for q in queues} == set(QUEUE_STATES)
    assert Counter(q["status"] for q in queues).most_common(1)[0][0] == "online"
    assert {q["vo_name"] for q in queues} == {"atlas", "lsst", "charmm"}
    assert queue_types(panda_db) == {"production", "analysis"}
    if introspection.has_table(Cloudconfig):
        clouds = {c for (c,) in fetch(panda_db, f"SELECT name FROM {table(panda_db, Cloudconfig)}")}
    else:  # current PanDA has no cloudconfig: the clouds are the catalogue's
        clouds = {name for name, *_ in catalogue.CLOUDS}
    assert {q["cloud"] for q in queues} <= clouds
    users = {u for (u,) in fetch(panda_db, f"SELECT DISTINCT produsername FROM {table(panda_db, Jobsarchived)}")}
    assert any(" " in u for u in users)
    assert any(not u.isascii() for u in users)
    vos = Counter(vo for (vo,) in jobs(panda_db, Jobsarchived, "vo"))
    assert vos.most_common(1)[0][0] == "atlas" and set(vos) == {"atlas", "lsst", "charmm"}


def queue_types(connection) -> set[str]:
    """The queues' types (production, analysis): schedconfig's column, or each CRIC record's."""
    if introspection.has_table(SchedconfigJson):
        records = fetch(connection, f"SELECT data FROM {table(connection, SchedconfigJson)}")
        return {(data if isinstance(data, dict) else json.loads(data))["type"] for (data,) in records}
    return {kind for (kind,) in fetch(connection, f"SELECT type FROM {table(connection, Schedconfig)}")}


@pytest.mark.django_db(databases=DBS)
def test_some_diagnostic_carries_markup(panda_db):
    diags = [d for (d,) in jobs(panda_db, Jobsarchived, "piloterrordiag") if d]
    assert any("<script>" in d or "<b>" in d for d in diags)


def test_error_catalogue_describes_codes():
    assert errorcodes.describe("pilot", 1099) == ("STAGEINFAILED", "Failed to stage-in input file")
    assert errorcodes.describe("jobdispatcher", "100")[0] == "LOSTHEARTBEAT"
    assert errorcodes.describe("pilot", 0) == ("", "")
    assert errorcodes.describe("nonsense", 1) == ("", "")
    keys = [(e.component, e.code) for e in errorcodes.CATALOGUE]
    assert len(keys) == len(set(keys))
    assert {"pilot", "executor", "dataservice", "jobdispatcher", "taskbuffer"} <= set(errorcodes.COMPONENTS)


# --- Reproducibility and the split layout (scratch databases) ---------------------------------

SMALL = {"jobs": 400, "days": 5, "now": "2026-03-01T12:00:00", "progress": False, "verbosity": 0}
HASHED = (*JOB_MODELS, Filestable4, Jobparamstable, JobsStatuslog, Pandalog, JediTask,
          FilestableArch, JobparamstableArch, Metatable, MetatableArch, Jobsdebug)
# The layout has one set or the other (legacy schedconfig/cloudconfig, or current PanDA's).
QUEUE_MODELS = ((Schedconfig, Cloudconfig), (SchedconfigJson, Site, PandaSite))


def digest(connection) -> dict[str, str]:
    """A hash of every row of every table, in primary-key order (the layout's queue tables included)."""
    queue_models = [m for models in QUEUE_MODELS if all(introspection.has_table(m, connection.alias, fresh=True)
                                                        for m in models) for m in models]
    assert queue_models, "the database has neither schedconfig/cloudconfig nor schedconfig_json/site/panda_site"
    out = {}
    for model in (*HASHED, *queue_models):
        pk = ", ".join(f.column for f in model._meta.pk_fields)
        rows = fetch(connection, f"SELECT * FROM {table(connection, model)} ORDER BY {pk}")
        out[table_name(model)] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


@pytest.fixture
def scratch(django_db_blocker, tmp_path):
    with django_db_blocker.unblock(), scratch_database(tmp_path) as connection:
        call_command("create_panda_schema", database=connection.alias, replace=True, verbosity=0)
        yield connection


@pytest.mark.django_db(databases=DBS)
def test_same_seed_and_now_give_the_same_rows_and_another_seed_does_not(scratch, tmp_path):
    def run(seed: int) -> dict[str, str]:
        call_command("generate_jobs", database=scratch.alias, log_root=str(tmp_path / "logs"), seed=seed, **SMALL)
        return digest(scratch)

    first = run(7)
    logs = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert run(7) == first  # the second run replaced the first one's rows
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == logs
    other = run(8)
    changed = {name for name in first if first[name] != other[name]}
    assert changed >= {"jobsarchived", "jobsactive4", "filestable4", "jobs_statuslog", "jedi_tasks"}


@pytest.mark.django_db(databases=DBS)
def test_split_layout_writes_the_archive_into_period_tables(scratch, tmp_path):
    call_command(
        "generate_jobs", database=scratch.alias, log_root=str(tmp_path / "logs"), seed=3,
        archive_layout="split", **{**SMALL, "days": 70},
    )  # fmt: skip
    assert fetch(scratch, f"SELECT COUNT(*) FROM {table(scratch, Jobsarchived)}")[0][0] == 0
    filled = 0
    for name in (p.table for p in split_archive_tables(scratch)):
        rows = fetch(scratch, f"SELECT modificationtime FROM {scratch.ops.quote_name(panda_table(name, archive=True))}")
        for (modified,) in rows:
            assert period_of(naive(modified)).table == name
        filled += bool(rows)
    assert filled >= 2  # 70 days span two periods or more


def test_task_site_lists_fit_pandas_varchar_60():
    from jobs.synthetic.related import site_list

    sites = [f"SITE_NUMBER_{i:02d}" for i in range(10)]  # 14 characters each
    listed = site_list(sites)
    assert len(listed) <= 60 and listed.split(",") == sites[: len(listed.split(","))]
    assert site_list(["A", "B"]) == "A,B"


def test_big_task_option_plans_one_task_of_that_size_and_keeps_the_total():
    import random

    from jobs.synthetic.tasks import plan_tasks

    now = dt.datetime(2026, 11, 23, 12).timestamp()
    usual = plan_tasks(random.Random(1), 30_000, now, 14)
    assert sum(t.size for t in usual) == 30_000 and max(t.size for t in usual) <= 800
    big = plan_tasks(random.Random(1), 30_000, now, 14, big_task=10_000)
    assert sum(t.size for t in big) == 30_000
    sizes = sorted((t.size for t in big), reverse=True)
    assert sizes[0] == 10_000 and sizes[1] <= 800
    (task,) = [t for t in big if t.size == 10_000]
    assert task.vo == "atlas" and task.label == "managed" and task.taskname
    assert len({t.jeditaskid for t in big}) == len(big)
