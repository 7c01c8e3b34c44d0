"""Harvester's tables for the generated jobs (generate_jobs): the instances, one worker
per pilot that took a job (a job that reached `sent` was picked up by a worker of the
instance in its schedulerid, with the job's batchid), some workers that found no job,
the job-worker links and the per-queue worker statistics of the live workers.

Draws come from their own random stream, so the job rows are the same with or
without these tables.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from jobs.synthetic.jobs import EPOCH, HARVESTERS, PANDAID_BASE, Job, at

PREFIX = "harvester-"
INSTANCES = tuple(h.removeprefix(PREFIX) for h in HARVESTERS)
# Worker ids are the job's offset in the id space, far from hand-made test workers.
WORKERID_BASE = 10_000_000
# A job state -> the state of the worker that runs it.
WORKER_STATE = {
    "sent": "submitted", "starting": "submitted", "running": "running", "holding": "running",
    "merging": "running", "transferring": "running", "finished": "finished", "failed": "failed",
    "cancelled": "cancelled", "closed": "cancelled",
}
LIVE_WORKER_STATES = ("submitted", "running")
NOJOB_EVERY = 12  # one worker in NOJOB_EVERY finds no job: missed (ended) or still submitted
WORKER_FAILURES = ((1, "Payload failed; pilot exit code 1"), (3, "Worker killed by the batch system: wall time"),
                   (9, "Worker lost: no heartbeat from the node"))


def instance_rows(now: dt.datetime) -> list[dict]:
    return [{"harvester_id": name, "description": f"Harvester instance {name}",
             "starttime": now - dt.timedelta(days=40),
             "owner": "atlpan", "hostname": f"aipanda{180 + i}.cern.ch", "lastupdate": now - dt.timedelta(minutes=i),
             "sw_version": f"0.5.{10 + i}", "commit_stamp": f"0.5.{10 + i}-{1000 + 7 * i}"}
            for i, name in enumerate(INSTANCES)]


class Workers:
    def __init__(self, seed: int, now: float):
        self.rng = random.Random(seed * 31 + 7)
        self.now = now
        self.stats: Counter = Counter()  # (instance, site, resourcetype, status, jobtype) -> live workers

    def of_job(self, job: Job) -> tuple[list[dict], list[dict]]:
        """(worker rows, link rows) of one job: none when no pilot took it."""
        row = job.row
        if not row["schedulerid"] or not row["schedulerid"].startswith(PREFIX):
            return [], []
        instance = row["schedulerid"].removeprefix(PREFIX)
        state = WORKER_STATE.get(row["jobstatus"], "running")
        sent = next((t for s, t in job.path if s == "sent"), None)
        submitted = (sent if sent is not None else (row["creationtime"] - EPOCH).total_seconds())
        submitted -= self.rng.uniform(60, 900)
        workerid = WORKERID_BASE + row["pandaid"] - PANDAID_BASE
        worker = self._worker(instance, workerid, row, state, submitted, njobs=1)
        ended = row["endtime"] if state not in LIVE_WORKER_STATES else None
        worker.update(starttime=row["starttime"], endtime=ended, batchid=row["batchid"], nodeid=row["modificationhost"],
                      pilotstarttime=row["starttime"], pilotendtime=ended)
        if state == "failed":
            worker["errorcode"], worker["diagmessage"] = self.rng.choice(WORKER_FAILURES)
        rows = [worker]
        links = [{"harvesterid": instance, "workerid": workerid, "pandaid": row["pandaid"],
                  "lastupdate": row["modificationtime"]}]
        if self.rng.randrange(NOJOB_EVERY) == 0:
            idle_state = "missed" if self.rng.random() < 0.7 else "submitted"
            rows.append(self._worker(instance, workerid + 5_000_000_000, row, idle_state,
                                     submitted - self.rng.uniform(600, 3600), njobs=0))
        return rows, links

    def _worker(self, instance: str, workerid: int, row: dict, state: str, submitted: float, *, njobs: int) -> dict:
        site, rtype, label = row["computingsite"], row["resource_type"], row["prodsourcelabel"]
        live = state in LIVE_WORKER_STATES
        lastupdate = row["modificationtime"] if njobs else at(min(self.now, submitted + self.rng.uniform(300, 5400)))
        if live:
            self.stats[(instance, site, rtype or "SCORE", state, label)] += 1
        batch = f"{workerid % 90_000_000 + 10_000_000}.0"
        return {
            "harvesterid": instance, "workerid": workerid, "lastupdate": lastupdate, "status": state,
            "batchid": batch, "queuename": site, "computingsite": site, "submittime": at(submitted),
            "ncore": row["corecount"], "errorcode": 0 if state != "missed" else 2,
            "diagmessage": "" if state != "missed" else "no job to run: pilot exited",
            "stdout": f"https://{instance.lower()}.cern.ch/condor_logs/{workerid}.out",
            "stderr": f"https://{instance.lower()}.cern.ch/condor_logs/{workerid}.err",
            "batchlog": f"https://{instance.lower()}.cern.ch/condor_logs/{workerid}.log",
            "resourcetype": rtype, "computingelement": row["computingelement"], "njobs": njobs,
            "submissionhost": f"{instance.lower()}-submit01.cern.ch", "harvesterhost": f"{instance.lower()}.cern.ch",
            "jobtype": label, "pilotstatus": state, "minramcount": row["minramcount"],
        }

    def stats_rows(self, now: dt.datetime) -> list[dict]:
        return [{"harvester_id": h, "computingsite": s, "resourcetype": r, "status": st, "jobtype": j,
                 "n_workers": n, "lastupdate": now} for (h, s, r, st, j), n in sorted(self.stats.items())]
