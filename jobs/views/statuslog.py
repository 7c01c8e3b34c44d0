"""/jobstatuslog/<pandaid>/: a job's state history, with the time spent in each state."""

from __future__ import annotations

from jobs import durations as dur
from jobs.query import lookup
from jobs.views.job import load_job
from pandamon import window as windows
from pandamon.pages import page
from pandamon.params import Params

HISTORY_KEYS = ("jobstatus", "modificationtime", "modificationhost", "duration")


@page("jobs/statuslog.html", window_required=False)
def statuslog_page(request, params: Params, pandaid: str) -> dict:
    now = windows.now()
    job, _ = load_job(params, pandaid, now)
    history = dur.with_state_durations(lookup.status_history(job), ended=dur.job_end(job) is not None, now=now)
    return {
        "_json": [{k: h[k] for k in HISTORY_KEYS} for h in history],
        "_job": job,
        "_history": history,
        "_per_state": dur.time_per_state(history),
    }
