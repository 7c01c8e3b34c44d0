"""The shared cache of expensive summaries (issue 11, item 4).

A page marked `@page(..., cached=True)` (the dashboard, the error summary, the user,
task and queue lists: summaries whose cost grows with the window) is computed once per
normalised query within its freshness, and kept in Django's cache: local memory by
default, Redis shared by every worker and instance with PANDAMON_CACHE_URL. Freshness is
short (PANDAMON_SUMMARY_FRESH_SECONDS) for a window reaching now, long
(PANDAMON_SUMMARY_PAST_SECONDS) for one wholly in the past.

No stampede: the first request for a missing answer takes a lock in the cache (an atomic
add); identical requests arriving meanwhile wait for its answer instead of recomputing,
and take no admission slot while waiting. A waiter that waits longer than
PANDAMON_SUMMARY_WAIT_SECONDS computes itself. The lock is a short lease
(PANDAMON_SUMMARY_LEASE_SECONDS) that the computing request renews while it works, so the lock of an
instance killed mid-computation lapses within seconds instead of holding every other
instance's waiters for the whole wait. The answer says how old it is (an Age
header, and `cache_age_seconds` in JSON objects).

The cache is a help, never a dependency: if it fails (Redis down), the page is computed
as if nothing were cached, and the failure is logged once per episode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from pandamon import metrics
from pandamon import window as windows

log = logging.getLogger(__name__)

# The JSON key of a cached answer's age in seconds (0: computed for this request).
AGE_KEY = "cache_age_seconds"

# What happened to each cached page, {(outcome, view): n}, in this process.
stats: Counter = Counter()
_stats_lock = threading.Lock()
_failing = threading.Event()


class Refused(Exception):
    """The computing request was refused admission: its 429 response is the answer."""

    def __init__(self, response):
        super().__init__("refused")
        self.response = response


def count(outcome: str, view: str) -> None:
    with _stats_lock:
        stats[(outcome, view)] += 1
    metrics.CACHE_EVENTS.labels(view, outcome).inc()


def freshness(window) -> int:
    """Seconds an answer stays fresh: long when the window lies wholly in the past."""
    recent = windows.now() - dt.timedelta(seconds=settings.PANDAMON_SUMMARY_FRESH_SECONDS)
    if window is not None and window.end < recent:
        return settings.PANDAMON_SUMMARY_PAST_SECONDS
    return settings.PANDAMON_SUMMARY_FRESH_SECONDS


IGNORED = frozenset({"json", "_", "timestamp"})  # they change the form or defeat caches, not the answer


def key_for(view: str, request, kwargs: dict, as_json: bool) -> str:
    """The normalised query: parameters sorted, values in order, the form, the URL's own parts."""
    items = sorted((k, tuple(v)) for k, v in request.GET.lists() if k.lower() not in IGNORED)
    normal = repr((view, sorted(kwargs.items()), items, as_json))
    return "summary:" + hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def cacheable(data) -> bool:
    """A dict with nothing streamed or computed late (those exist only once, as they are sent)."""
    from pandamon.pages import Later

    return isinstance(data, dict) and not any(isinstance(v, Iterator | Later) for v in data.values())


def _safely(operation: Callable, default=None):
    try:
        result = operation()
    except Exception as exc:  # noqa: BLE001  (any cache failure: compute without it)
        if not _failing.is_set():
            _failing.set()
            log.warning("summary cache unavailable, computing without it: %s: %s", exc.__class__.__name__, exc)
        return default
    if _failing.is_set():
        _failing.clear()
        log.warning("summary cache available again")
    return result


@contextmanager
def _renewed(lock: str) -> Iterator[None]:
    """Keep the lease on `lock` alive while the body runs (a daemon thread touching it)."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(settings.PANDAMON_SUMMARY_LEASE_SECONDS / 3):
            _safely(lambda: cache.touch(lock, settings.PANDAMON_SUMMARY_LEASE_SECONDS))

    threading.Thread(target=renew, daemon=True, name="summarycache-lease").start()
    try:
        yield
    finally:
        done.set()


def obtain(key: str, fresh_seconds: int, compute: Callable[[], object], view: str):
    """(computed_at as a Unix time, data): from the cache, from the request computing it
    now, or computed here (then stored when it can be)."""
    entry = _safely(lambda: cache.get(key))
    if entry is not None:
        count("hit", view)
        return entry
    lock, token = key + ":lock", uuid.uuid4().hex
    waited_until = time.monotonic() + settings.PANDAMON_SUMMARY_WAIT_SECONDS
    locked = _safely(lambda: cache.add(lock, token, timeout=settings.PANDAMON_SUMMARY_LEASE_SECONDS), True)
    while not locked and time.monotonic() < waited_until:
        time.sleep(0.05)
        entry = _safely(lambda: cache.get(key))
        if entry is not None:
            count("wait", view)
            return entry
        locked = _safely(lambda: cache.add(lock, token, timeout=settings.PANDAMON_SUMMARY_LEASE_SECONDS), True)
    count("miss", view)
    try:
        if locked:
            with _renewed(lock):
                data = compute()
        else:
            data = compute()
        entry = (time.time(), data)
        if cacheable(data):
            try:
                pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError):
                return entry  # holds something only this process can use (not a cache failure)
            _safely(lambda: cache.set(key, entry, timeout=fresh_seconds))
        return entry
    finally:
        if locked and _safely(lambda: cache.get(lock)) == token:
            _safely(lambda: cache.delete(lock))
