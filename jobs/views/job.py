"""/job/<pandaid>/, /job?pandaid=N, /job?jobname=X: one job's whole story.

Every field grouped the way people read a job, the error diagnosis, durations,
files, parameters, the state history, retries, related jobs and logs. The page
costs a constant number of queries (see jobs.query.lookup), whatever the
number of files, states or attempts.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from jobs import durations as dur
from jobs.diagnosis import diagnose
from jobs.files import bigpanda_file
from jobs.jobinfo import page_job
from jobs.logstore import log_store
from jobs.models import JOB_COLUMNS
from jobs.query import lookup
from pandamon import window as windows
from pandamon.errors import BadRequest, NotFound
from pandamon.pages import link, page
from pandamon.params import Params, parse_int

MAX_PANDAID = 10**15

# Every column, grouped as a shifter reads a job; columns not listed land in "Other".
FIELD_GROUPS = (
    ("Identity", ("pandaid", "jobname", "jobstatus", "jobsubstatus", "attemptnr", "maxattempt", "parentid",
                  "jeditaskid", "taskid", "reqid", "jobsetid", "jobdefinitionid", "prodsourcelabel", "job_label",
                  "processingtype", "produsername", "produserid", "workinggroup", "vo", "gshare",
                  "currentpriority", "assignedpriority", "specialhandling", "eventservice", "lockedby",
                  "commandtopilot", "relocationflag")),
    ("Where and when", ("computingsite", "cloud", "nucleus", "computingelement", "modificationhost",
                        "creationhost", "schedulerid", "pilotid", "batchid", "creationtime", "starttime",
                        "endtime", "statechangetime", "modificationtime", "proddbupdatetime", "pilottiming")),
    ("Resources", ("corecount", "actualcorecount", "meancorecount", "resource_type", "minramcount",
                   "minramunit", "maxrss", "maxpss", "maxvmem", "maxswap", "avgrss", "avgpss", "avgvmem",
                   "avgswap", "maxwalltime", "maxcpucount", "maxcpuunit", "cpuconsumptiontime",
                   "cpuconsumptionunit", "maxdiskcount", "maxdiskunit", "hs06", "hs06sec", "diskio",
                   "memory_leak", "memory_leak_x2", "totrchar", "totwchar", "totrbytes", "totwbytes",
                   "raterchar", "ratewchar", "raterbytes", "ratewbytes", "gco2_regional", "gco2_global",
                   "cpu_architecture_level", "jobmetrics")),
    ("Errors", ("transexitcode", "piloterrorcode", "piloterrordiag", "exeerrorcode", "exeerrordiag",
                "superrorcode", "superrordiag", "ddmerrorcode", "ddmerrordiag", "brokerageerrorcode",
                "brokerageerrordiag", "jobdispatchererrorcode", "jobdispatchererrordiag", "taskbuffererrorcode",
                "taskbuffererrordiag", "failedattempt")),
    ("Data", ("proddblock", "dispatchdblock", "destinationdblock", "destinationse", "nevents", "ninputfiles",
              "ninputdatafiles", "inputfiletype", "inputfileproject", "inputfilebytes", "noutputdatafiles",
              "outputfilebytes", "outputfiletype", "sourcesite", "destinationsite", "transfertype")),
    ("Software", ("transformation", "atlasrelease", "homepackage", "cmtconfig", "container_name",
                  "prodserieslabel", "grid", "cpuconversion", "ipconnectivity", "jobexecutionid",
                  "workqueue_id")),
)
_GROUPED = {c for _, columns in FIELD_GROUPS for c in columns}
# Big vestigial text columns (the real parameters are in jobparamstable) are shown on their own.
_HIDDEN = {"jobparameters", "metadata"}


def parse_pandaid(name: str, value: str) -> int:
    return parse_int(name, value, 1, MAX_PANDAID)


def parse_jobname(name: str, value: str) -> str:
    if len(value) > 256:
        raise BadRequest("jobname is at most 256 characters")
    return value


def parse_lfn(name: str, value: str) -> str:
    if len(value) > 4000:
        raise BadRequest(f"{name} is a file name of at most 4000 characters")
    return value


def parse_batchid(name: str, value: str) -> str:
    if len(value) > 80:  # jobs*.batchid is varchar(80)
        raise BadRequest("batchid is at most 80 characters")
    return value


def requested_job(params: Params, pandaid: str | None) -> dict:
    """find_job's arguments from the URL path or query (exactly one id)."""
    if params.filters:
        raise BadRequest(f"the job page takes pandaid, jobname or batchid only, not {', '.join(params.filters)}")
    if pandaid is not None:
        return {"pandaid": parse_pandaid("pandaid", pandaid)}
    if "pandaid" in params.extra:
        return {"pandaid": params.extra["pandaid"]}
    if "jobname" in params.extra:
        return {"jobname": params.extra["jobname"]}
    if "batchid" in params.extra:
        return {"batchid": params.extra["batchid"]}
    if "creator" in params.extra:  # BigPanDA's: the job that wrote this file
        from tasks.files import creator

        found = creator(params.extra["creator"])
        if found is None:
            raise NotFound(f"no job wrote a file named '{params.extra['creator']}' (filestable4, filestable_arch)")
        return {"pandaid": found}
    raise BadRequest("give a job: /job/<pandaid>/, /job?pandaid=N, /job?jobname=NAME or /job?batchid=ID")


def load_job(params: Params, pandaid: str | None, now) -> tuple[dict, list[dict]]:
    """The job (404 if it is in no table) and other jobs of the same name."""
    which = requested_job(params, pandaid)
    job, same_name = lookup.find_job(**which, now=now)
    if job is None:
        (column, value), = which.items()
        what = f"pandaid {value}" if column == "pandaid" else f"{column} '{value}'"
        raise NotFound(f"no job with {what} in any job table (live or archive)")
    return job, same_name


def log_files(pandaid: int) -> list[dict]:
    return [{"name": f.name, "size": f.size, "url": log_url(pandaid, f.name)} for f in log_store().list(pandaid)]


def log_url(pandaid: int, name: str) -> str:
    return f"/job/{pandaid}/log/{quote(name)}"


@page("jobs/job.html", extra={"pandaid": parse_pandaid, "jobname": parse_jobname, "batchid": parse_batchid,
                              "creator": parse_lfn},
      window_required=False)
def job_page(request, params: Params, pandaid: str | None = None) -> dict:
    now = windows.now()
    job, same_name = load_job(params, pandaid, now)
    pid = job["pandaid"]
    files = lookup.job_files(job, now=now)
    metadata = lookup.job_metadata(job, now=now)
    history = dur.with_state_durations(lookup.status_history(job), ended=dur.job_end(job) is not None, now=now)
    return {
        # BigPanDA's job object (jobs.jobinfo); the page's tables read the stored row (_groups).
        "job": page_job(job, now, files, metadata),
        "files": [bigpanda_file(f) for f in files],
        # BigPanDA's dsfiles: JEDI's dataset contents of an event-service job's event ranges;
        # pandamon reads no event table, so it is empty. Ours, files per dataset: `datasets`.
        "dsfiles": [],
        "datasets": lookup.dataset_summary(files),
        "statuslog": [{k: h[k] for k in ("jobstatus", "modificationtime", "modificationhost", "duration")}
                      for h in history],
        "retries": lookup.retry_chain(job, now=now),
        "logs": log_files(pid),
        "diagnosis": diagnose(job),
        "durations": {**dur.durations(job, now),
                      "states": [{"jobstatus": s, "seconds": n} for s, n in dur.time_per_state(history)]},
        "jobparameters": lookup.job_parameters(job, now=now),
        "metadata": metadata,
        "debugstdout": lookup.debug_stdout(job),
        "_metadata_shown": pretty_json(metadata),
        "pandalog": lookup.pandalog_extracts(job),
        "related": related(job),
        "samename": same_name,
        "_groups": field_groups(job),
        "_links": links(job),
    }


def pretty_json(text: str | None) -> str | None:
    """The pilot's job report indented for reading; text that is not JSON as it is."""
    if text is None:
        return None
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return text


def related(job: dict) -> dict:
    counts = lookup.related_counts(job)
    return {
        "task": {"jeditaskid": job["jeditaskid"], "states": counts["task"],
                 "url": link("/jobs/", jeditaskid=job["jeditaskid"]) if job["jeditaskid"] else None},
        "jobset": {"jobsetid": job["jobsetid"], "states": counts["jobset"],
                   "url": link("/jobs/", jobsetid=job["jobsetid"], produsername=job["produsername"])
                   if job["jobsetid"] is not None else None},
    }


def field_groups(job: dict) -> list[tuple[str, list[tuple[str, object]]]]:
    groups = [(title, [(c, job.get(c)) for c in columns]) for title, columns in FIELD_GROUPS]
    other = [(c, job.get(c)) for c in JOB_COLUMNS if c not in _GROUPED and c not in _HIDDEN]
    if other:
        groups.append(("Other", other))
    return groups


def links(job: dict) -> dict[str, str]:
    """Pages about the job's owner, place and task."""
    out = {}
    if job.get("produsername"):
        out["produsername"] = f"/user/{quote(job['produsername'], safe='')}/"
    if job.get("computingsite"):
        out["computingsite"] = f"/site/{quote(job['computingsite'], safe='')}/"
        if job.get("modificationhost"):
            out["modificationhost"] = link("/jobs/", computingsite=job["computingsite"],
                                           modificationhost=job["modificationhost"], days=3)
    if job.get("jeditaskid"):
        out["jeditaskid"] = f"/task/{job['jeditaskid']}/"
    if job.get("taskid"):
        out["taskid"] = f"/task/{job['taskid']}/"
    if job.get("jobsetid") is not None:
        out["jobsetid"] = link("/jobs/", jobsetid=job["jobsetid"], produsername=job.get("produsername"))
    if job.get("parentid"):
        out["parentid"] = f"/job/{job['parentid']}/"
    return out
