"""Turn the monitor's own error types into 400/404/500/503 responses, in JSON or HTML.

A missing table or column is the deployment's fault and permanent (500, naming
the table and the setting); an unreachable or failing database is transient (503).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError

from pandamon import schemacheck
from pandamon.dberrors import is_statement_timeout, outages, timeout_message
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
        response = self.get_response(request)
        if response.status_code < 500:
            outages.succeeded()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            return error_response(request, str(exception), status=400)
        if isinstance(exception, NotFound):
            return error_response(request, str(exception), status=404)
        if isinstance(exception, DatabaseError) and schemacheck.is_missing_object(exception):
            message = schemacheck.explain(exception)
            log.error("misconfigured: %s", message)
            return error_response(request, message, status=500)
        if isinstance(exception, OperationalError) and is_statement_timeout(exception):
            log.warning("statement limit reached: %s %s", request.method, request.get_full_path()[:500])
            return error_response(request, timeout_message(), status=503)
        if isinstance(exception, (OperationalError, InterfaceError)):
            outages.failed(exception)
            response = error_response(request, "database unavailable, try again shortly", status=503)
            response["Retry-After"] = "10"
            return response
        if isinstance(exception, Misconfigured):
            log.error("misconfigured: %s", exception)
            return error_response(request, str(exception), status=500)
        if isinstance(exception, DatabaseError):
            log.exception("database error")
            return error_response(request, "database error while answering this request", status=503)
        return None
