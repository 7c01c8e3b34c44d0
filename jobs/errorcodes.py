"""PanDA's error codes per component: one data table the generator samples from
and the error summary reads names and descriptions from (fact sheet §4).

Components are the names of jobs.models.ERROR_COMPONENTS plus "transform" for
the payload's transexitcode. Code 0 means "no error" in every component.
"""

from __future__ import annotations

from typing import NamedTuple


class ErrorCode(NamedTuple):
    component: str
    code: int
    name: str
    description: str


CATALOGUE: tuple[ErrorCode, ...] = tuple(
    ErrorCode(*entry)
    for entry in (
        # --- pilot (pilot3 pilot/common/errorcodes.py) ---------------------------------
        ("pilot", 1008, "GENERALERROR", "General pilot error, consult batch log"),
        ("pilot", 1098, "NOLOCALSPACE", "Not enough local space on the worker node"),
        ("pilot", 1099, "STAGEINFAILED", "Failed to stage-in input file"),
        ("pilot", 1104, "MKDIR", "Could not create the job work directory"),
        ("pilot", 1110, "NOSOFTWAREDIR", "Software directory does not exist"),
        ("pilot", 1137, "STAGEOUTFAILED", "Failed to stage-out output file"),
        ("pilot", 1144, "PANDAKILL", "Job was killed by the PanDA server"),
        ("pilot", 1150, "LOOPINGJOB", "Looping job killed by the pilot"),
        ("pilot", 1151, "STAGEINTIMEOUT", "File transfer timed out during stage-in"),
        ("pilot", 1152, "STAGEOUTTIMEOUT", "File transfer timed out during stage-out"),
        ("pilot", 1201, "SIGTERM", "Job killed by signal: SIGTERM"),
        ("pilot", 1212, "PAYLOADOUTOFMEMORY", "Payload ran out of memory"),
        ("pilot", 1213, "REACHEDMAXTIME", "Reached batch system time limit"),
        ("pilot", 1234, "KILLSIGNAL", "Job was killed by a signal from the batch system"),
        ("pilot", 1235, "MEMORYLIMIT", "Job exceeded the memory limit of the queue"),
        ("pilot", 1305, "PAYLOADEXECUTIONFAILURE", "Payload execution failure"),
        ("pilot", 1324, "SERVICENOTAVAILABLE", "Service not available at the moment"),
        ("pilot", 1361, "IMAGENOTFOUND", "Container image not found"),
        # --- executor: transform codes reported through the job report -------------------
        ("executor", 8, "TRF_EXEC_FAIL", "Transform execution failed (athena exited non-zero)"),
        ("executor", 65, "TRF_EXEC_SETUP_FAIL", "Transform setup failed"),
        ("executor", 68, "TRF_EXEC_LOGERROR", "Fatal error found in the athena log"),
        ("executor", 85, "TRF_INPUT_FILE_ERROR", "Input file could not be opened or is corrupted"),
        ("executor", 137, "TRF_SIGKILL", "Payload killed with SIGKILL"),
        ("executor", 251, "TRF_UNKNOWN", "Unknown transform error"),
        # --- transform: the payload's exit status (transexitcode) ------------------------
        ("transform", 1, "GENERIC", "Payload exited with status 1"),
        ("transform", 65, "SETUP_FAIL", "Transform setup failed"),
        ("transform", 68, "LOGERROR", "Fatal error in payload log"),
        ("transform", 137, "SIGKILL", "Payload killed (signal 9)"),
        ("transform", 139, "SIGSEGV", "Payload crashed with a segmentation fault"),
        # --- supervisor ------------------------------------------------------------------
        ("supervisor", 1, "INVALIDBATCHID", "Invalid batch ID"),
        ("supervisor", 2, "WORKERDONE", "Worker already done"),
        ("supervisor", 122, "ESPREEMPTION", "Event service job preempted"),
        # --- dataservice (Setupper/Adder) -----------------------------------------------
        ("dataservice", 100, "SETUPPER", "Setupper failed to prepare the dispatch block"),
        ("dataservice", 101, "GUID", "GUID not found"),
        ("dataservice", 200, "ADDER", "Adder failed to register output"),
        ("dataservice", 201, "SUBSCRIPTION", "Failed to make a subscription"),
        ("dataservice", 203, "LOCATION", "Failed to register a dataset location"),
        ("dataservice", 204, "NEVENTS", "Missing number of events in the job report"),
        ("dataservice", 205, "INCONSISTENTGUID", "Inconsistent GUID between pilot and catalogue"),
        ("dataservice", 206, "RSECONFIG", "Storage endpoint (RSE) misconfigured"),
        # --- brokerage -------------------------------------------------------------------
        ("brokerage", 100, "NORELEASE", "Software release not found at any site"),
        ("brokerage", 101, "VOMSFAILURE", "VOMS proxy check failed"),
        # --- jobdispatcher (Watcher) -----------------------------------------------------
        ("jobdispatcher", 100, "LOSTHEARTBEAT", "Lost heartbeat: no update from the pilot"),
        ("jobdispatcher", 101, "RECOVERYFAILED", "Job recovery failed"),
        ("jobdispatcher", 102, "SENTTIMEOUT", "Sent timeout: the pilot never started the job"),
        ("jobdispatcher", 103, "HOLDINGTIMEOUT", "Holding timeout"),
        ("jobdispatcher", 104, "TRANSFERRINGTIMEOUT", "Transferring timeout"),
        ("jobdispatcher", 105, "OTHERTIMEOUT", "Other timeout"),
        # --- taskbuffer (server DB layer: kills, retries) ------------------------------
        ("taskbuffer", 100, "KILLED", "Job killed by the user or the server"),
        ("taskbuffer", 101, "TRANSFERTIMEOUT", "Transfer timeout"),
        ("taskbuffer", 102, "EXPIRED", "Job expired in the queue"),
        ("taskbuffer", 103, "ABORTED", "Task aborted"),
        ("taskbuffer", 105, "REASSIGNED", "Job reassigned by JEDI to another site"),
        ("taskbuffer", 106, "RETRIED", "Job retried by JEDI"),
        ("taskbuffer", 107, "PILOTRETRIED", "Job retried by the pilot"),
        ("taskbuffer", 130, "FASTREBROKERAGE", "Fast rebrokerage of a waiting job"),
        ("taskbuffer", 300, "WORKERDONE", "Harvester worker already done"),
    )
)

_INDEX = {(e.component, e.code): e for e in CATALOGUE}

COMPONENTS = tuple(dict.fromkeys(e.component for e in CATALOGUE))


def describe(component: str, code: int | str | None) -> tuple[str, str]:
    """(name, description) of an error code, or ("", "") when unknown or 0."""
    try:
        entry = _INDEX.get((component, int(code)))
    except (TypeError, ValueError):
        return "", ""
    return (entry.name, entry.description) if entry else ("", "")


# Error categories: who has to act. A site problem is the queue's or its storage's (the site
# admin, a shifter's ticket); a payload problem is the job's own (its user or the task's
# owner); a system problem is PanDA's or its services' (brokerage, dispatch, data management).
CATEGORIES: dict[str, str] = {
    "site": "site problem: the worker node, batch system or storage of the queue",
    "payload": "payload problem: the job's own software, inputs or resource requests",
    "system": "system problem: PanDA, its brokerage, dispatch or data management",
    "unknown": "an error code the catalogue does not know",
}
# Each component's codes fall in one category, except those listed below.
COMPONENT_CATEGORY = {"pilot": "site", "executor": "payload", "transform": "payload", "supervisor": "system",
                      "dataservice": "system", "brokerage": "system", "jobdispatcher": "system",
                      "taskbuffer": "system"}
CODE_CATEGORY = {
    ("pilot", 1144): "system",  # PANDAKILL: the server killed it
    ("pilot", 1150): "payload",  # LOOPINGJOB: the payload stopped writing output
    ("pilot", 1212): "payload",  # PAYLOADOUTOFMEMORY
    ("pilot", 1235): "payload",  # MEMORYLIMIT: the job asked for too little
    ("pilot", 1305): "payload",  # PAYLOADEXECUTIONFAILURE
    ("executor", 85): "site",  # TRF_INPUT_FILE_ERROR: a replica on the site's storage is bad
    ("dataservice", 206): "site",  # RSECONFIG: the site's storage endpoint
    ("jobdispatcher", 100): "site",  # LOSTHEARTBEAT: the worker node went away
}


def category(component: str, code: int | str | None) -> str:
    """The category of a non-zero code: site, payload, system, or unknown when not catalogued."""
    try:
        key = (component, int(code))
    except (TypeError, ValueError):
        return "unknown"
    if key not in _INDEX:
        return "unknown"
    return CODE_CATEGORY.get(key, COMPONENT_CATEGORY[component])


def codes_of_category(component: str, name: str) -> tuple[int, ...]:
    """The catalogued codes of one component in one category (not for `unknown`)."""
    return tuple(e.code for e in CATALOGUE if e.component == component and category(component, e.code) == name)


def codes(component: str) -> tuple[ErrorCode, ...]:
    """Every catalogued code of one component."""
    return tuple(e for e in CATALOGUE if e.component == component)
