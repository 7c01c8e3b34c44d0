"""/tasks/ and /task/<id>/: tasks, their jobs by state, errors and progress."""

from __future__ import annotations

import dataclasses

from jobs.diagnosis import errorinfo
from pandamon.errors import BadRequest, NotFound
from pandamon.pages import link, page
from pandamon.params import Params, parse_int
from pandamon.params.names import WINDOW_PARAMS
from pandamon.responses import wants_json
from tasks import detail, filters, progress, queries

MAX_TASKID = 10**12


@page("tasks/tasks.html", extra=filters.EXTRA, cached=True)
def task_list(request, params: Params) -> dict:
    if filters.leading_wildcard(params) and not WINDOW_PARAMS & set(params.raw):
        # A name that starts with * cannot use the name index: only a window the user chose bounds it.
        raise BadRequest("taskname starting with * scans every task in the window: give the window explicitly "
                         "(days=, hours= or date_from=), or start the name with its first characters")
    limit = params.limit if wants_json(request) else params.display_limit
    tasks, truncated = queries.task_list(params, limit)
    for task in tasks:
        task["url"] = f"/task/{task['jeditaskid']}/"
    jedi = queries.has_jedi_tasks()
    # The summary is computed for the HTML, and for JSON when outputs= asks for it (pandamon's object form:
    # `tasks`, `truncated`, `summary`; the default JSON is BigPanDA's list).
    summary = queries.summary(params) if jedi and (not wants_json(request) or "summary" in (params.outputs or ())) \
        else {}
    data = {"_json": tasks, "_tasks": tasks, "_truncated": truncated, "_limit": limit,
            "_source": "jedi_tasks" if jedi else "jobs", "_summary": summary}
    if wants_json(request) and params.outputs:
        data.update(tasks=tasks, truncated=truncated,
                    summary={column: [{"name": value, "count": n} for value, n in counts]
                             for column, counts in summary.items()})
    return data


@page("tasks/task.html", window_required=False)
def task_page(request, params: Params, taskid: str) -> dict:
    tid = parse_int("task id", taskid, 1, MAX_TASKID)
    query, column = queries.task_query(tid, params)
    states = dict(query.counts_by("jobstatus"))
    # Attempt-aware: each input's last attempt only (the attempts a retry replaced are dropped).
    last_states = dict(queries.task_query(tid, dataclasses.replace(params, mode="drop"))[0].counts_by("jobstatus")) \
        if column == "jeditaskid" and queries.has_retry_history() else None
    task = queries.task_row(tid, states, column)
    if task is None:
        raise NotFound(f"no task {tid}: not in jedi_tasks and no job has it as jeditaskid or taskid")
    limit = params.limit if wants_json(request) else params.display_limit
    jobs = query.page(limit=limit)
    for row in jobs.rows:
        row.pop("_sortkey", None)
        row["errorinfo"] = errorinfo(row)
    params_dict, params_text = detail.taskparams(tid)
    if task.get("source") == "jedi_tasks":
        queries.bigpanda_keys(task)
        task["dsinfo"] = progress.dsinfo_by_task([tid])[tid]
        task.update(task["dsinfo"])
    return {
        "task": task,
        "taskparams": params_dict,
        "datasets": detail.datasets(tid),
        "statuslog": detail.statuslog(tid),
        "failedfiles": detail.failed_files(tid),
        **(detail.related_tasks(task) if task.get("source") == "jedi_tasks" else {"parent": None, "children": []}),
        "states": states,
        "states_lastattempt": last_states,
        "jobs": jobs.rows,
        "truncated": jobs.truncated,
        "errsByCount": queries.error_summary(query),
        "progress": queries.progress_over_time(query, task),
        "_jobs_link": link("/jobs/", **{column: tid}),
        "_failed_link": link("/jobs/", jobstatus="failed", **{column: tid}),
        "_errors_link": link("/errors/", **{column: tid}),
        "_column": column,
        "_taskid": tid,
        "_taskparams_text": params_text,
    }
