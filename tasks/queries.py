"""Tasks: from JEDI's jedi_tasks where PanDA has it, else built from the jobs.

Older and smaller PanDA deployments have no JEDI: their tasks exist only as
the jobs' jeditaskid (or prodsys taskid). Which case applies is found by
introspection once and cached; every count comes from the job query layer, so
the archive and the fast-buffer overlap are handled as on every other page.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDay, TruncHour

from jobs.query import JobQuery
from jobs.query.errors import errs_by_count
from jobs.query.tables import ENDED_STATES
from pandamon import introspection, window
from pandamon.params import Params
from pandamon.routers import PANDA_DB
from tasks import filters, progress
from tasks.models import JediJobRetryHistory, JediTask

TASK_COLUMNS = (
    "jeditaskid", "taskname", "status", "superstatus", "username", "vo", "prodsourcelabel", "tasktype",
    "processingtype", "workinggroup", "campaign", "gshare", "creationdate", "starttime", "endtime",
    "modificationtime", "statechangetime", "progress", "failurerate", "taskpriority", "currentpriority",
    "corecount", "ramcount", "ramunit", "walltime", "walltimeunit", "cloud", "site", "nucleus", "reqid",
    "parent_tid", "attemptnr", "errordialog", "container_name", "architecture", "transuses", "transpath",
    "transhome", "oldstatus", "frozentime", "lockedby", "lockedtime", "termcondition", "splitrule", "outdiskcount",
    "outdiskunit", "workdiskcount", "workdiskunit", "iointensity", "iointensityunit", "workqueue_id",
    "countrygroup", "eventservice", "ticketid", "ticketsystemtype", "cputime", "cputimeunit", "basewalltime",
    "cpuefficiency", "ttcrequested", "ttcpredicted", "ttcpredictiondate", "rescuetime", "requesttype",
    "resource_type", "usejumbo", "diskio", "diskiounit", "memory_leak_core", "memory_leak_x2", "framework",
)
LIVE_STATES = frozenset({"pending", "defined", "assigned", "waiting", "activated", "throttled", "sent", "starting",
                         "running", "holding", "merging", "transferring"})

def has_jedi_tasks(using: str = PANDA_DB) -> bool:
    """Whether PanDA's database has jedi_tasks in the configured schema (pandamon.introspection)."""
    return introspection.has_table(JediTask, using)


def has_retry_history(using: str = PANDA_DB) -> bool:
    """Whether mode=drop can tell the attempts a retry replaced (jedi_job_retry_history)."""
    return introspection.has_table(JediJobRetryHistory, using)


def derived_status(states: Counter | dict) -> str:
    """A JEDI-like task status from its jobs' states (tasks without jedi_tasks)."""
    total = sum(states.values())
    if not total:
        return "registered"
    if any(states.get(s) for s in LIVE_STATES):
        if all(s in ("pending", "defined", "assigned", "waiting") for s, n in states.items() if n):
            return "ready"
        return "running"
    if states.get("finished", 0) == total:
        return "done"
    if states.get("finished"):
        return "finished"
    if states.get("cancelled", 0) == total:
        return "aborted"
    return "failed"


def _states_by_task(ids: list[int], column: str = "jeditaskid", using: str = PANDA_DB) -> dict[int, dict]:
    """Jobs by state of each task, over every table and all time."""
    if not ids:
        return {}
    counts = JobQuery(Params(), using=using, extra=Q(**{f"{column}__in": ids})).counts_by(column, "jobstatus")
    out: dict[int, dict] = {}
    for (task, state), n in counts.items():
        out.setdefault(task, {})[state] = n
    return out


# --- the list ------------------------------------------------------------------


def task_list(params: Params, limit: int, using: str = PANDA_DB) -> tuple[list[dict], bool]:
    """Tasks active in the window, latest first, each with its jobs by state;
    and whether the list was cut at `limit`."""
    if has_jedi_tasks(using):
        return _jedi_list(params, limit, using)
    return _derived_list(params, limit, using)


def _jedi_list(params: Params, limit: int, using: str) -> tuple[list[dict], bool]:
    qs = filters.selected(params, using)
    rows = list(qs.order_by(*filters.ordering(params)).values(*TASK_COLUMNS)[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    ids = [r["jeditaskid"] for r in rows]
    states = _states_by_task(ids, using=using)
    infos = progress.dsinfo_by_task(ids, using)  # one grouped query for the page
    datasets = progress.datasets_by_task(ids, using) if params.extra.get("datasets") else {}
    for row in rows:
        row["states"] = states.get(row["jeditaskid"], {})
        row["njobs"] = sum(row["states"].values())
        bigpanda_keys(row)
        row["dsinfo"] = infos[row["jeditaskid"]]
        row.update(row["dsinfo"])  # BigPanDA copies dsinfo's keys onto the row too
        row["datasets"] = datasets.get(row["jeditaskid"], [])
    return rows, truncated


def bigpanda_keys(row: dict) -> None:
    """The keys BigPanDA derives on a task row (panda-schema-jedi.md §4.4), with its meanings."""
    reqid = row.get("reqid")
    analysis = (row.get("tasktype") or "").startswith("anal")
    if reqid and 100 < reqid < 100000 and reqid != 300 and not analysis:
        row["deftreqid"] = reqid
    campaign = row.get("campaign")
    row["campaign_cut"] = campaign.split(":", 1)[1] if campaign and ":" in campaign else campaign
    row["owner"] = row.get("workinggroup") or row.get("username")
    group = row.get("workinggroup") or ""
    if analysis:
        row["category"] = "group analysis" if group else "user analysis"
    else:
        row["category"] = "group production" if group.startswith("GP_") else "production"
    row["resourcetype"] = row.get("resource_type")
    row["resquetime"] = row.get("rescuetime")
    row["memoryleakcore"], row["memoryleakx2"] = row.get("memory_leak_core"), row.get("memory_leak_x2")
    row["eventservice"] = "eventservice" if row.get("eventservice") == 1 else "ordinary"
    row["corecount"] = row.get("corecount") or 1
    if row.get("transpath"):
        row["transpath"] = row["transpath"].rstrip("/").rsplit("/", 1)[-1]
    if row.get("statechangetime") is None:
        row["statechangetime"] = row.get("modificationtime")
    now = window.now().replace(tzinfo=None)
    created, ended = row.get("creationdate"), row.get("endtime")
    if created is not None:
        row["age"] = round((now - _naive(created)).total_seconds() / 86400, 2)
        final = row.get("status") in ("broken", "aborted", "done", "finished", "failed") and ended is not None
        stop = _naive(ended) if final else now
        row["duration_days"] = round((stop - _naive(created)).total_seconds() / 86400, 2)


def _naive(t):
    return t.replace(tzinfo=None) if getattr(t, "tzinfo", None) else t


def summary(params: Params, using: str = PANDA_DB) -> dict[str, list[tuple]]:
    """The whole selection (not the page) counted by status, superstatus, type and user: one GROUP BY each."""
    if not has_jedi_tasks(using):
        return {}
    qs = filters.selected(params, using)
    out = {}
    for column in ("status", "superstatus", "tasktype", "username"):
        counted = qs.values(column).order_by().annotate(n=Count("*"))
        out[column] = sorted(((r[column], r["n"]) for r in counted), key=lambda t: (-t[1], str(t[0])))
    return out


def _derived_list(params: Params, limit: int, using: str) -> tuple[list[dict], bool]:
    """Tasks as the jobs of the window know them: one grouped query per table."""
    query = JobQuery(params, using=using, extra=Q(jeditaskid__isnull=False))
    tasks: dict[int, dict] = {}
    for _, qs in query.querysets():
        rows = qs.values("jeditaskid").annotate(
            _n=Count("*"), _created=Min("creationtime"), _modified=Max("modificationtime"),
            _user=Max("produsername"), _vo=Max("vo"), _label=Max("prodsourcelabel"),
            _type=Max("processingtype"), _name=Min("jobname"),
        ).order_by()
        for row in rows:
            task = tasks.setdefault(row["jeditaskid"], {
                "jeditaskid": row["jeditaskid"], "taskname": _taskname(row["_name"]), "username": row["_user"],
                "vo": row["_vo"], "prodsourcelabel": row["_label"], "processingtype": row["_type"],
                "creationdate": row["_created"], "modificationtime": row["_modified"],
            })
            task["creationdate"] = min(task["creationdate"], row["_created"])
            task["modificationtime"] = max(task["modificationtime"], row["_modified"])
    ordered = sorted(tasks.values(), key=lambda t: (t["modificationtime"], t["jeditaskid"]), reverse=True)
    states = _states_by_task([t["jeditaskid"] for t in ordered[: limit * 4]], using=using)
    out = []
    for task in ordered:
        task["states"] = states.get(task["jeditaskid"], {})
        task["njobs"] = sum(task["states"].values())
        task["status"] = derived_status(task["states"])
        _progress(task)
        # A derived status is known only now, so the status filter applies here.
        if "status" in params.extra and task["status"] not in params.extra["status"].values:
            continue
        out.append(task)
        if len(out) > limit:
            break
    return out[:limit], len(out) > limit


def _taskname(jobname: str | None) -> str | None:
    """Production job names are "<taskname>.<number>": the task's name without it."""
    if not jobname:
        return None
    head, _, tail = jobname.rpartition(".")
    return head if head and tail.isdigit() else jobname


def _progress(task: dict) -> None:
    states = task["states"]
    total = sum(states.values())
    ended = sum(n for s, n in states.items() if s in ENDED_STATES)
    failed = states.get("failed", 0)
    task["progress"] = int(100 * ended / total) if total else 0
    task["failurerate"] = int(100 * failed / ended) if ended else 0


# --- one task --------------------------------------------------------------------


def task_query(taskid: int, params: Params, using: str = PANDA_DB) -> tuple[JobQuery, str]:
    """The jobs of a task: by jeditaskid, or by the old prodsys taskid when no
    job has that jeditaskid."""
    query = JobQuery(params, using=using, extra=Q(jeditaskid=taskid))
    if query.count() or (has_jedi_tasks(using) and JediTask.objects.using(using).filter(jeditaskid=taskid).exists()):
        return query, "jeditaskid"
    return JobQuery(params, using=using, extra=Q(taskid=taskid)), "taskid"


def task_row(taskid: int, states: dict, column: str, using: str = PANDA_DB) -> dict | None:
    """jedi_tasks' row, or one built from the jobs; None if neither knows the task."""
    if column == "jeditaskid" and has_jedi_tasks(using):
        row = JediTask.objects.using(using).filter(jeditaskid=taskid).values(*TASK_COLUMNS).first()
        if row is not None:
            row["source"] = "jedi_tasks"
            return row
    if not states:
        return None
    query = JobQuery(Params(), using=using, extra=Q(**{column: taskid}))
    agg: dict = {}
    for _, qs in query.querysets():
        found = qs.aggregate(created=Min("creationtime"), modified=Max("modificationtime"),
                             user=Max("produsername"), vo=Max("vo"), label=Max("prodsourcelabel"),
                             ptype=Max("processingtype"), name=Min("jobname"))
        for key, value in found.items():
            if value is None:
                continue
            if key == "created":
                agg[key] = min(agg.get(key, value), value)
            elif key == "modified":
                agg[key] = max(agg.get(key, value), value)
            else:
                agg.setdefault(key, value)
    row = {"jeditaskid": taskid if column == "jeditaskid" else None, "taskid": taskid if column == "taskid" else None,
           "taskname": _taskname(agg.get("name")), "status": derived_status(states), "username": agg.get("user"),
           "vo": agg.get("vo"), "prodsourcelabel": agg.get("label"), "processingtype": agg.get("ptype"),
           "creationdate": agg.get("created"), "modificationtime": agg.get("modified"), "states": states,
           "source": "jobs"}
    _progress(row)
    return row


def error_summary(query: JobQuery) -> list[dict]:
    """The task's errors as errsByCount items (BigPanDA's shape, as on /errors/)."""
    return errs_by_count(query)


def progress_over_time(query: JobQuery, task: dict) -> list[dict]:
    """Jobs ending per hour (per day for tasks longer than two weeks), by final
    state, with the running total of ended jobs; and the events the finished jobs
    processed (their nevents) in each bucket, with its running total. Grouped in
    the database: one query per table for the jobs, one for the events."""
    span = None
    if task.get("creationdate") and task.get("modificationtime"):
        span = task["modificationtime"] - task["creationdate"]
    bucket = TruncDay if span is not None and span.days > 14 else TruncHour
    counts = query.counts_by("jobstatus", t=bucket("modificationtime"),
                             extra=Q(jobstatus__in=sorted(ENDED_STATES)))
    events: Counter = Counter()
    for _, qs in query.querysets(Q(jobstatus="finished")):
        for row in qs.annotate(t=bucket("modificationtime")).values("t").annotate(n=Sum("nevents")).order_by():
            events[row["t"]] += row["n"] or 0
    by_time: dict = {}
    for (state, t), n in counts.items():
        by_time.setdefault(t, Counter())[state] += n
    out, total, events_total = [], 0, 0
    for t in sorted(by_time):
        row = {"time": t, **{s: by_time[t].get(s, 0) for s in sorted(ENDED_STATES)}}
        total += sum(by_time[t].values())
        events_total += events.get(t, 0)
        row.update(ended_total=total, events_finished=events.get(t, 0), events_total=events_total)
        out.append(row)
    return out
