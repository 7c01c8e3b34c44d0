"""Harvester pages: `/harvester/instances/`, `/harvester/workers/`,
`/harvester/worker/<harvesterid>/<workerid>/`.

JSON (pandamon's own; BigPanDA's harvester pages answer DataTables feeds):
- instances: `instances` `[{harvesterid, description, hostname, owner, sw_version, commit_stamp,
  starttime, lastupdate, workers, states: {status: workers}}]` (workers updated in the window);
- workers: `summary` `[{computingsite, total, states: {status: workers}}]` by total, `states`
  `{status: workers}`, `workers` (the newest `limit`, default 200), `truncated`;
- worker: `worker` (its latest row), `jobs` `[{pandaid, jobstatus, computingsite}]`.
A database without Harvester's tables answers `missing` (the tables it lacks) and nothing else.
Filters: harvesterid= (or BigPanDA's harvesterinstance=), computingsite= (job value grammar),
status=, workerid=, resourcetype=; the window bounds each worker's lastupdate.
"""

from __future__ import annotations

from collections import Counter

from harvester import queries
from jobs.views.selection import filter_chips
from pandamon.errors import BadRequest
from pandamon.pages import link, page
from pandamon.params import Params

EXTRA = {"harvesterid": queries.parse_names, "status": queries.parse_status, "workerid": queries.parse_workerid}


def _missing() -> dict | None:
    missing = queries.missing_tables()
    return {"missing": missing} if missing else None


@page("harvester/instances.html", extra=EXTRA)
def instances(request, params: Params):
    if (absent := _missing()) is not None:
        return absent
    rows = queries.instances(queries.workers_q(params))
    columns = _states_of({s for r in rows for s in r["states"]})
    html = [{"row": r, "link": _workers_link(params, harvesterid=r["harvesterid"]),
             "cells": [(s, r["states"].get(s, 0), _workers_link(params, harvesterid=r["harvesterid"], status=s))
                       for s in columns]} for r in rows]
    return {"instances": rows, "_rows": html, "_columns": columns, "_filters": filter_chips(request.path, params)}


@page("harvester/workers.html", extra=EXTRA)
def workers(request, params: Params):
    if (absent := _missing()) is not None:
        return absent
    q = queries.workers_q(params)
    counts = queries.counts_by(q, "computingsite", "status")
    per_site: dict = {}
    states: Counter = Counter()
    for (site, status), n in counts.items():
        entry = per_site.setdefault(site, {"computingsite": site, "total": 0, "states": {}})
        entry["total"] += n
        entry["states"][status] = n
        states[status] += n
    summary = sorted(per_site.values(), key=lambda e: (-e["total"], e["computingsite"] or ""))
    limit = min(params.limit, queries.MAX_LIST) if "limit" in params.raw else queries.DEFAULT_LIMIT
    newest = queries.newest(q, limit + 1)
    columns = _states_of(states)
    html = [{"row": e, "link": _workers_link(params, computingsite=e["computingsite"]),
             "cells": [(s, e["states"].get(s, 0), _workers_link(params, computingsite=e["computingsite"], status=s))
                       for s in columns]} for e in summary]
    return {"summary": summary, "states": _ordered(states), "workers": newest[:limit],
            "truncated": len(newest) > limit, "_rows": html, "_columns": columns,
            "_total_link": _workers_link(params), "_filters": filter_chips(request.path, params)}


@page("harvester/worker.html", window_required=False)
def worker(request, params: Params, harvesterid: str, workerid: str):
    if (absent := _missing()) is not None:
        return absent
    if not workerid.isdigit() or int(workerid) >= 2**63:
        raise BadRequest(f"workerid must be an integer, got '{workerid}'")
    return queries.worker(harvesterid, int(workerid))


def _workers_link(params: Params, **narrow) -> str:
    query = {k: v for k, v in params.raw.items() if k not in ("limit", "outputs")}
    query.update({k: ("Not specified" if v is None else str(v)) for k, v in narrow.items()})
    return link("/harvester/workers/", **query)


def _ordered(states: Counter) -> dict:
    return {s: states[s] for s in _states_of(states)}


def _states_of(states) -> list[str]:
    known = [s for s in queries.WORKER_STATES if s in states]
    return known + sorted(s for s in states if s not in queries.WORKER_STATES)
