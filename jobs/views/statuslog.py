"""/jobstatuslog/<pandaid>/: a job's state history, with the time spent in each state.

JSON: one row per transition as BigPanDA gives it (`pandaid`, `modificationtime`,
`jobstatus`, `prodsourcelabel`, `cloud`, `computingsite`, `modificationhost`,
`modiftime_extended`, `duration`: the time to the next transition as
"<days>:<H:MM:SS>", "---" for the last row, `modiftime_str`: "YYYY-MM-DD HH:MM:SS"),
plus pandamon's `durationsec` (seconds in that state: a live job's current state
until now, a final state null) and `logged` (false for the current state taken
from the job row while jobs_statuslog has not caught up; BigPanDA omits that row).
"""

from __future__ import annotations

import datetime as dt

from jobs import durations as dur
from jobs.query import lookup
from jobs.views.job import load_job
from pandamon import window as windows
from pandamon.pages import page
from pandamon.params import Params

NO_DURATION = "---"
TIME_STR = "%Y-%m-%d %H:%M:%S"


@page("jobs/statuslog.html", window_required=False)
def statuslog_page(request, params: Params, pandaid: str) -> dict:
    now = windows.now()
    job, _ = load_job(params, pandaid, now)
    history = dur.with_state_durations(lookup.status_history(job), ended=dur.job_end(job) is not None, now=now)
    return {
        "_json": bigpanda_rows(job["pandaid"], history),
        "_job": job,
        "_history": history,
        "_per_state": dur.time_per_state(history),
    }


def bigpanda_rows(pandaid: int, history: list[dict]) -> list[dict]:
    # BigPanDA measures on modiftime_extended (sub-second) when every row has it.
    column = "modiftime_extended" if all(h["modiftime_extended"] for h in history) else "modificationtime"
    rows = []
    for i, h in enumerate(history):
        following = history[i + 1][column] if i + 1 < len(history) else None
        rows.append({
            "pandaid": pandaid,
            "modificationtime": h["modificationtime"],
            "jobstatus": h["jobstatus"],
            "prodsourcelabel": h["prodsourcelabel"],
            "cloud": h["cloud"],
            "computingsite": h["computingsite"],
            "modificationhost": h["modificationhost"],
            "modiftime_extended": extended_time(h["modiftime_extended"]),
            "duration": bigpanda_duration(h[column], following),
            "modiftime_str": h[column].strftime(TIME_STR) if h[column] else NO_DURATION,
            "durationsec": h["duration"],
            "logged": not h.get("from_job_row", False),
        })
    return rows


def extended_time(value: dt.datetime | None) -> str | None:
    """modiftime_extended as BigPanDA writes it: ISO 8601 UTC, milliseconds when
    there is a fraction (our encoder drops fractions everywhere else)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")


def bigpanda_duration(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """BigPanDA's duration text: whole days, then H:MM:SS of the rest."""
    if start is None or end is None:
        return NO_DURATION
    gap = end - start
    rest = dt.timedelta(seconds=gap.seconds)
    return f"{gap.days}:{rest}"
