"""JSON endpoints for scripts and pipelines (web contract: /api/...).

They take the same path as every page: the query string goes through the one
parser (pandamon.params), the answer through pages.json_payload (`fields` /
`outputs` trimming) and pages.cache_headers, and bad input raises BadRequest,
which ErrorMiddleware turns into a JSON 400 (the views are json_only).
"""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from api import openapi
from api.status import COARSE_STATE, MAX_PANDAID, bulk_status
from jobs.query.status import max_pandaid
from pandamon.errors import BadRequest
from pandamon.methods import accepts
from pandamon.pages import cache_headers, json_payload
from pandamon.params import MAX_LIST_VALUES, Params, parse_int, parse_params
from pandamon.responses import error_response, json_only, json_response

MAX_IDS = MAX_LIST_VALUES
# Pipelines poll for change: a cached status would only delay them.
STATUS_CACHE_SECONDS = 0
_SPLIT = re.compile(r"[|,]")
EXAMPLE_BODY = '{"pandaids": [1, 2, 3]}'


def parse_pandaids(name: str, value: str) -> list[int]:
    """`1,2,3` or `1|2|3`: positive integers, at most MAX_IDS of them."""
    terms = [t.strip() for t in _SPLIT.split(value)]
    if len(terms) > MAX_IDS:
        raise BadRequest(f"{name}: at most {MAX_IDS} ids, got {len(terms)}; POST {EXAMPLE_BODY} for long lists")
    if any(not t for t in terms):
        raise BadRequest(f"{name}: empty id in '{value}' (give ids as 1,2,3 or 1|2|3)")
    return [parse_int(name, t, 1, MAX_PANDAID) for t in terms]


def pandaids_from_body(body: bytes) -> list[int]:
    """The POST body: exactly {"pandaids": [<positive integer>, ...]}."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest(f"the POST body must be JSON like {EXAMPLE_BODY}") from None
    if not isinstance(data, dict) or set(data) != {"pandaids"}:
        raise BadRequest(f"the POST body must be an object with one key, pandaids: {EXAMPLE_BODY}")
    ids = data["pandaids"]
    if not isinstance(ids, list) or not ids:
        raise BadRequest("pandaids must be a non-empty list of integers")
    if len(ids) > MAX_IDS:
        raise BadRequest(f"pandaids: at most {MAX_IDS} ids, got {len(ids)}")
    for pandaid in ids:
        # bool is an int in Python, but `true` is no pandaid
        if not isinstance(pandaid, int) or isinstance(pandaid, bool) or not 1 <= pandaid <= MAX_PANDAID:
            raise BadRequest(f"pandaids: every id must be an integer between 1 and {MAX_PANDAID}, got {pandaid!r}")
    return ids


def _only(params: Params, allowed: set[str]) -> None:
    """The API endpoints take no job filters or window: a stray parameter is a typo."""
    unexpected = sorted(set(params.raw) - allowed)
    if unexpected:
        accepted = ", ".join(sorted(allowed)) or "none besides json, timestamp and _"
        raise BadRequest(f"unknown parameter '{unexpected[0]}' here; accepted: {accepted}")


@accepts("POST")
@json_only
@csrf_exempt  # a script's POST carries no CSRF token, and it changes nothing
def jobs_status(request: HttpRequest) -> HttpResponse:
    """Status of up to 10,000 jobs by pandaid: GET ?pandaid=1,2,3 or POST {"pandaids": [...]}."""
    if request.method in ("GET", "HEAD"):
        params = parse_params(request.GET, extra={"pandaid": parse_pandaids}, window_required=False)
        _only(params, {"pandaid", "fields", "outputs"})
        if "pandaid" not in params.extra:
            raise BadRequest(f"give pandaid=1,2,3 (or POST {EXAMPLE_BODY}, for long lists)")
        pandaids = params.extra["pandaid"]
    elif request.method == "POST":
        params = parse_params(request.GET, window_required=False)
        _only(params, {"fields", "outputs"})
        pandaids = pandaids_from_body(request.body)
    else:
        return error_response(request, "only GET and POST are supported here", status=405)
    return cache_headers(json_payload(params, bulk_status(pandaids)), STATUS_CACHE_SECONDS)


@json_only
def support_maxpandaid(request: HttpRequest) -> HttpResponse:
    """The highest pandaid in the live tables: scripts poll it to see whether new jobs arrived."""
    if request.method not in ("GET", "HEAD"):
        return error_response(request, "only GET is supported here", status=405)
    params = parse_params(request.GET, window_required=False)
    _only(params, set())
    return cache_headers(json_payload(params, {"maxpandaid": max_pandaid()}), STATUS_CACHE_SECONDS)


@json_only
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3 description of every JSON endpoint, built from the URL routes."""
    _only(parse_params(request.GET, window_required=False), set())
    return cache_headers(json_response(openapi.document(base_url=request.build_absolute_uri("/"))))


def index(request: HttpRequest) -> HttpResponse:
    """The human page: what the API offers, with curl examples."""
    base = request.build_absolute_uri("/").rstrip("/")
    return cache_headers(render(request, "api/index.html", {
        "base": base,
        "operations": openapi.operations(),
        "coarse_states": COARSE_STATE,
    }))
