"""One response path for every page: JSON or HTML from the same data."""

from __future__ import annotations

import datetime as dt
import decimal
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def json_only(view):
    """Mark a view that answers only JSON (the /api/ endpoints, /health/): its
    errors are JSON too, whatever the Accept header. The OpenAPI description
    (api.openapi) lists marked views and @page views as its JSON endpoints."""
    view.json_only = True
    return view


def wants_json(request: HttpRequest) -> bool:
    """JSON when the view is json_only, the query string has `json` (any value)
    or Accept prefers it (application/json, or text/json as BigPanDA's clients send)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "json_only", False):
        return True
    if any(key.lower() == "json" for key in request.GET):
        return True
    accept = request.headers.get("Accept", "")
    if not accept:
        return False
    best = request.get_preferred_type(["text/html", "application/json", "text/json"])
    return best in ("application/json", "text/json")


class PandaJSONEncoder(DjangoJSONEncoder):
    """Times as UTC ISO 8601 with whole seconds and no offset, decimals as numbers."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            if o.tzinfo is not None:
                o = o.astimezone(dt.UTC).replace(tzinfo=None)
            return o.replace(microsecond=0).isoformat()
        if isinstance(o, dt.date):
            return o.isoformat()
        if isinstance(o, decimal.Decimal):
            return float(o)
        return super().default(o)


def json_response(data, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=PandaJSONEncoder, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def error_response(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    if wants_json(request):
        return json_response({"error": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def dumps(data) -> str:
    return json.dumps(data, cls=PandaJSONEncoder, ensure_ascii=False)
