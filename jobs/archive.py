"""The archive's layouts and the names of the MySQL-era per-period tables (fact sheet §5).

`partitioned`: one `jobsarchived` table, range-partitioned by modificationtime.
`split`: one table per two-month period, as PanDA's MySQL archive had them. Two
historical naming forms exist and both are recognised:

- ``jobsArchived_Jan_Feb_2007``: calendar pairs Jan–Feb, Mar–Apr, …, Nov–Dec
  (the form shown for the 2007–2009 archive database);
- ``jobsArchived_Dec2007``: even-aligned pairs named after their first month,
  Dec–Jan, Feb–Mar, Apr–May, … (the Dec 2008 server code: Dec2007 holds
  December 2007 and January 2008).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LAYOUTS = ("partitioned", "split")
NAMINGS = ("pair", "first")  # jobsArchived_Jan_Feb_2007 / jobsArchived_Dec2007

_MONTH = "|".join(MONTHS)
_PAIR = re.compile(rf"^jobsArchived_({_MONTH})_({_MONTH})_(\d{{4}})$", re.I)
_FIRST = re.compile(rf"^jobsArchived_({_MONTH})(\d{{4}})$", re.I)


@dataclass(frozen=True, order=True)
class Period:
    """One archive table of the split layout, holding modificationtime in [start, end)."""

    start: dt.datetime
    end: dt.datetime
    table: str

    def overlaps(self, t0: dt.datetime | None, t1: dt.datetime | None) -> bool:
        return (t1 is None or self.start < t1) and (t0 is None or self.end > t0)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def period_of(t: dt.datetime, naming: str = "pair") -> Period:
    """The split-layout table that holds a row modified at `t`."""
    t = _naive(t)
    if naming == "pair":
        year, month = t.year, t.month - (t.month - 1) % 2  # Jan, Mar, May, ...
    elif naming == "first":
        # Even months start a period; January belongs to the previous December.
        year, month = (t.year, t.month) if t.month % 2 == 0 else _add_months(t.year, t.month, -1)
    else:
        raise ValueError(f"unknown naming {naming!r}; use one of {NAMINGS}")
    return _period(year, month, naming)


def _period(year: int, month: int, naming: str) -> Period:
    start = dt.datetime(year, month, 1)
    end_year, end_month = _add_months(year, month, 2)
    end = dt.datetime(end_year, end_month, 1)
    if naming == "pair":
        table = f"jobsArchived_{MONTHS[month - 1]}_{MONTHS[month % 12]}_{year}"
    else:
        table = f"jobsArchived_{MONTHS[month - 1]}{year}"
    return Period(start, end, table)


def parse_period_table(name: str) -> Period | None:
    """Period of a table name in either historical form, or None if it is not one."""
    if m := _PAIR.match(name):
        first, second, year = (MONTHS.index(m[1].title()) + 1, MONTHS.index(m[2].title()) + 1, int(m[3]))
        if first % 2 == 1 and second == first + 1:
            return Period(*_bounds(year, first), name)
        return None
    if m := _FIRST.match(name):
        month, year = MONTHS.index(m[1].title()) + 1, int(m[2])
        return Period(*_bounds(year, month), name)
    return None


def _bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    end_year, end_month = _add_months(year, month, 2)
    return dt.datetime(year, month, 1), dt.datetime(end_year, end_month, 1)


def periods_between(t0: dt.datetime, t1: dt.datetime, naming: str = "pair") -> list[Period]:
    """Every period table covering [t0, t1], oldest first."""
    periods = []
    current = period_of(t0, naming)
    t1 = _naive(t1)
    while current.start <= t1:
        periods.append(current)
        current = period_of(current.end, naming)
    return periods


def month_starts(t0: dt.datetime, t1: dt.datetime) -> list[dt.datetime]:
    """First day of every month from t0's month to the month after t1's (partition bounds)."""
    t0, t1 = _naive(t0), _naive(t1)
    year, month = t0.year, t0.month
    bounds = []
    while True:
        bound = dt.datetime(year, month, 1)
        bounds.append(bound)
        if bound > t1:
            return bounds
        year, month = _add_months(year, month, 1)
