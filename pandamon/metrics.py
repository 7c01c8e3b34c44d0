"""One log line per request and the Prometheus metrics endpoint (prometheus_client).

Each answered request logs one line on the `pandamon.request` logger (view, status,
time in the databases, total duration) and feeds the histograms /metrics/ exposes:
latency and database time per view, the summary cache's outcomes and the admission
refusals. Under gunicorn every worker counts for itself unless PROMETHEUS_MULTIPROC_DIR
names an empty folder before the workers start: then /metrics/ adds up every worker's
files (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import logging
import os
import time

from django.db import connections
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

log = logging.getLogger("pandamon.request")

# From a cached status answer (milliseconds) to the statement limit (60 s).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
REQUEST_SECONDS = Histogram("pandamon_request_seconds", "Time until the response is ready (a stream's body "
                            "is sent after)", ["view", "status"], buckets=BUCKETS)
DB_SECONDS = Histogram("pandamon_db_seconds", "Time a request spent in database statements", ["view"],
                       buckets=BUCKETS)
CACHE_EVENTS = Counter("pandamon_summary_cache", "Summary cache lookups: hit (found), wait (computed "
                       "meanwhile by another request), miss (computed here)", ["view", "outcome"])
ADMISSION_REJECTIONS = Counter("pandamon_admission_rejections", "Expensive requests answered 429",
                               ["reason"])


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"  # a 404 before any view, or a middleware's own answer
    return match.view_name or match._func_path


class _StatementTimer:
    """Adds up the time of the statements run while installed (Django's execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/metrics/":
            return self.get_response(request)
        timer, started, status = _StatementTimer(), time.perf_counter(), 500
        try:
            with connections["panda"].execute_wrapper(timer), connections["default"].execute_wrapper(timer):
                response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            elapsed, view = time.perf_counter() - started, view_name(request)
            REQUEST_SECONDS.labels(view, str(status)).observe(elapsed)
            DB_SECONDS.labels(view).observe(timer.seconds)
            log.info("view=%s status=%s db_ms=%.1f ms=%.1f method=%s path=%s", view, status,
                     timer.seconds * 1000, elapsed * 1000, request.method[:10], request.path[:200])


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics(request):
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
