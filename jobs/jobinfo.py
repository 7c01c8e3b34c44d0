"""The `job` object of /job/<pandaid>/?json as BigPanDA's job page sends it.

The row of /jobs/ (jobs.rows, without the job list's own keys) plus what BigPanDA's
job page adds: `harvesterInfo` (the Harvester worker, {} if none), `file_summary_str`,
`days_since_creation`, `destinationse` from the task's storage token where JEDI has
one, and, when the pilot left a job report, `metastruct` (parsed) with `metadata`
(it indented). Its five main times are 'YYYY-MM-DD HH:MM:SS', other times ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from harvester.jobs import job_worker
from jobs import rows
from tasks.jobfacts import input_events, storage_token

PAGE_TIMES = ("creationtime", "modificationtime", "starttime", "statechangetime", "endtime")
FILE_TYPES = ("input", "output", "pseudo_input", "log")
PAGE_KEYS = ("harvesterInfo", "file_summary_str", "days_since_creation", "metastruct")


def file_summary(files: Sequence[Mapping]) -> str:
    """BigPanDA's 'input: N, size: X GB, #events: E; output: N; pseudo_input: N; log: N'."""
    count = {t: 0 for t in FILE_TYPES}
    size_mb = 0.0
    for f in files:
        if f.get("type") in count:
            count[f["type"]] += 1
            if f["type"] == "input":
                size_mb += round((f.get("fsize") or 0) / 1_000_000, 2)  # as its fsizemb, per file
    events = input_events((f.get("datasetid"), f.get("fileid")) for f in files if f.get("type") == "input")
    parts = [f"input: {count['input']}, size: {round(size_mb / 1000.0, 2)}GB, #events: {events}"]
    parts += [f"{t}: {count[t]}" for t in FILE_TYPES[1:]]
    return "; ".join(parts)


def parsed_metadata(text: str | None):
    """The job report as JSON (BigPanDA's metastruct); None when absent or not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def page_job(raw: Mapping, now: dt.datetime, files: Sequence[Mapping], metadata: str | None) -> dict:
    job = rows.job_row(raw, now, rows.queue_clouds())
    token = storage_token(raw.get("jeditaskid"))
    if token:
        job["destinationse"] = token
    job["harvesterInfo"] = job_worker(raw["pandaid"])
    job["file_summary_str"] = file_summary(files)
    created = rows._naive_utc(raw.get("creationtime"))
    if created:
        job["days_since_creation"] = (rows._naive_utc(now) - created).days + 1
    metastruct = parsed_metadata(metadata)
    if metastruct is not None:
        job["metastruct"] = metastruct
        job["metadata"] = json.dumps(metastruct, sort_keys=True, indent=4, separators=(",", ": "))
    rows.format_dates(job, PAGE_TIMES, sep=" ")
    return rows.format_dates(job)
