"""Job and task actions: a confirmation page (GET never acts), the action (POST,
CSRF-protected for sessions), the server's answer shown as it came; and the same
actions for scripts as JSON under /api/actions/ (API token or ID token)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from actions import rules, service
from actions.actors import NotAuthenticated, actor_of, page_actor
from actions.client import ServerUnavailable
from pandamon.errors import BadRequest
from pandamon.params.values import parse_int
from pandamon.responses import error_response, json_only, json_response

JOB_VERBS = ("kill", "reassign")
MAX_ID = 2**63 - 1


def parse_pandaid(name: str, value: str) -> int:
    return parse_int(name, value, 1, MAX_ID)
TASK_VERBS = ("kill", "finish", "retry", "reassign")


def _pandaids(values: list[str]) -> list[int]:
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return [parse_pandaid("pandaid", value) for value in ids]


def _verb(verb: str, allowed: tuple[str, ...]) -> str:
    if verb not in allowed:
        raise BadRequest(f"action: '{verb}' is not one of {', '.join(allowed)}")
    return verb


def _failure(request, error: Exception) -> HttpResponse:
    if isinstance(error, NotAuthenticated | service.LoginNeeded):
        return error_response(request, str(error), status=401)
    response = error_response(request, str(error), status=503)
    response["Retry-After"] = "30"
    return response


def jobs(request: HttpRequest, verb: str) -> HttpResponse:
    """/actions/jobs/<verb>/?pandaid=…: confirm (GET) then act (POST) on one or more jobs."""
    verb = _verb(verb, JOB_VERBS)
    source = request.POST if request.method == "POST" else request.GET
    pandaids = _pandaids(source.getlist("pandaid"))
    if not pandaids:
        raise BadRequest("pandaid: give the job(s) to act on")
    try:
        if request.method != "POST":
            return _confirm_jobs(request, verb, pandaids)
        actor = actor_of(request, verb)
        outcomes = service.job_action(actor, verb, pandaids)
    except (NotAuthenticated, service.LoginNeeded, ServerUnavailable) as error:
        return _failure(request, error)
    return _done(request, f"job/{verb}", outcomes)


def _confirm_jobs(request, verb: str, pandaids: list[int]) -> HttpResponse:
    if not service.settings.PANDA_SERVER_URL:
        raise ServerUnavailable("no PanDA server is configured on this monitor (PANDA_SERVER_URL)")
    actor = page_actor(request)
    if actor is None:
        raise NotAuthenticated("log in first (/accounts/login/) to act on jobs")
    if len(pandaids) > service.settings.PANDAMON_KILL_MAX_JOBS:
        raise BadRequest(f"pandaid: at most {service.settings.PANDAMON_KILL_MAX_JOBS} jobs at once")
    found = service.live_jobs(pandaids)
    check = rules.job_kill if verb == "kill" else rules.job_reassign
    rows = [{"pandaid": p, "job": found.get(p), "decision": check(actor, found.get(p))} for p in pandaids]
    return render(request, "actions/confirm_jobs.html", {
        "verb": verb, "rows": rows, "allowed": [r for r in rows if r["decision"].allowed]})


def task(request: HttpRequest, jeditaskid: str, verb: str) -> HttpResponse:
    """/actions/task/<id>/<verb>/: confirm (GET, with the command's options) then act (POST)."""
    verb = _verb(verb, TASK_VERBS)
    taskid = parse_pandaid("jeditaskid", jeditaskid)
    try:
        if request.method != "POST":
            if not service.settings.PANDA_SERVER_URL:
                raise ServerUnavailable("no PanDA server is configured on this monitor (PANDA_SERVER_URL)")
            actor = page_actor(request)
            if actor is None:
                raise NotAuthenticated("log in first (/accounts/login/) to act on tasks")
            row = service.task_row(taskid)
            return render(request, "actions/confirm_task.html", {
                "verb": verb, "taskid": taskid, "task": row, "decision": rules.task_action(actor, row),
                "retry_options": service.RETRY_OPTIONS})
        outcome = service.task_action(actor_of(request, verb), verb, taskid, request.POST.dict())
    except (NotAuthenticated, service.LoginNeeded, ServerUnavailable) as error:
        return _failure(request, error)
    return _done(request, f"task/{verb}", [outcome])


def _done(request, action: str, outcomes: list[service.Outcome]) -> HttpResponse:
    body, status = _reply(action, outcomes)
    if request.headers.get("Accept", "").startswith("application/json") or "json" in request.GET:
        return json_response(body, status=status)
    return render(request, "actions/done.html", {"action": action, "outcomes": outcomes}, status=status)


# --- The JSON endpoints for scripts ------------------------------------------------

def _enforce_csrf(request) -> HttpResponse | None:
    """Sessions (cookies) need the CSRF token; a request carrying its own credential does not."""
    if request.headers.get("Authorization"):
        return None
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


@json_only
@csrf_exempt
def api_jobs(request: HttpRequest, verb: str) -> HttpResponse:
    """POST /api/actions/jobs/<verb>/ {"pandaids": [...]}."""
    if request.method != "POST":
        return error_response(request, "POST only: a GET never acts", status=405)
    if (refusal := _enforce_csrf(request)) is not None:
        return refusal
    verb = _verb(verb, JOB_VERBS)
    ids = _json_body(request).get("pandaids")
    if not isinstance(ids, list) or not ids:
        raise BadRequest("pandaids: give a non-empty list of pandaids")
    pandaids = [parse_pandaid("pandaids", str(i)) for i in ids]
    try:
        outcomes = service.job_action(actor_of(request, verb), verb, pandaids)
    except (NotAuthenticated, service.LoginNeeded, ServerUnavailable) as error:
        return _failure(request, error)
    body, status = _reply(f"job/{verb}", outcomes)
    return json_response(body, status=status)


@json_only
@csrf_exempt
def api_task(request: HttpRequest, jeditaskid: str, verb: str) -> HttpResponse:
    """POST /api/actions/task/<id>/<verb>/ {options}."""
    if request.method != "POST":
        return error_response(request, "POST only: a GET never acts", status=405)
    if (refusal := _enforce_csrf(request)) is not None:
        return refusal
    verb = _verb(verb, TASK_VERBS)
    taskid = parse_pandaid("jeditaskid", jeditaskid)
    try:
        outcome = service.task_action(actor_of(request, verb), verb, taskid, _json_body(request))
    except (NotAuthenticated, service.LoginNeeded, ServerUnavailable) as error:
        return _failure(request, error)
    body, status = _reply(f"task/{verb}", [outcome])
    if outcome.outcome == "denied":
        body["error"], status = outcome.message, 403
    return json_response(body, status=status)


def _reply(action: str, outcomes: list[service.Outcome]) -> tuple[dict, int]:
    """The JSON answer; 503 (with the reason as `error`) when the server could not be asked."""
    body: dict = {"action": action, "results": [o.as_dict() for o in outcomes]}
    errors = [o.message for o in outcomes if o.outcome == "error"]
    if errors:
        body["error"] = errors[0]
    return body, 503 if errors else 200
