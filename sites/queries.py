"""Queue-side queries: which queues a page shows, and one queue by name, from
whichever source the database has (sites.sources).

The queue filters run in the database over the sources' q_* expressions (JSON key
extraction on schedconfig_json); the chosen queues are then joined to job counts
in Python by siteid (jobs carry the siteid in computingsite; several nicknames
may share one siteid).
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.db.models import Q

from jobs.query.filters import filter_q
from pandamon.errors import BadRequest, NotFound
from pandamon.params import MAX_LIST_VALUES, Params
from sites import sources
from sites.models import QUEUE_STATES

# JSON keys of a queue, the same from either source.
QUEUE_KEYS = sources.KEYS
# Parameters that choose queues on /sites/ rather than jobs.
QUEUE_PARAMS = ("cloud", "vo", "status", "copytool")
# Job columns whose filter applies to the queues, and the queue expression it applies to.
QUEUE_FILTER_COLUMNS = {"cloud": "q_cloud", "vo": "q_vo"}


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
    q = Q(q_status__in=include) if include else Q()
    return q & ~Q(q_status__in=exclude) if exclude else q


def parse_copytool(name: str, value: str) -> str:
    """`copytool=` converter: one CRIC copy tool name (BigPanDA's: rucio, xrdcp, gfal, ...)."""
    if not sources.COPYTOOL_NAME.fullmatch(value.strip()):
        raise BadRequest(f"{name} must be one copy tool name (letters, digits, _ . -), got '{value}'")
    return value.strip()


def queue_q(params: Params) -> Q:
    """The queues a /sites/ request asks for: cloud= and vo= (the queue's home cloud
    and VO, with the job value grammar), status= and copytool= (BigPanDA's: the queues
    configured with that copy tool)."""
    q = params.extra.get("status", Q())
    if "copytool" in params.extra:
        q &= sources.current().copytool_q(params.extra["copytool"])
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
    """Queues as contract rows, by cloud then nickname."""
    return sources.sorted_rows(sources.current(), where)


def find_queue(name: str) -> dict:
    """A queue by its name (panda_queue, nickname), else by siteid (the first
    nickname of that site). 404 otherwise."""
    source = sources.current()
    found = source.rows(source.called(name).order_by("q_nickname"))
    if not found:
        raise NotFound(f"no queue '{name}' in {source.name} (looked up by name, nickname and siteid)")
    exact = [r for r in found if r["nickname"] == name]
    return (exact or found)[0]


def clouds() -> list[dict]:
    """Clouds {name, description, tier1}: cloudconfig where the legacy source is in
    use, else the clouds the queues name with their Tier-1 queue."""
    return sources.current().clouds()
