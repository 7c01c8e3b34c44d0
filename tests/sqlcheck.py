"""An independent oracle for the query layer: plain SQL over every job table.

It reads all five tables with no table selection at all and de-duplicates by
pandaid with COUNT(DISTINCT), so a test comparing it with JobQuery catches a
table the layer forgot, a double-counted fast-buffer/archive copy, or a filter
rendered wrongly.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections

from jobs.models import JOB_MODELS

TABLES = [m._meta.db_table for m in JOB_MODELS]


def _q(name: str) -> str:
    return connections["panda"].ops.quote_name(name)


def dbtime(t: dt.datetime):
    return connections["panda"].ops.adapt_datetimefield_value(t)


def grouped_counts(columns: list[str], where: str, params: list) -> dict:
    """{key: distinct pandaids} over every job table for a WHERE clause."""
    union = " UNION ALL ".join(
        f"SELECT pandaid, {', '.join(_q(c) for c in columns)} FROM {_q(t)} WHERE {where}" for t in TABLES
    )
    cols = ", ".join(_q(c) for c in columns)
    sql = f"SELECT {cols}, COUNT(DISTINCT pandaid) FROM ({union}) u GROUP BY {cols}"
    with connections["panda"].cursor() as cursor:
        cursor.execute(sql, params * len(TABLES))
        rows = cursor.fetchall()
    return {(r[0] if len(columns) == 1 else tuple(r[:-1])): r[-1] for r in rows}


def total(where: str, params: list) -> int:
    union = " UNION ALL ".join(f"SELECT pandaid FROM {_q(t)} WHERE {where}" for t in TABLES)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT pandaid) FROM ({union}) u", params * len(TABLES))
        return cursor.fetchone()[0]


def window_where(start: dt.datetime, end: dt.datetime) -> tuple[str, list]:
    return "modificationtime >= %s AND modificationtime < %s", [dbtime(start), dbtime(end)]


def job_reports(where: str, params: list) -> dict:
    """{pandaid: metadata text} of the jobs matching a WHERE clause that have a job report in metatable or
    metatable_arch (the live row preferred, as PanDA moves it to the archive later)."""
    from jobs.models import Metatable, MetatableArch
    from pandamon import introspection

    union = " UNION ALL ".join(f"SELECT pandaid FROM {_q(t)} WHERE {where}" for t in TABLES)
    found: dict = {}
    for model in (MetatableArch, Metatable):  # the live table last: its row wins
        if not introspection.has_table(model, "panda"):
            continue
        sql = (f"SELECT m.pandaid, m.metadata FROM {_q(model._meta.db_table)} m "
               f"WHERE m.pandaid IN (SELECT pandaid FROM ({union}) u) ORDER BY m.modificationtime")
        with connections["panda"].cursor() as cursor:
            cursor.execute(sql, params * len(TABLES))
            found.update({pandaid: text for pandaid, text in cursor.fetchall()})
    return found
