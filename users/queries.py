"""Reads the user pages need beyond grouped job counts: task names from
jedi_tasks, and whether a name is a PanDA user at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from django.conf import settings
from django.db.models import Q

from jobs.query import JobQuery
from pandamon import window as windows
from pandamon.params import Params
from pandamon.routers import PANDA_DB
from tasks.models import JediTask

# One IN list; Oracle takes at most 1000 values in one.
MAX_TASKS = 1000


def task_info(taskids: Iterable[int | None]) -> dict[int, dict]:
    """{jeditaskid: {taskname, status}} for the tasks jedi_tasks has (newest MAX_TASKS)."""
    ids = sorted((t for t in set(taskids) if t), reverse=True)[:MAX_TASKS]
    if not ids:
        return {}
    rows = JediTask.objects.using(PANDA_DB).filter(jeditaskid__in=ids).values("jeditaskid", "taskname", "status")
    return {r["jeditaskid"]: r for r in rows}


def has_recent_jobs(params: Params, name: str) -> bool:
    """Whether `name` has jobs in the live tables or the fast buffer, whatever the
    page's window and filters: tells a quiet user (page with zeros) from an
    unknown name (404). Bounded to the fast buffer so it never scans the archive;
    each probe is an index lookup on (produsername, jobstatus)."""
    end = windows.now()
    recent = windows.Window(end - dt.timedelta(days=settings.PANDA_FASTBUFFER_DAYS), end)
    query = JobQuery(replace(params, filters={}, jobtype=None, window=recent))
    return any(qs.exists() for _, qs in query.querysets(Q(produsername=name)))
