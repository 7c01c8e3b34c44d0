"""The time window and BigPanDA's per-column time ranges (<column>range, <column>_from/_to)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings

from pandamon import window as windows
from pandamon.errors import BadRequest
from pandamon.params.names import ID_COLUMNS, MAX_DAYS, TIME_COLUMNS, WINDOW_PARAMS
from pandamon.params.values import ColumnFilter, nonempty, parse_int, parse_time


def parse_window(raw: Mapping[str, str], filters: Mapping[str, ColumnFilter], *, required: bool = True):
    """The window of the contract: days wins over hours; date_from/date_to give
    explicit bounds; earlierthan(days) moves the end back. No explicit window and
    a lookup by id: no window at all (every table, unbounded)."""
    end = windows.now()
    explicit = any(k in raw for k in WINDOW_PARAMS)
    if "earlierthandays" in raw:
        end -= dt.timedelta(days=parse_int("earlierthandays", raw["earlierthandays"], 0, MAX_DAYS))
    elif "earlierthan" in raw:
        end -= dt.timedelta(hours=parse_int("earlierthan", raw["earlierthan"], 0, MAX_DAYS * 24))

    if "days" in raw:
        span = dt.timedelta(days=parse_int("days", raw["days"], 1, MAX_DAYS))
    elif "hours" in raw:
        span = dt.timedelta(hours=parse_int("hours", raw["hours"], 1, MAX_DAYS * 24))
    else:
        span = dt.timedelta(hours=default_hours(filters))

    if "date_from" in raw or "date_to" in raw:
        start = parse_time("date_from", raw["date_from"]) if "date_from" in raw else None
        stop = parse_time("date_to", raw["date_to"]) if "date_to" in raw else end
        if "date_to" in raw and len(raw["date_to"].strip()) == 10:
            stop += dt.timedelta(days=1)  # a date_to day is included whole
        start = start or stop - span
        if start >= stop:
            raise BadRequest("date_from must be earlier than date_to")
        if stop - start > dt.timedelta(days=MAX_DAYS):
            raise BadRequest(f"the window may span at most {MAX_DAYS} days")
        return windows.Window(start, stop, True)

    if not explicit and (not required or any(c in filters and is_lookup(filters[c]) for c in ID_COLUMNS)):
        return None
    return windows.Window(end - span, end, explicit)


def is_lookup(column: ColumnFilter) -> bool:
    """A filter an index answers without a window: exact ids, id ranges, or a name with a
    fixed prefix. `jobname=*x` (leading wildcard) scans every row: it keeps the window."""
    return bool(column.values or column.ranges or any(not p.startswith("*") for p in column.patterns))


def default_hours(filters: Mapping[str, ColumnFilter]) -> int:
    vo = filters.get("vo")
    if vo and len(vo.values) == 1 and vo.values[0] in settings.PANDAMON_VO_HOURS:
        return settings.PANDAMON_VO_HOURS[vo.values[0]]
    return settings.PANDAMON_DEFAULT_HOURS


def time_ranges(raw: Mapping[str, str]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """{column: (start, end)} from <column>range=A|B and <column>_from/_to (either alone is open-ended)."""
    out = {}
    for column in TIME_COLUMNS:
        name = f"{column}range"
        if name in raw:
            parts = [p.strip() for p in nonempty(name, raw[name]).split("|")]
            if len(parts) != 2:
                raise BadRequest(f"{name} takes two times A|B (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC)")
            start, end = parse_time(name, parts[0]), _end_time(name, parts[1])
        elif f"{column}_from" in raw or f"{column}_to" in raw:
            low, high = f"{column}_from", f"{column}_to"
            start = parse_time(low, raw[low]) if low in raw else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            end = _end_time(high, raw[high]) if high in raw else dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        else:
            continue
        if start >= end:
            raise BadRequest(f"{column}: the range must start before it ends")
        out[column] = (start, end)
    return out


def _end_time(name: str, value: str) -> dt.datetime:
    moment = parse_time(name, value)
    return moment + dt.timedelta(days=1) if len(value.strip()) == 10 else moment  # a whole end day
