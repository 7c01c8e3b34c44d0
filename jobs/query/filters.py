"""Parsed filters (pandamon.params) → Django Q objects over any job table."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Q

import jobs.query.lookups  # noqa: F401  (registers the `like` lookup)
from failures.categories import categories_q
from jobs.query.drop import drop_q
from pandamon.params import JOBTYPES, ColumnFilter, Params
from sites import sources

# Oracle refuses an IN list of more than 1000 values; on every backend a long list is an
# OR of IN lists of at most this many, each an index range the optimizer can probe.
IN_CHUNK = 1000


def in_q(column: str, values) -> Q:
    """`column IN values`, written as IN lists of at most IN_CHUNK values joined by OR."""
    values = list(values)
    if not values:
        return Q(**{f"{column}__in": []})  # matches nothing, as IN () would
    q = Q()
    for start in range(0, len(values), IN_CHUNK):
        q |= Q(**{f"{column}__in": values[start:start + IN_CHUNK]})
    return q


def filter_q(f: ColumnFilter) -> Q:
    q = Q()
    if f.has_positive:
        anyof = Q()
        if f.values:
            anyof |= in_q(f.column, f.values)
        for pattern in f.patterns:
            anyof |= Q(**{f"{f.column}__like": pattern})
        for start, end in f.ranges:
            anyof |= Q(**{f"{f.column}__gte": start, f"{f.column}__lt": end})
        if f.null:
            anyof |= Q(**{f"{f.column}__isnull": True})
        q &= anyof
    if f.negated:
        # NOT IN alone would drop NULL rows; `!a` means "anything but a", NULL included.
        q &= ~in_q(f.column, f.negated) | Q(**{f"{f.column}__isnull": True})
    for pattern in f.negated_patterns:
        q &= ~Q(**{f"{f.column}__like": pattern}) | Q(**{f"{f.column}__isnull": True})
    if f.not_null:
        q &= Q(**{f"{f.column}__isnull": False})
    return q


def jobtype_q(jobtype: str | None) -> Q:
    if not jobtype:
        return Q()
    column, values = JOBTYPES[jobtype]
    if not values:  # eventservice: any non-zero value
        return Q(**{f"{column}__gt": 0})
    return Q(**{f"{column}__in": list(values)})


def region_q(region: ColumnFilter | None) -> Q:
    """Jobs at the queues of a region (the queue's cloud), chosen in the database."""
    if region is None:
        return Q()
    queues = sources.current().queryset().filter(filter_q(replace(region, column="q_cloud")))
    return Q(computingsite__in=queues.values("q_siteid"))


def params_q(params: Params) -> Q:
    q = jobtype_q(params.jobtype) & drop_q(params.mode) & region_q(params.region)
    if params.errorcategory:
        q &= categories_q(params.errorcategory)
    for f in params.filters.values():
        q &= filter_q(f)
    return q
