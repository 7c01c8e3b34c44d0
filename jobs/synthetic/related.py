"""Rows hanging off a job or a task: files, parameters, the pilot's job report,
debug stdout, state history, pilot log extracts, the JEDI task row (fact sheet §7),
and where PanDA keeps the companions over a job's life (panda-schema-jedi.md §2, §8).
"""

from __future__ import annotations

import datetime as dt
import json
import random

from jobs.models import (
    Filestable4,
    FilestableArch,
    Jobparamstable,
    JobparamstableArch,
    Jobsdebug,
    Metatable,
    MetatableArch,
)
from jobs.synthetic.jedi import ENDED_TASK
from jobs.synthetic.jobs import EPOCH, Job, at
from jobs.synthetic.lifecycle import ENDED
from jobs.synthetic.tasks import Task

_BEFORE_ACTIVATION = {"pending": "defined", "defined": "defined", "assigned": "pending", "waiting": "pending"}


def guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032X}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Counter:
    def __init__(self, start: int) -> None:
        self.value = start

    def next(self) -> int:
        self.value += 1
        return self.value


def files(rng: random.Random, job: Job, task: Task, row_ids: Counter) -> list[dict]:
    """Input, output and log files of one job attempt, their status following the job's."""
    row = job.row
    state = row["jobstatus"]
    pandaid = row["pandaid"]
    modified = row["modificationtime"]
    tid = task.jeditaskid
    attempt = row["attemptnr"]
    index = row["jobname"].rsplit(".", 1)[-1]
    in_scope, in_ds = task.input_dataset.split(":", 1)
    out_scope, out_ds = task.output_dataset.split(":", 1)
    failed_stagein = row.get("piloterrorcode") in (1099, 1151)
    if state in _BEFORE_ACTIVATION:
        in_status = _BEFORE_ACTIVATION[state]
    else:
        in_status = "failed" if failed_stagein else "ready"
    if state == "finished":
        out_status = "ready"
    elif state == "failed":
        out_status = "failed"
    elif state in ("transferring", "merging"):
        out_status = state
    else:
        out_status = "unknown"
    log_status = "ready" if state in ("finished", "failed") and row["starttime"] else out_status
    common = {
        "pandaid": pandaid, "modificationtime": modified, "jeditaskid": tid, "attemptnr": attempt,
        "dispatchdblock": row["dispatchdblock"], "destinationdblock": row["destinationdblock"],
        "destinationse": row["destinationse"],
    }
    result = []
    for n in range(job.ninputs):
        number = (int(index) * 8 + n) % 1_000_000 if index.isdigit() else n
        result.append({
            **common, "row_id": row_ids.next(), "guid": guid(rng),
            "lfn": f"{row['inputfiletype'] or 'DATA'}.{tid:08d}._{number:06d}.pool.root.1",
            "type": "input", "dataset": in_ds, "scope": in_scope, "status": in_status,
            "proddblock": task.input_dataset, "fsize": int(rng.lognormvariate(19.6, 0.6)),
            "checksum": f"ad:{rng.getrandbits(32):08x}", "datasetid": tid * 10 + 1, "fileid": row_ids.value,
        })
    for n in range(job.noutputs):
        result.append({
            **common, "row_id": row_ids.next(), "guid": guid(rng),
            "lfn": f"{task.outtype}.{tid:08d}._{index}.{n}.pool.root.{attempt + 1}",
            "type": "output", "dataset": out_ds, "scope": out_scope, "status": out_status,
            "fsize": int(rng.lognormvariate(18.4, 0.7)) if out_status == "ready" else 0,
            "checksum": f"ad:{rng.getrandbits(32):08x}" if out_status == "ready" else None,
            "datasetid": tid * 10 + 2, "fileid": row_ids.value,
        })
    result.append({
        **common, "row_id": row_ids.next(), "guid": guid(rng),
        "lfn": f"log.{tid:08d}._{index}.job.log.tgz.{attempt + 1}",
        "type": "log", "dataset": f"{out_ds.rsplit('.', 1)[0]}.log", "scope": out_scope, "status": log_status,
        "fsize": rng.randint(200_000, 9_000_000) if log_status == "ready" else 0,
        "checksum": f"ad:{rng.getrandbits(32):08x}" if log_status == "ready" else None,
        "datasetid": tid * 10 + 3, "fileid": row_ids.value,
    })
    return result


def jobparams(rng: random.Random, job: Job, task: Task) -> dict:
    row = job.row
    if task.analysis:
        params = (
            f"-l panda.0{rng.randint(100, 999)}.{row['creationtime']:%H%M%S}.lib._{row['jobsetid']}.lib.tgz "
            f"--sourceURL https://aipanda059.cern.ch:25443 -r ./ "
            f"-j \"\" --useAthenaPackages -p \"python%20run.py%20--events%20{task.events}\" "
            f"-i \"['{task.input_dataset.split(':')[-1]}']\" -o \"{{'{task.outtype}': "
            f"'{task.output_dataset.split(':')[-1]}.{row['pandaid']}.root'}}\" "
            f"--inputGUIDs \"['{guid(rng)}']\" --rootVer 6.32/02 --writeInputToTxt IN:input.txt"
        )
    elif task.vo == "atlas":
        params = (
            f"--input{row['inputfiletype'] or 'EVNT'}File={task.input_dataset.split(':')[-1]} "
            f"--output{task.outtype}File={task.outtype}.{task.jeditaskid:08d}._{row['jobname'][-6:]}.pool.root.1 "
            f"--maxEvents={task.events} --randomSeed={rng.randint(1, 10**6)} "
            f"--geometryVersion=default:ATLAS-R3S-2021-03-02-00 --conditionsTag default:OFLCOND-MC21-SDR-RUN3-07 "
            f"--AMITag {task.taskname.rsplit('.', 1)[-1]} --jobNumber={int(row['jobname'][-6:]) + 1} "
            f"--multithreaded=True --postExec 'all:from IOVDbSvc.CondDB import conddb'"
        )
    else:
        params = (
            f"{task.transformation} -b /repo/main --qgraph-id {guid(rng).lower()} "
            f"--qgraph-node-id {rng.getrandbits(64):x} -i {task.input_dataset} -o {task.output_dataset}"
        )
    return {"pandaid": row["pandaid"], "modificationtime": row["modificationtime"], "jobparameters": params}


# Companion tables the generator fills: filestable4 and jobparamstable are in every
# layout, the others where the database has them.
OPTIONAL_COMPANIONS = (Metatable, FilestableArch, JobparamstableArch, MetatableArch, Jobsdebug)
COMPANION_MODELS = (Filestable4, Jobparamstable, *OPTIONAL_COMPANIONS)
ARCHIVE_OF = {Filestable4: FilestableArch, Jobparamstable: JobparamstableArch, Metatable: MetatableArch}
LIVE_TABLES = ("defined4", "waiting4", "active4")


def companions(job: Job, task: Task, file_rows: list[dict], params: dict, present: set[type]) -> dict[type, list]:
    """The job's rows in each companion table, as PanDA would hold them now.

    A live job's files and parameters sit at 1970-01-01 (the column default) until
    the server archives the job and stamps the job's modificationtime on them (and
    on the pilot's job report, written when the job ends). Past the fast buffer's
    retention the rows are only in the *_arch tables, where the database has them.
    Content that the shared random stream does not draw comes from a per-job
    generator, so adding it leaves every other generated row as it was.
    """
    row = job.row
    rng = random.Random(row["pandaid"])
    live = set(job.tables) <= set(LIVE_TABLES)
    out: dict[type, list] = {Filestable4: file_rows, Jobparamstable: [params]}
    if live:
        for r in (*file_rows, params):
            r["modificationtime"] = EPOCH
    elif row["starttime"] is not None and Metatable in present:
        out[Metatable] = [{"pandaid": row["pandaid"], "modificationtime": row["modificationtime"],
                           "metadata": job_report(rng, job, task, file_rows)}]
    if job.tables == ("archive",):
        for model in list(out):
            if ARCHIVE_OF[model] in present:
                out[ARCHIVE_OF[model]] = out.pop(model)
        for r in out.get(FilestableArch, ()):
            r["creationtime"] = row["creationtime"]
    if Jobsdebug in present and "active4" in job.tables and _debug_mode(row):
        out[Jobsdebug] = [{"pandaid": row["pandaid"], "stdout": debug_tail(rng, job)}]
    return out


def _debug_mode(row: dict) -> bool:
    """PanDA keeps stdout for jobs in debug mode; here a few running jobs are in it."""
    return "debug" in (row.get("specialhandling") or "") or (row["jobstatus"] == "running"
                                                            and row["pandaid"] % 17 == 0)


def job_report(rng: random.Random, job: Job, task: Task, file_rows: list[dict]) -> str:
    """A small pilot job report (JSON text), after the shape of the transform's jobReport.json."""
    row = job.row
    exit_code = int(row["transexitcode"]) if (row["transexitcode"] or "").isdigit() else 0
    wall = int((row["endtime"] - row["starttime"]).total_seconds()) if row["endtime"] else 0

    def listed(kind: str) -> list[dict]:
        return [{"name": f["lfn"], "file_guid": f["guid"], "file_size": f["fsize"],
                 **({"nentries": rng.randint(100, task.events or 1000)} if kind != "log" else {})}
                for f in file_rows if f["type"] == kind]

    report = {
        "reportVersion": "1.1.0",
        "created": f"{row['endtime'] or row['modificationtime']:%Y-%m-%dT%H:%M:%S}",
        "exitCode": exit_code,
        "exitAcronym": "OK" if exit_code == 0 else "TRF_EXEC_FAIL",
        "exitMsg": "OK" if exit_code == 0 else (row.get("exeerrordiag") or "payload failed")[:200],
        "files": {"input": [{"subFiles": listed("input")}], "output": [{"subFiles": listed("output")}]},
        "executor": [{"name": task.transformation.rsplit("/", 1)[-1], "rc": exit_code, "statusOK": exit_code == 0,
                      "wallTime": wall, "nevents": row.get("nevents") or 0}],
        "resource": {"machine": {"node": row["modificationhost"], "platform": "x86_64-el9"},
                     "cpuTime": row.get("cpuconsumptiontime") or 0, "wallTime": wall},
    }
    return json.dumps(report)


def debug_tail(rng: random.Random, job: Job) -> str:
    """The last lines of the pilot's stdout, as the pilot sends them in debug mode (≤ 2048 characters)."""
    row = job.row
    t = row["modificationtime"]
    lines = [f"{t - dt.timedelta(seconds=30 * (5 - i)):%Y-%m-%d %H:%M:%S} | INFO | "
             f"monitor | {msg}" for i, msg in enumerate((
                 f"PandaID={row['pandaid']} payload running on {row['modificationhost']}",
                 f"event {rng.randint(10, 500)} processed",
                 f"memory: rss={rng.randint(900_000, 3_000_000)} kB",
                 "heartbeat sent to the server",
                 f"event {rng.randint(500, 1000)} processed"))]
    return "\n".join(lines)[:2048]


def statuslog(job: Job) -> list[dict]:
    """One row per transition; modiftime_extended carries the sub-second order.
    Every seventh job has it NULL, as PanDA allows (readers fall back to modificationtime)."""
    row = job.row
    extended = row["pandaid"] % 7 != 0
    node = row["modificationhost"]
    out = []
    for i, (state, t) in enumerate(job.path):
        out.append({
            "pandaid": row["pandaid"], "modificationtime": at(t), "jobstatus": state,
            "prodsourcelabel": row["prodsourcelabel"], "cloud": row["cloud"],
            "computingsite": row["computingsite"],
            "modificationhost": node if state not in ("pending", "defined", "assigned", "waiting") else None,
            "modiftime_extended": EPOCH + dt.timedelta(seconds=t, microseconds=i + 1) if extended else None,
        })
    return out


class PandalogIds:
    """pandalog has no key in PanDA; the model maps (bintime, pid, line, time) as
    one, so every record gets its own (pid, time) pair."""

    def __init__(self) -> None:
        self.seq = 0

    def next(self, when: dt.datetime) -> tuple[int, str]:
        self.seq += 1
        pid = 10_000 + self.seq % 90_000
        return pid, f"{when:%Y-%m-%d %H:%M:%S},{(self.seq // 90_000) % 1000:03d}"


def pandalog(rng: random.Random, job: Job, ids: PandalogIds) -> list[dict]:
    """Server/pilot log records that mention the job, for a subset of jobs."""
    row = job.row
    state = row["jobstatus"]
    if not (state == "failed" or rng.random() < 0.12):
        return []
    pandaid = row["pandaid"]
    node = row["modificationhost"]
    records = []
    for state_name, t in job.path:
        if state_name == "sent":
            records.append((t, "jobdispatcher", 20, "INFO", "JobDispatcher.py", 612,
                            f"PandaID={pandaid} getJob : site={row['computingsite']} node={node}"))
        elif state_name == "running" and rng.random() < 0.5:
            records.append((t, "pilotLog", 20, "INFO", "pilot.py", 201,
                            f"PandaID={pandaid} payload started on {node}"))
        elif state_name in ENDED:
            level, levelname = (40, "ERROR") if state_name == "failed" else (20, "INFO")
            diag = row.get("piloterrordiag") or row.get("exeerrordiag") or row.get("ddmerrordiag") or ""
            kind = "pilotLog" if row["starttime"] else "jobdispatcher"
            records.append((t, kind, level, levelname, "Adder.py", 345,
                            f"PandaID={pandaid} status={state_name} {diag}".strip()))
    out = []
    for t, kind, level, levelname, filename, line, message in records:
        when = at(t)
        pid, time = ids.next(when)
        out.append({
            "bintime": when, "name": "panda.mon.prod", "module": kind, "loguser": row["produsername"],
            "type": kind, "pid": pid, "loglevel": level, "levelname": levelname, "time": time,
            "filename": filename, "line": line, "message": message[:4000],
        })
    return out


def retry_history(job: Job, origin: int) -> list[dict]:
    """PanDA's record of a retry (jedi_job_retry_history): the attempt it replaced
    (oldpandaid, the job's parentid), relationtype 'retry', stamped when the retry
    was created; originpandaid is the first attempt. Read by mode=drop."""
    row = job.row
    if not row["parentid"]:
        return []
    return [{"jeditaskid": row["jeditaskid"], "oldpandaid": row["parentid"], "newpandaid": row["pandaid"],
             "ins_utc_tstamp": row["creationtime"], "relationtype": "retry", "originpandaid": origin}]


def task_row(task: Task, jobs: list[Job], jedi, progress: int, failurerate: int) -> dict:
    """jedi_tasks' row; `jedi` (jobs.synthetic.jedi.JediRows) has its JEDI status and history."""
    rows = [j.row for j in jobs]
    starts = [r["starttime"] for r in rows if r["starttime"]]
    modified = max(r["modificationtime"] for r in rows)
    status = jedi.status
    done = status in ENDED_TASK
    created = at(task.created)
    return {
        "jeditaskid": task.jeditaskid, "taskname": task.taskname, "status": status,
        "username": task.username, "creationdate": created, "modificationtime": modified,
        "starttime": min(starts) if starts else None,
        "endtime": max(r["endtime"] or r["modificationtime"] for r in rows) if done else None,
        "statechangetime": jedi.statuslog[-1]["modificationtime"].replace(microsecond=0), "reqid": task.reqid,
        "prodsourcelabel": task.label, "workinggroup": task.workinggroup, "vo": task.vo,
        "corecount": task.corecount, "tasktype": "anal" if task.analysis else "prod",
        "processingtype": task.processingtype, "taskpriority": task.priority,
        "currentpriority": task.priority, "architecture": task.release[2],
        "transuses": task.release[1], "transhome": task.release[1], "transpath": task.transformation,
        "cloud": task.queues[0].cloud, "site": site_list(q.siteid for q in task.queues),
        "nucleus": None if task.analysis else task.queues[0].siteid, "campaign": task.campaign,
        "gshare": task.gshare, "workqueue_id": 1 if task.analysis else 9, "progress": progress,
        "failurerate": failurerate,
        "errordialog": jedi.errordialog or ("some jobs failed; see the job list" if failurerate else None),
        "eventservice": 0, "superstatus": jedi.superstatus, "parent_tid": jedi.parent_tid,
        "ramcount": task.queues[0].memory, "ramunit": "MBPerCore",
        "walltime": int(task.runtime), "walltimeunit": "s",
        "resource_type": "MCORE" if task.corecount > 1 else "SCORE", "container_name": task.container,
        "attemptnr": jedi.attemptnr, "realmodificationtime": modified,
    }


def site_list(siteids, width: int = 60) -> str:
    """The task's sites as a comma list that fits jedi_tasks.site (varchar(60) in PanDA):
    as many of them as fit, in order."""
    out = ""
    for siteid in siteids:
        candidate = f"{out},{siteid}" if out else siteid
        if len(candidate) > width:
            break
        out = candidate
    return out
