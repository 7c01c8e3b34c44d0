"""How long a job waited, ran and lived, and how long it spent in each state.

Times in PanDA's job rows are naive or aware UTC depending on the backend's
timezone support; everything here compares aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TypedDict

from jobs.query.tables import ENDED_STATES


class Durations(TypedDict):
    queued: int | None  # creation → payload start (or until now / the end if it never started)
    running: int | None  # payload start → end (or until now while it runs)
    total: int | None  # creation → end (or until now for a live job)


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _seconds(a: dt.datetime | None, b: dt.datetime | None) -> int | None:
    if a is None or b is None:
        return None
    return max(0, int((b - a).total_seconds()))


def job_end(row: Mapping) -> dt.datetime | None:
    """When an ended job ended (endtime, else the archiving time); None while live."""
    if row.get("jobstatus") not in ENDED_STATES:
        return None
    return _utc(row.get("endtime")) or _utc(row.get("modificationtime"))


def durations(row: Mapping, now: dt.datetime) -> Durations:
    created, started = _utc(row.get("creationtime")), _utc(row.get("starttime"))
    end = job_end(row)
    until = end or _utc(now)
    return Durations(
        queued=_seconds(created, started or until),
        running=_seconds(started, until) if started else None,
        total=_seconds(created, until),
    )


def duration_sec(row: Mapping, now: dt.datetime) -> int:
    """The contract's `durationsec`: payload run time (0 if it never started)."""
    return durations(row, now)["running"] or 0


def waittime_sec(row: Mapping, now: dt.datetime) -> int:
    """The contract's `waittimesec`: creation to payload start (or to now/end)."""
    return durations(row, now)["queued"] or 0


def with_state_durations(history: Sequence[Mapping], *, ended: bool, now: dt.datetime) -> list[dict]:
    """State history rows (time order) with `duration`: seconds until the next
    transition; the current state of a live job lasts until now, a final state
    has no duration (None)."""
    out = []
    for i, entry in enumerate(history):
        start = _utc(entry["modificationtime"])
        if i + 1 < len(history):
            duration = _seconds(start, _utc(history[i + 1]["modificationtime"]))
        else:
            duration = None if ended else _seconds(start, _utc(now))
        out.append({**entry, "duration": duration})
    return out


def time_per_state(history: Sequence[Mapping]) -> list[tuple[str, int]]:
    """Total seconds spent in each state (a job may enter one state twice,
    e.g. activated ⇄ throttled), in order of first entry."""
    totals: dict[str, int] = {}
    for entry in history:
        if entry.get("duration") is not None:
            totals[entry["jobstatus"]] = totals.get(entry["jobstatus"], 0) + entry["duration"]
    return list(totals.items())
