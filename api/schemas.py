"""JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the contract's answers.

Written from shared/reference/web-contract.md: the keys each page promises, with
their types. Objects stay open (additionalProperties allowed) so a page may add
keys without breaking scripts; the promised keys are `required`. Shared shapes
are components, referenced as #/components/schemas/<Name>.
"""

from __future__ import annotations

from api.status import COARSE_STATES, MAX_PANDAID
from pandamon.params import MAX_LIST_VALUES


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, dict], optional: dict[str, dict] | None = None) -> dict:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def page(required: dict[str, dict], optional: dict[str, dict] | None = None) -> dict:
    """A page's answer. `window` states the window applied; it is null for a
    lookup by pandaid, jobname, jeditaskid, taskid or jobsetid with no window
    parameter, which reads every table unbounded (web contract: Time window). `limit_clamped` is there
    when a limit above the maximum (200,000) was served as the maximum."""
    clamped = {"limit_clamped": {"type": "object", "required": ["requested", "limit"],
                                 "properties": {"requested": {"type": "integer"}, "limit": {"type": "integer"}}}}
    return obj({**required, "window": nullable(ref("Window"))}, {**clamped, **(optional or {})})


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
TIME = ref("Time")
COUNTS = ref("StateCounts")
NAMES_PARAM = {
    "type": "string",
    "pattern": r"^[\s,]*[A-Za-z_][A-Za-z0-9_]*(\s*,[\s,]*[A-Za-z_][A-Za-z0-9_]*)*[\s,]*$",
    "description": "comma-separated key names",
}

COMPONENTS: dict[str, dict] = {
    "Error": {**obj({"error": STRING}), "description": "what is wrong and what is accepted"},
    "Time": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$",
             "description": "UTC, ISO 8601 without offset, whole seconds"},
    "Window": {**obj({"from": TIME, "to": TIME}), "description": "the window the answer was computed over"},
    "StateCounts": {"type": "object", "additionalProperties": INTEGER, "description": "{jobstatus: jobs}"},
    "Job": {
        "type": "object",
        "description": "a job row as BigPanDA sends it: every column (BigPanDA's key names: resourcetype, "
                       "memoryleak, memoryleakx2; not jobparameters/metadata), BigPanDA's derived keys, "
                       "errorinfo on failed/holding jobs, and ours: table. fields= keeps only the keys it names; "
                       "fields=metastruct adds the job report, extra=checklogs is_log_available",
        "properties": {
            "pandaid": INTEGER, "jobstatus": STRING, "computingsite": nullable(STRING),
            "produsername": nullable(STRING), "jeditaskid": nullable(INTEGER), "attemptnr": nullable(INTEGER),
            "modificationtime": nullable(TIME), "creationtime": nullable(TIME), "starttime": nullable(TIME),
            "endtime": nullable(TIME), "statechangetime": nullable(TIME), "table": STRING,
            "errorinfo": STRING, "durationsec": nullable(INTEGER), "waittimesec": nullable(INTEGER),
            "durationmin": INTEGER, "duration": nullable(STRING), "waittime": nullable(STRING),
            "category": STRING, "jobinfo": STRING, "homecloud": nullable(STRING), "processor_type": STRING,
            "wn": STRING, "priorityrange": STRING, "jobsetrange": STRING, "consumer": nullable(INTEGER),
            "pilotversion": STRING, "eventservice": {"type": ["string", "integer", "null"]},
            "maxpssgbpercore": NUMBER, "cpuefficiency": NUMBER,
            # Only when asked for: fields=metastruct (the parsed job report, null without one), extra=checklogs.
            "metastruct": {"type": ["object", "array", "null"]},
            "is_log_available": {"type": "integer", "enum": [1, -1, 0],
                                 "description": "1: the log store has the job's files, -1: it has none, "
                                                "0: not checked (an HTTP store is asked for 1,000 jobs at most)"},
        },
    },
    # /job/'s job: BigPanDA's job page writes its five main times with a space.
    "PageJob": {
        "type": "object",
        "description": "the job as BigPanDA's job page sends it: the Job row without the job list's consumer and "
                       "pilotversion, creationtime/modificationtime/starttime/statechangetime/endtime as "
                       "'YYYY-MM-DD HH:MM:SS', plus harvesterInfo, file_summary_str, days_since_creation, and "
                       "metastruct (the parsed job report) with metadata (it as indented text) when there is one",
        "required": ["pandaid", "jobstatus", "table", "harvesterInfo", "file_summary_str"],
        "properties": {
            "pandaid": INTEGER, "jobstatus": STRING, "table": STRING, "errorinfo": STRING,
            **{t: nullable({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"})
               for t in ("creationtime", "modificationtime", "starttime", "statechangetime", "endtime")},
            "harvesterInfo": {"type": "object"}, "file_summary_str": STRING, "days_since_creation": INTEGER,
            "metastruct": {}, "metadata": STRING, "durationsec": INTEGER, "waittimesec": INTEGER,
            "maxpssgbpercore": NUMBER, "cpuefficiency": NUMBER,
        },
    },
    # BigPanDA's errsByCount item: codename is the job column holding the code (e.g. piloterrorcode),
    # cat BigPanDA's error category (pandamon has none: always Uncategorized); component and title
    # (pandamon's name of the code) are pandamon's.
    "ErrorCount": obj(
        {"error": STRING, "codename": STRING, "codeval": INTEGER, "diag": STRING, "desc": STRING,
         "cat": obj({"name": STRING, "id": INTEGER}), "example_pandaid": INTEGER, "count": INTEGER,
         "component": STRING, "title": STRING},
    ),
    "ErrorBreakdown": obj(
        {"name": {"type": ["string", "integer"]}, "errors": {"type": "object", "additionalProperties":
                                                              ref("ErrorCount")},
         "errorlist": array(ref("ErrorCount")), "toterrors": INTEGER, "toterrjobs": INTEGER, "count": INTEGER},
    ),
    "SummaryRow": obj({"name": nullable(STRING), "total": INTEGER, "states": COUNTS},
                      {"vo": nullable(STRING), "cloud": nullable(STRING)}),
}

DASH = page({
    "vos": array(ref("SummaryRow")),
    "clouds": array(ref("SummaryRow")),
    "sites": array(ref("SummaryRow")),
    "statelist": array(STRING),
})

# BigPanDA's region summary: {jobtype: {resourcetype: [{jobstatus, count}]}} with "all" margins.
SPLIT_SUMMARY = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": array(
    obj({"jobstatus": STRING, "count": INTEGER}))}}
BY_NAME = {"type": "object", "additionalProperties": SPLIT_SUMMARY}
DASH_REGION = page({
    "regions": BY_NAME,
    "sites": BY_NAME,
    "queues": {"type": "object", "additionalProperties": obj({
        "pqtype": nullable(STRING), "region": STRING, "atlas_site": STRING, "status": nullable(STRING),
        "n_pilots_total": INTEGER, "n_pilots_nojob": INTEGER, "n_running_cores": INTEGER,
        "failed_percentage": NUMBER, "n_jobs": INTEGER, "job_summary": SPLIT_SUMMARY, "problems": array(STRING)})},
    "statelist": array(STRING),
}, {"dropped": obj({"count": INTEGER, "url": STRING})})
DASH_WORLD = page({
    "nuclei": BY_NAME,
    "satellites": {"type": "object", "additionalProperties": BY_NAME},
    "statelist": array(STRING),
})

JOBS = page({
    "selectionsummary": array(obj({"field": STRING, "list": array(obj({"kname": {}, "kvalue": INTEGER}))})),
    "jobs": array(ref("Job")),
    "errsByCount": array(ref("ErrorCount")),
    "limit": INTEGER,
    "truncated": BOOLEAN,
}, {
    # Ours, under mode=drop only: how many attempts of the selection a retry superseded, and their list.
    "dropped": obj({"count": INTEGER, "url": STRING}),
})

JOB = obj({
    "job": ref("PageJob"),
    # BigPanDA's file rows: every filestable column (NULL as "", times "YYYY-MM-DD HH:MM:SS") and its
    # derived keys; datasetname is the row's dataset and maxattempt "" (pandamon reads no JEDI table here).
    "files": array(obj({"lfn": STRING, "type": STRING, "fsize": INTEGER, "fsizemb": NUMBER,
                        "creationdate": STRING, "datasetname": STRING, "ruciodatasetname": STRING,
                        "oldfiletable": INTEGER, "ddmsite": STRING})),
    # BigPanDA's: JEDI dataset contents of an event-service job's event ranges; always [] here.
    "dsfiles": array({"type": "object"}),
    # Ours: the files per (type, dataset).
    "datasets": array(obj({"dataset": nullable(STRING), "scope": nullable(STRING), "type": nullable(STRING),
                           "nfiles": INTEGER, "fsize": INTEGER})),
    "statuslog": array({"type": "object"}),
    "retries": array({"type": "object"}),
    "logs": array({"type": "object"}),
}, {
    # From jobparamstable / metatable, else their archive copies; jobsdebug.
    "jobparameters": nullable(STRING),
    "metadata": nullable(STRING),  # the pilot's job report, JSON as text
    "debugstdout": nullable(STRING),
})

# BigPanDA's rows (duration: "<days>:<H:MM:SS>" to the next row, "---" for the last), then
# pandamon's durationsec (seconds; a live job's current state until now, a final one null) and
# logged (false: the current state taken from the job row, not yet in jobs_statuslog).
STATUSLOG = array(obj({
    "pandaid": INTEGER,
    "modificationtime": TIME,
    "jobstatus": STRING,
    "prodsourcelabel": nullable(STRING),
    "cloud": nullable(STRING),
    "computingsite": nullable(STRING),
    "modificationhost": nullable(STRING),
    "modiftime_extended": nullable(STRING),
    "duration": {"type": "string", "pattern": r"^(\d+:\d+:\d\d:\d\d|---)$"},
    "modiftime_str": STRING,
    "durationsec": nullable(INTEGER),
    "logged": BOOLEAN,
}))

ERRORS = page({
    # BigPanDA's attribute summary of its error view (values as it gives them: eventservice named,
    # reqid a number); jobstates (pandamon's) is the jobs by state.
    "jobSummary": array(obj({"field": STRING, "list": array(obj({"kname": {"type": ["string", "integer"]},
                                                                 "kvalue": INTEGER}))})),
    "errsByCount": array(ref("ErrorCount")),
    "errsBySite": array(ref("ErrorBreakdown")),
    "errsByUser": array(ref("ErrorBreakdown")),
    "errsByTask": array(ref("ErrorBreakdown")),
    "jobstates": array(obj({"name": STRING, "count": INTEGER})),
}, {
    "errsByTime": obj({"binseconds": INTEGER, "bins": array(TIME), "series": array(obj(
        {"name": STRING, "total": INTEGER, "counts": array(INTEGER), "link": nullable(STRING)}))}),
    "errsByMessage": array(obj({"component": STRING, "code": INTEGER, "error": STRING, "message": STRING,
                                "count": INTEGER, "variants": INTEGER, "example": nullable(STRING),
                                "example_pandaid": nullable(INTEGER)})),
    "errsByCategory": array(obj({"name": STRING, "description": STRING, "count": INTEGER})),
    "dropped": obj({"count": INTEGER, "url": STRING}),
})

WN = page({"site": STRING, "wn": STRING, "states": COUNTS, "errsByCount": array(ref("ErrorCount"))},
          {"plot": {"type": "object"}})
MISSING = {"missing": array(STRING)}  # the tables a database without them lacks
HARVESTER_INSTANCES = {"anyOf": [page({"instances": array(obj(
    {"harvesterid": STRING, "workers": INTEGER, "states": COUNTS},
    {"hostname": nullable(STRING), "sw_version": nullable(STRING), "lastupdate": nullable(TIME)}))}), obj(MISSING)]}
WORKER = obj({"harvesterid": STRING, "workerid": INTEGER, "status": STRING},
             {"computingsite": nullable(STRING), "batchid": nullable(STRING), "lastupdate": TIME})
HARVESTER_WORKERS = {"anyOf": [page({
    "summary": array(obj({"computingsite": nullable(STRING), "total": INTEGER, "states": COUNTS})),
    "states": COUNTS, "workers": array(WORKER), "truncated": BOOLEAN}), obj(MISSING)]}
HARVESTER_WORKER = {"anyOf": [page({"worker": WORKER, "jobs": array(obj(
    {"pandaid": INTEGER, "jobstatus": nullable(STRING), "computingsite": nullable(STRING)}))}), obj(MISSING)]}
LIVE = {"executing_jobs": INTEGER, "queued_jobs": INTEGER, "executing_cores": INTEGER, "queued_cores": INTEGER}
GLOBALSHARES = {"anyOf": [page({"shares": array(obj({
    "name": STRING, "parent": nullable(STRING), "level": INTEGER, "value": INTEGER, "target_percent": NUMBER,
    **LIVE, "pledged_cores": NUMBER, "used_percent": nullable(NUMBER), "delta_cores": NUMBER})),
    "outside": obj(LIVE)}), obj(MISSING)]}
WORKQUEUES = {"anyOf": [page({"workqueues": array(obj({"queue_id": INTEGER, "queue_name": STRING,
                                                        "queue_type": STRING, "vo": STRING, **LIVE}))}),
                        obj(MISSING)]}

# BigPanDA's userList row {name, latest (highest pandaid), dict}, ours beside it.
USERS = array(obj({
    "name": STRING, "latest": INTEGER,
    "dict": obj({"name": nullable(STRING), "cputime": STRING, "njobs": INTEGER, "nqueued": INTEGER,
                 "nsites": INTEGER, "sites": {"type": "object", "additionalProperties": INTEGER},
                 "nclouds": INTEGER, "clouds": {"type": "object", "additionalProperties": INTEGER},
                 "latest": nullable(STRING), "pandaid": INTEGER}),
    "produsername": nullable(STRING), "njobs": INTEGER, "states": COUNTS, "nsites": INTEGER,
    "lastmodificationtime": nullable(TIME),
}))

USER = page({
    "user": {}, "states": {}, "jobs": array(ref("Job")), "tasks": array({"type": "object"}),
    "errsByCount": array(ref("ErrorCount")),
})

SITES = array(obj({"states": COUNTS}, {"nickname": STRING, "siteid": nullable(STRING), "cloud": nullable(STRING),
                                        "status": nullable(STRING)}))

# BigPanDA's siteInfo JSON: the queue's configuration as {param, value} sorted by param (a dict value as
# 'key = value, ...' text). With outputs= (site, states, errsByCount, window): pandamon's object instead.
SITE = {
    "oneOf": [
        array(obj({"param": STRING, "value": {}})),
        {"type": "object", "properties": {"site": {"type": "object"}, "states": {},
                                          "errsByCount": array(ref("ErrorCount")), "window": {}}},
    ],
}

# BigPanDA's wnInfo answer (summary: All, Average, one row per node), our ranking under "nodes".
WNS = page({
    "site": STRING, "wnname": STRING, "hours": INTEGER,
    "summary": array(obj({"name": STRING, "count": {"type": ["integer", "string"]}, "states": {"type": "object"},
                          "statelist": array(obj({"name": STRING})), "pctfail": NUMBER})),
    "wnPlotFailed": array(array({"type": ["string", "integer"]})),
    "wnPlotFinished": array(array({"type": ["string", "integer"]})),
    "nodes": array(obj({"wn": nullable(STRING), "states": COUNTS, "nfailed": INTEGER, "nfinished": INTEGER,
                        "failrate": nullable(NUMBER)})),
})

DSINFO = obj({k: INTEGER for k in ("nfiles", "nfilesfinished", "nfilesfailed", "nfilesmissing", "pctfinished",
                                    "pctfailed", "neventsTot", "neventsUsedTot", "neventsRemaining", "neventsOutput")})
DATASET = {"type": "object", "required": ["jeditaskid", "datasetid", "datasetname", "type"],
           "description": "a jedi_datasets row with percentfinished and scope"}
TASK_ROW = obj({"jeditaskid": INTEGER, "status": STRING, "dsinfo": DSINFO, "datasets": array(DATASET)})
# BigPanDA's list; with outputs= pandamon's object (tasks, truncated, summary by status/superstatus/tasktype/username).
TASKS = {"oneOf": [array(TASK_ROW), {"type": "object", "properties": {
    "tasks": array(TASK_ROW), "truncated": BOOLEAN,
    "summary": {"type": "object", "additionalProperties": array(obj({"name": {}, "count": INTEGER}))}}}]}

TASK = obj({"task": {"type": "object"}, "taskparams": {"type": "object"}, "datasets": array(DATASET),
            "statuslog": array({"type": "object"}), "failedfiles": array({"type": "object"}),
            "children": array({"type": "object"}), "states": {}, "jobs": array(ref("Job"))},
           {"parent": nullable({"type": "object"}),
            # per hour (per day for long tasks): ended jobs by final state, ended_total, and the events the
            # finished jobs processed (events_finished, events_total)
            "progress": array(obj({"time": TIME, "ended_total": INTEGER, "events_finished": INTEGER,
                                   "events_total": INTEGER}))})
DATASETS = array(DATASET)
DATASET_PAGE = obj({"dataset": DATASET, "files": array({"type": "object"}), "next": nullable(STRING)})
FILES = obj({"files": array({"type": "object"}), "jobs": array({"type": "object"})})

FILEBROWSER = obj({"files": array(obj({"name": STRING, "size": INTEGER, "url": STRING})),
                   "error": nullable(STRING)})

SEARCH = obj({"q": STRING, "kind": nullable({"enum": ["job", "task", "site", "jobname", "user", "dataset", "file"]}),
              "url": nullable(STRING)})

HEALTH = obj({"status": {"enum": ["ok", "degraded"]}}, {"databases": {"type": "object"}})

MAXPANDAID = obj({"maxpandaid": nullable(INTEGER)})

STATUS = obj({
    "jobs": array(obj({
        "pandaid": INTEGER,
        "jobstatus": STRING,
        "state": {"enum": list(COARSE_STATES)},
        "computingsite": nullable(STRING),
        "modificationtime": TIME,
        "errorinfo": STRING,
    })),
    "missing": array(INTEGER),
})

STATUS_BODY = {
    "type": "object",
    "required": ["pandaids"],
    "additionalProperties": False,
    "properties": {
        "pandaids": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_LIST_VALUES,
            "items": {"type": "integer", "minimum": 1, "maximum": MAX_PANDAID},
        },
    },
    "examples": [{"pandaids": [1, 2, 3]}],
}


# --- Actions (actions/): kill/reassign jobs, kill/finish/retry/reassign a task -----------
ACTION_REPLY = {
    "type": "object",
    "required": ["action", "results"],
    "properties": {
        "action": {"type": "string", "description": "the PanDA server method, e.g. job/kill"},
        "results": {"type": "array", "items": {
            "type": "object",
            "required": ["outcome", "message"],
            "properties": {
                "outcome": {"enum": ["done", "refused", "denied", "error"]},
                "message": {"type": "string", "description": "the server's answer, or why the monitor refused"},
                "pandaid": {"type": "integer"},
                "jeditaskid": {"type": "integer"},
            },
        }},
    },
}
JOBS_ACTION_BODY = {
    "type": "object",
    "required": ["pandaids"],
    "properties": {"pandaids": {"type": "array", "minItems": 1, "maxItems": 100,
                                "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}},
    "examples": [{"pandaids": [1, 2, 3]}],
}
_FLAG = {"type": "boolean"}
TASK_ACTION_BODIES = {
    "kill": {"type": "object", "properties": {}},
    "finish": {"type": "object", "properties": {"soft": _FLAG}},
    "retry": {"type": "object", "properties": {name: _FLAG for name in (
        "no_child_retry", "discard_events", "disable_staging_mode", "keep_gshare_priority", "ignore_hard_exhausted")}},
    "reassign": {"type": "object", "properties": {"site": {"type": "string"}, "cloud": {"type": "string"},
                                                  "nucleus": {"type": "string"},
                                                  "mode": {"enum": ["kill", "soft", "nokill"]}},
                 "description": "exactly one of site, cloud, nucleus"},
}
