"""Failures over time by error (`errsByTime` of /errors/): jobs per hour (per day for
windows over two weeks) and component:code, one GROUP BY (hour × the code columns)
per table, rolled up into BigPanDA's error keys here; and the diagnostics grouped
by normalised message, one GROUP BY (code, diag) per component and table."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDay, TruncHour

from failures.messages import group_messages
from jobs.models import ERROR_COMPONENTS
from jobs.query import JobQuery
from jobs.query.errors import error_keys
from jobs.query.jobs import ERROR_CODE_COLUMNS
from jobs.views.dash import HOURLY_UP_TO, bin_starts, iso_utc, utc
from jobs.views.selection import selection_query
from pandamon.pages import link
from pandamon.params import Params

SERIES = 12  # the most frequent errors drawn; the rest are one "other" series


def errors_over_time(query: JobQuery, params: Params) -> dict:
    """{binseconds, bins, series: [{name: "component:code", total, counts, link}]}, a
    bar's job list being `link` plus date_from/date_to of its bin ("other": no link)."""
    window = params.window
    step, trunc = dt.timedelta(hours=1), TruncHour
    if window is not None and window.end - window.start > HOURLY_UP_TO:
        step, trunc = dt.timedelta(days=1), TruncDay
    counts = query.counts_by(*ERROR_CODE_COLUMNS, bin=trunc("modificationtime"))
    per_error: dict[str, Counter] = {}
    seen = set()
    for key, n in counts.items():
        *codes, start = key
        start = utc(start)
        seen.add(start)
        for error in error_keys(dict(zip(ERROR_CODE_COLUMNS, codes, strict=True))) or ["none"]:
            per_error.setdefault(error, Counter())[start] += n
    bins = bin_starts(window, step, seen)
    index = {b: i for i, b in enumerate(bins)}
    ranked = sorted(per_error.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    series = []
    other = [0] * len(bins)
    for rank, (error, by_bin) in enumerate(ranked):
        values = [0] * len(bins)
        for start, n in by_bin.items():
            values[index[start]] += n
        if rank < SERIES:
            series.append({"name": error, "total": sum(values), "counts": values,
                           "link": link("/jobs/", **selection_query(params, window=False, **_narrow(error)))})
        else:
            other = [a + b for a, b in zip(other, values, strict=True)]
    if any(other):
        series.append({"name": "other", "total": sum(other), "counts": other, "link": None})
    return {"binseconds": int(step.total_seconds()), "bins": [iso_utc(b) for b in bins], "series": series}


def _narrow(error: str) -> dict:
    if error == "none":
        return {}
    from jobs.query.errors import error_filter_of

    return error_filter_of(error)


def errors_by_message(query: JobQuery) -> list[dict]:
    """pandamon's: the selection's errors grouped by (component, code, normalised diag),
    each {component, code, error, message, count, variants, example, example_pandaid}, by
    count. One GROUP BY over every code and diag column per table; the components are
    read off its rows (error_keys' rule: a taskbuffer code beside a supervisor code is
    its echo)."""
    columns = [c for _, code, diag in ERROR_COMPONENTS for c in (code, diag)]
    rows: Counter = Counter()
    examples: dict = {}
    anyerror = Q()
    for _, code, _ in ERROR_COMPONENTS:
        anyerror |= Q(**{f"{code}__gt": 0})
    for _, qs in query.querysets(anyerror):
        for row in qs.values(*columns).annotate(_n=Count("*"), _example=Max("pandaid")).order_by():
            for component, code_column, diag_column in ERROR_COMPONENTS:
                code = row[code_column]
                if not code or (component == "taskbuffer" and row["superrorcode"]):
                    continue
                key = (component, code, row[diag_column])
                rows[key] += row["_n"]
                examples[key] = max(examples.get(key) or 0, row["_example"] or 0) or None
    return group_messages((c, code, diag, n, examples[(c, code, diag)]) for (c, code, diag), n in rows.items())
