"""One job as BigPanDA's JSON sends it: the row builder of `/jobs/?json` and `/job/`.

Every column of the job tables under BigPanDA's key (its Django field names:
`resourcetype`, `memoryleak`, `memoryleakx2`), then the keys BigPanDA derives
in its job-list cleaning, computed the same way: `category`, `jobinfo`,
`homecloud`, `processor_type`, `wn`, `durationsec`/`durationmin`/`duration`,
`waittimesec`/`waittime`, `priorityrange`, `jobsetrange` (when the job has a
jobset), `errorinfo` on failed and holding jobs, `maxpssgbpercore` and
`cpuefficiency` where the job's figures allow them; the job list adds `consumer`
and `pilotversion`, the job page (jobs.jobinfo) its own keys. The two big text
columns (`jobparameters`, `metadata`) are not sent, as in BigPanDA. Our own
addition is `table` (where the row was read).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

from jobs.errorcodes import describe
from jobs.models import JOB_COLUMNS

# Our column name -> BigPanDA's key for it.
RENAMED = {"resource_type": "resourcetype", "memory_leak": "memoryleak", "memory_leak_x2": "memoryleakx2"}
NOT_SENT = frozenset({"jobparameters", "metadata"})
COLUMNS = tuple(c for c in JOB_COLUMNS if c not in NOT_SENT)  # what the query reads for a row
COLUMN_KEYS = tuple(RENAMED.get(c, c) for c in COLUMNS)
DERIVED_KEYS = ("category", "jobinfo", "homecloud", "processor_type", "wn", "durationsec", "durationmin",
                "duration", "waittimesec", "waittime", "priorityrange", "jobsetrange", "consumer", "pilotversion")
ERROR_KEYS = ("errorinfo",)  # failed and holding jobs only, as in BigPanDA
# BigPanDA sends these only when the job's figures allow them (maxpss and cores; cpu time and walltime).
EFFICIENCY_KEYS = ("maxpssgbpercore", "cpuefficiency")
OWN_KEYS = ("table",)
# Sent only when asked for, as in BigPanDA: `metastruct` (the pilot's job report, parsed; null when the job has
# none) with fields=metastruct, `is_log_available` with extra=checklogs (jobs.views.joblist).
ON_REQUEST_KEYS = ("metastruct", "is_log_available")
KEYS = (*COLUMN_KEYS, *DERIVED_KEYS, *ERROR_KEYS, *EFFICIENCY_KEYS, *OWN_KEYS, *ON_REQUEST_KEYS)  # what fields= names

FINAL_STATES = frozenset({"finished", "failed", "cancelled", "closed"})
ES_TYPES = {1: "eventservice", 2: "esmerge", 3: "clone", 4: "jumbo", 5: "cojumbo", 6: "finegrained"}
ES_INFO = {"eventservice": "Event service job. ", "esmerge": "Event service merge job. ", "clone": "Clone job. ",
           "jumbo": "Jumbo job. ", "cojumbo": "Cojumbo job. ", "finegrained": "Fine grained processing job. "}
# BigPanDA's component order for errorinfo (code column, diag column).
ERROR_ORDER = (("brokerage", "brokerageerrorcode", "brokerageerrordiag"),
               ("dataservice", "ddmerrorcode", "ddmerrordiag"),
               ("executor", "exeerrorcode", "exeerrordiag"),
               ("jobdispatcher", "jobdispatchererrorcode", "jobdispatchererrordiag"),
               ("pilot", "piloterrorcode", "piloterrordiag"),
               ("taskbuffer", "taskbuffererrorcode", "taskbuffererrordiag"),
               ("transform", "transexitcode", None),
               ("supervisor", "superrorcode", "superrordiag"))
ERRORINFO_CHARS = 300


def _naive_utc(t):
    if isinstance(t, dt.datetime) and t.tzinfo is not None:
        return t.astimezone(dt.UTC).replace(tzinfo=None)
    return t


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds())


def walltime_sec(job: Mapping, now: dt.datetime) -> int:
    """BigPanDA's `durationsec`: start → end; a live job (merging counts as ended) runs
    until now, an ended job without endtime until its last state change (else its
    last update); 0 when it never started."""
    end = _naive_utc(job.get("endtime"))
    if end is None:
        if job.get("jobstatus") not in FINAL_STATES | {"merging"}:
            end = now
        else:
            end = _naive_utc(job.get("statechangetime") or job.get("modificationtime"))
    return _seconds(_naive_utc(job.get("starttime")), end) or 0


def queuetime_sec(job: Mapping, now: dt.datetime) -> int:
    """BigPanDA's `waittimesec`: creation → start, or → now for a job that never started
    (whatever its state: BigPanDA counts it so)."""
    start = _naive_utc(job.get("starttime")) or now
    return _seconds(_naive_utc(job.get("creationtime")), start) or 0


def duration_text(seconds: int) -> str:
    """BigPanDA's 'D:H:MM:SS' (days unpadded, hours unpadded); None below zero."""
    if seconds is None or seconds < 0:
        return None
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{days}:{hours}:{minutes:02d}:{secs:02d}"


def _range(value) -> str:
    low = int(value) - int(value) % 100
    return f"{low}:{low + 99}"


def is_event_service(job: Mapping) -> bool:
    special = job.get("specialhandling") or ""
    es = job.get("eventservice")
    if es is None or not special or "sc:" in special:
        return False
    return "eventservice" in special or "esmerge" in special or (bool(es) and es != "ordinary")


def category(job: Mapping) -> str:
    if "build" in (job.get("transformation") or ""):
        return "build"
    if job.get("processingtype") == "pmerge" or job.get("eventservice") in (2, "esmerge"):
        return "merge"
    return "run"


def _is_debug(job: Mapping) -> bool:
    special = str(job.get("specialhandling") or "").split(",")
    command = job.get("commandtopilot")
    return any(s in ("debug", "dm") for s in special) or bool(command and command != "tobekilled")


def jobinfo(job: Mapping, es_type: str | None) -> str:
    """Event-service kind, real-time logging, and diagnostics left on a job that did not fail."""
    text = ES_INFO.get(es_type, "") if es_type else ""
    if _is_debug(job):
        text += "Real-time logging is activated for this job."
    failed = job.get("jobstatus") in ("failed", "holding")
    for component, code_column, diag_column in ERROR_ORDER:
        diag = job.get(diag_column) if diag_column else None
        code = job.get(code_column)
        if diag and (code in (0, "0") or not failed):
            text += f"{diag}. " if code in (0, "0") else f"{component}: {code} {diag}. "
    return text


def _short(diag: str) -> str:
    """BigPanDA's trimming of a diag in errorinfo (it also drops the character before ' at ')."""
    if "lost heartbeat" in diag:
        diag = "lost heartbeat"
    if " at " in diag:
        diag = diag[: diag.find(" at ") - 1]
    return diag.replace("\n", " ")


def errorinfo(job: Mapping) -> str:
    """BigPanDA's errorinfo: 'component:code diag ' for each set code, in its component
    order, taskbuffer left out when the supervisor code is set, cut at 300 characters."""
    out = ""
    for component, code_column, diag_column in ERROR_ORDER:
        code = job.get(code_column)
        try:
            if code in (None, "") or int(code) == 0:
                continue
        except (TypeError, ValueError):
            continue
        if component == "taskbuffer" and job.get("superrorcode"):
            continue
        if diag_column:
            diag = job.get(diag_column) or ""
        else:  # the transformation leaves no diag: the catalogue's text
            name, description = describe(component, int(code))
            diag = description or name or f"Unknown transformation exit code {code}"
        out += f"{component}:{code} {_short(diag)} "
    return out[:ERRORINFO_CHARS] + "..." if len(out) > ERRORINFO_CHARS else out


def job_row(row: Mapping, now: dt.datetime, clouds: Mapping[str, str] | None = None, *,
            listing: bool = False) -> dict:
    """One job as BigPanDA sends it. `now` (aware or naive UTC) ends live jobs' durations;
    `clouds` maps a queue to its home cloud; `listing` adds what BigPanDA's job list (not
    its job page) does: a short schedulerid, `consumer` and `pilotversion`."""
    now = _naive_utc(now)
    job = {RENAMED.get(k, k): v for k, v in row.items() if not k.startswith("_") and k not in NOT_SENT}
    # Fine-grained jobs' substates, as both BigPanDA's job list and job page show them.
    if job.get("jobsubstatus") == "fg_partial":
        job["jobstatus"] = "subfinished"
    elif job.get("jobsubstatus") == "fg_stumble":
        job["jobstatus"] = "failed"
    if listing:
        if job.get("schedulerid") is not None:
            scheduler = job["schedulerid"]
            job["schedulerid"] = scheduler.replace("harvester-", "") if "harvester" in scheduler else "Not specified"
    job["category"] = category(job)
    es_type = None
    if is_event_service(job):
        es_type = ES_TYPES.get(job["eventservice"], job["eventservice"])
        job["eventservice"] = es_type
        if job.get("jobstatus") == "closed" and job.get("jobsubstatus") == "toreassign":
            job["jobstatus"] = "closed:toreassign"
    else:
        job["eventservice"] = "ordinary"
    if job.get("jobstatus") in ("failed", "holding"):
        job["errorinfo"] = errorinfo(job)
    job["jobinfo"] = jobinfo(job, es_type)
    job["homecloud"] = (clouds or {}).get(job.get("computingsite"))
    if "produsername" in job and not job["produsername"]:
        job["produsername"] = job.get("produserid") or "Unknown"
    if job.get("transformation"):
        job["transformation"] = job["transformation"].split("/")[-1]
    job["processor_type"] = "GPU" if "nGPU" in (job.get("jobmetrics") or "") else "CPU"
    host = job.get("modificationhost")
    job["wn"] = host.split("@")[1] if host and "@" in host else (host or "Unknown")
    job["durationsec"] = walltime_sec(job, now)
    job["durationmin"] = math.floor(job["durationsec"] / 60)
    job["duration"] = duration_text(job["durationsec"])
    job["waittimesec"] = queuetime_sec(job, now)
    job["waittime"] = duration_text(job["waittimesec"])
    if job.get("currentpriority") is not None:
        job["priorityrange"] = _range(job["currentpriority"])
    if job.get("jobsetid"):
        job["jobsetrange"] = _range(job["jobsetid"])
    if "corecount" in job and job["corecount"] is None:
        job["corecount"] = 1
    cores = job.get("actualcorecount")
    if isinstance(job.get("maxpss"), int) and isinstance(cores, int) and cores > 0:
        job["maxpssgbpercore"] = round(job["maxpss"] / 1024 / 1024 / cores, 2)  # maxpss is in kB
    if job.get("cpuconsumptiontime") is not None:
        job["cpuconsumptiontime"] = float(job["cpuconsumptiontime"])
        if job["cpuconsumptiontime"] > 0 and cores and cores > 0 and job["durationsec"] > 0:
            job["cpuefficiency"] = round(100.0 * job["cpuconsumptiontime"] / job["durationsec"] / cores, 2)
    if listing:
        job.setdefault("consumer", None)
        pilotid = job.get("pilotid")
        job["pilotversion"] = pilotid.split("|")[-1] if pilotid and "|" in pilotid else "Not specified"
    return job


def with_consumers(jobs: list[dict]) -> list[dict]:
    """BigPanDA's `consumer`: within one answer, each job whose parent is also in the
    answer names the first ancestor of its chain found there (the job that consumes it)."""
    parent = {j["pandaid"]: j.get("parentid") for j in jobs}
    for job in jobs:
        chain, seen = [], set()
        step = job["pandaid"]
        while parent.get(step) in parent and step not in seen:  # climb while the parent is in the answer
            seen.add(step)
            step = parent[step]
            chain.append(step)
        job["consumer"] = chain[-1] if chain else None
    return jobs


def select(job: Mapping, fields: Iterable[str]) -> dict:
    """BigPanDA's `fields=`: only the named keys (of those the row has)."""
    return {k: job[k] for k in fields if k in job}


def format_dates(job: dict, keys: Iterable[str] | None = None, sep: str = "T") -> dict:
    """Times (of `keys`, else all) as 'YYYY-MM-DD<sep>HH:MM:SS' UTC (BigPanDA: 'T' on /jobs/;
    ' ' on /job/ for its five main times, 'T' for the others)."""
    for key in list(job) if keys is None else keys:
        value = job.get(key)
        if isinstance(value, dt.datetime):
            job[key] = _naive_utc(value).replace(microsecond=0).isoformat(sep)
    return job


def queue_clouds() -> dict[str, str]:
    """Each queue's home cloud from the queue configuration (BigPanDA's `homecloud`), one query."""
    from sites import sources  # the queue source is chosen at run time (settings, introspection)

    clouds: dict[str, str] = {}
    for siteid, nickname, cloud in sources.current().queryset().values_list("q_siteid", "q_nickname", "q_cloud"):
        clouds.setdefault(nickname, cloud)
        clouds.setdefault(siteid, cloud)
    return clouds
