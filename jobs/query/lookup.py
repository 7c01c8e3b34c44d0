"""One job and everything that hangs off it, in a constant number of queries.

`find_job` reads every job table in ONE UNION ALL query, each branch tagged with
its table's name and rank; the live copy wins over the archive's (a job sits in
both jobsarchived4 and the archive for ~2 days). The related rows — files,
parameters, state history, pilot log extracts, retries, jobs of the same task
and jobset — are one query each (the related-counts one is one per table),
whatever the number of files, states or attempts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from jobs.models import JOB_COLUMNS, Filestable4, Jobparamstable, JobsStatuslog, Pandalog
from jobs.query.jobs import JobQuery
from jobs.query.tables import Source, select_sources
from jobs.states import JOB_STATES
from pandamon import window as windows
from pandamon.params import Params
from pandamon.routers import PANDA_DB

FILE_COLUMNS = ("row_id", "lfn", "type", "dataset", "scope", "fsize", "status", "guid", "checksum", "md5sum",
                "proddblock", "dispatchdblock", "destinationdblock", "destinationse", "attemptnr", "datasetid",
                "fileid")
RETRY_COLUMNS = ("pandaid", "parentid", "attemptnr", "jobstatus", "computingsite", "modificationtime", "jobname",
                 "jeditaskid")
# Pilot and server log lines are searched in a window around the job's life:
# pandalog is partitioned by bintime, and the message scan must stay bounded.
PANDALOG_MARGIN = dt.timedelta(hours=1)
PANDALOG_LIMIT = 200
JOBNAME_MATCHES_LIMIT = 50


def _union(sources: Sequence[Source], where: Q, columns: Iterable[str], using: str):
    """One UNION ALL over the sources' rows matching `where`, each row tagged
    with `table` (the source's name) and `_rank` (its position: live first)."""
    columns = tuple(columns)
    parts = [
        source.model.objects.using(using).filter(where).order_by().values(
            *columns,
            table=Value(source.name, output_field=CharField()),
            _rank=Value(rank, output_field=IntegerField()),
        )
        for rank, source in enumerate(sources)
    ]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _first_copy(rows: Iterable[dict]) -> list[dict]:
    """One row per pandaid: the copy from the highest-ranked (live-most) table."""
    best: dict[int, dict] = {}
    for row in rows:
        kept = best.get(row["pandaid"])
        if kept is None or row["_rank"] < kept["_rank"]:
            best[row["pandaid"]] = row
    for row in best.values():
        row.pop("_rank", None)
    return list(best.values())


def all_sources(now: dt.datetime | None = None) -> list[Source]:
    """Every job table, live first (a lookup by id has no window)."""
    return select_sources(None, None, now=now or windows.now())


def find_job(*, pandaid: int | None = None, jobname: str | None = None, using: str = PANDA_DB,
             now: dt.datetime | None = None) -> tuple[dict | None, list[dict]]:
    """The job with this pandaid, or the latest attempt named `jobname`, as a
    dict of every column plus `table`; and, for a name, the other jobs of that
    name (pandaid, jobstatus, attemptnr, table). One query."""
    if (pandaid is None) == (jobname is None):
        raise ValueError("find_job takes exactly one of pandaid or jobname")
    where = Q(pandaid=pandaid) if pandaid is not None else Q(jobname=jobname)
    union = _union(all_sources(now), where, JOB_COLUMNS, using)
    if jobname is not None:
        union = union.order_by("-pandaid")[: JOBNAME_MATCHES_LIMIT * 2]
    rows = sorted(_first_copy(union), key=lambda r: -r["pandaid"])
    if not rows:
        return None, []
    others = [{k: r[k] for k in ("pandaid", "jobstatus", "attemptnr", "table")} for r in rows[1:]]
    return rows[0], others[:JOBNAME_MATCHES_LIMIT]


def job_files(pandaid: int, using: str = PANDA_DB) -> list[dict]:
    """The job's files: inputs first, then outputs, then the log."""
    order = Case(When(type="input", then=0), When(type="output", then=1), When(type="log", then=2), default=3,
                 output_field=IntegerField())
    qs = Filestable4.objects.using(using).filter(pandaid=pandaid).annotate(_order=order)
    return list(qs.order_by("_order", "lfn").values(*FILE_COLUMNS))


def dataset_summary(files: Sequence[dict]) -> list[dict]:
    """Files grouped by dataset (the contract's `dsfiles`); computed from the
    rows already read, so no extra query."""
    groups: dict[tuple, dict] = {}
    for f in files:
        key = (f["type"], f["dataset"])
        entry = groups.setdefault(key, {"dataset": f["dataset"], "scope": f["scope"], "type": f["type"],
                                        "nfiles": 0, "fsize": 0})
        entry["nfiles"] += 1
        entry["fsize"] += f["fsize"] or 0
    return list(groups.values())


def job_parameters(pandaid: int, using: str = PANDA_DB) -> str | None:
    """The payload's command-line arguments (jobparamstable; the job row's own
    jobparameters column is vestigial)."""
    row = Jobparamstable.objects.using(using).filter(pandaid=pandaid).order_by("-modificationtime")
    return row.values_list("jobparameters", flat=True).first()


def job_span(job: dict) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the job's life with a margin: every row PanDA writes about the
    job (state history, pilot log lines) carries a time inside it."""
    times = [t for t in (job.get("creationtime"), job.get("starttime"), job.get("endtime"),
                         job.get("statechangetime"), job["modificationtime"]) if t is not None]
    return min(times) - PANDALOG_MARGIN, max(times) + PANDALOG_MARGIN


def status_history(job: dict, using: str = PANDA_DB) -> list[dict]:
    """The job's state transitions from jobs_statuslog, oldest first, ending in
    its current state: the job row is the truth, and when the log has not caught
    up with the last transition, that transition is taken from the row."""
    # The job's own span bounds the daily partitions read (PanDA keeps ~90).
    start, end = job_span(job)
    qs = JobsStatuslog.objects.using(using).filter(
        pandaid=job["pandaid"], modificationtime__gte=start, modificationtime__lt=end)
    # modiftime_extended is nullable: order by it where set, else by modificationtime,
    # then by the state's place in the lifecycle, so the order is total and stable.
    rank = Case(*(When(jobstatus=state, then=Value(i)) for i, state in enumerate(JOB_STATES)),
                default=Value(len(JOB_STATES)), output_field=IntegerField())
    history = list(qs.order_by(Coalesce("modiftime_extended", "modificationtime"), "modificationtime", rank)
                   .values("jobstatus", "modificationtime", "modificationhost", "computingsite"))
    if not history or history[-1]["jobstatus"] != job["jobstatus"]:
        history.append({
            "jobstatus": job["jobstatus"],
            "modificationtime": job.get("statechangetime") or job["modificationtime"],
            "modificationhost": job.get("modificationhost"),
            "computingsite": job.get("computingsite"),
        })
    return history


def pandalog_extracts(job: dict, *, using: str = PANDA_DB) -> list[dict]:
    """Server and pilot log lines that name the job, within its lifetime (±1 h).

    The bintime range prunes pandalog's daily partitions and uses its
    (bintime, type) index; only those rows are scanned for the pandaid.
    """
    start, end = job_span(job)
    qs = Pandalog.objects.using(using).filter(
        bintime__gte=start, bintime__lt=end, message__contains=str(job["pandaid"]))
    return list(qs.order_by("bintime", "time")[:PANDALOG_LIMIT].values(
        "bintime", "name", "type", "levelname", "filename", "line", "message"))


def retry_chain(job: dict, *, using: str = PANDA_DB, now: dt.datetime | None = None) -> list[dict]:
    """Every attempt of the job, first to last: its ancestors via parentid and
    its descendants (retries of retries), each once, with `table`.

    Retries keep the job's jeditaskid, which bounds the search to one task (an
    index on every job table): one query reads every retried job of the task,
    a second the chain's first attempt (it has no parentid, so the first query
    cannot see it). Old jobs without a jeditaskid: one query for the direct
    parent and children.
    """
    sources = all_sources(now)
    taskid = job.get("jeditaskid")
    if taskid is None:
        where = Q(parentid=job["pandaid"])
        if job.get("parentid"):
            where |= Q(pandaid=job["parentid"])
        rows = _first_copy(_union(sources, where, RETRY_COLUMNS, using))
        return sorted([*rows, _retry_row(job)], key=lambda r: (r["attemptnr"], r["pandaid"]))

    retried = {r["pandaid"]: r for r in _first_copy(
        _union(sources, Q(jeditaskid=taskid, parentid__isnull=False), RETRY_COLUMNS, using))}
    retried[job["pandaid"]] = _retry_row(job)
    children: dict[int, list[int]] = {}
    for row in retried.values():
        if row["parentid"]:
            children.setdefault(row["parentid"], []).append(row["pandaid"])

    chain = {job["pandaid"]}
    root = job["pandaid"]  # walk up to the first attempt
    while (parent := retried.get(root, {}).get("parentid")) and parent not in chain:
        chain.add(parent)
        root = parent
    todo = [job["pandaid"]]  # and down through every retry
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in chain:
                chain.add(child)
                todo.append(child)

    missing = [p for p in chain if p not in retried]  # the first attempt (parentid NULL)
    if missing:
        for row in _first_copy(_union(sources, Q(pandaid__in=missing), RETRY_COLUMNS, using)):
            retried[row["pandaid"]] = row
    rows = [retried[p] for p in chain if p in retried]
    return sorted(rows, key=lambda r: (r["attemptnr"], r["pandaid"]))


def _retry_row(job: dict) -> dict:
    return {k: job.get(k) for k in (*RETRY_COLUMNS, "table")}


def related_counts(job: dict, *, using: str = PANDA_DB) -> dict:
    """Jobs by state in the job's task and in its jobset (a jobset id is per
    user). One grouped query per job table, each job counted once."""
    taskid, jobsetid = job.get("jeditaskid"), job.get("jobsetid")
    in_task = Q(jeditaskid=taskid) if taskid is not None else None
    in_jobset = Q(jobsetid=jobsetid, produsername=job.get("produsername")) if jobsetid is not None else None
    where = [q for q in (in_task, in_jobset) if q is not None]
    out = {"task": {}, "jobset": {}}
    if not where:
        return out
    extra = where[0] | where[1] if len(where) == 2 else where[0]
    query = JobQuery(Params(), using=using, extra=extra)
    marks = {
        name: Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())
        for name, q in (("_task", in_task), ("_jobset", in_jobset)) if q is not None
    }
    for key, n in query.counts_by("jobstatus", **marks).items():
        state, *flags = key if isinstance(key, tuple) else (key,)
        for name, flag in zip(marks, flags, strict=True):
            if flag:
                states = out[name.lstrip("_")]
                states[state] = states.get(state, 0) + n
    return out
