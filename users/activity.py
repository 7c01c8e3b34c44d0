"""User activity from grouped job counts: the /users/ ranking and one user's
timeline and tasks. Pure functions over the query layer's Counters, so the views
stay a few lines and the arithmetic is tested on its own."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from urllib.parse import quote

from jobs.states import ordered

# Windows up to this long are plotted per hour, longer ones per day.
HOURLY_UP_TO = dt.timedelta(hours=48)


def user_path(name: str) -> str:
    """/user/<name>/ with the name percent-encoded (spaces, non-ASCII, '/')."""
    return f"/user/{quote(name, safe='')}/"


def in_order(states: Mapping[str, int]) -> dict[str, int]:
    return {s: states[s] for s in ordered(states)}


def ranking(counts: Counter, latest: Mapping) -> list[dict]:
    """/users/ rows {produsername, njobs, states, nsites, latest}, most jobs first.

    counts: {(produsername, computingsite, jobstatus): n} — one grouping gives
    both the states and the sites; latest: {produsername: last modificationtime}.
    """
    per_user: dict[str | None, dict[str, int]] = {}
    sites: dict[str | None, set] = {}
    for (user, site, jobstatus), n in counts.items():
        by_state = per_user.setdefault(user, {})
        by_state[jobstatus] = by_state.get(jobstatus, 0) + n
        sites.setdefault(user, set()).add(site)
    rows = [{
        "produsername": user,
        "njobs": sum(by_state.values()),
        "states": in_order(by_state),
        "nsites": len(sites[user]),
        "latest": latest.get(user),
    } for user, by_state in per_user.items()]
    rows.sort(key=lambda r: (-r["njobs"], r["produsername"] or ""))
    return rows


def bucket_for(window_length: dt.timedelta) -> str:
    return "hour" if window_length <= HOURLY_UP_TO else "day"


def timeline(counts: Counter, bucket: str) -> dict:
    """{bucket, times, states: {jobstatus: [n per time]}} from {(jobstatus, time): n},
    the shape a stacked bar chart takes directly."""
    times = sorted({t for _, t in counts})
    statelist = ordered(s for s, _ in counts)
    return {
        "bucket": bucket,
        "times": times,
        "states": {s: [counts.get((s, t), 0) for t in times] for s in statelist},
    }


def task_rows(counts: Counter, tasks: Mapping[int, dict]) -> list[dict]:
    """{jeditaskid, taskname, status, njobs, states} from {(jeditaskid, jobstatus): n},
    newest task first; taskname/status from jedi_tasks when it has the task."""
    per_task: dict[int | None, dict[str, int]] = {}
    for (taskid, jobstatus), n in counts.items():
        per_task.setdefault(taskid, {})[jobstatus] = n
    rows = []
    for taskid, by_state in per_task.items():
        info = tasks.get(taskid, {})
        rows.append({
            "jeditaskid": taskid,
            "taskname": info.get("taskname"),
            "status": info.get("status"),
            "njobs": sum(by_state.values()),
            "states": in_order(by_state),
        })
    rows.sort(key=lambda r: -(r["jeditaskid"] or 0))
    return rows
