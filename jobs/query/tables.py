"""Which of PanDA's job tables a query reads (web contract: Tables; fact sheet §3, §5).

Live tables are small and always read. jobsarchived4 holds ended jobs for about
PANDA_FASTBUFFER_DAYS; the archive is read only when the window reaches past
that, or for a lookup by id (no window). Jobs sit in both jobsarchived4 and the
archive for a while: the archive side of every query drops pandaids present in
jobsarchived4 (see `dedup_q`), so each job counts once, from the live copy.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Exists, Min, OuterRef, Q

from jobs.archive import Period
from jobs.ddl import period_model, split_archive_tables
from jobs.models import JobBase, Jobsactive4, Jobsarchived, Jobsarchived4, Jobsdefined4, Jobswaiting4
from pandamon import introspection
from pandamon.routers import PANDA_DB
from pandamon.window import Window

ENDED_STATES = frozenset({"finished", "failed", "cancelled", "closed"})
# The states each table can hold (fact sheet §3). active4 briefly holds some
# failed/closed analysis and event-service jobs before they are archived.
TABLE_STATES: dict[str, frozenset[str]] = {
    "jobsdefined4": frozenset({"pending", "defined", "assigned", "waiting"}),
    "jobswaiting4": frozenset({"waiting", "pending"}),
    "jobsactive4": frozenset({"activated", "throttled", "sent", "starting", "running", "holding", "merging",
                              "transferring", "stagein", "stageout", "failed", "closed", "cancelled"}),
    "jobsarchived4": ENDED_STATES,
    "jobsarchived": ENDED_STATES | {"unknown"},
}
SPLIT_CACHE_SECONDS = 600
FASTBUFFER_OLDEST_SECONDS = 60


@dataclass(frozen=True)
class Source:
    """One table a query reads. `name` is what pages show (jobsarchived for every
    split-layout period table too, with the period table in `table`)."""

    name: str
    model: type[JobBase]
    archive: bool = False

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def select_sources(jobstatus=None, window: Window | None = None, *, now: dt.datetime) -> list[Source]:
    """Tables to read for a state filter and window, live tables first."""
    wanted = _wanted_states(jobstatus)
    sources = [
        Source("jobsdefined4", Jobsdefined4),
        Source("jobswaiting4", Jobswaiting4),
        Source("jobsactive4", Jobsactive4),
    ]
    retention = dt.timedelta(days=settings.PANDA_FASTBUFFER_DAYS)
    # jobsarchived4 keeps about a day beyond its nominal retention before the drop.
    if window is None or window.end >= now - retention - dt.timedelta(days=1):
        sources.append(Source("jobsarchived4", Jobsarchived4))
    if window is None or window.start < now - retention:
        sources.extend(archive_sources(window))
    return [s for s in sources if wanted is None or TABLE_STATES[s.name] & wanted]


def _wanted_states(jobstatus) -> frozenset[str] | None:
    """States a jobstatus filter can match, or None when it may match anything."""
    if jobstatus is None or jobstatus.patterns or jobstatus.negated or jobstatus.negated_patterns:
        return None
    if not jobstatus.has_positive:
        return None
    return frozenset(jobstatus.values)


def archive_sources(window: Window | None) -> list[Source]:
    if settings.PANDA_ARCHIVE_LAYOUT != "split":
        return [Source("jobsarchived", Jobsarchived, archive=True)]
    periods = split_periods()
    if window is not None:
        periods = [p for p in periods if p.overlaps(_naive(window.start), _naive(window.end))]
    return [Source("jobsarchived", split_model(p.table), archive=True) for p in periods]


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


# --- split layout: per-period tables, discovered by introspection ------------

_lock = threading.Lock()
_split_models: dict[str, type[JobBase]] = {}


def split_periods(using: str = PANDA_DB) -> list[Period]:
    """The archive's period tables in the archive schema, oldest first; introspected at
    most every 10 minutes."""
    return cache.get_or_set(f"pandamon:split-periods:{using}",
                            lambda: split_archive_tables(connections[using]), SPLIT_CACHE_SECONDS)


def forget_split_periods(using: str = PANDA_DB) -> None:
    cache.delete(f"pandamon:split-periods:{using}")
    introspection.forget(using)


def split_model(table: str) -> type[JobBase]:
    """The read-only model of one period table, built once per process."""
    with _lock:
        model = _split_models.get(table)
        if model is None:
            model = _split_models[table] = period_model(table)
        return model


# --- fast buffer / archive overlap ---------------------------------------------


def fastbuffer_oldest(using: str = PANDA_DB) -> dt.datetime | None:
    """jobsarchived4's oldest modificationtime, cached for a minute. A stale value is
    older than the true one (the fast buffer is pruned from its old end and new rows
    are recent), which only widens the slice checked by the exact anti-join."""
    key = f"pandamon:fastbuffer-oldest:{using}"
    oldest = cache.get(key)
    if oldest is None:
        oldest = Jobsarchived4.objects.using(using).aggregate(m=Min("modificationtime"))["m"] or "empty"
        cache.set(key, oldest, FASTBUFFER_OLDEST_SECONDS)
    return None if oldest == "empty" else oldest


def forget_fastbuffer_oldest(using: str = PANDA_DB) -> None:
    cache.delete(f"pandamon:fastbuffer-oldest:{using}")


def dedup_q(using: str = PANDA_DB, window: Window | None = None) -> Q | None:
    """Condition for archive rows so jobs also in jobsarchived4 are read from there.

    An archive row older than jobsarchived4's oldest row cannot be a copy (copies
    keep modificationtime), so only the recent slice pays for the anti-join; and a
    copy of a row in the window is in the window too, so the probe of jobsarchived4
    carries the window's bounds: its partitions are pruned at plan time instead of
    the whole fast buffer being scanned per query.
    """
    oldest = fastbuffer_oldest(using)
    if oldest is None:
        return None
    copies = Jobsarchived4.objects.using(using).filter(pandaid=OuterRef("pandaid"))
    if window is not None:
        copies = copies.filter(modificationtime__gte=window.start, modificationtime__lt=window.end)
    return Q(modificationtime__lt=oldest) | ~Exists(copies)


# --- the window on each table --------------------------------------------------


def window_q(source: Source, window: Window) -> Q:
    """The window on a table: a plain range on modificationtime (the partition key:
    Oracle, MariaDB and PostgreSQL prune to the window's partitions at plan time).

    PanDA's official PostgreSQL archive is neither partitioned nor indexed on
    modificationtime, only on statechangetime. There the range is also put on
    statechangetime, relying on the archive invariant for ended jobs:
    statechangetime <= modificationtime <= statechangetime + PANDA_STATECHANGE_SLACK_HOURS
    (a job's last update follows its last state change within hours). Rows with no
    statechangetime are kept by the IS NULL arm, so the count stays exact whenever the
    invariant holds; where it could fail is said in the README.
    """
    q = Q(modificationtime__gte=window.start, modificationtime__lt=window.end)
    if source.archive and statechange_indexed_only(source.model):
        slack = dt.timedelta(hours=settings.PANDA_STATECHANGE_SLACK_HOURS)
        q &= Q(statechangetime__gte=window.start - slack, statechangetime__lt=window.end) | Q(
            statechangetime__isnull=True)
    return q


def statechange_indexed_only(model: type[JobBase], using: str = PANDA_DB) -> bool:
    """Whether a window on modificationtime alone would scan the whole table."""
    if introspection.partition_key(model, using) == "modificationtime":
        return False
    leading = introspection.leading_index_columns(model, using)
    return "modificationtime" not in leading and "statechangetime" in leading
