"""Harvester's workers over a time window: counts by queue and state, the newest
workers, the instances with their workers, one worker with its jobs.

A worker row is bounded by its `lastupdate` (the partition key of PanDA's
PostgreSQL harvester_workers, daily ranges), so a window reads only its days.
Every count is a GROUP BY in the database.
"""

from __future__ import annotations

import re

from django.db.models import Count, Max, Q

from harvester.models import HarvesterInstance, HarvesterRelJobsWorkers, HarvesterWorker
from jobs.query.filters import filter_q
from jobs.query.status import latest_rows
from pandamon import introspection
from pandamon.errors import BadRequest, NotFound
from pandamon.params import MAX_LIST_VALUES, Params
from pandamon.routers import PANDA_DB

WORKER_STATES = ("submitted", "idle", "running", "finished", "failed", "cancelled", "missed")
LIST_COLUMNS = ("harvesterid", "workerid", "status", "computingsite", "resourcetype", "jobtype", "ncore", "njobs",
                "batchid", "nodeid", "submittime", "starttime", "endtime", "lastupdate", "errorcode", "diagmessage")
DEFAULT_LIMIT, MAX_LIST = 200, 10_000
HARVESTER_MODELS = (HarvesterInstance, HarvesterWorker, HarvesterRelJobsWorkers)


def missing_tables(using: str = PANDA_DB) -> list[str]:
    """Harvester's tables this database lacks (older layouts have none)."""
    return [m._meta.db_table for m in HARVESTER_MODELS if not introspection.has_table(m, using)]


def _terms(name: str, value: str) -> list[str]:
    terms = [t.strip() for t in re.split(r"[|,]", value)]
    if any(not t for t in terms):
        raise BadRequest(f"{name}: empty term in '{value}' (use a|b for several values)")
    if len(terms) > MAX_LIST_VALUES:
        raise BadRequest(f"{name}: at most {MAX_LIST_VALUES} values")
    return terms


def parse_names(name: str, value: str) -> list[str]:
    return _terms(name, value)


def parse_status(name: str, value: str) -> list[str]:
    states = [t.lower() for t in _terms(name, value)]
    bad = [s for s in states if s not in WORKER_STATES]
    if bad:
        raise BadRequest(f"{name} must be worker states ({', '.join(WORKER_STATES)}), got '{bad[0]}'")
    return states


def parse_workerid(name: str, value: str) -> list[int]:
    try:
        ids = [int(t) for t in _terms(name, value)]
    except ValueError:
        raise BadRequest(f"{name} must be integers (a|b for several), got '{value}'") from None
    if any(not 0 <= i < 2**63 for i in ids):
        raise BadRequest(f"{name} out of range")
    return ids


def instance_names(params: Params) -> list[str] | None:
    """harvesterid= or BigPanDA's harvesterinstance= (the same names)."""
    names = params.extra.get("harvesterid")
    raw = params.raw.get("harvesterinstance")
    if raw:
        names = (names or []) + _terms("harvesterinstance", raw)
    return names


def workers_q(params: Params) -> Q:
    """The page's workers: the window on lastupdate and the filters."""
    q = Q()
    if params.window is not None:
        q &= Q(lastupdate__gte=params.window.start, lastupdate__lt=params.window.end)
    names = instance_names(params)
    if names:
        q &= Q(harvesterid__in=names)
    site = params.filters.get("computingsite")
    if site is not None:  # parsed as the job column: the same value grammar on the worker's column
        q &= filter_q(site)
    for key, column in (("status", "status"), ("workerid", "workerid")):
        if key in params.extra:
            q &= Q(**{f"{column}__in": params.extra[key]})
    if "resourcetype" in params.raw:
        q &= Q(resourcetype__in=_terms("resourcetype", params.raw["resourcetype"]))
    return q


def workers(q: Q, using: str = PANDA_DB):
    return HarvesterWorker.objects.using(using).filter(q).order_by()


def counts_by(q: Q, *columns: str, using: str = PANDA_DB) -> dict[tuple, int]:
    """{(column values): workers} — one GROUP BY."""
    rows = workers(q, using).values(*columns).annotate(_n=Count("*")).order_by()
    return {tuple(r[c] for c in columns): r["_n"] for r in rows}


def newest(q: Q, limit: int, using: str = PANDA_DB) -> list[dict]:
    return list(workers(q, using).order_by("-lastupdate", "harvesterid", "-workerid").values(*LIST_COLUMNS)[:limit])


def instances(q: Q, using: str = PANDA_DB) -> list[dict]:
    """Every instance with its workers by state in the window (two queries)."""
    counts = counts_by(q, "harvesterid", "status", using=using)
    out = []
    for row in HarvesterInstance.objects.using(using).order_by("harvester_id").values():
        states = {s: n for (h, s), n in counts.items() if h == row["harvester_id"]}
        out.append({**row, "harvesterid": row["harvester_id"], "workers": sum(states.values()), "states": states})
    return out


def worker(harvesterid: str, workerid: int, using: str = PANDA_DB) -> dict:
    """One worker's latest row, its jobs (pandaid, jobstatus, computingsite) from the
    job tables: three queries plus one per job table, whatever its number of jobs."""
    row = (HarvesterWorker.objects.using(using).filter(harvesterid=harvesterid, workerid=workerid)
           .order_by("-lastupdate").values().first())
    if row is None:
        raise NotFound(f"no worker {workerid} of Harvester instance '{harvesterid}'")
    links = (HarvesterRelJobsWorkers.objects.using(using).filter(harvesterid=harvesterid, workerid=workerid)
             .order_by("pandaid").values_list("pandaid", flat=True))
    pandaids = list(links)
    found = latest_rows(pandaids, using=using) if pandaids else {}
    jobs = [{"pandaid": p, "jobstatus": found.get(p, {}).get("jobstatus"),
             "computingsite": found.get(p, {}).get("computingsite")} for p in pandaids]
    return {"worker": row, "jobs": jobs}


def job_workers(pandaid: int, using: str = PANDA_DB) -> list[dict]:
    """Every worker of one job (pull mode may give several), newest first: one query."""
    if missing_tables(using):
        return []
    return list(HarvesterRelJobsWorkers.objects.using(using).filter(pandaid=pandaid)
                .values("harvesterid", "workerid").annotate(_last=Max("lastupdate"))
                .order_by("-workerid").values("harvesterid", "workerid"))
