"""Bulk status lookup by pandaid over every job table and the archive.

Pipelines poll thousands of jobs at once. The ids are read in chunks; each chunk
is ONE query, a UNION ALL of the same narrow SELECT over every table (live
tables, jobsarchived4, the archive or its period tables), so the number of
queries grows with the number of chunks only, never with the tables or ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Max, Value

from jobs.models import ERROR_COMPONENTS, LIVE_JOB_MODELS
from jobs.query.tables import select_sources
from pandamon import window as windows
from pandamon.routers import PANDA_DB

# Oracle refuses an IN list longer than 1000 values; one size for every backend
# keeps the plans alike (every probe is a primary-key or pandaid-index lookup).
CHUNK = 1000
ERROR_COLUMNS = ("transexitcode", *(c for _, code, diag in ERROR_COMPONENTS for c in (code, diag)))
STATUS_COLUMNS = ("pandaid", "jobstatus", "jobsubstatus", "computingsite", "modificationtime", *ERROR_COLUMNS)
ARCHIVE_TABLES = frozenset({"jobsarchived"})


def latest_rows(pandaids: Iterable[int], *, using: str = PANDA_DB, chunk: int = CHUNK) -> dict[int, dict]:
    """{pandaid: row} for the ids that exist; each row has STATUS_COLUMNS plus
    `table`, the table it was read from. A job in a live table and in the archive
    (the fast-buffer overlap) is answered from the live copy; a job caught in two
    live tables mid-move from its newest copy."""
    ids = list(dict.fromkeys(pandaids))
    sources = select_sources(None, None, now=windows.now())
    found: dict[int, dict] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        selects = [
            source.model.objects.using(using)
            .filter(pandaid__in=part)
            .order_by()
            .values(*STATUS_COLUMNS, table=Value(source.name, output_field=CharField()))
            for source in sources
        ]
        for row in selects[0].union(*selects[1:], all=True):
            current = found.get(row["pandaid"])
            if current is None or _newer(row, current):
                found[row["pandaid"]] = row
    return found


def _newer(row: dict, current: dict) -> bool:
    row_live, current_live = row["table"] not in ARCHIVE_TABLES, current["table"] not in ARCHIVE_TABLES
    if row_live != current_live:
        return row_live
    return row["modificationtime"] > current["modificationtime"]


def max_pandaid(*, using: str = PANDA_DB) -> int | None:
    """The highest pandaid in the live tables (the newest job is always there):
    one MAX over each table's primary-key index, no archive scan."""
    highest = [model.objects.using(using).aggregate(m=Max("pandaid"))["m"] for model in LIVE_JOB_MODELS]
    return max((m for m in highest if m is not None), default=None)
