"""Turn the monitor's own error types into 400/404/500/503 responses, in JSON or HTML.

A missing table or column is the deployment's fault and permanent (500, naming
the table and the setting); an unreachable or failing database is transient (503).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError

from pandamon import schemacheck
from pandamon.errors import BadRequest, Misconfigured, NotFound
from pandamon.responses import error_response

log = logging.getLogger(__name__)


class ErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No PanDA name or value holds a NUL, and PostgreSQL refuses one in any
        # text parameter: answer 400 before a view hands it to the database.
        if "\x00" in request.path or any("\x00" in v for values in request.GET.lists() for v in values[1]):
            return error_response(request, "the request contains a NUL character", status=400)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            return error_response(request, str(exception), status=400)
        if isinstance(exception, NotFound):
            return error_response(request, str(exception), status=404)
        if isinstance(exception, DatabaseError) and schemacheck.is_missing_object(exception):
            message = schemacheck.explain(exception)
            log.error("misconfigured: %s", message)
            return error_response(request, message, status=500)
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.exception("database unreachable")
            return error_response(request, "database unavailable, try again shortly", status=503)
        if isinstance(exception, Misconfigured):
            log.error("misconfigured: %s", exception)
            return error_response(request, str(exception), status=500)
        if isinstance(exception, DatabaseError):
            log.exception("database error")
            return error_response(request, "database error while answering this request", status=503)
        return None
