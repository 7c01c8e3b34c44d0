"""The coarse job state a pipeline polls for, from PanDA's jobstatus.

This table is the one place the mapping is written down (fact sheet §3, every
state including the legacy ones); /api/jobs/status/, the OpenAPI description and
the CLI all read it from here.

- queued: not yet handed to a pilot: the job waits for input, brokerage, data
  motion or a free slot. A pipeline should keep waiting.
- running: a pilot has the job (sent/starting), the payload runs, or its outputs
  are being registered, merged or moved. Still not final.
- done: finished, the only successful end.
- failed: ended without success (failed; `unknown` is the archive's default for
  a job whose final state was never recorded, so it cannot count as success).
- cancelled: ended on purpose before success: killed by a user (cancelled) or by
  the system (closed: reassigned, task done, fast rebrokerage). A retry, if any,
  is a new pandaid.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobs.diagnosis import errorinfo
from jobs.query.status import latest_rows

COARSE_STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL_STATES = frozenset({"done", "failed", "cancelled"})
# pandaids are NUMBER(11) in PanDA; BIGINT is what every database here stores.
MAX_PANDAID = 2**63 - 1
# Tables that hold ended jobs only: a state read there can no longer change.
ENDED_TABLES = frozenset({"jobsarchived4", "jobsarchived"})

COARSE_STATE: dict[str, str] = {
    # queued
    "pending": "queued",
    "defined": "queued",
    "assigned": "queued",
    "waiting": "queued",
    "activated": "queued",
    "throttled": "queued",
    # running
    "sent": "running",
    "starting": "running",
    "running": "running",
    "holding": "running",
    "merging": "running",
    "transferring": "running",
    "stagein": "running",  # legacy (2008): input staging on the worker node
    "stageout": "running",  # legacy (2008): output staging on the worker node
    # final
    "finished": "done",
    "failed": "failed",
    "unknown": "failed",  # legacy archive default
    "cancelled": "cancelled",
    "closed": "cancelled",
}


def coarse_state(jobstatus: str | None, *, ended: bool = False) -> str:
    """The coarse state of a jobstatus. A state PanDA may add in future is taken as
    still in progress, unless the job was read from an ended-jobs table (`ended`):
    there it can no longer change, and without `finished` it is no success."""
    state = COARSE_STATE.get((jobstatus or "").lower())
    if state is not None:
        return state
    return "failed" if ended else "running"


def bulk_status(pandaids: Sequence[int]) -> dict:
    """The /api/jobs/status/ answer: `jobs` in the order asked, `missing` ids."""
    rows = latest_rows(pandaids)
    jobs, missing = [], []
    for pandaid in dict.fromkeys(pandaids):
        row = rows.get(pandaid)
        if row is None:
            missing.append(pandaid)
            continue
        jobs.append({
            "pandaid": pandaid,
            "jobstatus": row["jobstatus"],
            "state": coarse_state(row["jobstatus"], ended=row["table"] in ENDED_TABLES),
            "computingsite": row["computingsite"],
            "modificationtime": row["modificationtime"],
            "errorinfo": errorinfo(row),
        })
    return {"jobs": jobs, "missing": missing}

