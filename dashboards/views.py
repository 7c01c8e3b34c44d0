"""Region and world dashboards (`/dash/region/`, `/dash/world/`): jobs by state per
region (the queue's cloud) or nucleus, per ATLAS site and per queue, split by job type
and resource type.

JSON: BigPanDA's keys with BigPanDA's meanings (issue 10's rule):
- /dash/region/: `regions`, `sites` (ATLAS site) — `{name: summary}` — and `queues`:
  `{computingsite: {pqtype, region, atlas_site, status, n_pilots_total, n_pilots_nojob,
  n_running_cores, failed_percentage, n_jobs, job_summary}}`; a summary is
  `{jobtype: {resourcetype: [{jobstatus, count}] over every state}}` with "all" margins
  (jobtype analy/prod, BigPanDA's names). Pilot counts are -1, BigPanDA's "unknown":
  pandamon has no pilot request counts. pandamon's own key in a queue: `problems`
  (reasons to look, empty when none).
- /dash/world/ (production jobs): `nuclei` `{nucleus: summary}` and `satellites`
  `{nucleus: {computingsite: summary}}`.
Both add `statelist` and `window`; under `mode=drop` the region page adds `dropped`
(pandamon's: `{count, url}` of the superseded attempts left out). `splitby=jobtype,resourcetype` chooses the rows the
page shows (the JSON always has every split); `sortby=alpha|count|failrate|rcores`.
"""

from __future__ import annotations

from dataclasses import replace

from dashboards import summary as s
from dashboards.queues import problems, queue_info
from jobs.query import JobQuery
from jobs.views import dash
from jobs.views.joblist import dropped
from jobs.views.selection import JOB_STATES, check_outputs, display, filter_chips, jobs_link, ordered_states
from pandamon.errors import BadRequest
from pandamon.pages import link, page
from pandamon.params import Params

SORTS = ("alpha", "count", "failrate", "rcores")
EXTRA = {"splitby": s.parse_splitby, "sortby": lambda name, value: parse_sort(name, value)}
REGION_KEYS = ("regions", "sites", "queues", "statelist", "dropped", "window")
WORLD_KEYS = ("nuclei", "satellites", "statelist", "window")
UNKNOWN_PILOTS = -1


def parse_sort(name: str, value: str) -> str:
    value = value.strip().lower()
    if value not in SORTS:
        raise BadRequest(f"{name} must be one of {', '.join(SORTS)}, got '{value}'")
    return value


# The page's own parameters, left out of the links to job lists (which refuse them).
OWN = frozenset(EXTRA)


def selection_only(params: Params) -> Params:
    return replace(params, raw={k: v for k, v in params.raw.items() if k not in OWN})


@page("dashboards/region.html", extra=EXTRA)
def region(request, params: Params):
    check_outputs(params, REGION_KEYS)
    rows = s.grouped(JobQuery(params))
    info = queue_info(site for _, site, *_ in rows)

    def where(site):
        return info.get(site, {})

    regions = s.rollup(rows, lambda _, site: display(where(site).get("region")))
    sites = s.rollup(rows, lambda _, site: display(where(site).get("atlas_site")))
    queues = s.rollup(rows, lambda _, site: display(site))
    queue_entries = {}
    for name, summary in queues.items():
        q = where(None if name == display(None) else name)
        total = s.total(summary)
        queue_entries[name] = {
            "pqtype": q.get("pqtype"), "region": display(q.get("region")), "atlas_site": display(q.get("atlas_site")),
            "status": q.get("status"), "n_pilots_total": UNKNOWN_PILOTS, "n_pilots_nojob": UNKNOWN_PILOTS,
            "n_running_cores": total.rcores, "failed_percentage": total.failrate or 0, "n_jobs": total.total,
            "job_summary": s.as_json(summary), "problems": problems(total, q.get("status")),
        }
    data = {
        "regions": {name: s.as_json(v) for name, v in _by_name(regions)},
        "sites": {name: s.as_json(v) for name, v in _by_name(sites)},
        "queues": dict(sorted(queue_entries.items())),
        "statelist": list(JOB_STATES),
    }
    if params.drop:
        data["dropped"] = dropped(request.path, selection_only(params))
    splitby = params.extra.get("splitby", ())
    sortby = params.extra.get("sortby", "alpha")
    selection = selection_only(params)
    data["_tables"] = [
        table(selection, "region", regions, splitby, sortby, narrow=lambda n: {"region": n}),
        table(selection, "computingsite", queues, splitby, sortby, narrow=lambda n: {"computingsite": n},
              queue=queue_entries),
    ]
    return _common(request, params, data, "Regions", splitby)


@page("dashboards/region.html", extra=EXTRA)
def world(request, params: Params):
    check_outputs(params, WORLD_KEYS)
    # Production only: jobtype is part of the selection every link carries.
    production = replace(params, jobtype="production", raw={**params.raw, "jobtype": "production"})
    rows = s.grouped(JobQuery(production), place="nucleus")
    nuclei = s.rollup(rows, lambda nucleus, _: display(nucleus))
    pairs = s.rollup(rows, lambda nucleus, site: (display(nucleus), display(site)))
    satellites: dict = {}
    for (nucleus, site), summary in sorted(pairs.items()):
        satellites.setdefault(nucleus, {})[site] = s.as_json(summary)
    data = {
        "nuclei": {name: s.as_json(v) for name, v in _by_name(nuclei)},
        "satellites": dict(sorted(satellites.items())),
        "statelist": list(JOB_STATES),
    }
    splitby = params.extra.get("splitby", ())
    sortby = params.extra.get("sortby", "alpha")
    selection = selection_only(production)
    data["_tables"] = [
        table(selection, "nucleus", nuclei, splitby, sortby, narrow=lambda n: {"nucleus": n}),
        table(selection, "nucleus / computingsite", pairs, splitby, sortby,
              narrow=lambda n: {"nucleus": n[0], "computingsite": n[1]}),
    ]
    return _common(request, production, data, "Nuclei (production)", splitby)


# BigPanDA's /dash/production/ and /dash/analysis/: the production summary of one job type.
production = page("jobs/dash.html", defaults={"jobtype": "production"})(dash.dash.__wrapped__)
analysis = page("jobs/dash.html", defaults={"jobtype": "analysis"})(dash.dash.__wrapped__)


def _by_name(level: dict):
    return sorted(level.items())


def _common(request, params: Params, data: dict, title: str, splitby) -> dict:
    data["_title"] = title
    data["_splitby"] = ",".join(splitby)
    data["_split_links"] = {
        label: link(request.path, **{**{k: v for k, v in params.raw.items() if k != "splitby"},
                                     **({"splitby": value} if value else {})})
        for label, value in (("none", ""), ("job type", "jobtype"), ("resource type", "resourcetype"),
                             ("both", "jobtype,resourcetype"))
    }
    data["_sort_links"] = {
        label: link(request.path, **{**{k: v for k, v in params.raw.items() if k != "sortby"}, "sortby": value})
        for label, value in (("name", "alpha"), ("jobs", "count"), ("fail %", "failrate"), ("cores", "rcores"))
    }
    data["_filters"] = filter_chips(request.path, selection_only(params))
    return data


SORT_KEYS = {
    "alpha": lambda r: (str(r["name"]), r["jobtype"], r["resourcetype"]),
    "count": lambda r: (-r["total"], str(r["name"])),
    "failrate": lambda r: (-(r["failrate"] if r["failrate"] is not None else -1), str(r["name"])),
    "rcores": lambda r: (-r["rcores"], str(r["name"])),
}


def table(params: Params, label: str, level: dict, splitby, sortby: str, *, narrow, queue=None) -> dict:
    """HTML rows: one per name and split, every count a link to exactly those jobs."""
    rows, seen = [], set()
    for name, summary in level.items():
        for jt, rt, cell in s.splits(summary, splitby):
            seen.update(cell.states)
            selection = dict(narrow(name))
            if jt != s.ALL:
                selection["jobtype"] = s.JOBTYPE_FILTER[jt]
            if rt != s.ALL:
                selection["resource_type"] = rt
            info = (queue or {}).get(name, {})
            rows.append({
                "name": " / ".join(name) if isinstance(name, tuple) else name,
                "jobtype": jt, "resourcetype": rt, "cell": cell, "total": cell.total,
                "failrate": cell.failrate, "rcores": cell.rcores, "selection": selection,
                "pqtype": info.get("pqtype"), "status": info.get("status"), "problems": info.get("problems", []),
                "site_link": f"/site/{name}/" if queue is not None and name != display(None) else None,
            })
    states = ordered_states(seen)
    for row in rows:
        row["total_link"] = jobs_link(params, **row["selection"])
        row["cells"] = [(st, row["cell"].states[st], jobs_link(params, **row["selection"], jobstatus=st))
                        for st in states]
    rows.sort(key=SORT_KEYS[sortby])
    return {"label": label, "states": states, "rows": rows, "queues": queue is not None,
            "split_jt": "jobtype" in splitby, "split_rt": "resourcetype" in splitby}
