"""The OpenAPI 3.1 description of every JSON endpoint, built from the code.

Paths come from walking Django's URL resolver: a route answers JSON when its
view is an @page view (pandamon.pages: JSON with ?json or Accept) or is marked
json_only (pandamon.responses). What each of them answers lives in ENDPOINTS
below, keyed by the OpenAPI path; a JSON route without an entry, or an entry
without a route, is what `unmatched()` reports and tests/test_openapi.py fails
on, so the description cannot silently drift from the routes.

Parameters are generated too: every @page view takes the job-column filters
(one per column of the job model, typed from the model), the window and the
list controls of pandamon.params, plus its own extra parameters (the names its
@page(extra=...) declares). Patterns are written as loose supersets of what the
parser accepts, so anything the description calls invalid really is a 400 (the
fuzzer's negative-data check relies on that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from api import schemas as s
from pandamon.params import (
    COLUMN_SYNONYMS,
    JOB_FIELDS,
    JOBTYPES,
    MAX_LIMIT,
    MAX_LIST_VALUES,
    MODES,
    SORT_KEYS,
    SUMMARY_SORTS,
    TIME_COLUMNS,
    UNFILTERABLE,
)

TITLE = "pandamon JSON API"
VERSION = "1"


@dataclass(frozen=True)
class Endpoint:
    """What one JSON route answers. `extra` documents an @page view's own parameters
    (by the names its @page(extra=...) declares); `params` those of a plain JSON view."""

    summary: str
    response: dict
    description: str = ""
    example: str = ""
    not_found: bool = False
    extra: dict[str, dict] = field(default_factory=dict)
    params: dict[str, dict] = field(default_factory=dict)
    post: dict | None = None
    post_summary: str = ""


PANDAID = {"type": "string", "pattern": r"^\s*[0-9]{1,19}\s*$", "description": "a pandaid (integer)"}
NAME = {"type": "string", "minLength": 1}

ENDPOINTS: dict[str, Endpoint] = {
    "/": Endpoint("Production summary: every VO side by side, jobs by state (same JSON as /dash/)", s.DASH,
                  example="/?hours=6"),
    "/dash/": Endpoint("Per-VO, cloud and site summary by jobstatus", s.DASH, example="/dash/?vo=atlas&hours=12"),
    "/jobs/": Endpoint("Jobs matching the filters: exact attribute and error summaries, a capped job list",
                       s.JOBS, example="/jobs/?jobstatus=failed&hours=6&limit=10",
                       extra={"after": {**NAME, "description": "keyset token: the next page of a truncated list"},
                              "export": {**NAME, "description": "csv: every matching job as CSV, streamed"}}),
    "/job/": Endpoint("One job looked up by pandaid= or jobname=", s.JOB, not_found=True,
                      extra={"pandaid": PANDAID, "jobname": NAME}, example="/job/?pandaid=1"),
    "/job": Endpoint("One job looked up by pandaid= or jobname= (the PanDA monitor's old form)", s.JOB,
                     not_found=True, extra={"pandaid": PANDAID, "jobname": NAME}, example="/job?pandaid=1"),
    "/job/{pandaid}/": Endpoint("One job: every field, errors explained, files, parameters, history, retries, logs",
                                s.JOB, not_found=True, example="/job/1/"),
    "/jobstatuslog/{pandaid}/": Endpoint("A job's state history in time order", s.STATUSLOG, not_found=True,
                                         example="/jobstatuslog/1/"),
    "/errors/": Endpoint("Error summary (default jobstatus=failed|holding), by code, site, user and task", s.ERRORS,
                         example="/errors/?hours=24"),
    "/users/": Endpoint("User activity in the window", s.USERS, example="/users/?days=2"),
    "/user/{name}/": Endpoint("One user's jobs, tasks and errors", s.USER, not_found=True, example="/user/alice/"),
    "/sites/": Endpoint("Queues with their status and job counts by state", s.SITES,
                        extra={"status": {**NAME, "description": "queue status: online, offline, test, brokeroff"}},
                        example="/sites/?cloud=US"),
    "/site/{name}/": Endpoint("One queue: configuration, jobs by state, errors", s.SITE, not_found=True,
                              example="/site/AGLT2/"),
    "/wns/{site}/": Endpoint("Worker nodes of a site with finished/failed counts", s.WNS, not_found=True,
                             example="/wns/AGLT2/"),
    "/tasks/": Endpoint("Tasks and their jobs", s.TASKS, example="/tasks/?days=1",
                        extra={"status": {**NAME, "description": "task states, a|b (e.g. running|failed)"}}),
    "/search/": Endpoint("What a text names: a job, task, queue, job name or user, and its page", s.SEARCH,
                         extra={"q": {**NAME, "description": "a pandaid, task id, jobname, user or queue"}},
                         example="/search/?q=AGLT2"),
    "/task/{taskid}/": Endpoint("One task and its jobs", s.TASK, not_found=True, example="/task/1/"),
    "/filebrowser/": Endpoint("A job's log files", s.FILEBROWSER, not_found=True, example="/filebrowser/?pandaid=1"),
    "/health/": Endpoint("Database reachability: 200 ok, 503 degraded", s.HEALTH, example="/health/"),
    "/api/openapi.json": Endpoint("This description", {"type": "object", "required": ["openapi", "paths"]},
                                  example="/api/openapi.json"),
    "/api/support/maxpandaid/": Endpoint(
        "The highest pandaid in the live tables (null when they are empty)", s.MAXPANDAID,
        example="/api/support/maxpandaid/"),
    "/api/jobs/status/": Endpoint(
        "Status of up to 10,000 jobs by pandaid, from every job table and the archive",
        s.STATUS,
        description=(
            "Each job answers its PanDA `jobstatus` and a coarse `state` for pipelines: queued (not yet with a "
            "pilot), running (with a pilot, running or finishing up), done (finished), failed, cancelled "
            "(cancelled or closed by the system). Unknown ids are listed in `missing`. A job in a live table and "
            "in the archive is answered from the live copy. Answers are not cached. For more than a few hundred "
            "ids POST the list: a URL that long is refused by many servers."
        ),
        params={"pandaid": {
            "type": "string",
            "pattern": r"^\s*[0-9]{1,19}\s*([|,]\s*[0-9]{1,19}\s*)*$",
            "description": f"pandaids as 1,2,3 or 1|2|3 (at most {MAX_LIST_VALUES}); required with GET",
        }, "fields": s.NAMES_PARAM, "outputs": s.NAMES_PARAM},
        post=s.STATUS_BODY,
        post_summary="Status of up to 10,000 jobs, ids in a JSON body",
        example="/api/jobs/status/?pandaid=1,2,3",
    ),
}


# --- routes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    path: str  # the OpenAPI form: /job/{pandaid}/
    view: Callable
    converters: dict[str, str]  # path parameter → Django converter name

    @property
    def is_page(self) -> bool:
        return hasattr(self.view, "page_template")

    @property
    def answers_json(self) -> bool:
        return self.is_page or getattr(self.view, "json_only", False)


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def routes() -> list[Route]:
    """Every URL route of the project, in resolver order."""

    def walk(patterns, prefix: str, converters: dict[str, str]) -> Iterator[Route]:
        for pattern in patterns:
            text, found = _openapi_path(str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + text, {**converters, **found})
            elif isinstance(pattern, URLPattern):
                yield Route("/" + prefix + text, pattern.callback, {**converters, **found})

    return list(walk(get_resolver().url_patterns, "", {}))


def _openapi_path(pattern: str) -> tuple[str, dict[str, str]]:
    converters = {m["name"]: m["converter"] or "str" for m in _ROUTE_PARAM.finditer(pattern)}
    converters.update({m["name"]: "regex" for m in _REGEX_PARAM.finditer(pattern)})
    text = _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", pattern)
    text = _REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", text)
    return text.removeprefix("^").removesuffix("$").replace("\\", ""), converters


def json_routes() -> dict[str, Route]:
    return {r.path: r for r in routes() if r.answers_json}


def unmatched() -> dict[str, list[str]]:
    """JSON routes without an ENDPOINTS entry, entries without a route, and
    documented extra parameters a view does not take. All empty, or a test fails."""
    found = json_routes()
    stale_extra = [
        f"{path}: {name}"
        for path, endpoint in ENDPOINTS.items()
        if path in found
        for name in endpoint.extra
        if name not in getattr(found[path].view, "page_extra", ())
    ]
    return {
        "undocumented": sorted(set(found) - set(ENDPOINTS)),
        "without_route": sorted(set(ENDPOINTS) - set(found)),
        "stale_extra": stale_extra,
    }


# --- parameters ------------------------------------------------------------------


def _ci(word: str) -> str:
    """A case-insensitive regex for a word, in syntax every JSON Schema dialect reads."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


_NOT_SPECIFIED = _ci("Not specified")
_INT = r"-?[0-9]{1,19}"
_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}((T|\s+)[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?"


def _list_pattern(term: str) -> str:
    return rf"^{term}([|,]{term})*$"


def _column_schema(column: str) -> dict:
    """The value grammar of one job-column filter, typed from the model field."""
    model_field = JOB_FIELDS[column]
    if isinstance(model_field, models.IntegerField | models.BigIntegerField | models.SmallIntegerField):
        term = rf"\s*(!\s*)?({_INT}|{_NOT_SPECIFIED})\s*"
        return {"type": "string", "pattern": _list_pattern(term), "description": "integers: a|b, !a, Not specified"}
    if isinstance(model_field, models.DateTimeField):
        term = rf"\s*({_DATE}|(!\s*)?{_NOT_SPECIFIED})\s*"
        return {"type": "string", "pattern": _list_pattern(term),
                "description": "days (YYYY-MM-DD) or moments (YYYY-MM-DDTHH:MM[:SS]) UTC, a|b"}
    if isinstance(model_field, models.DecimalField):
        return {"type": "string", "minLength": 1, "description": "numbers: a|b, !a, Not specified"}
    return {"type": "string", "minLength": 1,
            "description": "a|b or a,b any of; !a not a; * wildcard (ANALY_*); Not specified = NULL"}


def _int_param(low: int, high: int, text: str) -> dict:
    return {"type": "string", "pattern": rf"^\s*{_INT}\s*$", "description": f"{text}; an integer {low}..{high}"}


def window_params() -> dict[str, dict]:
    date = {"type": "string", "pattern": rf"^\s*{_DATE}\s*$", "description": "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC"}
    params = {
        "hours": _int_param(1, 87600, "window length in hours (default 12, per VO)"),
        "days": _int_param(1, 3650, "window length in days; wins over hours"),
        "date_from": {**date, "description": "window start, " + date["description"]},
        "date_to": {**date, "description": "window end (a whole day when a date), " + date["description"]},
        "earlierthan": _int_param(0, 87600, "end the window this many hours ago"),
        "earlierthandays": _int_param(0, 3650, "end the window this many days ago"),
    }
    # BigPanDA's time ranges on a job column; they replace the window.
    for column in TIME_COLUMNS:
        params[f"{column}range"] = {"type": "string", "pattern": rf"^\s*{_DATE}\s*\|\s*{_DATE}\s*$",
                                    "description": f"{column} from A to B: A|B, " + date["description"]}
        params[f"{column}_from"] = {**date, "description": f"{column} at or after, " + date["description"]}
        params[f"{column}_to"] = {**date, "description": f"{column} before (a whole day when a date), "
                                  + date["description"]}
    return params


def control_params() -> dict[str, dict]:
    jobtypes = "|".join([*(_ci(j) for j in JOBTYPES), f"{_ci('anal')}.*", f"{_ci('prod')}.*"])
    sorts = "|".join(_ci(k) for k in SORT_KEYS)
    summaries = "|".join(_ci(k) for k in SUMMARY_SORTS)
    params = {
        "jobtype": {"type": "string", "pattern": rf"^\s*({jobtypes})\s*$",
                    "description": ", ".join(JOBTYPES) + " (BigPanDA's anal*, prod* too)"},
        "mode": {"type": "string", "pattern": rf"^\s*({'|'.join(_ci(m) for m in MODES)})\s*$",
                 "description": "drop: hide attempts superseded by a retry; nodrop (default): every attempt"},
        "extra": {"type": "string", "description": "BigPanDA's view flags, comma-separated; unknown ones are ignored"},
        "harvesterinstance": {"type": "string", "minLength": 1,
                              "description": "jobs of Harvester instance X (schedulerid harvester-X), all, "
                                             "Not specified"},
        "region": {**_column_schema("cloud"), "description": "jobs at the queues of this cloud (region), a|b, !a"},
        "sortby": {"type": "string",
                   "pattern": rf"^\s*(({sorts})(-({_ci('ascending')}|{_ci('descending')}))?|{summaries})\s*$",
                   "description": f"{', '.join(SORT_KEYS)}, each -ascending or -descending; "
                                  f"{' or '.join(SUMMARY_SORTS)} orders summaries"},
        "limit": _int_param(1, MAX_LIMIT, "JSON rows at most (default 1000)"),
        "display_limit": _int_param(1, 5000, "HTML rows per page (default 100)"),
        "fields": s.NAMES_PARAM,
        "outputs": s.NAMES_PARAM,
    }
    return params


IGNORED_PARAMS = {
    "json": {"type": "string", "description": "any value, even empty: answer JSON (as Accept: application/json)"},
    "timestamp": {"type": "string", "description": "ignored (defeats caches)"},
    "_": {"type": "string", "description": "ignored (defeats caches)"},
}


def _parameter(name: str, schema: dict, where: str = "query", *, ref: bool = False) -> dict:
    if ref:
        return {"$ref": f"#/components/parameters/{name}"}
    schema = dict(schema)
    description = schema.pop("description", "")
    out = {"name": name, "in": where, "required": where == "path", "schema": schema}
    if description:
        out["description"] = description
    if name in IGNORED_PARAMS:
        out["allowEmptyValue"] = True
    return out


def _shared_parameters() -> dict[str, dict]:
    shared = {**IGNORED_PARAMS, **window_params(), **control_params()}
    shared.update({c: _column_schema(c) for c in sorted(JOB_FIELDS) if c not in UNFILTERABLE})
    shared.update({name: {**_column_schema(column), "description": f"BigPanDA's name of {column}"}
                   for name, column in COLUMN_SYNONYMS.items()})
    return {name: _parameter(name, schema) for name, schema in shared.items()}


def _path_parameters(route: Route) -> list[dict]:
    out = []
    for name, converter in route.converters.items():
        schema = ({"type": "integer", "minimum": 0} if converter == "int"
                  else {"type": "string", "pattern": r"^[^/]+$"} if converter in ("str", "slug") else NAME)
        out.append(_parameter(name, schema, "path"))
    return out


def _query_parameters(route: Route, endpoint: Endpoint, shared: dict[str, dict]) -> list[dict]:
    if not route.is_page:
        params = {**IGNORED_PARAMS, **endpoint.params}
        return [_parameter(n, sch, ref=n in IGNORED_PARAMS) for n, sch in params.items()]
    extra = tuple(route.view.page_extra)
    names = [n for n in shared if n not in extra and n not in route.converters]
    params = [_parameter(n, {}, ref=True) for n in names]
    for name in extra:
        params.append(_parameter(name, endpoint.extra.get(name, NAME)))
    return params


# --- document -------------------------------------------------------------------


def _responses(route: Route, endpoint: Endpoint) -> dict:
    ok: dict = {"application/json": {"schema": endpoint.response}}
    if route.is_page:
        ok["text/html"] = {"schema": {"type": "string"}}
    error = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if route.is_page:
        error["content"]["text/html"] = {"schema": {"type": "string"}}
    responses = {
        "200": {"description": "the answer (HTML by default for pages, JSON with ?json or Accept)", "content": ok},
        "400": {**error, "description": "bad input: the message names the parameter and what it accepts"},
        "503": {**error, "description": "a database is unreachable"},
    }
    if endpoint.not_found or route.converters:
        responses["404"] = {**error, "description": "no such object"}
    if route.path == "/health/":
        responses["503"] = {"description": "degraded", "content": {"application/json": {"schema": s.HEALTH}}}
    return responses


def _operation(route: Route, endpoint: Endpoint, shared: dict[str, dict], method: str) -> dict:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", route.path).strip("_") or "home"
    operation = {
        "operationId": f"{method}_{slug}",
        "summary": endpoint.post_summary if method == "post" else endpoint.summary,
        "parameters": _path_parameters(route) + _query_parameters(route, endpoint, shared),
        "responses": _responses(route, endpoint),
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if method == "post":
        operation["parameters"] = [p for p in operation["parameters"] if p.get("name") != "pandaid"]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": endpoint.post}}}
    return operation


def document(base_url: str = "/") -> dict:
    """The OpenAPI document for the routes as they are."""
    shared = _shared_parameters()
    paths: dict[str, dict] = {}
    for path, route in json_routes().items():
        endpoint = ENDPOINTS.get(path) or Endpoint("(not described yet)", {})
        item = {"get": _operation(route, endpoint, shared, "get")}
        if endpoint.post is not None:
            item["post"] = _operation(route, endpoint, shared, "post")
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Every page of the monitor answers JSON from the same URL with ?json or "
                "Accept: application/json. Times are UTC, ISO 8601 without offset; durations are seconds. "
                "Bad input is a 400 with {\"error\": ...}; an unknown object a 404; an unknown parameter a 400 "
                "that names it. Summaries are exact over the whole window; lists are capped (truncated: true)."
            ),
        },
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"parameters": shared, "schemas": s.COMPONENTS},
    }


def operations() -> list[dict]:
    """Summaries for the human page at /api/: method, path, summary, an example URL."""
    out = []
    for path, route in json_routes().items():
        endpoint = ENDPOINTS.get(path)
        if endpoint is None:
            continue
        out.append({"method": "GET", "path": path, "summary": endpoint.summary, "example": endpoint.example,
                    "page": route.is_page})
        if endpoint.post is not None:
            out.append({"method": "POST", "path": path, "summary": endpoint.post_summary, "example": "",
                        "page": False})
    return out

