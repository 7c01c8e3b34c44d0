"""One task's JEDI records: parameters, datasets, state history, failed files, related tasks."""

from __future__ import annotations

import json

from django.db.models import Q

from jobs.diagnosis import errorinfo
from jobs.models.job import ERROR_COMPONENTS
from jobs.query import JobQuery
from jobs.query.filters import in_q
from pandamon import introspection
from pandamon.params import Params
from pandamon.routers import PANDA_DB
from tasks import progress
from tasks.models import JediDatasetContent, JediTask, JediTaskparams, TasksStatuslog

FAILED_FILES_LIMIT = 1000
# What errorinfo() reads of a job: each component's code and diagnostic.
ERROR_COLUMNS = tuple(column for _, code, diag in ERROR_COMPONENTS for column in (code, diag))


def taskparams(taskid: int, using: str = PANDA_DB) -> tuple[dict, str | None]:
    """(the parameters as a dict, the raw JSON text); {} when missing or not JSON, as BigPanDA."""
    if not introspection.has_table(JediTaskparams, using):
        return {}, None
    text = JediTaskparams.objects.using(using).filter(jeditaskid=taskid).values_list("taskparams", flat=True).first()
    if not text:
        return {}, None
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}, text
    return (parsed if isinstance(parsed, dict) else {}), text


def datasets(taskid: int, using: str = PANDA_DB) -> list[dict]:
    """Every dataset of the task with its counters and percentfinished."""
    return progress.datasets_by_task([taskid], using, types=None)[taskid]


def statuslog(taskid: int, using: str = PANDA_DB) -> list[dict]:
    """The task's state changes in time order, each with the seconds until the next (None for the last)."""
    if not introspection.has_table(TasksStatuslog, using):
        return []
    rows = list(TasksStatuslog.objects.using(using).filter(jeditaskid=taskid)
                .order_by("modificationtime").values("modificationtime", "status", "attemptnr", "reason",
                                                     "modificationhost"))
    for row, nxt in zip(rows, [*rows[1:], None], strict=True):
        row["durationsec"] = int((nxt["modificationtime"] - row["modificationtime"]).total_seconds()) if nxt else None
        row["duration"] = _dhms(row["durationsec"]) if nxt else None
    return rows


def _dhms(seconds: int) -> str:
    """BigPanDA's D:HH:MM:SS."""
    days, rest = divmod(seconds, 86400)
    return f"{days}:{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"


def failed_files(taskid: int, using: str = PANDA_DB) -> list[dict]:
    """Input files with a failed attempt (failed for good, or retried), with their attempts, their last job
    and that job's error line (one query per job table for all of them)."""
    if not introspection.has_table(JediDatasetContent, using):
        return []
    q = Q(jeditaskid=taskid, type__in=progress.INPUT_TYPES) & (Q(status="failed") | Q(failedattempt__gt=0))
    rows = list(JediDatasetContent.objects.using(using).filter(q).order_by("datasetid", "fileid")
                .values("datasetid", "fileid", "lfn", "scope", "status", "attemptnr", "maxattempt",
                        "failedattempt", "pandaid", "lastattempttime")[:FAILED_FILES_LIMIT])
    errors = last_errors({r["pandaid"] for r in rows if r["pandaid"]}, using)
    for row in rows:
        row["lasterror"] = errors.get(row["pandaid"], "")
    return rows


def last_errors(pandaids: set[int], using: str = PANDA_DB) -> dict[int, str]:
    """{pandaid: errorinfo line} of those jobs, wherever they are (live, fast buffer or archive)."""
    if not pandaids:
        return {}
    columns = ("pandaid", *ERROR_COLUMNS)
    out: dict[int, str] = {}
    for _, qs in JobQuery(Params(), using=using, extra=in_q("pandaid", sorted(pandaids))).querysets():
        for row in qs.values(*columns):
            out.setdefault(row["pandaid"], errorinfo(row))
    return out


def related_tasks(task: dict, using: str = PANDA_DB) -> dict:
    """The parent (parent_tid) and the tasks that name this one as their parent."""
    tid = task["jeditaskid"]
    columns = ("jeditaskid", "taskname", "status", "superstatus", "username", "creationdate")
    parent = None
    if task.get("parent_tid") and task["parent_tid"] != tid:
        parent = JediTask.objects.using(using).filter(jeditaskid=task["parent_tid"]).values(*columns).first()
    children = list(JediTask.objects.using(using).filter(parent_tid=tid).exclude(jeditaskid=tid)
                    .order_by("jeditaskid").values(*columns)[:1000])
    return {"parent": parent, "children": children}
