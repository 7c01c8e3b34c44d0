"""Global shares and work queues against what runs now: the share tree normalised
from a root of 100 (a child's target is its parent's times its value over the sum of
its siblings' values, as PanDA's server and BigPanDA compute it), and the live jobs
and cores per share and per work queue, one GROUP BY over jobsactive4 (where PanDA
keeps activated, sent, starting and running jobs)."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from jobs.models.job import Jobsactive4
from jobs.query.filters import params_q
from pandamon import introspection
from pandamon.params import Params
from pandamon.routers import PANDA_DB
from shares.models import GlobalShare, JediWorkQueue

EXECUTING = ("sent", "starting", "running")
QUEUED = ("activated",)


def missing_tables(*models_, using: str = PANDA_DB) -> list[str]:
    return [m._meta.db_table for m in models_ if not introspection.has_table(m, using)]


def live_counts(params: Params, column: str, using: str = PANDA_DB) -> dict:
    """{value of column: {executing_jobs, queued_jobs, executing_cores, queued_cores}}."""
    integer = models.IntegerField()
    cores = Coalesce("actualcorecount", "corecount", Value(1), output_field=integer)
    rows = (Jobsactive4.objects.using(using).filter(params_q(params), jobstatus__in=EXECUTING + QUEUED)
            .values(column, "jobstatus").annotate(_n=Count("*"), _cores=Sum(cores, output_field=integer))
            .order_by())
    out: dict = {}
    for row in rows:
        entry = out.setdefault(row[column], empty())
        group = "executing" if row["jobstatus"] in EXECUTING else "queued"
        entry[f"{group}_jobs"] += row["_n"]
        entry[f"{group}_cores"] += row["_cores"] or 0
    return out


def empty() -> dict:
    return {"executing_jobs": 0, "queued_jobs": 0, "executing_cores": 0, "queued_cores": 0}


def share_tree(params: Params, using: str = PANDA_DB) -> tuple[list[dict], dict]:
    """(the shares depth first, each with its target and live counts summed over its
    subtree; the live counts of jobs whose gshare is no share of the tree)."""
    shares = list(GlobalShare.objects.using(using).order_by("name").values("name", "parent", "value", "queue_id",
                                                                           "prodsourcelabel", "vo", "rtype"))
    live = live_counts(params, "gshare", using)
    children: dict = {}
    for share in shares:
        children.setdefault(share["parent"], []).append(share)
    known = {s["name"] for s in shares}
    roots = [s for s in shares if s["parent"] is None or s["parent"] not in known]
    ordered: list[dict] = []

    def walk(siblings: list[dict], parent_target: float, level: int) -> dict:
        total = sum(s["value"] or 0 for s in siblings)
        summed = empty()
        for share in sorted(siblings, key=lambda s: (-(s["value"] or 0), s["name"])):
            target = parent_target * (share["value"] or 0) / total if total else 0.0
            entry = {**share, "level": level, "target_percent": round(target, 2)}
            ordered.append(entry)
            counts = dict(live.get(share["name"], empty()))
            below = walk(children.get(share["name"], []), target, level + 1)
            for key in counts:
                counts[key] += below[key]
                summed[key] += counts[key]
            entry.update(counts)
        return summed

    walk(roots, 100.0, 0)
    all_executing = sum(c["executing_cores"] for c in live.values())
    for entry in ordered:
        pledged = all_executing * entry["target_percent"] / 100
        entry["pledged_cores"] = round(pledged, 1)
        entry["used_percent"] = round(100 * entry["executing_cores"] / pledged, 1) if pledged else None
        entry["delta_cores"] = round(entry["executing_cores"] - pledged, 1)
    outside = empty()
    for name, counts in live.items():
        if name not in known:
            for key in outside:
                outside[key] += counts[key]
    return ordered, outside


def work_queues(params: Params, using: str = PANDA_DB) -> list[dict]:
    live = live_counts(params, "workqueue_id", using)
    rows = JediWorkQueue.objects.using(using).order_by("queue_type", "queue_order", "queue_id").values()
    return [{**row, **live.get(row["queue_id"], empty())} for row in rows]
