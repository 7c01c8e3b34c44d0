"""Production summary (`/`, `/dash/`): jobs by state for every VO side by side,
and within one VO its clouds and sites; finished and failed jobs over time.

JSON (web contract, /dash/): `vos`, `clouds`, `sites` — each a list of
`{name, vo, cloud, total, states: {jobstatus: n}}` by total — `statelist`,
`window`, and `plot`:

    {"by": "vo" | "cloud", "binseconds": 3600, "bins": ["2026-11-23T10:00:00", ...],
     "series": [{"name": "atlas", "jobstatus": "finished", "total": n, "counts": [n per bin],
                 "link": "/jobs/?vo=atlas&jobstatus=finished"}]}

A series' link is its job list without a window; a bar's list adds
`date_from=<bin>&date_to=<bin + binseconds>`. Bins are hours, days for windows
over two weeks. NULL values are named `Not specified`, as a filter takes them;
`cloud` is null in `vos` entries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.db.models.functions import TruncDay, TruncHour

from jobs.query import JobQuery
from jobs.views.selection import (
    JOB_STATES,
    check_outputs,
    display,
    filter_chips,
    jobs_link,
    needs,
    ordered_states,
    selection_query,
)
from pandamon.pages import link, page
from pandamon.params import Params

JSON_KEYS = ("vos", "clouds", "sites", "statelist", "plot", "window")
PLOTTED_STATES = ("finished", "failed")
HOURLY_UP_TO = dt.timedelta(days=14)


@page("jobs/dash.html", cached=True)
def dash(request, params: Params):
    check_outputs(params, JSON_KEYS)
    query = JobQuery(params)
    data: dict = {}
    if any(needs(request, params, key, html=True) for key in ("vos", "clouds", "sites", "statelist")):
        # One grouped query per table; the three levels are sums of it.
        counts = query.counts_by("vo", "cloud", "computingsite", "jobstatus")
        vos, clouds, sites = rollup(counts)
        data.update(vos=vos, clouds=clouds, sites=sites, statelist=list(JOB_STATES))
        data.update(_tables=html_tables(params, vos, clouds, sites, counts))
    if needs(request, params, "plot", html=False):
        data["plot"] = activity(query, params, by="cloud" if single_vo(params) else "vo")
    data["_filters"] = filter_chips(request.path, params)
    return data


def single_vo(params: Params) -> str | None:
    vo = params.filters.get("vo")
    if vo and len(vo.values) == 1 and not (vo.patterns or vo.negated or vo.negated_patterns or vo.null):
        return vo.values[0]
    return None


def _entry(name, vo, cloud: str | None = None) -> dict:
    return {"name": display(name), "vo": display(vo), "cloud": cloud, "total": 0, "states": Counter()}


def rollup(counts: Counter) -> tuple[list[dict], list[dict], list[dict]]:
    """Per-VO, per-(VO, cloud) and per-(VO, cloud, site) entries from one grouped count."""
    vos: dict = {}
    clouds: dict = {}
    sites: dict = {}
    for (vo, cloud, site, state), n in counts.items():
        for entry in (
            vos.setdefault(vo, _entry(vo, vo)),
            clouds.setdefault((vo, cloud), _entry(cloud, vo, display(cloud))),
            sites.setdefault((vo, cloud, site), _entry(site, vo, display(cloud))),
        ):
            entry["total"] += n
            entry["states"][state] += n
    return tuple(_ordered(level.values()) for level in (vos, clouds, sites))


def _ordered(entries) -> list[dict]:
    out = []
    for entry in sorted(entries, key=lambda e: (-e["total"], e["name"])):
        entry["states"] = {s: entry["states"][s] for s in ordered_states(entry["states"])}
        out.append(entry)
    return out


# --- HTML -------------------------------------------------------------------------


def html_tables(params: Params, vos, clouds, sites, counts: Counter) -> dict:
    """Rows with a link on every count. Columns: the states present in the window
    (a column of zeros everywhere says nothing)."""
    states = ordered_states({state for (*_, state) in counts})
    one_vo = single_vo(params) or (vos[0]["name"] if len(vos) == 1 else None)

    def rows(entries, level):
        out = []
        for e in entries:
            narrow = {"vo": e["vo"]}
            if level in ("cloud", "site"):
                narrow["cloud"] = e["cloud"]
            if level == "site":
                narrow["computingsite"] = e["name"]
            out.append(row(params, e, states, narrow, name_link=_name_link(params, level, e)))
        return out

    totals = {"name": "All", "total": sum(e["total"] for e in vos), "states": Counter()}
    for e in vos:
        totals["states"].update(e["states"])
    return {
        "states": states,
        "vos": rows(vos, "vo"),
        "total": row(params, totals, states, {}, name_link=None),
        "clouds": rows(clouds, "cloud") if one_vo else [],
        "sites": rows(sites, "site") if one_vo else [],
        "one_vo": one_vo,
    }


def _name_link(params: Params, level: str, e: dict) -> str:
    if level == "vo":
        return link("/dash/", **selection_query(params, vo=e["vo"]))
    if level == "cloud":
        return link("/dash/", **selection_query(params, vo=e["vo"], cloud=e["cloud"]))
    return f"/site/{e['name']}/"


def row(params: Params, e: dict, states, narrow: dict, *, name_link: str | None) -> dict:
    finished, failed = e["states"].get("finished", 0), e["states"].get("failed", 0)
    return {
        "name": e["name"],
        "cloud": e.get("cloud"),
        "name_link": name_link,
        "total": e["total"],
        "total_link": jobs_link(params, **narrow),
        "cells": [(s, e["states"].get(s, 0), jobs_link(params, **narrow, jobstatus=s)) for s in states],
        "failrate": round(100 * failed / (finished + failed), 1) if finished + failed else None,
    }


# --- plot ---------------------------------------------------------------------------


def activity(query: JobQuery, params: Params, *, by: str) -> dict:
    """Finished and failed jobs per hour (or day) and per VO/cloud: one grouped
    query per table, the ended jobs being read where they are (archived tables)."""
    window = params.window
    step = dt.timedelta(hours=1)
    trunc = TruncHour
    if window is not None and window.end - window.start > HOURLY_UP_TO:
        step, trunc = dt.timedelta(days=1), TruncDay
    counts = query.counts_by(by, "jobstatus", extra=Q(jobstatus__in=PLOTTED_STATES),
                             bin=trunc("modificationtime"))
    bins = bin_starts(window, step, [b for *_, b in counts])
    index = {b: i for i, b in enumerate(bins)}
    series: dict[tuple, list[int]] = {}
    for (name, state, start), n in counts.items():
        series.setdefault((display(name), state), [0] * len(bins))[index[utc(start)]] += n
    ordered = sorted(series.items(), key=lambda kv: (PLOTTED_STATES.index(kv[0][1]), -sum(kv[1]), kv[0][0]))
    return {
        "by": by,
        "binseconds": int(step.total_seconds()),
        "bins": [iso_utc(b) for b in bins],
        "series": [
            {"name": name, "jobstatus": state, "total": sum(values), "counts": values,
             "link": link("/jobs/", **selection_query(params, window=False, **{by: name}, jobstatus=state))}
            for (name, state), values in ordered
        ],
    }


def utc(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _floor(t: dt.datetime, step: dt.timedelta) -> dt.datetime:
    t = t.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return t.replace(hour=0) if step >= dt.timedelta(days=1) else t


def bin_starts(window, step: dt.timedelta, seen) -> list[dt.datetime]:
    """Every bin of the window, empty ones included, so gaps show as gaps."""
    seen = [utc(b) for b in seen]
    if window is not None:
        start, end = _floor(window.start, step), window.end
    elif seen:
        start, end = min(seen), max(seen) + step
    else:
        return []
    bins = []
    while start < end:
        bins.append(start)
        start += step
    return sorted(set(bins) | set(seen))


def iso_utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
