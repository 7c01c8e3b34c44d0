"""One worker node of a queue (`/wn/<site>/<node>/`), the drill-down of the black-hole
view: the node's jobs by state, its errors and its finished/failed jobs over the
window. The node is the jobs' modificationhost (the worker node once a pilot took the
job), so the page is the job selection narrowed to that queue and host.

JSON (pandamon's): `site`, `wn`, `states` `{jobstatus: jobs}`, `errsByCount` (the
/errors/ items), `plot` (the /dash/ plot of finished and failed jobs per hour), `window`.
"""

from __future__ import annotations

from dataclasses import replace

from jobs.query import JobQuery
from jobs.query.errors import error_filter, errs_by_count
from jobs.views.dash import activity
from jobs.views.selection import check_outputs, jobs_link, needs, ordered_states
from pandamon.pages import link, page
from pandamon.params import Params, parse_filter
from sites import queries

JSON_KEYS = ("site", "wn", "states", "errsByCount", "plot", "window")


def narrowed(params: Params, siteid: str, node: str) -> Params:
    """The request's selection at this queue and node, links included."""
    filters = {**params.filters, "computingsite": parse_filter("computingsite", siteid),
               "modificationhost": parse_filter("modificationhost", node)}
    return replace(params, filters=filters, raw={**params.raw, "computingsite": siteid, "modificationhost": node})


@page("sites/wn.html")
def worker_node(request, params: Params, site: str, node: str) -> dict:
    check_outputs(params, JSON_KEYS)
    queue = queries.find_queue(site)
    siteid = queue["siteid"] or queue["nickname"]
    selection = narrowed(params, siteid, node)
    query = JobQuery(selection)
    data: dict = {"site": site, "wn": node}
    if needs(request, params, "states", html=True):
        counts = query.counts_by("jobstatus")
        data["states"] = {s: counts[s] for s in ordered_states(counts)}
    if needs(request, params, "errsByCount", html=True):
        data["errsByCount"] = errs_by_count(query)
    if needs(request, params, "plot", html=False):
        data["plot"] = activity(query, selection, by="modificationhost")
    if "states" in data and "errsByCount" in data:
        data["_cells"] = [(s, n, jobs_link(selection, jobstatus=s)) for s, n in data["states"].items()]
        data["_total"] = sum(data["states"].values())
        data["_total_link"] = jobs_link(selection)
        data["_errors"] = [{**e, "link": jobs_link(selection, **error_filter(e["component"], e["codeval"]))}
                           for e in data["errsByCount"]]
        data["_queue_link"] = link(f"/wns/{site}/", **{k: v for k, v in params.raw.items()})
    return data
