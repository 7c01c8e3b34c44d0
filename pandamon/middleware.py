"""Turn the monitor's own error types into 400/404/503 responses, in JSON or HTML."""

from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError

from pandamon.errors import BadRequest, NotFound
from pandamon.responses import error_response

log = logging.getLogger(__name__)


class ErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            return error_response(request, str(exception), status=400)
        if isinstance(exception, NotFound):
            return error_response(request, str(exception), status=404)
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.exception("database unreachable")
            return error_response(request, "database unavailable, try again shortly", status=503)
        if isinstance(exception, DatabaseError):
            log.exception("database error")
            return error_response(request, "database error while answering this request", status=503)
        return None
