"""What every job page shares: the states in display order and count links that
carry the page's selection (filters, jobtype, window) to /jobs/."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest

from pandamon.errors import BadRequest
from pandamon.pages import link
from pandamon.params import NOT_SPECIFIED, WINDOW_PARAMS, Params
from pandamon.responses import wants_json

# PanDA's job states in the order a job walks through them (fact sheet §3), then the ends.
JOB_STATES = (
    "pending", "defined", "waiting", "assigned", "throttled", "activated", "sent", "starting", "running",
    "holding", "merging", "transferring", "finished", "failed", "cancelled", "closed",
)
# Parameters that shape one page's output, not the selection of jobs.
PAGE_ONLY = frozenset({"sortby", "limit", "display_limit", "fields", "outputs", "after", "export"})


def display(value) -> str:
    """A grouped value as shown and as a filter value: NULL is `Not specified`."""
    return NOT_SPECIFIED if value is None else str(value)


def window_query(params: Params) -> dict[str, str]:
    """The window as query parameters. A default window is pinned as `hours=N`:
    the target page's own default may differ (per-VO defaults)."""
    if params.window is None:
        return {}
    if params.window.explicit:
        return {k: v for k, v in params.raw.items() if k in WINDOW_PARAMS}
    return {"hours": str(round(params.window.hours))}


def selection_query(params: Params, *, window: bool = True, **overrides) -> dict[str, str]:
    """The page's filters and jobtype (and window), with some filters replaced."""
    query = {k: v for k, v in params.raw.items() if k not in PAGE_ONLY and k not in WINDOW_PARAMS}
    if window:
        query.update(window_query(params))
    query.update({key: display(value) for key, value in overrides.items()})
    return query


def jobs_link(params: Params, **overrides) -> str:
    """/jobs/ over the same selection and window, narrowed by `overrides`
    (a None value is the NULL filter, `Not specified`)."""
    return link("/jobs/", **selection_query(params, **overrides))


def ordered_states(states) -> list[str]:
    """States in walk order; unknown states (legacy `unknown`, `stagein`) last."""
    known = [s for s in JOB_STATES if s in states]
    return known + sorted(s for s in states if s not in JOB_STATES)


def check_outputs(params: Params, keys) -> None:
    """`outputs` may name only the page's own top-level keys; views compute
    just those, so a typo must not pass as an empty answer."""
    unknown = [o for o in params.outputs or () if o not in keys]
    if unknown:
        raise BadRequest(f"outputs: unknown key(s) {', '.join(unknown)}; this page has {', '.join(keys)}")


def needs(request: HttpRequest, params: Params, key: str, *, html: bool) -> bool:
    """Whether a view computes one top-level key. JSON computes what `outputs`
    asks for (everything by default); HTML only what it renders server side
    (`html`), the heavy panels being drawn after load from the JSON."""
    if wants_json(request):
        return params.outputs is None or key in params.outputs
    return html


def filter_chips(path: str, params: Params, *, defaults: Mapping[str, str] | None = None) -> list[dict]:
    """The page's active filters, each with a link to the same page without it
    (a page default is lifted with `*`, any value)."""
    chips = []
    for key, value in selection_query(params, window=False).items():
        rest = {k: v for k, v in params.raw.items() if k != key and k not in ("after", "outputs")}
        if defaults and key in defaults:
            if value == "*":
                continue
            rest[key] = "*"
        chips.append({"name": key, "value": value, "remove": link(path, **rest)})
    return chips
