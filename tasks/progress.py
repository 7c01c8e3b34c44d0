"""Task progress from JEDI's dataset counters (BigPanDA's dsinfo, panda-schema-jedi.md §4.3).

One grouped query over jedi_datasets for a whole page of tasks, never one per task:
the input datasets (type input/pseudo_input, masterid NULL, not removed) give the file and
event totals; the main output stream (OUTPUT0) gives the events written.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Sum, When
from django.db.models.functions import Coalesce

from pandamon import introspection
from pandamon.routers import PANDA_DB
from tasks.models import JediDataset

INPUT_TYPES = ("input", "pseudo_input")
# BigPanDA's datasets on a task row: the inputs and the outputs.
LISTED_TYPES = ("input", "pseudo_input", "output")
DSINFO_KEYS = ("nfiles", "nfilesfinished", "nfilesfailed", "nfilesmissing", "pctfinished", "pctfailed",
               "neventsTot", "neventsUsedTot", "neventsRemaining", "neventsOutput")


def has_datasets(using: str = PANDA_DB) -> bool:
    return introspection.has_table(JediDataset, using)


def _sum_when(column: str, condition: Q):
    return Coalesce(Sum(Case(When(condition, then=column), default=0, output_field=IntegerField())), 0)


def dsinfo_by_task(taskids: list[int], using: str = PANDA_DB) -> dict[int, dict]:
    """{jeditaskid: dsinfo} for every given task (zeros for a task without datasets), one query."""
    out = {tid: dsinfo({}) for tid in taskids}
    if not taskids or not has_datasets(using):
        return out
    inputs = Q(type__in=INPUT_TYPES, masterid__isnull=True) & ~Q(status="removed")
    rows = (JediDataset.objects.using(using).filter(jeditaskid__in=taskids)
            .values("jeditaskid").order_by()
            .annotate(sum_nfiles=_sum_when("nfiles", inputs & Q(nfiles__gt=0)),
                      sum_nfilesfinished=_sum_when("nfilesfinished", inputs & Q(nfiles__gt=0)),
                      sum_nfilesfailed=_sum_when("nfilesfailed", inputs & Q(nfiles__gt=0)),
                      sum_nfilesmissing=_sum_when("nfilesmissing", inputs),
                      sum_neventsTot=_sum_when("nevents", inputs & Q(nevents__gt=0)),
                      sum_neventsUsedTot=_sum_when("neventsused", inputs & Q(neventsused__gt=0)),
                      sum_neventsOutput=_sum_when("nevents", Q(type="output", streamname="OUTPUT0"))))
    for row in rows:  # the aliases differ from the columns: an alias may not shadow the column it sums
        out[row.pop("jeditaskid")] = dsinfo({k.removeprefix("sum_"): v for k, v in row.items()})
    return out


def dsinfo(sums: dict) -> dict:
    """BigPanDA's dsinfo from the sums: percentages floored, 0 when the task has no input files."""
    info = {k: int(sums.get(k) or 0) for k in ("nfiles", "nfilesfinished", "nfilesfailed", "nfilesmissing",
                                               "neventsTot", "neventsUsedTot", "neventsOutput")}
    n = info["nfiles"]
    info["pctfinished"] = 100 * info["nfilesfinished"] // n if n else 0
    info["pctfailed"] = 100 * info["nfilesfailed"] // n if n else 0
    info["neventsRemaining"] = info["neventsTot"] - info["neventsUsedTot"]
    return {k: info[k] for k in DSINFO_KEYS}


def datasets_by_task(taskids: list[int], using: str = PANDA_DB, types=LISTED_TYPES) -> dict[int, list[dict]]:
    """{jeditaskid: [jedi_datasets rows]} in one query (BigPanDA's datasets=true)."""
    out: dict[int, list[dict]] = {tid: [] for tid in taskids}
    if not taskids or not has_datasets(using):
        return out
    qs = JediDataset.objects.using(using).filter(jeditaskid__in=taskids)
    if types:
        qs = qs.filter(type__in=types)
    for row in qs.order_by("jeditaskid", "datasetid").values():
        out[row["jeditaskid"]].append(with_percent(row))
    return out


def with_percent(row: dict) -> dict:
    """A dataset row with BigPanDA's percentfinished (floored, one decimal) and its scope split off."""
    n = row.get("nfiles") or 0
    row["percentfinished"] = int(1000 * (row.get("nfilesfinished") or 0) / n) / 10 if n else 0
    name = row.get("datasetname") or ""
    row["scope"] = name.split(":", 1)[0] if ":" in name else None
    return row
