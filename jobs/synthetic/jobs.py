"""Job rows: every job of a task, its retries, its current state and the tables
it belongs in (fact sheet §2-§3)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from jobs.synthetic import catalogue as cat
from jobs.synthetic.lifecycle import CANONICAL, ENDED, HOUR, MINUTE, draw_fate, live, pinned, state_at
from jobs.synthetic.tasks import DAY, Task

EPOCH = dt.datetime(1970, 1, 1)
PANDAID_BASE = 4_600_000_000
SERVERS = tuple(f"aipanda{n:03d}.cern.ch" for n in (157, 158, 159, 160, 170, 171))
HARVESTERS = ("harvester-CERN_central_A", "harvester-CERN_central_B", "harvester-BNL_1", "harvester-grid_2")
CPUS = ("AMD EPYC 7302 16-Core Processor", "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
        "Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz", "AMD EPYC 7763 64-Core Processor")
LIVE_TABLE = {
    "pending": "defined4", "defined": "defined4", "assigned": "defined4", "waiting": "defined4",
    "activated": "active4", "throttled": "active4", "sent": "active4", "starting": "active4",
    "running": "active4", "holding": "active4", "merging": "active4", "transferring": "active4",
}
HEARTBEAT_STATES = ("starting", "running", "transferring", "merging", "holding")


def at(seconds: float) -> dt.datetime:
    """Naive UTC datetime, whole seconds (PanDA's DATE columns)."""
    return EPOCH + dt.timedelta(seconds=int(seconds))


class PandaIds:
    """pandaids that grow with creation time: a block of ids per minute, handed
    out in order. A retry is created after its parent ended, so it gets a
    larger id, as PanDA's sequence would give it."""

    def __init__(self, t0: float, per_minute: int) -> None:
        self.t0 = t0
        self.per_minute = per_minute
        self.used: dict[int, int] = {}

    def next(self, created: float) -> int:
        minute = max(0, int((created - self.t0) // 60))
        while self.used.get(minute, 0) >= self.per_minute:
            minute += 1
        n = self.used.get(minute, 0)
        self.used[minute] = n + 1
        return PANDAID_BASE + minute * self.per_minute + n


@dataclass(slots=True)
class Job:
    row: dict
    path: list[tuple[str, float]]  # the states reached so far, current last
    tables: tuple[str, ...]  # defined4 / waiting4 / active4 / archived4 / archive
    queue: cat.Queue
    ninputs: int
    noutputs: int


class JobFactory:
    def __init__(self, rng: random.Random, now: float, fastbuffer_days: int, ids: PandaIds, pins: int = 2) -> None:
        self.rng = rng
        self.now = now
        self.fastbuffer = fastbuffer_days * DAY
        self.ids = ids
        # How many recent live jobs are pinned to each live state (see lifecycle.pinned).
        self.pins = dict.fromkeys(CANONICAL, pins)

    def _pin(self, task: Task, created: float, state: str) -> str | None:
        """A live state still short of its quota that this recent live job can take."""
        if state not in LIVE_TABLE or self.now - created > 12 * HOUR:
            return None
        for wanted, left in self.pins.items():
            if left <= 0:
                continue
            if wanted == "throttled" and not task.analysis:
                continue
            if wanted in ("assigned", "waiting", "merging") and task.analysis:
                continue
            self.pins[wanted] -= 1
            return wanted
        return None

    def task_jobs(self, task: Task) -> list[Job]:
        """All jobs of a task: first attempts spread over the task's release
        time, each failure retried (new pandaid, attemptnr+1) while the budget
        of the task lasts."""
        rng = self.rng
        jobs: list[Job] = []
        maxattempt = 3 if task.analysis else 5
        index = 0
        while len(jobs) < task.size:
            created = task.created + rng.uniform(0, task.spread) if task.spread else task.created
            queue = rng.choice(task.queues)
            job = self._job(task, index, created, queue, attempt=0, parent=None, maxattempt=maxattempt)
            jobs.append(job)
            while (
                job.row["jobstatus"] == "failed" and len(jobs) < task.size
                and job.row["attemptnr"] + 1 < maxattempt and rng.random() < 0.65
            ):
                created = job.path[-1][1] + rng.uniform(60, 40 * MINUTE)
                if created >= self.now:
                    break
                if rng.random() < 0.3:
                    queue = rng.choice(task.queues)
                job = self._job(task, index, created, queue, attempt=job.row["attemptnr"] + 1,
                                parent=job, maxattempt=maxattempt)
                jobs.append(job)
            index += 1
        return jobs

    def _job(self, task: Task, index: int, created: float, queue: cat.Queue, *, attempt: int,
             parent: Job | None, maxattempt: int) -> Job:
        rng = self.rng
        now = self.now
        nodes = cat.nodes_of(queue)
        node = rng.choice(nodes)
        black_hole = node == cat.BLACK_HOLE_NODE
        fail_rate = 0.07 * queue.failure_factor * (1.4 if task.analysis else 1.0)
        if attempt:
            fail_rate = min(0.6, fail_rate * 3.5)  # the input that broke once often breaks again
        if black_hole:
            fail_rate = 0.85
        fate = draw_fate(rng, fail_rate, task.analysis)
        life = live(
            rng, created, fate, task.runtime * (1 if task.corecount == 1 else 0.5),
            analysis=task.analysis,
            needs_transfer=not task.analysis and rng.random() < 0.4,
            waits=not task.analysis and rng.random() < 0.03,
            throttles=task.analysis and rng.random() < 0.1,
            merges=task.processingtype == "merge" or (not task.analysis and task.vo == "atlas" and rng.random() < 0.06),
            black_hole=black_hole,
        )
        index_now, state = state_at(life, now)
        if (wanted := self._pin(task, created, state)) is not None:
            life = pinned(created, now, wanted)
            index_now, state = len(life.path) - 1, wanted
        path = life.path[: index_now + 1]
        entered = path[-1][1]
        pandaid = self.ids.next(created)

        if state in ENDED:
            modified = entered
            age = now - modified
            if age < DAY:
                tables: tuple[str, ...] = ("archived4",)
            elif age < self.fastbuffer:
                tables = ("archived4", "archive")  # copied to the archive, not yet dropped
            else:
                tables = ("archive",)
        else:
            modified = entered
            if state in HEARTBEAT_STATES:  # the pilot's heartbeat every ~30 min
                modified = max(entered, now - rng.uniform(0, 30 * MINUTE))
            table = LIVE_TABLE[state]
            if state == "waiting" and (rng.random() < 0.3 or self.pins["waiting"] == 1):
                table = "waiting4"  # written by an older server that still used jobswaiting4
            tables = (table,)

        reached = {s for s, _ in path}
        ran = "running" in reached
        started = life.started if life.started is not None and life.started <= now else None
        ended_payload = life.ended if state in ENDED and life.ended is not None else None
        if state in ENDED and ended_payload is None:
            ended_payload = modified  # the server sets endtime when it archives a job
        cores = task.corecount
        ninputs = 0 if task.label == "panda" else rng.randint(1, 8 if not task.analysis else 10)
        noutputs = 1 if task.label == "panda" else rng.randint(1, 3)
        release, homepackage, cmtconfig = task.release
        user_job = task.analysis
        finished = state == "finished"
        run_seconds = (ended_payload - started) if started is not None and ended_payload is not None else (
            now - started if started is not None else 0
        )
        events = task.events if finished else 0
        in_bytes = ninputs * int(rng.lognormvariate(19.6, 0.6))  # ~330 MB per input file
        out_bytes = noutputs * int(rng.lognormvariate(18.4, 0.7)) if finished else 0
        jobname = (
            f"{task.taskname.rstrip('/')}.{index:06d}" if not user_job
            else f"{task.taskname.rstrip('/')}.{task.jobsetid}.{index}"
        )
        priority = task.priority - (attempt * 10 if not user_job else 0)

        row = {
            "pandaid": pandaid,
            "jobdefinitionid": task.jobsetid + 1 if user_job else task.jeditaskid * 10 + index % 10,
            "schedulerid": rng.choice(HARVESTERS) if "sent" in reached else None,
            "pilotid": (f"https://{rng.choice(SERVERS)}/condor_logs/{pandaid % 100000}.out|PR|PICARD|3.9.2.41"
                        if "sent" in reached else None),
            "creationtime": at(created),
            "creationhost": rng.choice(SERVERS),
            "modificationtime": at(modified),
            "modificationhost": node if "sent" in reached else rng.choice(SERVERS),
            "atlasrelease": release,
            "transformation": task.transformation,
            "homepackage": homepackage,
            "prodserieslabel": "pandatest",
            "prodsourcelabel": task.label,
            "produserid": task.dn,
            "assignedpriority": priority,
            "currentpriority": priority + (40 if user_job and state == "activated" else 0),
            "attemptnr": attempt,
            "maxattempt": maxattempt,
            "jobstatus": state,
            "jobname": jobname,
            "maxcpucount": queue.maxtime,
            "maxcpuunit": "HS06sPerEvent" if not user_job else "kSI2kseconds",
            "maxdiskcount": 4000 * cores,
            "maxdiskunit": "MB",
            "minramcount": queue.memory * cores,
            "minramunit": "MB",
            "starttime": at(started) if started is not None else None,
            "endtime": at(ended_payload) if ended_payload is not None else None,
            "cpuconsumptiontime": int(run_seconds * cores * rng.uniform(0.6, 0.95)) if ran else 0,
            "cpuconsumptionunit": f"s+{rng.choice(CPUS)}" if ran else None,
            "commandtopilot": fate.commandtopilot if state == "cancelled" else None,
            "transexitcode": fate.transexitcode if state in ENDED and ran else None,
            "computingsite": queue.siteid,
            "computingelement": queue.gatekeeper,
            "proddblock": task.input_dataset,
            "dispatchdblock": f"panda.{task.jeditaskid}.{pandaid % 1000000:06d}_dis{pandaid}" if ninputs else None,
            "destinationdblock": f"{task.output_dataset.split(':')[-1]}_sub{pandaid // 1000}",
            "destinationse": f"{queue.siteid}_DATADISK" if not user_job else f"{queue.siteid}_SCRATCHDISK",
            "nevents": events,
            "grid": "OSG" if queue.cloud == "US" else ("NDGF" if queue.cloud == "ND" else "LCG"),
            "cloud": queue.cloud,
            "taskid": task.jeditaskid if not user_job else None,
            "cmtconfig": cmtconfig,
            "statechangetime": at(entered),
            "lockedby": "jedi",
            "relocationflag": 3 if state == "throttled" else (1 if user_job else 0),
            "jobexecutionid": 0,
            "vo": task.vo,
            "pilottiming": (f"{rng.randint(1, 30)}|{rng.randint(20, 200)}|{rng.randint(10, 600)}|"
                            f"{int(run_seconds)}|{rng.randint(10, 900)}" if state in ENDED and ran else None),
            "workinggroup": task.workinggroup,
            "processingtype": task.processingtype,
            "produsername": task.username,
            "ninputfiles": ninputs if ran else None,
            "countrygroup": rng.choice(("us", "de", "fr", "uk", "ch", None)),
            "batchid": f"{pandaid % 9_000_000 + 1_000_000}.0" if "sent" in reached else None,
            "parentid": parent.row["pandaid"] if parent else None,
            "specialhandling": "sj" if index < 3 and not user_job else ("rebro" if attempt else None),
            "jobsetid": task.jobsetid,
            "corecount": cores,
            "ninputdatafiles": ninputs,
            "inputfiletype": ("EVNT" if task.processingtype == "simul" else "AOD") if ninputs else None,
            "inputfileproject": task.input_dataset.split(":")[0] if ninputs else None,
            "inputfilebytes": in_bytes,
            "noutputdatafiles": noutputs if finished else 0,
            "outputfilebytes": out_bytes,
            "jobmetrics": (f"coreCount={cores} nEvents={events} dbTime={rng.uniform(0.5, 9):.2f} "
                           f"dbData={rng.randint(1000, 90000)}" if state in ENDED and ran else None),
            "workqueue_id": 1 if task.analysis else rng.choice((9, 11, 19, 21)),
            "jeditaskid": task.jeditaskid,
            "jobsubstatus": fate.jobsubstatus if state in ENDED else None,
            "actualcorecount": cores if ran else None,
            "reqid": task.reqid,
            "maxwalltime": queue.maxtime,
            "nucleus": _tier1(queue.cloud) if not user_job else None,
            "eventservice": 0,
            "failedattempt": attempt,
            "gshare": task.gshare,
            "resource_type": "MCORE" if cores > 1 else "SCORE",
            "container_name": task.container,
            "job_label": "user" if user_job else "managed",
            "outputfiletype": task.outtype,
        }
        if ran:
            rss = int(rng.lognormvariate(14.2, 0.4) * cores ** 0.7)  # kB, ~1.5 GB per single core
            row.update(
                maxrss=rss, maxvmem=int(rss * 1.6), maxswap=0, maxpss=int(rss * 0.95),
                avgrss=int(rss * 0.8), avgvmem=int(rss * 1.3), avgswap=0, avgpss=int(rss * 0.76),
                hs06=cores * 10, hs06sec=int(run_seconds * cores * 10),
                totrchar=min(in_bytes // 1024, 9_999_999_999), totwchar=out_bytes // 1024,
                diskio=rng.randint(50, 5000), meancorecount=round(cores * rng.uniform(0.7, 1.0), 2),
                gco2_regional=round(run_seconds * cores * 0.0021, 2),
                gco2_global=round(run_seconds * cores * 0.0034, 2),
                cpu_architecture_level="x86-64-v3",
            )
        if state in ENDED:
            for component, code, diag in fate.errors:
                if component == "jobdispatcher" and code == 100:
                    diag = f"lost heartbeat : {at(life.ended or entered):%Y-%m-%d %H:%M:%S}"
                prefix = _CODE_COLUMN[component]
                row[f"{prefix}errorcode"] = code
                row[f"{prefix}errordiag"] = diag
        if black_hole and state == "failed" and not row.get("piloterrorcode"):
            row["piloterrorcode"] = 1305
            row["piloterrordiag"] = "Payload execution failure: no such file or directory: /cvmfs/atlas.cern.ch"
        return Job(row, path, tables, queue, ninputs, noutputs)


_CODE_COLUMN = {
    "pilot": "pilot", "executor": "exe", "supervisor": "sup", "dataservice": "ddm",
    "brokerage": "brokerage", "jobdispatcher": "jobdispatcher", "taskbuffer": "taskbuffer",
}
_TIER1 = {name: tier1 for name, _, tier1, _ in cat.CLOUDS}


def _tier1(cloud: str) -> str:
    return _TIER1.get(cloud, "CERN-PROD")


def task_status(jobs: list[Job]) -> tuple[str, int, int]:
    """(task status, progress %, failure rate %) from the task's jobs."""
    states = [j.row["jobstatus"] for j in jobs]
    # A job that was retried does not count as a failure of the task.
    retried = {j.row["parentid"] for j in jobs if j.row["parentid"]}
    last = [j for j in jobs if j.row["pandaid"] not in retried]
    ended = [j for j in last if j.row["jobstatus"] in ENDED]
    finished = sum(1 for j in ended if j.row["jobstatus"] == "finished")
    failed = sum(1 for j in ended if j.row["jobstatus"] == "failed")
    progress = int(100 * len(ended) / len(last)) if last else 0
    failurerate = int(100 * failed / len(ended)) if ended else 0
    if len(ended) < len(last):
        if all(s in ("pending", "defined", "assigned", "waiting") for s in states):
            return ("pending" if "pending" in states else "ready"), progress, failurerate
        return "running", progress, failurerate
    if finished == len(ended):
        return "done", progress, failurerate
    if finished:
        return "finished", progress, failurerate
    if all(j.row["jobstatus"] == "cancelled" for j in ended):
        return "aborted", progress, failurerate
    return "failed", progress, failurerate
