"""The part of a request that selects jobs — filters, jobtype, window — as query
parameters, so count links open the list of exactly the jobs they count."""

from __future__ import annotations

from collections.abc import Iterable

from jobs.query.errors import CODE_COLUMN
from pandamon.pages import link
from pandamon.params import CONTROL_PARAMS, WINDOW_PARAMS, Params

# List controls are the page's own business; jobtype selects jobs and stays.
_NOT_SELECTION = CONTROL_PARAMS - {"jobtype"}


def selection_query(params: Params, *, drop: Iterable[str] = ()) -> dict[str, str]:
    """Filters and window of `params` as a query dict. A default window is spelt
    out (hours=N) so the linked page counts over the same span whatever its own
    default."""
    dropped = set(drop) | _NOT_SELECTION
    query = {k: v for k, v in params.raw.items() if k not in dropped and k not in params.extra}
    window = params.window
    if window is not None and not any(k in params.raw for k in WINDOW_PARAMS):
        query["hours"] = str(max(1, round(window.hours)))
    return query


def window_query(params: Params) -> dict[str, str]:
    """Only the window of `params` (spelt out when it is the default)."""
    return {k: v for k, v in selection_query(params).items() if k in WINDOW_PARAMS}


def state_cells(states: dict[str, int], statelist: Iterable[str], path: str, query: dict[str, str]) -> list[dict]:
    """One cell per state of `statelist`: {jobstatus, n, url}; url is None for 0."""
    cells = []
    for jobstatus in statelist:
        n = states.get(jobstatus, 0)
        cells.append({"jobstatus": jobstatus, "n": n,
                      "url": link(path, **{**query, "jobstatus": jobstatus}) if n else None})
    return cells


def error_links(errors: list[dict], selection: dict[str, str], path: str = "/jobs/") -> list[dict]:
    """errsByCount rows for a template, each with `url`: the jobs of that error in `selection`."""
    return [{**e, "url": link(path, **{**selection, CODE_COLUMN[e["component"]]: str(e["codeval"])})}
            for e in errors]
