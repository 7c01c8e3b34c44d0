"""Queue-side queries over schedconfig: which queues a page shows, and one queue by name.

schedconfig is small (hundreds of rows), so it is read whole per request and
joined to job counts in Python by siteid (jobs carry the siteid in
computingsite; several nicknames may share one siteid).
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.db.models import Q

from jobs.query.filters import filter_q
from pandamon.errors import BadRequest, NotFound
from pandamon.params import MAX_LIST_VALUES, Params
from pandamon.routers import PANDA_DB
from sites.models import QUEUE_STATES, Schedconfig

# JSON keys are schedconfig's column names (comment_, not the model's `comment`).
QUEUE_COLUMNS: dict[str, str] = {f.column: f.attname for f in Schedconfig._meta.concrete_fields}
# Parameters that choose queues on /sites/ rather than jobs.
QUEUE_PARAMS = ("cloud", "vo", "status")
# Job columns whose filter applies to schedconfig, and the schedconfig column it applies to.
QUEUE_FILTER_COLUMNS = {"cloud": "cloud", "vo": "vo_name"}


def parse_status(name: str, value: str) -> Q:
    """`status=` converter: queue states with the value grammar's `a|b`, `a,b` and `!a`."""
    include, exclude = [], []
    terms = [t.strip() for t in re.split(r"[|,]", value)]
    if len(terms) > MAX_LIST_VALUES:
        raise BadRequest(f"{name}: at most {MAX_LIST_VALUES} values")
    for term in terms:
        negate = term.startswith("!")
        state = term[1:].strip().lower() if negate else term.lower()
        if state not in QUEUE_STATES:
            raise BadRequest(f"{name} must be one of {', '.join(QUEUE_STATES)} (a|b for several, !a to exclude), "
                             f"got '{term}'")
        (exclude if negate else include).append(state)
    q = Q(status__in=include) if include else Q()
    return q & ~Q(status__in=exclude) if exclude else q


def queue_q(params: Params) -> Q:
    """The queues a /sites/ request asks for: cloud= and vo= (schedconfig.cloud and
    schedconfig.vo_name, with the job value grammar) and status=."""
    q = params.extra.get("status", Q())
    for param, column in QUEUE_FILTER_COLUMNS.items():
        if param in params.filters:
            q &= filter_q(replace(params.filters[param], column=column))
    return q


def without_queue_params(params: Params) -> Params:
    """The request's job filters alone: cloud/vo/status chose the queues already."""
    return replace(
        params,
        filters={k: v for k, v in params.filters.items() if k not in QUEUE_PARAMS},
        extra={k: v for k, v in params.extra.items() if k not in QUEUE_PARAMS},
        raw={k: v for k, v in params.raw.items() if k not in QUEUE_PARAMS},
    )


def queues(where: Q | None = None) -> list[dict]:
    """Queues as contract rows (every schedconfig column), by cloud then nickname."""
    rows = Schedconfig.objects.using(PANDA_DB).filter(where or Q()).order_by("cloud", "nickname")
    return [_as_row(r) for r in rows.values(*QUEUE_COLUMNS.values())]


def find_queue(name: str) -> dict:
    """A queue by nickname, else by siteid (the first nickname of that site). 404 otherwise."""
    rows = (
        Schedconfig.objects.using(PANDA_DB)
        .filter(Q(nickname=name) | Q(siteid=name))
        .order_by("nickname")
        .values(*QUEUE_COLUMNS.values())
    )
    found = [_as_row(r) for r in rows]
    if not found:
        raise NotFound(f"no queue '{name}' in schedconfig (looked up by nickname and siteid)")
    exact = [r for r in found if r["nickname"] == name]
    return (exact or found)[0]


def _as_row(values: dict) -> dict:
    return {column: values[attname] for column, attname in QUEUE_COLUMNS.items()}
