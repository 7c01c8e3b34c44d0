"""Why a job failed: its error components explained (fact sheet §4).

`diagnose(row)` lists every component whose code is set, with the code's name
and description from the catalogue (jobs.errorcodes) and the diagnostic text
PanDA stored, most relevant first. `errorinfo(row)` is the one-line summary
("component:code diag; ...") that job lists and the status API show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypedDict

from jobs.errorcodes import describe
from jobs.models import ERROR_COMPONENTS

# Most relevant first. The payload's own error explains the pilot's generic
# 1305 "payload execution failure"; the pilot's infrastructure errors explain a
# job that never got that far; the server-side components (dispatcher timeouts,
# supervisor, brokerage) come next; taskbuffer last, since kills and retries are
# usually the consequence of another component's error rather than its cause.
RELEVANCE = ("executor", "pilot", "transform", "dataservice", "jobdispatcher", "supervisor", "brokerage",
             "taskbuffer")
_COLUMNS = {component: (code, diag) for component, code, diag in ERROR_COMPONENTS}
_COLUMNS["transform"] = ("transexitcode", None)  # a string; its text comes from the catalogue

ERRORINFO_MAX = 300
_AT = re.compile(r"\s+at\s+.*$", re.S)


class Diagnosis(TypedDict):
    component: str
    code: int | str
    name: str
    description: str
    diag: str


def _code(row: Mapping, component: str) -> int | str | None:
    """The component's code if it signals an error, else None."""
    value = row.get(_COLUMNS[component][0])
    if component == "transform":
        text = (value or "").strip()
        if not text or text == "0":
            return None
        return int(text) if text.lstrip("-").isdigit() else text
    return value or None


def diagnose(row: Mapping) -> list[Diagnosis]:
    """Every error component set on the job, most relevant first."""
    out: list[Diagnosis] = []
    for component in RELEVANCE:
        code = _code(row, component)
        if code is None:
            continue
        name, description = describe(component, code)
        diag_column = _COLUMNS[component][1]
        diag = (row.get(diag_column) or "") if diag_column else ""
        out.append(Diagnosis(component=component, code=code, name=name, description=description, diag=diag))
    return out


def short_diag(text: str) -> str:
    """PanDA's own trimming for summaries: one line, 'lost heartbeat' without its
    timestamp, and nothing after ' at ' (hosts and times that make every message unique)."""
    text = " ".join((text or "").split())
    if text.lower().startswith("lost heartbeat"):
        return "lost heartbeat"
    return _AT.sub("", text)


def errorinfo(row: Mapping) -> str:
    """One-line error summary "component:code diag; ..." ('' for a job without errors).

    As PanDA's monitor builds it: taskbuffer is left out when the supervisor
    code is set (the supervisor explains it), and the line is capped at ~300 chars.
    """
    parts = []
    supervisor_set = bool(row.get("superrorcode"))
    for item in diagnose(row):
        if item["component"] == "taskbuffer" and supervisor_set:
            continue
        text = short_diag(item["diag"] or item["description"])
        parts.append(f"{item['component']}:{item['code']} {text}".rstrip())
    line = "; ".join(parts)
    if len(line) > ERRORINFO_MAX:
        line = line[: ERRORINFO_MAX - 1].rstrip() + "…"
    return line
