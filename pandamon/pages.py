"""The one path from a view's data to a response, HTML or JSON (web contract: Conventions).

A page view is a function `(request, params, **url_kwargs) -> dict` decorated
with @page. The decorator parses the query string with the one parser
(pandamon.params), calls the view, and renders the same dict either as JSON or
through the page's template:

- keys starting with "_" are for the template only (tables, chart config);
- "window" is added from the parsed window;
- `outputs=a,b` keeps only those top-level keys, `fields=a,b` only those keys of
  each job in "jobs" / "job";
- a view whose JSON is a list (the contract's /users/, /sites/, ...) puts it
  in "_json"; its other keys (pandamon's, e.g. /site/'s `states`) are the JSON
  object answered instead when `outputs=` names some of them;
- an iterator under "jobs" is streamed, so a 100,000-row list is never built
  as one string; keys whose value is only known once the list is sent (e.g.
  `truncated`) are `Later(fn)` values, placed after the list;
- a `limit` above MAX_LIMIT is served as MAX_LIMIT, and the answer says so: a `limit_clamped`
  key `{requested, limit}` on an object, the X-Pandamon-Limit-Clamped header on any;
- bad input anywhere raises BadRequest → 400 (pandamon.middleware).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from pandamon import admission, streams, summarycache
from pandamon.errors import BadRequest
from pandamon.params import WINDOW_PARAMS, Params, parse_params
from pandamon.responses import dumps, error_response, json_response, wants_json

JSON_LIST_KEY = "_json"
# Set when a limit above MAX_LIMIT was clamped (object answers also carry the limit_clamped key).
LIMIT_CLAMPED_HEADER = "X-Pandamon-Limit-Clamped"


class Later:
    """A streamed answer's value computed when its key is reached (after the list)."""

    def __init__(self, compute: Callable[[], object]):
        self.compute = compute


def page(
    template: str,
    *,
    extra: Mapping[str, Callable[[str, str], object]] | None = None,
    defaults: Mapping[str, str] | None = None,
    window_required: bool = True,
    cache_seconds: int | None = None,
    cached: bool = False,
):
    """Decorate a page view; see the module docstring. `cached`: an expensive summary,
    kept in the shared cache by normalised query (pandamon.summarycache)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return error_response(request, "only GET is supported here", status=405)
            params = parse_params(request.GET, extra=extra, defaults=defaults, window_required=window_required)
            if params.window is None:  # a lookup by id: cheap, never queued
                return answer(request, params, kwargs)
            if cached and settings.PANDAMON_SUMMARY_CACHE:
                return from_cache(request, params, kwargs)
            release, refusal = admission.admit(request)
            if refusal is not None:
                return refusal
            try:
                response = answer(request, params, kwargs)
            except BaseException:
                release()
                raise
            if response.streaming:  # the slot is held while the stream is read from the database
                response._resource_closers.append(release)
            else:
                release()
            return response

        def answer(request: HttpRequest, params: Params, kwargs: dict):
            data = view(request, params, **kwargs)
            if isinstance(data, HttpResponse | StreamingHttpResponse):
                return data
            return cache_headers(respond(request, params, data, template), cache_seconds)

        def from_cache(request: HttpRequest, params: Params, kwargs: dict):
            """The summary from the shared cache, or computed once (with an admission slot,
            taken only by the request that computes) while identical requests wait."""
            name = view.__qualname__

            def compute():
                release, refusal = admission.admit(request)
                if refusal is not None:
                    raise summarycache.Refused(refusal)
                try:
                    data = view(request, params, **kwargs)
                finally:
                    release()
                if isinstance(data, dict) and JSON_LIST_KEY not in data and params.window is not None:
                    # The window the answer was computed over, not each later reader's own "now".
                    data.setdefault("window", params.window.as_json())
                return data

            key = summarycache.key_for(f"{view.__module__}.{name}", request, kwargs, wants_json(request))
            try:
                computed_at, data = summarycache.obtain(key, summarycache.freshness(params.window), compute, name)
            except summarycache.Refused as refused:
                return refused.response
            if isinstance(data, HttpResponse | StreamingHttpResponse):
                return data
            age = max(0, int(time.time() - computed_at))
            if JSON_LIST_KEY not in data:
                data = {**data, summarycache.AGE_KEY: age}
            response = cache_headers(respond(request, params, data, template), cache_seconds)
            response["Age"] = str(age)
            return response

        wrapper.page_template = template
        wrapper.page_extra = tuple(extra or ())
        return wrapper

    return decorator


def cache_headers(response, seconds: int | None = None):
    """Every page's caching headers: shared caches may keep an answer `seconds`
    (default PANDAMON_CACHE_SECONDS); it differs by Accept (JSON or HTML)."""
    seconds = settings.PANDAMON_CACHE_SECONDS if seconds is None else seconds
    patch_cache_control(response, max_age=seconds, public=True)
    patch_vary_headers(response, ["Accept"])
    return response


def respond(request: HttpRequest, params: Params, data: dict, template: str):
    # null: a lookup by id with no window parameter reads every table unbounded.
    data.setdefault("window", params.window.as_json() if params.window is not None else None)
    if wants_json(request):
        return json_payload(params, data)
    context = {k.lstrip("_"): v for k, v in data.items() if k != JSON_LIST_KEY}
    context.update(frame_context(params))
    if JSON_LIST_KEY in data:
        context.setdefault("items", data[JSON_LIST_KEY])
    return render(request, template, context)


def json_payload(params: Params, data: dict):
    response = _json_body(params, data)
    if params.limit_requested is not None:
        # A list answer has no room for the key: the header says it there (and everywhere).
        response[LIMIT_CLAMPED_HEADER] = f"requested={params.limit_requested}; limit={params.limit}"
    return response


def limit_clamped(params: Params) -> dict | None:
    """What a `limit` above MAX_LIMIT was clamped to (the `limit_clamped` key), or None."""
    if params.limit_requested is None:
        return None
    return {"requested": params.limit_requested, "limit": params.limit}


def _json_body(params: Params, data: dict):
    if JSON_LIST_KEY in data and not params.outputs:
        body = data[JSON_LIST_KEY]
        return json_response(trim_fields(params, body) if isinstance(body, list) else body)
    # A page whose JSON is BigPanDA's list answers pandamon's object (its other keys) when outputs= names them.
    body = {k: v for k, v in data.items() if not k.startswith("_")}
    if params.outputs:
        unknown = [o for o in params.outputs if o not in body]
        if unknown:
            raise BadRequest(f"outputs: unknown key(s) {', '.join(unknown)}; this page has {', '.join(body)}")
        body = {k: body[k] for k in params.outputs}
    if (clamped := limit_clamped(params)) is not None:
        body["limit_clamped"] = clamped
    if params.fields:
        for key in ("jobs", "job"):
            if key in body:
                body[key] = trim_fields(params, body[key])
    streamed = {k: v for k, v in body.items() if isinstance(v, Iterator)}
    if streamed:
        return StreamingHttpResponse(_stream_object(body), content_type="application/json")
    return json_response(body)


def trim_fields(params: Params, rows):
    if not params.fields:
        return rows
    from jobs.rows import KEYS  # the job row's keys: a page's job rows are built there

    wanted = params.fields

    def trim(row):
        if not isinstance(row, dict):
            return row
        # A job key a row lacks (errorinfo of a finished job, is_log_available not asked for) is left out, as
        # BigPanDA does; a name no job row has is a typo.
        unknown = [f for f in wanted if f not in row and f not in KEYS]
        if unknown:
            raise BadRequest(f"fields: unknown field(s) {', '.join(unknown)}")
        return {f: row[f] for f in wanted if f in row}

    if isinstance(rows, dict):
        return trim(rows)
    if isinstance(rows, Iterator):
        return map(trim, rows)
    return [trim(r) for r in rows]


def _stream_object(body: dict) -> Iterable[str]:
    """The object, key by key; a failure after the first byte (the status is sent)
    ends it as valid JSON with `"error"` and `"truncated": true`, so a client can tell
    a cut answer from a complete one (streams.py logs it)."""
    yield "{"
    written: set[str] = set()
    in_list = False
    try:
        for key, value in body.items():
            yield ("" if not written else ", ") + dumps(key) + ": "
            written.add(key)
            if isinstance(value, Later):
                yield dumps(value.compute())
            elif isinstance(value, Iterator):
                yield "["
                in_list = True
                for i, item in enumerate(value):
                    yield ("" if i == 0 else ", ") + dumps(item)
                in_list = False
                yield "]"
            else:
                yield dumps(value)
    except Exception as exc:  # noqa: BLE001  (any failure: the answer must still close)
        message = streams.failed(exc)
        yield "]" if in_list else ("null" if key in written and key != "truncated" else "true")
        if "truncated" not in written:
            yield ', "truncated": true'
        yield ", " + dumps("error") + ": " + dumps(message)
    yield "}"


def frame_context(params: Params) -> dict:
    """What the page header needs: the window and the query without its window
    parameters, to offer the same page over another window."""
    rest = {k: v for k, v in params.raw.items() if k not in WINDOW_PARAMS}
    return {
        "window": params.window.template() if params.window else None,
        "query_without_window": urlencode(rest),
        "hidden_filters": sorted(rest.items()),
        "params": params,
    }


def link(path: str, **query) -> str:
    """A URL with query parameters (None values dropped), for count links."""
    query = {k: v for k, v in query.items() if v is not None and v != ""}
    return f"{path}?{urlencode(query)}" if query else path
