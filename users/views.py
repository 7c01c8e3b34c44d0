"""User pages: /users/ (who is active in the window) and /user/<name>/ (one
user's jobs by state over time, tasks, errors, recent jobs)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from django.db.models import Q
from django.db.models.functions import TruncDay, TruncHour
from django.http import HttpRequest

from jobs.query import JobQuery
from jobs.query.errors import errs_by_count
from jobs.query.extremes import latest
from jobs.states import ordered
from pandamon.errors import NotFound
from pandamon.pages import link, page
from pandamon.params import NOT_SPECIFIED, Params
from pandamon.responses import wants_json
from pandamon.selection import error_links, selection_query, state_cells, window_query
from tasks import progress
from users import activity, bigpanda, queries


@page("users/users.html", cached=True)
def users(request: HttpRequest, params: Params) -> dict:
    """Users ranked by jobs in the window. JSON: at most `limit` users (default
    1000); HTML: `display_limit`."""
    query = JobQuery(params)
    counts = query.counts_by("produsername", "computingsite", "cloud", "jobstatus")
    totals = bigpanda.per_user_totals(query)
    by_site: Counter = Counter()
    for (user, site, _, jobstatus), n in counts.items():
        by_site[user, site, jobstatus] += n
    rows = activity.ranking(by_site, {user: t["latest"] for user, t in totals.items()})
    compatible = bigpanda.user_rows(counts, totals)
    statelist = ordered(s for row in rows for s in row["states"])
    selection = selection_query(params)
    shown = rows[: params.display_limit]
    table = []
    for row in shown:
        name = row["produsername"]
        jobs_query = {**selection, "produsername": name} if name is not None else None
        table.append({
            "user": row,
            "url": link(activity.user_path(name), **selection) if name is not None else None,
            "jobs_url": link("/jobs/", **jobs_query) if jobs_query else None,
            "cells": state_cells(row["states"], statelist, "/jobs/", jobs_query) if jobs_query
            else state_cells({}, statelist, "/jobs/", {}),
        })
    return {
        # BigPanDA's row {name, latest, dict}, and ours beside it (its `latest` under a new name).
        "_json": [{**compatible[r["produsername"]], "produsername": r["produsername"], "njobs": r["njobs"],
                   "states": r["states"], "nsites": r["nsites"], "lastmodificationtime": r["latest"]}
                  for r in rows[: params.limit]],
        "_rows": table,
        "_statelist": statelist,
        "_nusers": len(rows),
        "_njobs": sum(r["njobs"] for r in rows),
    }


@page("users/user.html")
def user(request: HttpRequest, params: Params, name: str) -> dict:
    query = JobQuery(params, extra=Q(produsername=name))
    by_site = query.counts_by("computingsite", "jobstatus")
    if not by_site and not queries.has_recent_jobs(params, name):
        raise NotFound(f"no jobs of user '{name}' in this window nor in the last days of the live tables; "
                       "the name is compared exactly (try a longer window, e.g. days=30)")
    states: dict[str, int] = {}
    for (_, jobstatus), n in by_site.items():
        states[jobstatus] = states.get(jobstatus, 0) + n
    states = activity.in_order(states)
    summary = {
        "produsername": name,
        "njobs": sum(states.values()),
        "states": states,
        "nsites": len({site for site, _ in by_site}),
        "latest": latest(query),
    }

    # A lookup by id (e.g. ?jeditaskid=N) has no window: plot it per day.
    span = params.window.end - params.window.start if params.window else None
    bucket = activity.bucket_for(span) if span else "day"
    trunc = TruncHour if bucket == "hour" else TruncDay
    timeline = activity.timeline(query.counts_by("jobstatus", time=trunc("modificationtime")), bucket)
    task_counts = query.counts_by("jeditaskid", "jobstatus")
    tasks = activity.task_rows(task_counts, queries.task_info(t for t, _ in task_counts))
    # Progress from JEDI's datasets, by the task list's own code (one grouped query): one answer everywhere.
    infos = progress.dsinfo_by_task(sorted((t["jeditaskid"] for t in tasks if t["jeditaskid"]), reverse=True)
                                    [: queries.MAX_TASKS])
    for t in tasks:
        t["dsinfo"] = infos.get(t["jeditaskid"])
    errors = errs_by_count(query)
    limit = params.limit if wants_json(request) else params.display_limit
    recent = query.page(limit=limit)

    selection = {**selection_query(params), "produsername": name}
    return {
        "user": summary,
        "states": states,
        "jobs": [{k: v for k, v in row.items() if k != "_sortkey"} for row in recent.rows],
        "truncated": recent.truncated,
        "tasks": tasks,
        "errsByCount": errors,
        "timeline": timeline,
        "_cells": state_cells(states, states, "/jobs/", selection),
        "_jobs_url": link("/jobs/", **selection),
        "_sites": _site_rows(by_site, selection, window_query(params)),
        "_task_rows": [{**t, "url": link("/jobs/", **{**selection, "jeditaskid": str(t["jeditaskid"])})
                    if t["jeditaskid"] else None} for t in tasks[: params.display_limit]],
        "_errors": error_links(errors, selection),
    }


def _site_rows(by_site, selection: dict[str, str], window: dict[str, str]) -> list[dict]:
    totals: dict[str, int] = {}
    for (site, _), n in by_site.items():
        totals[site] = totals.get(site, 0) + n
    return [{"computingsite": site, "n": n,
             "site_url": link(f"/site/{quote(site, safe='')}/", **window) if site is not None else None,
             "url": link("/jobs/", **{**selection, "computingsite": NOT_SPECIFIED if site is None else site})}
            for site, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0] or ""))]
