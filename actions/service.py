"""Carry out an action: check it (actions.rules), relay it to the PanDA server as the
user (actions.client), write the audit row of each job or task, return what happened."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import CharField, Value

from actions import rules
from actions.client import ServerUnavailable, call
from actions.models import Action
from actions.rules import Actor, Decision
from jobs.models import LIVE_JOB_MODELS
from pandamon.errors import BadRequest
from pandamon.routers import PANDA_DB
from tasks.models import JediTask

JOB_COLUMNS = ("pandaid", "jobstatus", "produsername", "prodsourcelabel", "vo", "commandtopilot", "jeditaskid")
TASK_COLUMNS = ("jeditaskid", "username", "vo", "status", "prodsourcelabel")
RUNNING_STATES = frozenset({"sent", "starting", "running", "holding", "transferring"})
RETRY_OPTIONS = ("no_child_retry", "discard_events", "disable_staging_mode", "keep_gshare_priority",
                 "ignore_hard_exhausted")
TASK_CODES = {0: "done", 1: "server error", 2: "not found", 3: "permission denied", 4: "wrong task status"}


class LoginNeeded(Exception):
    """The actor has no valid ID token to relay; the message says what to do."""


@dataclass
class Outcome:
    outcome: str  # done, refused, denied, error (see actions.models.Action)
    message: str
    pandaid: int | None = None
    jeditaskid: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def live_jobs(pandaids: list[int]) -> dict[int, dict]:
    """{pandaid: row} of the jobs in the live tables and jobsarchived4: one UNION query."""
    selects = [model.objects.using(PANDA_DB).filter(pandaid__in=pandaids).order_by()
               .values(*JOB_COLUMNS, table=Value(model._meta.db_table.split(".")[-1].strip('"').lower(),
                                                 output_field=CharField()))
               for model in LIVE_JOB_MODELS]
    found: dict[int, dict] = {}
    for row in selects[0].union(*selects[1:], all=True):
        # Mid-move a job can be in two tables: the ended copy is the truth.
        if row["pandaid"] not in found or row["table"] == "jobsarchived4":
            found[row["pandaid"]] = row
    return found


def task_row(jeditaskid: int) -> dict | None:
    return JediTask.objects.using(PANDA_DB).filter(jeditaskid=jeditaskid).values(*TASK_COLUMNS).first()


def _needs_token(actor: Actor) -> str:
    if not actor.id_token:
        raise LoginNeeded("your login has expired or carries no OIDC token (a certificate login cannot act): "
                          "log in again at /accounts/login/")
    return actor.id_token


def _audit(actor: Actor, action: str, decision: Decision, outcome: Outcome, parameters: dict,
           http_status: int | None = None, reply: object = None) -> Action:
    return Action(user=actor.user if getattr(actor.user, "pk", None) else None, username=actor.username,
                  via=actor.via, origin=decision.origin, action=action, pandaid=outcome.pandaid,
                  jeditaskid=outcome.jeditaskid, parameters=parameters, outcome=outcome.outcome,
                  http_status=http_status, reply=reply, message=outcome.message)


def job_action(actor: Actor, verb: str, pandaids: list[int]) -> list[Outcome]:
    """Kill or reassign jobs; one server call per (Origin, code) group of them."""
    if verb not in ("kill", "reassign"):
        raise BadRequest(f"action: '{verb}' is not a job action (kill, reassign)")
    pandaids = list(dict.fromkeys(pandaids))
    if not pandaids:
        raise BadRequest("pandaid: give at least one job")
    if len(pandaids) > settings.PANDAMON_KILL_MAX_JOBS:
        raise BadRequest(f"pandaid: at most {settings.PANDAMON_KILL_MAX_JOBS} jobs at once, got {len(pandaids)}")
    if not settings.PANDA_SERVER_URL:
        raise ServerUnavailable("no PanDA server is configured on this monitor (PANDA_SERVER_URL)")
    id_token = _needs_token(actor)
    jobs = live_jobs(pandaids)
    check = rules.job_kill if verb == "kill" else rules.job_reassign
    audits: list[Action] = []
    outcomes: dict[int, Outcome] = {}
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    decisions: dict[int, Decision] = {}
    for pandaid in pandaids:
        decision = decisions[pandaid] = check(actor, jobs.get(pandaid))
        if decision.allowed:
            groups[(decision.origin, decision.code)].append(pandaid)
        else:
            outcomes[pandaid] = Outcome("denied", decision.why, pandaid=pandaid)
            audits.append(_audit(actor, f"job/{verb}", decision, outcomes[pandaid], {}))
    for (origin, code), ids in groups.items():
        body: dict = {"job_ids": ids}
        if code is not None:
            body["code"] = code
        try:
            reply = call(f"job/{verb}", body, id_token=id_token, origin=origin)
        except ServerUnavailable as error:
            for pandaid in ids:
                outcomes[pandaid] = Outcome("error", str(error), pandaid=pandaid)
                audits.append(_audit(actor, f"job/{verb}", decisions[pandaid], outcomes[pandaid], body))
            continue
        per_job = reply.data if isinstance(reply.data, list) and len(reply.data) == len(ids) else None
        for i, pandaid in enumerate(ids):
            outcomes[pandaid] = _job_outcome(verb, reply, per_job[i] if per_job else None, jobs[pandaid])
            outcomes[pandaid].pandaid = pandaid
            audits.append(_audit(actor, f"job/{verb}", decisions[pandaid], outcomes[pandaid], body,
                                 reply.status, reply.raw))
    Action.objects.bulk_create(audits)
    return [outcomes[pandaid] for pandaid in pandaids]


def _job_outcome(verb: str, reply, accepted: object, job: dict) -> Outcome:
    if not reply.authenticated:
        return Outcome("refused", reply.message)
    if not reply.success:
        return Outcome("refused", reply.message or "the PanDA server refused")
    if verb == "reassign":
        return Outcome("done", "reassign requested: the server moves the job if it has not started")
    if accepted is True:
        if job["jobstatus"] in RUNNING_STATES:
            return Outcome("done", "kill requested: the pilot ends the job at its next heartbeat")
        return Outcome("done", "killed")
    return Outcome("refused", "the PanDA server refused the kill (not the owner, unknown, or already ended)")


def task_action(actor: Actor, verb: str, jeditaskid: int, options: dict) -> Outcome:
    if verb not in ("kill", "finish", "retry", "reassign"):
        raise BadRequest(f"action: '{verb}' is not a task action (kill, finish, retry, reassign)")
    body = {"task_id": jeditaskid, **_task_options(verb, options)}
    if not settings.PANDA_SERVER_URL:
        raise ServerUnavailable("no PanDA server is configured on this monitor (PANDA_SERVER_URL)")
    id_token = _needs_token(actor)
    decision = rules.task_action(actor, task_row(jeditaskid))
    if not decision.allowed:
        outcome = Outcome("denied", decision.why, jeditaskid=jeditaskid)
        _audit(actor, f"task/{verb}", decision, outcome, body).save()
        return outcome
    try:
        reply = call(f"task/{verb}", body, id_token=id_token, origin=decision.origin)
    except ServerUnavailable as error:
        outcome = Outcome("error", str(error), jeditaskid=jeditaskid)
        _audit(actor, f"task/{verb}", decision, outcome, body).save()
        return outcome
    if not reply.authenticated or (not reply.success and not isinstance(reply.data, int)):
        outcome = Outcome("refused", reply.message or "the PanDA server refused", jeditaskid=jeditaskid)
    elif reply.success and (reply.data == 0 or (verb == "reassign" and reply.data is None)):
        # Queued for JEDI, carried out a few minutes later: requested, not done.
        outcome = Outcome("done", f"{verb} requested: {reply.message}".rstrip(": "), jeditaskid=jeditaskid)
    else:
        meaning = TASK_CODES.get(reply.data, f"code {reply.data}") if isinstance(reply.data, int) else reply.data
        outcome = Outcome("refused", f"{meaning}: {reply.message}".rstrip(": "), jeditaskid=jeditaskid)
    _audit(actor, f"task/{verb}", decision, outcome, body, reply.status, reply.raw).save()
    return outcome


def _task_options(verb: str, options: dict) -> dict:
    """The options each task command takes, checked (400 naming the bad one)."""
    def flag(name: str) -> bool:
        value = options.get(name, False)
        if isinstance(value, str):
            if value.lower() not in ("1", "0", "true", "false", "on", "off", ""):
                raise BadRequest(f"{name}: expected true or false, got '{value}'")
            return value.lower() in ("1", "true", "on")
        return bool(value)

    if verb == "retry":
        return {name: True for name in RETRY_OPTIONS if flag(name)}
    if verb == "finish":
        return {"soft": True} if flag("soft") else {}
    if verb == "kill":
        return {}
    targets = {k: str(options[k]).strip() for k in ("site", "cloud", "nucleus") if str(options.get(k) or "").strip()}
    if len(targets) != 1:
        raise BadRequest("site: give exactly one of site, cloud or nucleus to reassign the task to")
    mode = str(options.get("mode") or "kill")
    if mode not in ("kill", "soft", "nokill"):
        raise BadRequest(f"mode: expected kill, soft or nokill, got '{mode}'")
    return {**targets, "mode": mode}


def recent(*, pandaid: int | None = None, jeditaskid: int | None = None, limit: int = 20) -> list[Action]:
    """The audit rows shown on a job's or a task's page, newest first."""
    rows = Action.objects.all()
    rows = rows.filter(pandaid=pandaid) if pandaid is not None else rows.filter(jeditaskid=jeditaskid)
    return list(rows[:limit])
