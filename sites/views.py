"""Queue pages: /sites/ (every queue with its jobs by state), /site/<name>/ (one
queue), /wns/<site>/ (a queue's worker nodes). Thin views: queue configuration
(schedconfig_json or schedconfig) through sites.queries, jobs through the query
layer, one grouped count per table."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.http import HttpRequest

from jobs.query import JobQuery
from jobs.query.errors import errs_by_count
from jobs.states import ordered
from pandamon.pages import link, page
from pandamon.params import Params
from pandamon.responses import wants_json
from pandamon.selection import error_links, selection_query, state_cells
from sites import queries, wns
from sites.models import QUEUE_STATES

# Queue columns the /sites/ table shows (JSON has them all).
LIST_COLUMNS = ("siteid", "cloud", "tier", "type", "vo_name", "corecount")


@page("sites/sites.html", extra={"status": queries.parse_status, "copytool": queries.parse_copytool}, cached=True)
def sites(request: HttpRequest, params: Params) -> dict:
    """Queues chosen by cloud= (the queue's home cloud), vo= (its VO), status= and copytool=,
    each with every job at its siteid in the window by jobstatus. Other job filters
    (jobtype=, prodsourcelabel=, ...) narrow the counted jobs."""
    chosen = queries.queues(queries.queue_q(params))
    job_params = queries.without_queue_params(params)
    siteids = sorted({q["siteid"] for q in chosen if q["siteid"]})
    counts: Counter = Counter()
    if siteids:
        narrowed = any(p in params.raw for p in queries.QUEUE_PARAMS)
        extra = Q(computingsite__in=siteids) if narrowed else None
        counts = JobQuery(job_params, extra=extra).counts_by("computingsite", "jobstatus")

    per_site: dict[str, dict[str, int]] = {}
    for (siteid, jobstatus), n in counts.items():
        per_site.setdefault(siteid, {})[jobstatus] = n
    items = [{**q, "states": _in_order(per_site.get(q["siteid"], {}))} for q in chosen]

    statelist = ordered(jobstatus for _, jobstatus in counts)
    selection = selection_query(job_params)
    rows = []
    for item in items:
        query = {**selection, "computingsite": item["siteid"]}
        total = sum(item["states"].values())
        rows.append({
            "queue": item,
            "url": link(f"/site/{item['nickname']}/", **selection),
            "columns": [item[c] for c in LIST_COLUMNS],
            "cells": state_cells(item["states"], statelist, "/jobs/", query),
            "total": total,
            "total_url": link("/jobs/", **query) if total else None,
        })
    return {
        "_json": items,
        "_rows": rows,
        "_statelist": statelist,
        "_columns": LIST_COLUMNS,
        "_status_counts": sorted(Counter(q["status"] for q in chosen).items()),
        "_queue_states": QUEUE_STATES,
        # A callable: read only when the HTML is drawn, never for JSON.
        "_clouds": lambda: [{**c, "url": link("/sites/", **{**selection, "cloud": c["name"]})}
                            for c in queries.clouds()],
    }


@page("sites/site.html")
def site(request: HttpRequest, params: Params, name: str) -> dict:
    """JSON: BigPanDA's list of the queue's {param, value}; with outputs= (site, states, errsByCount, window)
    pandamon's object, the queue's jobs by state and its errors in the window (computed only then)."""
    queue = queries.find_queue(name)
    siteid = queue["siteid"] or queue["nickname"]
    query = JobQuery(params, extra=Q(computingsite=siteid))

    def wanted(key: str) -> bool:  # BigPanDA's list alone needs no job query
        return not wants_json(request) or key in (params.outputs or ())

    states = _in_order(query.counts_by("jobstatus")) if wanted("states") else {}
    errors = errs_by_count(query) if wanted("errsByCount") else []
    selection = {**selection_query(params), "computingsite": siteid}
    return {
        "_json": bigpanda_params(queue),
        "site": queue,
        "states": states,
        "errsByCount": errors,
        "_cells": state_cells(states, states, "/jobs/", selection),
        "_total": sum(states.values()),
        "_total_url": link("/jobs/", **selection),
        "_errors": error_links(errors, selection),
        "_config": [(column, _shown(value)) for column, value in queue.items()],
        "_wns_url": link(f"/wns/{queue['nickname']}/", **selection_query(params)),
    }


@page("sites/wns.html")
def worker_nodes(request: HttpRequest, params: Params, site: str) -> dict:
    queue = queries.find_queue(site)
    siteid = queue["siteid"] or queue["nickname"]
    counts = JobQuery(params).counts_by("modificationhost", "jobstatus", extra=Q(computingsite=siteid))
    nodes = wns.worker_nodes(counts)
    for node in nodes:
        node["states"] = _in_order(node["states"])
    statelist = ordered(jobstatus for _, jobstatus in counts)
    selection = {**selection_query(params), "computingsite": siteid}
    rows = [{
        "node": node,
        "suspect": wns.is_suspect(node),
        "cells": state_cells(node["states"], statelist, "/jobs/", {**selection, "modificationhost": node["wn"]}),
        "failed_url": link("/jobs/", **{**selection, "modificationhost": node["wn"], "jobstatus": "failed"}),
    } for node in nodes]
    data = {"_rows": rows, "_queue": queue}
    if wants_json(request):
        # BigPanDA's wnInfo answer; our ranking (black holes first) under "nodes".
        running = wns.running_resources(JobQuery(params), Q(computingsite=siteid, jobstatus="running"))
        summary, plots = wns.bigpanda_summary(counts, running)
        by_count = params.raw.get("sortby", "").strip().lower() == "count"
        data.update({
            "url": request.path, "site": site, "wnname": "all", "user": None, "summary": summary,
            "wnPlotFailed": wns.plot_list(plots["failed"], by_count),
            "wnPlotFinished": wns.plot_list(plots["finished"], by_count),
            "hours": _hours(params), "built": dt.datetime.now(dt.UTC).strftime("%H:%M:%S"), "nodes": nodes,
        })
    return {
        **data,
        "_statelist": statelist,
        "_site_url": link(f"/site/{queue['nickname']}/", **selection_query(params)),
        "_suspect_failrate": wns.SUSPECT_FAILRATE,
        "_suspect_min_jobs": wns.SUSPECT_MIN_JOBS,
    }


def bigpanda_params(queue: dict) -> list[dict]:
    """BigPanDA's /site/ JSON: the queue's configuration as {param, value} pairs sorted by param, a dict value
    written as 'key = value, ...' text; times as the /sites/ rows write them (ISO 8601)."""
    pairs = []
    for param, value in queue.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} = {v}" for k, v in value.items())
        pairs.append({"param": param, "value": value})
    return sorted(pairs, key=lambda p: p["param"])


def _hours(params: Params) -> int:
    """BigPanDA's `hours`: the hours= asked, 24 × days=, 0 for explicit dates, else the default window."""
    raw = params.raw
    if "hours" in raw:
        return int(float(raw["hours"]))
    if "days" in raw:
        return int(24 * float(raw["days"]))
    if "date_from" in raw or "date_to" in raw or params.window is None:
        return 0
    return round(params.window.hours)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _in_order(states: dict[str, int]) -> dict[str, int]:
    return {s: states[s] for s in ordered(states)}
