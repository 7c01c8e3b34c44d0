"""JEDI's side of a generated task (panda-schema-jedi.md §4): its datasets and their files,
the task parameters, the task state history, and the JEDI states the jobs alone do not give
(paused, scouting, throttled, exhausted, broken, a task retry, parent tasks).

Everything here is drawn from a per-task generator seeded by the task id, never from the
shared random stream, so the jobs (and every row made before this module existed) stay as
they were. The file rows the jobs already have (filestable4) are the source of truth: each
distinct input file of a task is one jedi_dataset_contents row whose attempts are the jobs
that read it, and filestable4's (datasetid, fileid) point at that row.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from jobs.synthetic.jobs import Job
from jobs.synthetic.lifecycle import ENDED
from jobs.synthetic.tasks import Task

# A coarse status for each task status (JEDI's superstatus); the others are their own.
SUPERSTATUS = {"defined": "registered", "assigning": "registered", "scouting": "running", "scouted": "running",
               "throttled": "running", "toretry": "running", "aborting": "running", "prepared": "running",
               "finishing": "running"}
ENDED_TASK = ("done", "finished", "failed", "aborted", "broken", "exhausted")
JEDI_HOSTS = ("aipanda031.cern.ch", "aipanda032.cern.ch", "aipanda033.cern.ch")
UNUSED_FILEID_BASE = 9_000_000_000  # input files no job has read yet: ids apart from filestable4's
ERRORDIALOGS = {
    "broken": "task broken: too many scout jobs failed (ratio of failed scouts > 0.8)",
    "exhausted": "task exhausted: retries of the failed input files reached maxAttempt",
    "paused": "paused by the task owner",
    "throttled": "throttled: too many jobs queued at the brokered sites",
}


def superstatus(status: str) -> str:
    return SUPERSTATUS.get(status, status)


@dataclass(slots=True)
class _Input:
    fileid: int
    row: dict  # the first filestable4 row of the file
    attempts: list = field(default_factory=list)  # job rows that read it, in creation order


class TaskFiles:
    """Collects one task's files as its jobs are made (add), then gives its JEDI rows (rows)."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.inputs: dict[str, _Input] = {}
        self.outputs: list[tuple[dict, dict]] = []  # (file row, job row)

    def add(self, job: Job, file_rows: list[dict]) -> None:
        row = job.row
        for f in file_rows:
            if f["type"] != "input":
                self.outputs.append((f, row))
                continue
            seen = self.inputs.get(f["lfn"])
            if seen is None:
                seen = self.inputs[f["lfn"]] = _Input(f["fileid"], f)
            else:  # the same file read again (a retry): the same content row, the same file
                first = seen.row
                f.update(fileid=seen.fileid, guid=first["guid"], fsize=first["fsize"], checksum=first["checksum"])
            seen.attempts.append(row)


@dataclass
class JediRows:
    status: str
    superstatus: str
    errordialog: str | None
    attemptnr: int
    parent_tid: int | None
    datasets: list[dict]
    contents: list[dict]
    taskparams: dict
    statuslog: list[dict]


def task_state(task: Task, base: str, rng: random.Random) -> str:
    """The JEDI status: the one the jobs give, or a state they cannot show."""
    r = rng.random()
    if base == "running":
        if r < 0.06:
            return "paused"
        if r < 0.14 and not task.analysis:
            return "scouting"
        if r < 0.18:
            return "throttled"
        if r < 0.21:
            return "aborting"  # an abort asked, its jobs not yet killed
    if base in ("failed", "finished"):  # JEDI's verdicts on a task that ended with failed files
        if r < 0.15:
            return "exhausted"
        if r < 0.25:
            return "failed"
        if r < 0.32:
            return "broken"
    return base


def jedi_rows(task: Task, files: TaskFiles, jobs: list[Job], base_status: str,
              unused_ids: list[int], previous: int | None) -> JediRows:
    """`previous`: the same user's task before this one, which some tasks continue (parent_tid)."""
    rng = random.Random(task.jeditaskid)
    status = task_state(task, base_status, rng)
    parent_tid = previous if previous is not None and rng.random() < 0.15 else None
    live = status not in ENDED_TASK
    rows = [j.row for j in jobs]
    created = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(task.created))
    modified = max(r["modificationtime"] for r in rows)
    retried = status in ("done", "finished") and rng.random() < 0.12
    contents, datasets = _datasets(task, files, rng, live, created, modified, unused_ids)
    return JediRows(
        status=status, superstatus=superstatus(status), errordialog=ERRORDIALOGS.get(status),
        attemptnr=1 if retried else 0, parent_tid=parent_tid, datasets=datasets, contents=contents,
        taskparams={"jeditaskid": task.jeditaskid, "taskparams": json.dumps(_taskparams(task, rows))},
        statuslog=_history(task, status, retried, created, min(r["creationtime"] for r in rows), modified, rng),
    )


def _input_status(attempts: list[dict], live: bool) -> str:
    last = attempts[-1]
    state = last["jobstatus"]
    if state not in ENDED:
        return "running"
    if state == "finished":
        return "finished"
    # A failed attempt sends the file back to ready while the task may retry it.
    if live and len(attempts) < last["maxattempt"]:
        return "ready"
    return "failed" if state == "failed" else "cancelled"


_OUTPUT_STATUS = {"ready": "finished", "failed": "failed", "transferring": "running", "merging": "merging"}


def _datasets(task: Task, files: TaskFiles, rng: random.Random, live: bool, created: dt.datetime,
              modified: dt.datetime, unused_ids: list[int]) -> tuple[list[dict], list[dict]]:
    tid = task.jeditaskid
    in_id, out_id, log_id = tid * 10 + 1, tid * 10 + 2, tid * 10 + 3
    contents = []
    for lfn, f in files.inputs.items():
        # Jobs are made input by input, so a later id may come first: pandaids grow with creation time.
        attempts = sorted(f.attempts, key=lambda a: a["pandaid"])
        last = attempts[-1]
        state = _input_status(attempts, live)
        contents.append({
            "jeditaskid": tid, "datasetid": in_id, "fileid": f.fileid, "creationdate": created, "lfn": lfn,
            "lastattempttime": last["creationtime"], "guid": f.row["guid"], "type": "input", "status": state,
            "fsize": f.row["fsize"], "checksum": f.row["checksum"], "scope": f.row["scope"],
            "attemptnr": len(attempts), "maxattempt": last["maxattempt"], "maxfailure": last["maxattempt"],
            "failedattempt": sum(1 for a in attempts if a["jobstatus"] == "failed"),
            "nevents": task.events, "keeptrack": 1, "pandaid": last["pandaid"], "jobsetid": last["jobsetid"],
            "proc_status": state if state in ("finished", "failed", "running") else "ready", "ramcount": 0,
        })
    if live and files.inputs:  # files the task has not reached yet
        scope = next(iter(files.inputs.values())).row["scope"]
        for n in range(rng.randint(0, 6)):
            unused_ids[0] += 1
            contents.append({
                "jeditaskid": tid, "datasetid": in_id, "fileid": unused_ids[0], "creationdate": created,
                "lfn": f"DATA.{tid:08d}._{900_000 + n:06d}.pool.root.1", "type": "input", "status": "ready",
                "fsize": int(rng.lognormvariate(19.6, 0.6)), "scope": scope, "attemptnr": 0, "maxattempt": 5,
                "maxfailure": 5, "failedattempt": 0, "nevents": task.events, "keeptrack": 1,
                "proc_status": "ready", "ramcount": 0,
            })
    for f, job in files.outputs:
        state = _OUTPUT_STATUS.get(f["status"]) or ("running" if job["jobstatus"] not in ENDED else "cancelled")
        contents.append({
            "jeditaskid": tid, "datasetid": out_id if f["type"] == "output" else log_id, "fileid": f["fileid"],
            "creationdate": job["creationtime"], "lastattempttime": job["creationtime"], "lfn": f["lfn"],
            "guid": f["guid"], "type": f["type"], "status": state, "fsize": f["fsize"], "checksum": f["checksum"],
            "scope": f["scope"], "attemptnr": job["attemptnr"], "maxattempt": job["maxattempt"],
            "nevents": job["nevents"] if f["type"] == "output" and state == "finished" else None,
            "keeptrack": 1, "pandaid": job["pandaid"], "outpandaid": job["pandaid"], "jobsetid": job["jobsetid"],
            "proc_status": state, "ramcount": 0,
        })
    out_scope, out_name = task.output_dataset.split(":", 1)
    names = {in_id: ("input", task.input_dataset, "IN"), out_id: ("output", task.output_dataset, "OUTPUT0"),
             log_id: ("log", f"{out_scope}:{out_name.rsplit('.', 1)[0]}.log", "LOG")}
    datasets = []
    for datasetid, (kind, name, stream) in names.items():
        mine = [c for c in contents if c["datasetid"] == datasetid]
        if not mine and kind == "input":
            continue  # build jobs read nothing
        finished = sum(1 for c in mine if c["status"] == "finished")
        failed = sum(1 for c in mine if c["status"] == "failed")
        used = sum(1 for c in mine if c["attemptnr"])
        if live:
            ds_status = "ready" if kind == "input" else "running"
        else:
            ds_status = "done" if finished == len(mine) else ("finished" if finished else "failed")
        datasets.append({
            "jeditaskid": tid, "datasetid": datasetid, "datasetname": name, "type": kind, "creationtime": created,
            "modificationtime": modified, "vo": task.vo, "cloud": task.queues[0].cloud, "masterid": None,
            "provenanceid": in_id if kind != "input" else None, "containername": name if kind == "input" else None,
            "status": ds_status, "state": "closed" if kind == "input" or not live else "open",
            "nfiles": len(mine), "nfilestobeused": len(mine) if kind == "input" else 0, "nfilesused": used,
            "nfilesonhold": 0, "nfilesfinished": finished, "nfilesfailed": failed, "nfileswaiting": 0,
            "nfilesmissing": 0, "nevents": sum(c["nevents"] or 0 for c in mine),
            "neventstobeused": sum(c["nevents"] or 0 for c in mine) if kind == "input" else 0,
            "neventsused": sum(c["nevents"] or 0 for c in mine if c["status"] == "finished"),
            "streamname": stream, "storagetoken": None if kind == "input" else "ATLASDATADISK",
            "destination": None,
        })
    return contents, datasets


def _taskparams(task: Task, rows: list[dict]) -> dict:
    """The task definition as the client sends it (camel-case keys, PanDA's JSON)."""
    return {
        "taskName": task.taskname, "userName": task.username, "vo": task.vo, "prodSourceLabel": task.label,
        "taskType": "anal" if task.analysis else "prod", "processingType": task.processingtype,
        "taskPriority": task.priority, "workingGroup": task.workinggroup, "campaign": task.campaign,
        "architecture": task.release[2], "transUses": task.release[1], "transHome": task.release[1],
        "transPath": task.transformation, "coreCount": task.corecount, "ramCount": task.queues[0].memory,
        "ramUnit": "MBPerCore", "walltime": int(task.runtime), "walltimeUnit": "s",
        "site": ",".join(q.siteid for q in task.queues), "cloud": task.queues[0].cloud,
        "nFilesPerJob": 1 if task.analysis else 5, "nEventsPerJob": task.events or None,
        "maxAttempt": rows[0]["maxattempt"], "reqID": task.reqid, "container_name": task.container,
        "dsForIN": task.input_dataset,
        "log": {"dataset": task.output_dataset.rsplit(".", 1)[0] + ".log", "type": "template", "param_type": "log",
                "value": f"log.{task.jeditaskid:08d}.${{SN}}.job.log.tgz"},
        "jobParameters": [
            {"type": "constant", "value": f"--maxEvents={task.events}"},
            {"type": "template", "param_type": "input", "value": "--inputFile=${IN}", "dataset": task.input_dataset},
            {"type": "template", "param_type": "output", "value": f"--outputFile={task.outtype}.${{SN}}.pool.root",
             "dataset": task.output_dataset},
        ],
    }


def _history(task: Task, status: str, retried: bool, created: dt.datetime, first_job: dt.datetime,
             last: dt.datetime, rng: random.Random) -> list[dict]:
    """registered → defined → ready → (scouting) → running → … → the current status, in time order,
    all between the task's creation and its last job's update."""
    path = ["registered", "defined", "ready"]
    if status == "pending":
        path = ["registered", "defined", "pending"]
    elif status != "ready":
        if not task.analysis:
            path.append("scouting")
        if status != "scouting":
            path.append("running")
        if retried:
            path += ["finished", "toretry", "ready", "running"]
        if status not in ("running", "scouting"):
            path.append(status)
    span = max(1.0, (last - created).total_seconds())
    # The first three steps are quick; the rest are spread up to the last job update.
    times = [created + dt.timedelta(seconds=min(span * 0.01, 40.0) * i) for i in range(min(3, len(path)))]
    rest = len(path) - len(times)
    start = max(first_job, times[-1])
    for i in range(rest):
        times.append(start + (last - start) * ((i + 1) / rest if i + 1 < rest else 1.0))
    out = []
    for i, (state, t) in enumerate(zip(path, times, strict=True)):
        out.append({"jeditaskid": task.jeditaskid, "modificationtime": t + dt.timedelta(microseconds=i + 1),
                    "status": state, "modificationhost": rng.choice(JEDI_HOSTS),
                    "attemptnr": 1 if retried and i >= path.index("toretry") else 0,
                    "reason": ERRORDIALOGS.get(state)})
    return out
