"""The time window every summary and list is computed over (applied to modificationtime)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Window:
    """[start, end) in aware UTC datetimes. `explicit` is False for the default window."""

    start: dt.datetime
    end: dt.datetime
    explicit: bool = True

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def as_json(self) -> dict:
        return {"from": _iso(self.start), "to": _iso(self.end)}

    def template(self) -> dict:
        return {"from": self.start, "to": self.end}


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def last_hours(hours: float, *, end: dt.datetime | None = None, explicit: bool = True) -> Window:
    end = end or now()
    return Window(end - dt.timedelta(hours=hours), end, explicit)
