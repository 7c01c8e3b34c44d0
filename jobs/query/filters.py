"""Parsed filters (pandamon.params) → Django Q objects over any job table."""

from __future__ import annotations

from django.db.models import Q

import jobs.query.lookups  # noqa: F401  (registers the `like` lookup)
from pandamon.params import JOBTYPES, ColumnFilter, Params


def filter_q(f: ColumnFilter) -> Q:
    q = Q()
    if f.has_positive:
        anyof = Q()
        if f.values:
            anyof |= Q(**{f"{f.column}__in": list(f.values)})
        for pattern in f.patterns:
            anyof |= Q(**{f"{f.column}__like": pattern})
        for start, end in f.ranges:
            anyof |= Q(**{f"{f.column}__gte": start, f"{f.column}__lt": end})
        if f.null:
            anyof |= Q(**{f"{f.column}__isnull": True})
        q &= anyof
    if f.negated:
        # NOT IN alone would drop NULL rows; `!a` means "anything but a", NULL included.
        q &= ~Q(**{f"{f.column}__in": list(f.negated)}) | Q(**{f"{f.column}__isnull": True})
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


def params_q(params: Params) -> Q:
    q = jobtype_q(params.jobtype)
    for f in params.filters.values():
        q &= filter_q(f)
    return q
