"""Latest/earliest values per group over every table a JobQuery reads.

counts_by() answers "how many"; pages also ask "when was the last one" (the
/users/ latest activity). One grouped query per table, combined in Python over
the few groups, like counts_by: a job present in two tables has the same
modificationtime in both, so a maximum needs no de-duplication.
"""

from __future__ import annotations

from django.db.models import Max, Q

from jobs.query.jobs import JobQuery


def max_by(query: JobQuery, group: str, column: str = "modificationtime", *, extra: Q | None = None) -> dict:
    """{group value: largest `column`} over the query's selection."""
    best: dict = {}
    for _, qs in query.querysets(extra):
        for row in qs.values(group).annotate(_max=Max(column)).order_by():
            value, current = row["_max"], best.get(row[group])
            if value is not None and (current is None or value > current):
                best[row[group]] = value
    return best


def latest(query: JobQuery, column: str = "modificationtime", *, extra: Q | None = None):
    """The largest `column` over the whole selection, or None when it is empty."""
    values = [qs.aggregate(_max=Max(column))["_max"] for _, qs in query.querysets(extra)]
    values = [v for v in values if v is not None]
    return max(values) if values else None
