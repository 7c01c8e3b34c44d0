"""What a job's or a task's page shows of actions: "kill requested", the buttons the
viewer may use, and the audit of what was asked."""

from __future__ import annotations

from django import template
from django.conf import settings

from actions import rules, service
from actions.actors import page_actor

register = template.Library()


@register.inclusion_tag("actions/_job.html", takes_context=True)
def job_actions(context, job: dict) -> dict:
    request = context["request"]
    actor = page_actor(request) if settings.PANDA_SERVER_URL else None
    buttons = []
    if actor is not None:
        for verb, check in (("kill", rules.job_kill), ("reassign", rules.job_reassign)):
            if check(actor, job).allowed:
                buttons.append(verb)
    ended = job.get("jobstatus") in rules.ENDED_JOB_STATES
    return {"job": job, "buttons": buttons, "kill_requested": job.get("commandtopilot") == "tobekilled" and not ended,
            "audit": service.recent(pandaid=job["pandaid"])}


@register.inclusion_tag("actions/_task.html", takes_context=True)
def task_actions(context, taskid: int, task: dict | None) -> dict:
    request = context["request"]
    actor = page_actor(request) if settings.PANDA_SERVER_URL else None
    allowed = actor is not None and rules.task_action(actor, task).allowed
    return {"taskid": taskid, "buttons": ("kill", "finish", "retry", "reassign") if allowed else (),
            "audit": service.recent(jeditaskid=taskid)}


@register.inclusion_tag("actions/_selection.html", takes_context=True)
def kill_selection(context, table) -> dict:
    """On a job list: a kill of the listed jobs the viewer may kill (those rows only,
    at most PANDAMON_KILL_MAX_JOBS), through the confirmation page."""
    request = context["request"]
    actor = page_actor(request) if settings.PANDA_SERVER_URL else None
    if actor is None:
        return {"pandaids": []}
    mine = [row["pandaid"] for row in table.data if rules.job_kill(actor, row).allowed]
    return {"pandaids": mine[:settings.PANDAMON_KILL_MAX_JOBS], "more": len(mine) > settings.PANDAMON_KILL_MAX_JOBS}
