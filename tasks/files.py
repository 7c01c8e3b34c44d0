"""Datasets and files: JEDI's dataset rows and file contents, and the jobs that read or wrote a
file (filestable4 and filestable_arch, both indexed on lfn).

A name with `*` is a LIKE; one that starts with `*` cannot use the name index, so it is
refused (the caller says so) unless narrowed by a task.
"""

from __future__ import annotations

from django.db.models import Q

from jobs.models import Filestable4, FilestableArch
from jobs.query.filters import filter_q
from pandamon import introspection
from pandamon.errors import BadRequest
from pandamon.params.values import ColumnFilter
from pandamon.routers import PANDA_DB
from tasks import progress
from tasks.models import JediDataset, JediDatasetContent

MAX_NAME = 4000  # jedi_dataset_contents.lfn
FILE_COLUMNS = ("jeditaskid", "datasetid", "fileid", "lfn", "scope", "type", "status", "attemptnr", "maxattempt",
                "failedattempt", "fsize", "guid", "checksum", "nevents", "pandaid", "outpandaid", "lastattempttime",
                "creationdate", "proc_status")
JOB_FILE_COLUMNS = ("pandaid", "jeditaskid", "datasetid", "fileid", "attemptnr", "lfn", "scope", "type", "status",
                    "dataset", "fsize", "modificationtime")


def name_filter(name: str, value: str, column: str | None = None) -> ColumnFilter:
    """`a|b` any of, `*` wildcards; a leading `*` is refused (no index can serve it)."""
    terms = [t.strip() for t in value.replace(",", "|").split("|")]
    if not terms or any(not t or len(t) > MAX_NAME for t in terms):
        raise BadRequest(f"{name}: give one or more names separated by | (each 1 to {MAX_NAME} characters)")
    for t in terms:
        if t.startswith("*"):
            raise BadRequest(f"{name}: a name may not start with * (that would read every row; the name index "
                             f"serves a prefix such as user.alice.*)")
        if "%" in t or "\\" in t:
            raise BadRequest(f"{name}: '%' and '\\' are not allowed; use * as the wildcard")
    return ColumnFilter(column or name, tuple(t for t in terms if "*" not in t),
                        tuple(t for t in terms if "*" in t))


def datasets(q: Q, limit: int, using: str = PANDA_DB) -> tuple[list[dict], bool]:
    qs = JediDataset.objects.using(using).filter(q).order_by("-jeditaskid", "datasetid").values()
    rows = [progress.with_percent(r) for r in qs[: limit + 1]]
    return rows[:limit], len(rows) > limit


def dataset(datasetid: int, using: str = PANDA_DB) -> dict | None:
    row = JediDataset.objects.using(using).filter(datasetid=datasetid).values().first()
    return progress.with_percent(row) if row else None


def dataset_files(datasetid: int, after: int | None, limit: int, using: str = PANDA_DB) -> tuple[list[dict], bool]:
    """The dataset's files in fileid order from `after` on (keyset paging)."""
    qs = JediDatasetContent.objects.using(using).filter(datasetid=datasetid)
    if after is not None:
        qs = qs.filter(fileid__gt=after)
    rows = list(qs.order_by("fileid").values(*FILE_COLUMNS)[: limit + 1])
    return rows[:limit], len(rows) > limit


def contents(f: ColumnFilter, scope: str | None, limit: int, using: str = PANDA_DB) -> list[dict]:
    if not introspection.has_table(JediDatasetContent, using):
        return []
    q = filter_q(f) & (Q(scope=scope) if scope else Q())
    return list(JediDatasetContent.objects.using(using).filter(q).order_by("jeditaskid", "datasetid", "fileid")
                .values(*FILE_COLUMNS)[:limit])


def jobs_of_file(f: ColumnFilter, scope: str | None, limit: int, using: str = PANDA_DB) -> list[dict]:
    """Every job attempt that read or wrote the file(s): filestable4 (live and recent jobs) then
    filestable_arch (archived), each row naming its table."""
    q = filter_q(f) & (Q(scope=scope) if scope else Q())
    out = []
    for model, table in ((Filestable4, "filestable4"), (FilestableArch, "filestable_arch")):
        if model is FilestableArch and not introspection.has_table(FilestableArch, using):
            continue
        rows = model.objects.using(using).filter(q).order_by("pandaid").values(*JOB_FILE_COLUMNS)[:limit]
        out += [{**r, "filetable": table} for r in rows]
    return out


def creator(lfn: str, using: str = PANDA_DB) -> int | None:
    """The job that wrote the file (an output or log row), the latest attempt if several did."""
    for model in (Filestable4, FilestableArch):
        if model is FilestableArch and not introspection.has_table(FilestableArch, using):
            continue
        found = (model.objects.using(using).filter(lfn=lfn, type__in=("output", "log"))
                 .order_by("-pandaid").values_list("pandaid", flat=True).first())
        if found is not None:
            return found
    if introspection.has_table(JediDatasetContent, using):
        return (JediDatasetContent.objects.using(using).filter(lfn=lfn, outpandaid__isnull=False)
                .order_by("-outpandaid").values_list("outpandaid", flat=True).first())
    return None
