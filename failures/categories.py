"""Failures by error category (site / payload / system / unknown, jobs.errorcodes.CATEGORIES).

A job is in a category when one of its error codes is: the category is a condition on the
code columns, so the database counts the jobs (one aggregate per table, a filtered COUNT
per category) and `errorcategory=` selects them in any list. A job whose errors fall in two
categories counts under both. A taskbuffer code next to a supervisor code is the server's
echo of it (as in the error summary) and does not make a category of its own.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Q

from jobs.errorcodes import CATEGORIES, codes, codes_of_category
from jobs.models import ERROR_COMPONENTS

NAMES = tuple(CATEGORIES)


def _counted(component: str, q: Q) -> Q:
    if component == "taskbuffer":
        return q & (Q(superrorcode=0) | Q(superrorcode__isnull=True))
    return q


def category_q(name: str) -> Q:
    """Jobs with at least one error code of category `name`."""
    parts = []
    for component, column, _ in ERROR_COMPONENTS:
        if name == "unknown":
            known = [e.code for e in codes(component)]
            q = Q(**{f"{column}__isnull": False}) & ~Q(**{column: 0})
            if known:
                q &= ~Q(**{f"{column}__in": known})
        else:
            wanted = codes_of_category(component, name)
            if not wanted:
                continue
            q = Q(**{f"{column}__in": wanted})
        parts.append(_counted(component, q))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def categories_q(names) -> Q:
    """errorcategory=a|b: jobs in any of the named categories."""
    return reduce(or_, (category_q(n) for n in names))


def errors_by_category(query) -> list[dict]:
    """`[{name, description, count}]` in CATEGORIES order: jobs of the selection per category."""
    totals = dict.fromkeys(NAMES, 0)
    counts = {name: Count("pandaid", filter=category_q(name)) for name in NAMES}
    for _, qs in query.querysets():
        for name, n in qs.aggregate(**counts).items():
            totals[name] += n or 0
    return [{"name": name, "description": CATEGORIES[name], "count": totals[name]} for name in NAMES]
