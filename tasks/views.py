"""/tasks/ and /task/<id>/: tasks, their jobs by state, errors and progress."""

from __future__ import annotations

from jobs.diagnosis import errorinfo
from pandamon.errors import BadRequest, NotFound
from pandamon.pages import link, page
from pandamon.params import Params, parse_int
from pandamon.responses import wants_json
from tasks import queries

MAX_TASKID = 10**12


def parse_status(name: str, value: str) -> tuple[str, ...]:
    states = tuple(s.strip() for s in value.replace("|", ",").split(",") if s.strip())
    if not states or any(not s.isalnum() for s in states):
        raise BadRequest("status takes task states separated by | or , (e.g. running|failed)")
    return states


@page("tasks/tasks.html", extra={"status": parse_status})
def task_list(request, params: Params) -> dict:
    limit = params.limit if wants_json(request) else params.display_limit
    tasks, truncated = queries.task_list(params, limit)
    for task in tasks:
        task["url"] = f"/task/{task['jeditaskid']}/"
    return {"_json": tasks, "_tasks": tasks, "_truncated": truncated, "_limit": limit,
            "_source": "jedi_tasks" if queries.has_jedi_tasks() else "jobs"}


@page("tasks/task.html", window_required=False)
def task_page(request, params: Params, taskid: str) -> dict:
    tid = parse_int("task id", taskid, 1, MAX_TASKID)
    query, column = queries.task_query(tid, params)
    states = dict(query.counts_by("jobstatus"))
    task = queries.task_row(tid, states, column)
    if task is None:
        raise NotFound(f"no task {tid}: not in jedi_tasks and no job has it as jeditaskid or taskid")
    limit = params.limit if wants_json(request) else params.display_limit
    jobs = query.page(limit=limit)
    for row in jobs.rows:
        row.pop("_sortkey", None)
        row["errorinfo"] = errorinfo(row)
    return {
        "task": task,
        "states": states,
        "jobs": jobs.rows,
        "truncated": jobs.truncated,
        "errsByCount": queries.error_summary(query),
        "progress": queries.progress_over_time(query, task),
        "_jobs_link": link("/jobs/", **{column: tid}),
        "_failed_link": link("/jobs/", jobstatus="failed", **{column: tid}),
        "_errors_link": link("/errors/", **{column: tid}),
        "_column": column,
        "_taskid": tid,
    }
