"""Admission control for expensive pages (those whose cost grows with the time window):
a bounded number of slots per worker process, and a per-client budget per minute kept
in the shared cache (so it holds across workers and instances). Past either, 429 with
Retry-After. Cheap answers (status API, job page, health, static files) never take a
slot, so they are never queued behind expensive ones: the worker's other threads stay
free for them (deploy/gunicorn.conf.py gives each worker more threads than slots)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from pandamon import metrics
from pandamon.responses import error_response

_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _pool() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.PANDAMON_EXPENSIVE_SLOTS)
        return _slots


def client_of(request: HttpRequest) -> str:
    """The client's address; behind the proxy, the header it sets (PANDAMON_CLIENT_IP_HEADER)."""
    header = settings.PANDAMON_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def _over_budget(request: HttpRequest) -> bool:
    budget = settings.PANDAMON_CLIENT_BUDGET
    if budget <= 0:
        return False
    key = f"admission:{client_of(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > budget
    except ValueError:  # expired between add and incr
        return False


def refused(request: HttpRequest, why: str, retry_after: int, reason: str):
    metrics.ADMISSION_REJECTIONS.labels(reason).inc()
    response = error_response(request, why, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def admit(request: HttpRequest):
    """(release, None) when admitted, (None, 429 response) when not."""
    if _over_budget(request):
        return None, refused(request, f"too many expensive requests from your address (at most "
                                      f"{settings.PANDAMON_CLIENT_BUDGET} a minute, PANDAMON_CLIENT_BUDGET); "
                                      "try again in a minute or narrow the window", 60, "client_budget")
    pool = _pool()
    if not pool.acquire(timeout=settings.PANDAMON_SLOT_WAIT_SECONDS):
        return None, refused(request, f"the monitor is busy with other expensive requests (at most "
                                      f"{settings.PANDAMON_EXPENSIVE_SLOTS} at a time per worker, "
                                      "PANDAMON_EXPENSIVE_SLOTS); try again shortly", 5, "slots")
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            released.set()
            pool.release()

    return release, None
