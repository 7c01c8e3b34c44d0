"""The task list's parameters (BigPanDA's taskList): which jedi_tasks rows a request selects.

Job-column filters the parser already read (produsername, reqid, endtime ranges, ...) map to
the task's own columns; the task-only ones (taskname, tasktype, superstatus, campaign, status,
creationdate ranges, sortby, datasets) are parsed here as the page's extra parameters.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from django.db import connections
from django.db.models import Q

from jobs.query.filters import filter_q
from pandamon.errors import BadRequest
from pandamon.params import Params
from pandamon.params.times import parse_time
from pandamon.params.values import ColumnFilter
from pandamon.routers import PANDA_DB
from tasks.models import JediTask

# Job filters that have a jedi_tasks column of their own (job column -> task column).
TASK_FILTERS = {"jeditaskid": "jeditaskid", "produsername": "username", "vo": "vo", "reqid": "reqid",
                "prodsourcelabel": "prodsourcelabel", "processingtype": "processingtype",
                "workinggroup": "workinggroup", "gshare": "gshare", "nucleus": "nucleus", "cloud": "cloud",
                "endtime": "endtime", "starttime": "starttime", "modificationtime": "modificationtime",
                "statechangetime": "statechangetime", "creationtime": "creationdate",
                "currentpriority": "currentpriority", "attemptnr": "attemptnr", "corecount": "corecount",
                "eventservice": "eventservice", "resource_type": "resource_type", "container_name": "container_name"}
# Columns a task row may be sorted by (sortby=<column>[-asc|-desc], BigPanDA's form).
SORTABLE = ("jeditaskid", "taskname", "status", "superstatus", "username", "tasktype", "processingtype",
            "campaign", "reqid", "creationdate", "starttime", "endtime", "modificationtime", "statechangetime",
            "taskpriority", "currentpriority", "progress", "failurerate", "workinggroup", "gshare", "attemptnr")
TEXT_COLUMNS = {"taskname": 256, "tasktype": 64, "superstatus": 64, "campaign": 32, "status": 64}
_SPLIT = re.compile(r"[|,]")


def text_filter(name: str, value: str) -> ColumnFilter:
    """a|b or a,b any of; !a not a; * wildcard (matched with LIKE, the column's index serving a prefix)."""
    values, patterns, negated, negated_patterns = [], [], [], []
    for term in (t.strip() for t in _SPLIT.split(value)):
        if not term:
            raise BadRequest(f"{name}: empty term in '{value}' (use a|b or a,b for several values)")
        negate = term.startswith("!")
        term = term[1:].strip() if negate else term
        if not term or len(term) > TEXT_COLUMNS[name]:
            raise BadRequest(f"{name}: each value is 1 to {TEXT_COLUMNS[name]} characters")
        if "*" in term:
            if not term.strip("*"):
                raise BadRequest(f"{name}: '*' alone matches every task; give a part of the name")
            (negated_patterns if negate else patterns).append(term)
        else:
            (negated if negate else values).append(term)
    return ColumnFilter(name, tuple(values), tuple(patterns), False, tuple(negated), tuple(negated_patterns))


def tasktype(name: str, value: str) -> ColumnFilter:
    """BigPanDA's tasktype=anal|prod (anal* and prod* prefixes as it takes them)."""
    kinds = []
    for term in (t.strip().lower() for t in _SPLIT.split(value)):
        kind = "anal" if term.startswith("anal") else ("prod" if term.startswith("prod") else None)
        if kind is None:
            raise BadRequest(f"tasktype takes anal or prod, got '{term}'")
        kinds.append(kind)
    return ColumnFilter("tasktype", tuple(dict.fromkeys(kinds)))


def flag(name: str, value: str) -> bool:
    if value.strip().lower() in ("true", "1", "yes", "y"):
        return True
    if value.strip().lower() in ("false", "0", "no", "n"):
        return False
    raise BadRequest(f"{name} takes true or false, got '{value}'")


def time_bound(name: str, value: str):
    return parse_time(name, value)


def task_sort(name: str, value: str) -> tuple[str, bool]:
    """sortby=<column> with -asc/-ascending or -desc/-descending (descending by default)."""
    key, _, direction = value.strip().lower().partition("-")
    if key not in SORTABLE or direction not in ("", "asc", "ascending", "desc", "descending"):
        raise BadRequest(f"sortby on the task list takes one of {', '.join(SORTABLE)}, optionally with -asc "
                         f"or -desc, got '{value}'")
    return key, not direction.startswith("asc")


EXTRA = {"taskname": text_filter, "tasktype": tasktype, "superstatus": text_filter, "campaign": text_filter,
         "status": text_filter, "datasets": flag, "sortby": task_sort,
         "creationdate_from": time_bound, "creationdate_to": time_bound}


def leading_wildcard(params: Params) -> bool:
    f = params.extra.get("taskname")
    return bool(f and any(p.startswith("*") for p in f.patterns))


def task_q(params: Params, using: str = PANDA_DB) -> Q:
    """The selection as one condition on jedi_tasks."""
    q = Q()
    for column, f in params.filters.items():
        if column not in TASK_FILTERS:
            raise BadRequest(f"the task list filters on {', '.join(sorted(TASK_FILTERS))}, taskname, tasktype, "
                             f"status, superstatus, campaign and creationdate_from/_to, not {column}")
        q &= filter_q(dataclasses.replace(f, column=TASK_FILTERS[column]))
    for name in ("taskname", "tasktype", "superstatus", "campaign", "status"):
        if name in params.extra:
            q &= filter_q(params.extra[name])
    if "taskname" in params.extra:
        q &= prefix_range_q(params.extra["taskname"], using)
    if "creationdate_from" in params.extra:
        q &= Q(creationdate__gte=params.extra["creationdate_from"])
    if "creationdate_to" in params.extra:
        q &= Q(creationdate__lt=params.extra["creationdate_to"])
    return q


def window_q(params: Params) -> Q:
    if params.window is None:
        return Q()
    return Q(modificationtime__gte=params.window.start, modificationtime__lt=params.window.end)


def ordering(params: Params) -> tuple[str, ...]:
    key, descending = params.extra.get("sortby", ("modificationtime", True))
    sign = "-" if descending else ""
    # The key last, so pages are stable when the sort column ties.
    return (f"{sign}{key}", f"{sign}jeditaskid") if key != "jeditaskid" else (f"{sign}jeditaskid",)


def selected(params: Params, using: str):
    return JediTask.objects.using(using).filter(window_q(params) & task_q(params, using))


def prefix_range_q(f: ColumnFilter, using: str) -> Q:
    """The range a single prefix pattern (user.alice.*) spans, beside its LIKE, where the range is exact.

    PostgreSQL uses a btree index for LIKE 'x%' only under the C collation, but always for a range;
    under a code-point collation (C, POSIX, C.UTF-8) [x, x with its last character + 1) holds exactly the
    names starting with x, so the range lets the name index serve the search. Elsewhere (MariaDB
    uses its index for the LIKE itself; a linguistic collation orders names otherwise) nothing is added.
    """
    if f.values or len(f.patterns) != 1 or not _codepoint_order(using):
        return Q()
    prefix = f.patterns[0].split("*", 1)[0]
    if not prefix:
        return Q()
    return Q(**{f"{f.column}__gte": prefix, f"{f.column}__lt": prefix[:-1] + chr(ord(prefix[-1]) + 1)})


@functools.cache
def _codepoint_order(using: str) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        (collate,) = cursor.fetchone()
    return collate.upper() in ("C", "POSIX", "C.UTF-8", "C.UTF8")
