"""Who may do what, checked by the monitor before it asks the PanDA server — the
server does not check ownership for reassign at all, and refuses an analysis job's
kill by a shifter silently unless it carries a code (reference: panda-server.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.groups import origin

ANALYSIS_LABELS = frozenset({"user", "panda"})
# The code a shifter's or an admin's kill of someone else's analysis job carries
# ("killed by a shifter/admin"); the server accepts such kills only with a code.
SHIFTER_KILL_CODE = 91
SHIFTER_CODES = frozenset({2, 4, 7, 8, 9, 10, 50, 51, 52, 91, 99})
ENDED_JOB_STATES = frozenset({"finished", "failed", "cancelled", "closed", "merging"})
# Only jobs not yet at a site can be reassigned (the server ignores the others).
REASSIGNABLE_STATES = frozenset({"defined", "waiting", "assigned", "activated", "pending"})


@dataclass(frozen=True)
class Actor:
    """Someone acting: their name in PanDA, VOs and production roles, and the ID
    token relayed to the server (None: they must log in again)."""

    username: str
    produsername: str
    vos: tuple[str, ...]
    production_vos: tuple[str, ...]
    id_token: str | None
    via: str  # "session", "api-token", "id-token"
    user: object = field(default=None, compare=False)

    def has_production(self, vo: str | None) -> bool:
        return bool(vo) and vo.lower() in self.production_vos


@dataclass(frozen=True)
class Decision:
    allowed: bool
    why: str = ""
    origin: str = ""
    code: int | None = None


def _vo_of(row: dict, actor: Actor) -> str:
    return (row.get("vo") or (actor.vos[0] if actor.vos else "")).lower()


def job_kill(actor: Actor, job: dict | None) -> Decision:
    if job is None:
        return Decision(False, "no such job in PanDA's job tables")
    if job["jobstatus"] in ENDED_JOB_STATES or job.get("table") == "jobsarchived4":
        return Decision(False, f"the job has already ended ({job['jobstatus']})")
    return _job_owner_or_role(actor, job, kill=True)


def job_reassign(actor: Actor, job: dict | None) -> Decision:
    if job is None:
        return Decision(False, "no such job in PanDA's job tables")
    if job["jobstatus"] not in REASSIGNABLE_STATES or job.get("table") == "jobsarchived4":
        return Decision(False, f"only a job not yet running can be reassigned (this one is {job['jobstatus']})")
    return _job_owner_or_role(actor, job, kill=False)


def _job_owner_or_role(actor: Actor, job: dict, *, kill: bool) -> Decision:
    vo = _vo_of(job, actor)
    if job.get("produsername") and job["produsername"] == actor.produsername:
        return Decision(True, "owner", origin=origin(vo, False))
    if actor.has_production(vo):
        analysis = (job.get("prodsourcelabel") or "") in ANALYSIS_LABELS
        code = SHIFTER_KILL_CODE if kill and analysis else None
        return Decision(True, "production role", origin=origin(vo, True), code=code)
    return Decision(False, f"not your job (it is {job.get('produsername') or 'nobody'}'s) and no production "
                           f"role in {vo or 'its VO'}")


def task_action(actor: Actor, task: dict | None) -> Decision:
    if task is None:
        return Decision(False, "no such task in JEDI's tasks")
    vo = _vo_of(task, actor)
    if task.get("username") and task["username"] == actor.produsername:
        return Decision(True, "owner", origin=origin(vo, False))
    if actor.has_production(vo):
        return Decision(True, "production role", origin=origin(vo, True))
    return Decision(False, f"not your task (it is {task.get('username') or 'nobody'}'s) and no production role "
                           f"in {vo or 'its VO'}")
