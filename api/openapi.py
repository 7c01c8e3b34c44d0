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
@page(extra=...) declares). The parameter builders are api/openapi_params.py, the
route walk api/openapi_routes.py; this module holds what each endpoint answers and
assembles the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api import schemas as s
from api.openapi_params import NAME, path_parameters, query_parameters, shared_parameters
from api.openapi_routes import Route, json_routes
from pandamon.params import MAX_LIST_VALUES

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
    get: bool = True  # False: a POST-only endpoint (the actions: a GET never acts)
    authenticated: bool = False  # needs an API token, an ID token or a session (401/403)


HARVESTER_PARAMS = {
    "harvesterid": {**NAME, "description": "Harvester instances, a|b"},
    "status": {**NAME, "description": "worker states, a|b: submitted, idle, running, finished, failed, cancelled, "
                                      "missed"},
    "workerid": {**NAME, "description": "worker ids, a|b"},
}
PANDAID = {"type": "string", "pattern": r"^\s*[0-9]{1,19}\s*$", "description": "a pandaid (integer)"}

ENDPOINTS: dict[str, Endpoint] = {
    "/": Endpoint("Production summary: every VO side by side, jobs by state (same JSON as /dash/)", s.DASH,
                  example="/?hours=6"),
    "/dash/": Endpoint("Per-VO, cloud and site summary by jobstatus", s.DASH, example="/dash/?vo=atlas&hours=12"),
    "/dash/region/": Endpoint(
        "Jobs by state per region (the queue's cloud), ATLAS site and queue, split by job type and resource type",
        s.DASH_REGION, example="/dash/region/?hours=12&splitby=jobtype,resourcetype",
        description="BigPanDA's regions/sites/queues: each a {jobtype: {resourcetype: [{jobstatus, count}]}} "
                    "summary with 'all' margins (jobtype analy = jobtype=analysis, prod = jobtype=production). "
                    "A queue adds its configuration (pqtype, region, atlas_site, status), running cores, fail "
                    "rate and pandamon's `problems`; pilot counts are -1 (unknown).",
        extra={"splitby": {**NAME, "description": "jobtype, resourcetype or both (comma list): the rows shown"},
               "sortby": {**NAME, "description": "alpha, count, failrate or rcores: the order of the rows shown"}}),
    "/dash/world/": Endpoint(
        "Production jobs by state per nucleus, and per nucleus and satellite queue", s.DASH_WORLD,
        example="/dash/world/?hours=12&splitby=resourcetype",
        extra={"splitby": {**NAME, "description": "jobtype, resourcetype or both (comma list): the rows shown"},
               "sortby": {**NAME, "description": "alpha, count, failrate or rcores: the order of the rows shown"}}),
    "/dash/production/": Endpoint("The production summary of production jobs (jobtype=production)", s.DASH,
                                  example="/dash/production/?hours=12"),
    "/dash/analysis/": Endpoint("The production summary of analysis jobs (jobtype=analysis)", s.DASH,
                                example="/dash/analysis/?hours=12"),
    "/harvester/instances/": Endpoint(
        "Harvester instances with their workers updated in the window, by worker state", s.HARVESTER_INSTANCES,
        example="/harvester/instances/?hours=12", extra=HARVESTER_PARAMS),
    "/harvester/workers/": Endpoint(
        "Harvester workers updated in the window: counts by queue and state, the newest workers",
        s.HARVESTER_WORKERS, example="/harvester/workers/?computingsite=AGLT2&status=running",
        description="The window bounds each worker's lastupdate; limit= caps the list (default 200, at most "
                    "10,000); computingsite= takes the job value grammar.", extra=HARVESTER_PARAMS),
    "/harvester/worker/{harvesterid}/{workerid}/": Endpoint(
        "One Harvester worker (its latest row) and its jobs", s.HARVESTER_WORKER, not_found=True,
        example="/harvester/worker/CERN_central_A/10000001/"),
    "/wn/{site}/{node}/": Endpoint(
        "One worker node of a queue: its jobs by state, errors and finished/failed jobs per hour", s.WN,
        not_found=True, example="/wn/AGLT2/wn001.aglt2.org/"),
    "/globalshares/": Endpoint(
        "The global share tree with targets normalised from 100 and the live jobs and cores per share",
        s.GLOBALSHARES, example="/globalshares/"),
    "/workqueues/": Endpoint("JEDI's work queues with their live jobs and cores", s.WORKQUEUES,
                             example="/workqueues/"),
    "/jobs/": Endpoint("Jobs matching the filters: exact attribute and error summaries, a capped job list",
                       s.JOBS, example="/jobs/?jobstatus=failed&hours=6&limit=10",
                       extra={"after": {**NAME, "description": "keyset token: the next page of a truncated list"},
                              "export": {**NAME, "description": "csv: every matching job as CSV, streamed"}}),
    "/job/": Endpoint("One job looked up by pandaid=, jobname= or creator= (the job that wrote that file)", s.JOB,
                      not_found=True, extra={"pandaid": PANDAID, "jobname": NAME, "creator": NAME},
                      example="/job/?pandaid=1"),
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
                        extra={"status": {**NAME, "description": "queue status: online, offline, test, brokeroff"},
                               "copytool": {**NAME, "description": "queues whose CRIC copytools have this tool "
                                                                   "(schedconfig_json only; else a 400)"}},
                        example="/sites/?cloud=US"),
    "/site/{name}/": Endpoint("One queue: BigPanDA's [{param, value}] configuration list; with outputs= (site, "
                              "states, errsByCount, window) the queue, its jobs by state and errors", s.SITE,
                              not_found=True,
                              example="/site/AGLT2/"),
    "/wns/{site}/": Endpoint("Worker nodes of a site with finished/failed counts", s.WNS, not_found=True,
                             example="/wns/AGLT2/"),
    "/tasks/": Endpoint(
        "Tasks with their progress from JEDI's datasets (BigPanDA's dsinfo) and their jobs", s.TASKS,
        example="/tasks/?days=1&taskname=user.alice.*&datasets=true",
        description="A JSON list as BigPanDA's; with outputs= (tasks, truncated, summary) pandamon's object, "
                    "summary being the whole selection counted by status, superstatus, tasktype and username. "
                    "Job-column filters that are task columns (produsername/username, "
                    "reqid, workinggroup, processingtype, gshare, jeditaskid, endtime and the other time ranges) "
                    "apply to the task's own columns.",
        extra={"status": {**NAME, "description": "task states, a|b (e.g. running|failed)"},
               "taskname": {**NAME, "description": "task names, * wildcards; a leading * needs an explicit window"},
               "tasktype": {**NAME, "description": "anal or prod (prefixes as BigPanDA)"},
               "superstatus": {**NAME, "description": "coarse task states, a|b"},
               "campaign": {**NAME, "description": "campaigns, * wildcards"},
               "datasets": {**NAME, "description": "true: each row's datasets (input, pseudo_input, output)"},
               "sortby": {**NAME, "description": "<task column>[-asc|-desc], e.g. taskname-asc"},
               "creationdate_from": {**NAME, "description": "tasks created at or after (UTC)"},
               "creationdate_to": {**NAME, "description": "tasks created before (UTC)"}}),
    "/datasets/": Endpoint("JEDI datasets by name, container or task", s.DATASETS, example="/datasets/?jeditaskid=1",
                           extra={"datasetname": {**NAME, "description": "names, * wildcards after a prefix"},
                                  "containername": {**NAME, "description": "containers, * wildcards after a prefix"},
                                  "jeditaskid": {**NAME, "description": "a task id"}}),
    "/dataset/": Endpoint("One dataset by exact name, and its files", s.DATASET_PAGE, not_found=True,
                          example="/dataset/?datasetname=x",
                          extra={"datasetname": {**NAME, "description": "the exact name"},
                                 "after": {**NAME, "description": "keyset token: files after this fileid"},
                                 "export": {**NAME, "description": "csv: every file, streamed"}}),
    "/dataset/{datasetid}/": Endpoint("One dataset and its files (keyset-paged by fileid)", s.DATASET_PAGE,
                                      not_found=True, example="/dataset/1/",
                                      extra={"after": {**NAME, "description": "files after this fileid"},
                                             "export": {**NAME, "description": "csv: every file, streamed"}}),
    "/files/": Endpoint("Files by name: JEDI's records and every job that read or wrote them", s.FILES,
                        example="/files/?lfn=EVNT.1.*",
                        extra={"lfn": {**NAME, "description": "file names, * wildcards after a prefix"},
                               "scope": {**NAME, "description": "the files' scope"}}),
    "/file/": Endpoint("One file: its JEDI records and the jobs that read or wrote it", s.FILES,
                       example="/file/?lfn=x&scope=y",
                       extra={"lfn": {**NAME, "description": "the file name"},
                              "scope": {**NAME, "description": "its scope"}}),
    "/search/": Endpoint("What a text names: a job, task, queue, job name or user, and its page", s.SEARCH,
                         extra={"q": {**NAME, "description": "a pandaid, task id, jobname, user or queue"}},
                         example="/search/?q=AGLT2"),
    "/task/{taskid}/": Endpoint("One task: its row with dsinfo, parameters, datasets, state history, failed files, "
                                "related tasks and its jobs", s.TASK, not_found=True, example="/task/1/"),
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


ACTION_AUTH = ("Authorization: Token <personal API token> (made on /accounts/, scoped), or Bearer <OIDC ID "
               "token> of the monitor's client; or a logged-in session with its CSRF token. The action is relayed "
               "to the PanDA server with the user's own ID token and recorded in the audit.")
ENDPOINTS.update({
    f"/api/actions/jobs/{verb}/": Endpoint(
        "", s.ACTION_REPLY, get=False, authenticated=True, post=s.JOBS_ACTION_BODY,
        post_summary=f"{verb.capitalize()} jobs through the PanDA server (owner, or production role)",
        description=ACTION_AUTH + " One result per job: done, refused (by the server, its reason), denied (by "
                                  "the monitor before asking) or error (503: server down or timed out).")
    for verb in ("kill", "reassign")
})
ENDPOINTS.update({
    f"/api/actions/task/{{jeditaskid}}/{verb}/": Endpoint(
        "", s.ACTION_REPLY, get=False, authenticated=True, post=s.TASK_ACTION_BODIES[verb], not_found=False,
        post_summary=f"{verb.capitalize()} a task through the PanDA server (JEDI carries it out minutes later)",
        description=ACTION_AUTH)
    for verb in ("kill", "finish", "retry", "reassign")
})


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
    if endpoint.authenticated:
        responses["401"] = {**error, "description": "no valid API token, ID token or login"}
        responses["403"] = {**error, "description": "CSRF token missing (session), or not allowed"}
        responses["503"]["description"] = "no PanDA server configured, or it is down or timed out"
    if route.path == "/health/":
        responses["503"] = {"description": "degraded", "content": {"application/json": {"schema": s.HEALTH}}}
    return responses


def _operation(route: Route, endpoint: Endpoint, shared: dict[str, dict], method: str) -> dict:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", route.path).strip("_") or "home"
    documented = endpoint.extra if route.is_page else endpoint.params
    operation = {
        "operationId": f"{method}_{slug}",
        "summary": endpoint.post_summary if method == "post" else endpoint.summary,
        "parameters": path_parameters(route) + query_parameters(route, documented, shared),
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
    shared = shared_parameters()
    paths: dict[str, dict] = {}
    for path, route in json_routes().items():
        endpoint = ENDPOINTS.get(path) or Endpoint("(not described yet)", {})
        item = {"get": _operation(route, endpoint, shared, "get")} if endpoint.get else {}
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
                "that names it. Summaries are exact over the whole window; lists are capped (truncated: true). "
                "A method an endpoint does not take (anything but GET and HEAD, besides the POST listed) is a "
                "405 with {\"error\": ...} and an Allow header."
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
        if endpoint.get:
            out.append({"method": "GET", "path": path, "summary": endpoint.summary, "example": endpoint.example,
                        "page": route.is_page})
        if endpoint.post is not None:
            out.append({"method": "POST", "path": path, "summary": endpoint.post_summary, "example": "",
                        "page": False})
    return out
