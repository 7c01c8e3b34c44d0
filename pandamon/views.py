"""Site-wide plumbing views: robots.txt, health, error pages."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse

from pandamon import schemacheck
from pandamon.responses import error_response, json_only, json_response


def robots_txt(request):
    # Job pages are many and dynamic; crawlers have nothing to gain from them.
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@json_only
def health(request):
    status, elapsed_ms = {}, {}
    for alias in ("default", "panda"):
        started = time.monotonic()
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            status[alias] = "ok"
        except DatabaseError as exc:
            status[alias] = f"unreachable: {exc.__class__.__name__}"
            # A connection that failed is not reused: the next check connects afresh.
            connections[alias].close_if_unusable_or_obsolete()
        elapsed_ms[alias] = round((time.monotonic() - started) * 1000, 1)
    ok = all(v == "ok" for v in status.values())
    if not ok:
        return json_response({"status": "degraded", "databases": status, "elapsed_ms": elapsed_ms}, status=503)
    # Up but slow: say so (200: every instance sees the same database, taking this
    # one out of a load balancer would not help).
    slow = [alias for alias, ms in elapsed_ms.items() if ms > settings.PANDAMON_HEALTH_SLOW_MS]
    if slow:
        return json_response({"status": "slow", "databases": status, "elapsed_ms": elapsed_ms,
                              "slow": slow, "limit_ms": settings.PANDAMON_HEALTH_SLOW_MS})
    # Reachable but lacking PanDA's tables: the deployment's fault, not transient.
    try:
        found = schemacheck.problems()
    except DatabaseError as exc:
        status["panda"] = f"error: {exc.__class__.__name__}"
        return json_response({"status": "degraded", "databases": status}, status=503)
    if found:
        return json_response({"status": "misconfigured", "databases": status,
                              "problems": [p.message() for p in found]}, status=500)
    return json_response({"status": "ok", "databases": status, "elapsed_ms": elapsed_ms})


def page_not_found(request, exception=None):
    # Django's own 404s carry resolver internals; show a plain message for those.
    message = str(exception) if exception and "Resolver404" not in repr(exception) else ""
    return error_response(request, message or "page not found", status=404)


def server_error(request):
    return error_response(request, "internal error; it has been logged", status=500)


def bad_request(request, exception=None):
    return error_response(request, "bad request", status=400)
