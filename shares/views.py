"""`/globalshares/` and `/workqueues/`: how PanDA divides its resources, against what
runs now (the live jobs, no time window; job filters narrow the counted jobs).

JSON (pandamon's keys; BigPanDA's executing/pledged/queued are HS06, these are jobs and cores):
- globalshares: `shares` `[{name, parent, level, value, target_percent, executing_jobs,
  queued_jobs, executing_cores, queued_cores, pledged_cores, used_percent, delta_cores, ...}]`
  depth first (a parent's counts include its subtree; target_percent is normalised from 100;
  pledged_cores is the target's part of every executing core; used_percent = executing / pledged),
  and `outside`: the live jobs whose gshare is no share of the tree;
- workqueues: `workqueues`: every jedi_work_queue row with its live jobs and cores.
A database without the tables answers `missing` (the tables it lacks).
"""

from __future__ import annotations

from jobs.views.selection import filter_chips, selection_query
from pandamon.pages import link, page
from pandamon.params import MAX_DAYS, Params
from shares import queries
from shares.models import GlobalShare, JediWorkQueue

# The job lists behind a count: the live states, over a window as long as any (these
# states live in the live tables only, so the archive is not read).
EXECUTING, QUEUED = "|".join(queries.EXECUTING), "|".join(queries.QUEUED)
ANY_AGE = {"days": str(MAX_DAYS)}


@page("shares/globalshares.html", window_required=False)
def globalshares(request, params: Params):
    if missing := queries.missing_tables(GlobalShare):
        return {"missing": missing}
    shares, outside = queries.share_tree(params)
    rows = [{"s": s, "executing": _link(params, gshare=s["name"], jobstatus=EXECUTING),
             "queued": _link(params, gshare=s["name"], jobstatus=QUEUED)} for s in shares]
    return {"shares": shares, "outside": outside, "_rows": rows, "_filters": filter_chips(request.path, params)}


@page("shares/workqueues.html", window_required=False)
def workqueues(request, params: Params):
    if missing := queries.missing_tables(JediWorkQueue):
        return {"missing": missing}
    rows = queries.work_queues(params)
    html = [{"q": r, "executing": _link(params, workqueue_id=r["queue_id"], jobstatus=EXECUTING),
             "queued": _link(params, workqueue_id=r["queue_id"], jobstatus=QUEUED)} for r in rows]
    return {"workqueues": rows, "_rows": html, "_filters": filter_chips(request.path, params)}


def _link(params: Params, **narrow) -> str:
    return link("/jobs/", **{**selection_query(params), **ANY_AGE, **{k: str(v) for k, v in narrow.items()}})
