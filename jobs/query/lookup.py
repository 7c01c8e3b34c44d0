"""One job and everything that hangs off it, in a constant number of queries.

`find_job` reads every job table in ONE UNION ALL query, each branch tagged with
its table's name and rank; the live copy wins over the archive's (a job sits in
both jobsarchived4 and the archive for ~2 days). The related rows — files,
parameters, metadata, debug stdout, state history, pilot log extracts, retries,
jobs of the same task and jobset — are one query each (the related-counts one is
one per table), whatever the number of files, states or attempts.

Files, parameters and metadata are read from the live companion table and its
archive copy (filestable4 / filestable_arch, jobparamstable / jobparamstable_arch,
metatable / metatable_arch) in one UNION ALL, the live table's rows winning: PanDA
moves them to the archive after its retention. A companion absent from the
database (older layouts) is left out of the query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Case, CharField, IntegerField, Model, Q, Value, When
from django.db.models.functions import Coalesce

from jobs.models import (
    JOB_COLUMNS,
    LIVE_COMPANION_TIME,
    Filestable4,
    FilestableArch,
    Jobparamstable,
    JobparamstableArch,
    Jobsdebug,
    JobsStatuslog,
    Metatable,
    MetatableArch,
    Pandalog,
)
from jobs.query.jobs import JobQuery
from jobs.query.tables import Source, select_sources
from jobs.states import JOB_STATES
from pandamon import introspection
from pandamon import window as windows
from pandamon.params import Params
from pandamon.routers import PANDA_DB

# Every column filestable4 and filestable_arch share (BigPanDA's /job/ files carry them all).
FILE_COLUMNS = ("row_id", "pandaid", "modificationtime", "guid", "lfn", "type", "dataset", "status", "proddblock",
                "proddblocktoken", "dispatchdblock", "dispatchdblocktoken", "destinationdblock",
                "destinationdblocktoken", "destinationse", "fsize", "md5sum", "checksum", "scope", "jeditaskid",
                "datasetid", "fileid", "attemptnr")
RETRY_COLUMNS = ("pandaid", "parentid", "attemptnr", "jobstatus", "computingsite", "modificationtime", "jobname",
                 "jeditaskid")
# Pilot and server log lines are searched in a window around the job's life:
# pandalog is partitioned by bintime, and the message scan must stay bounded.
PANDALOG_MARGIN = dt.timedelta(hours=1)
PANDALOG_LIMIT = 200
JOBNAME_MATCHES_LIMIT = 50
# Tables whose jobs PanDA has not archived yet: their companion rows still sit at
# LIVE_COMPANION_TIME (1970-01-01).
LIVE_TABLES = frozenset({"jobsdefined4", "jobswaiting4", "jobsactive4"})
FILE_ORDER = {"input": 0, "output": 1, "log": 2}
# Companions every PanDA layout has (the system check names them when missing);
# the others are looked up in the catalogue (cached) and skipped when absent.
REQUIRED_COMPANIONS = (Filestable4, Jobparamstable)


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


def find_job(*, pandaid: int | None = None, jobname: str | None = None, batchid: str | None = None,
             using: str = PANDA_DB, now: dt.datetime | None = None) -> tuple[dict | None, list[dict]]:
    """The job with this pandaid, or the latest job named `jobname` (or with
    batch id `batchid`), as a dict of every column plus `table`; and, for a name,
    the other jobs of that name (pandaid, jobstatus, attemptnr, table). One query."""
    given = {k: v for k, v in (("pandaid", pandaid), ("jobname", jobname), ("batchid", batchid)) if v is not None}
    if len(given) != 1:
        raise ValueError("find_job takes exactly one of pandaid, jobname or batchid")
    where = Q(**given)
    union = _union(all_sources(now), where, JOB_COLUMNS, using)
    if pandaid is None:
        union = union.order_by("-pandaid")[: JOBNAME_MATCHES_LIMIT * 2]
    rows = sorted(_first_copy(union), key=lambda r: -r["pandaid"])
    if not rows:
        return None, []
    others = [{k: r[k] for k in ("pandaid", "jobstatus", "attemptnr", "table")} for r in rows[1:]]
    return rows[0], others[:JOBNAME_MATCHES_LIMIT]


def job_files(job: dict, *, using: str = PANDA_DB, now: dt.datetime | None = None) -> list[dict]:
    """The job's files (filestable4, else filestable_arch): inputs first, then
    outputs, then the log."""
    rows = _companion_rows(job, Filestable4, FilestableArch, FILE_COLUMNS, using=using, now=now)
    return sorted(rows, key=lambda f: (FILE_ORDER.get(f["type"], 3), f["lfn"] or ""))


def dataset_summary(files: Sequence[dict]) -> list[dict]:
    """Files grouped by dataset (/job/'s `datasets`); computed from the
    rows already read, so no extra query."""
    groups: dict[tuple, dict] = {}
    for f in files:
        key = (f["type"], f["dataset"])
        entry = groups.setdefault(key, {"dataset": f["dataset"], "scope": f["scope"], "type": f["type"],
                                        "nfiles": 0, "fsize": 0})
        entry["nfiles"] += 1
        entry["fsize"] += f["fsize"] or 0
    return list(groups.values())


def job_parameters(job: dict, *, using: str = PANDA_DB, now: dt.datetime | None = None) -> str | None:
    """The payload's command-line arguments (jobparamstable, else jobparamstable_arch;
    the job row's own jobparameters column is vestigial)."""
    return _latest(_companion_rows(job, Jobparamstable, JobparamstableArch, ("modificationtime", "jobparameters"),
                                   using=using, now=now), "jobparameters")


def job_metadata(job: dict, *, using: str = PANDA_DB, now: dt.datetime | None = None) -> str | None:
    """The pilot's job report, JSON as text (metatable, else metatable_arch); ended jobs only."""
    return _latest(_companion_rows(job, Metatable, MetatableArch, ("modificationtime", "metadata"),
                                   using=using, now=now), "metadata")


# pandaids per IN list of the batch read below (Oracle takes at most 1,000 items in one).
IN_LIST = 1000


def jobs_metadata(jobs: Sequence[dict], *, using: str = PANDA_DB, now: dt.datetime | None = None) -> dict[int, str]:
    """The pilot's job report of each of a batch of jobs that has one ({pandaid: JSON text}): two queries
    (metatable, metatable_arch) per 1,000 jobs, whatever the batch holds, each bounded by the span of the
    batch's jobs as `live_companion_q` / `archive_companion_q` bound one job's; the live row wins."""
    if not jobs:
        return {}
    spans = [job_span(j) for j in jobs]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    live_where = Q(modificationtime__gte=start, modificationtime__lt=end)
    if any(j.get("table") in LIVE_TABLES for j in jobs):
        live_where = Q(modificationtime=LIVE_COMPANION_TIME) | Q(
            modificationtime__gte=start, modificationtime__lt=max(end, (now or windows.now()) + PANDALOG_MARGIN))
    tables = ((Metatable, live_where), (MetatableArch, Q(modificationtime__gte=start)))
    wheres = [(model, where) for model, where in tables
              if model in REQUIRED_COMPANIONS or introspection.has_table(model, using)]
    found: dict[int, tuple] = {}  # pandaid -> (rank, modificationtime, metadata): live first, then the latest
    ids = sorted({j["pandaid"] for j in jobs})
    for i in range(0, len(ids), IN_LIST):
        for rank, (model, where) in enumerate(wheres):
            rows = model.objects.using(using).filter(where, pandaid__in=ids[i:i + IN_LIST]).order_by()
            for pandaid, stamped, text in rows.values_list("pandaid", "modificationtime", "metadata"):
                key = (-rank, stamped)
                if pandaid not in found or key > found[pandaid][:2]:
                    found[pandaid] = (-rank, stamped, text)
    return {pandaid: text for pandaid, (_, _, text) in found.items()}


def debug_stdout(job: dict, *, using: str = PANDA_DB) -> str | None:
    """The tail of the pilot's stdout kept for a job in debug mode (jobsdebug, by its key)."""
    if not introspection.has_table(Jobsdebug, using):
        return None
    return Jobsdebug.objects.using(using).filter(pandaid=job["pandaid"]).values_list("stdout", flat=True).first()


def _latest(rows: list[dict], column: str) -> str | None:
    """`column` of the most recently stamped row (PanDA keeps one per job)."""
    return max(rows, key=lambda r: r["modificationtime"])[column] if rows else None


def _companion_rows(job: dict, live: type[Model], arch: type[Model], columns: Sequence[str], *,
                    using: str, now: dt.datetime | None) -> list[dict]:
    """The job's rows of a live companion table, else of its archive copy: one
    UNION ALL of whichever of the two exist, each bounded by where PanDA's rows of
    this job can be (see `live_companion_q`, `archive_companion_q`)."""
    wheres = ((live, live_companion_q(job, now)), (arch, archive_companion_q(job)))
    parts = [
        model.objects.using(using).filter(where, pandaid=job["pandaid"]).order_by()
        .values(*columns, _rank=Value(rank, output_field=IntegerField()))
        for rank, (model, where) in enumerate(wheres)
        if model in REQUIRED_COMPANIONS or introspection.has_table(model, using)
    ]
    if not parts:
        return []
    rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    best = min((r["_rank"] for r in rows), default=None)
    return [{k: v for k, v in r.items() if k != "_rank"} for r in rows if r["_rank"] == best]


def live_companion_q(job: dict, now: dt.datetime | None = None) -> Q:
    """Where the job's rows in filestable4 / jobparamstable / metatable can be: these
    are partitioned by modificationtime (daily), so the bound prunes to a few days.

    At archival the server stamps the job's modificationtime on them: inside the
    job's span. Until then they sit at 1970-01-01; and a job read from a live table
    may be archived before its rows are read, stamping a time up to now.
    """
    start, end = job_span(job)
    if job.get("table") not in LIVE_TABLES:
        return Q(modificationtime__gte=start, modificationtime__lt=end)
    end = max(end, (now or windows.now()) + PANDALOG_MARGIN)
    return Q(modificationtime=LIVE_COMPANION_TIME) | Q(modificationtime__gte=start, modificationtime__lt=end)


def archive_companion_q(job: dict) -> Q:
    """Where the job's rows in the *_arch tables can be. Copied rows keep the job's
    time; rows inserted without one take the copy's (the column defaults to now),
    which may come any time later: so only a lower bound, which prunes the older
    (monthly, on Oracle) partitions; the pandaid index finds the rows."""
    return Q(modificationtime__gte=job_span(job)[0])


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
                   .values("jobstatus", "modificationtime", "modificationhost", "computingsite",
                           "prodsourcelabel", "cloud", "modiftime_extended"))
    if not history or history[-1]["jobstatus"] != job["jobstatus"]:
        history.append({
            "jobstatus": job["jobstatus"],
            "modificationtime": job.get("statechangetime") or job["modificationtime"],
            "modificationhost": job.get("modificationhost"),
            "computingsite": job.get("computingsite"),
            "prodsourcelabel": job.get("prodsourcelabel"),
            "cloud": job.get("cloud"),
            "modiftime_extended": None,
            "from_job_row": True,  # not in jobs_statuslog (yet)
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
