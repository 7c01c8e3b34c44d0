"""parse_params(): a request's query string → Params (web contract: Conventions).

Validated job-column filters, the time window and the list controls; every malformed
value raises BadRequest naming the parameter (ErrorMiddleware: a 400). No database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pandamon import window as windows
from pandamon.errors import BadRequest
from pandamon.params.names import (
    COLUMN_SYNONYMS,
    CONTROL_PARAMS,
    DEFAULT_DISPLAY_LIMIT,
    DEFAULT_LIMIT,
    ERROR_CATEGORIES,
    IGNORED,
    JOB_FIELDS,
    MAX_DISPLAY_LIMIT,
    MAX_LIMIT,
    MODES,
    SELECTION_PARAMS,
    SUMMARY_SORTS,
    TIME_RANGE_PARAMS,
    UNFILTERABLE,
    WINDOW_PARAMS,
)
from pandamon.params.times import parse_window, time_ranges
from pandamon.params.values import (
    ColumnFilter,
    Sort,
    harvester_filter,
    names,
    nonempty,
    parse_filter,
    parse_int,
    parse_jobtype,
    parse_sort,
)


@dataclass
class Params:
    filters: dict[str, ColumnFilter] = field(default_factory=dict)
    window: windows.Window | None = None
    jobtype: str | None = None
    sort: Sort = field(default_factory=Sort)
    limit: int = DEFAULT_LIMIT
    # The limit asked for when it was above MAX_LIMIT (then `limit` is MAX_LIMIT); None otherwise.
    limit_requested: int | None = None
    display_limit: int = DEFAULT_DISPLAY_LIMIT
    fields: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    mode: str = "nodrop"  # mode=drop|nodrop|dropped (names.MODES)
    # sortby=count|alpha: how a summary orders its values (None: the page's default); lists keep `sort`.
    summary_sort: str | None = None
    # BigPanDA's region: the jobs of the queues whose cloud it is (a cloud filter on the queues).
    region: ColumnFilter | None = None
    # errorcategory=site|payload: jobs with an error of one of these categories.
    errorcategory: tuple[str, ...] = ()
    # BigPanDA's extra=a,b flags: accepted; views honour the ones they know, others are ignored.
    flags: tuple[str, ...] = ()
    # The query string minus window parameters, to rebuild links with another window.
    raw: dict[str, str] = field(default_factory=dict)

    def filter_value(self, column: str) -> str | None:
        return self.raw.get(column)

    @property
    def drop(self) -> bool:
        return self.mode == "drop"


def parse_params(
    query: Mapping,
    *,
    extra: Mapping[str, Callable[[str, str], object]] | None = None,
    defaults: Mapping[str, str] | None = None,
    window_required: bool = True,
) -> Params:
    """Validate a request's query string. `extra` maps view-specific parameter
    names to converters `(name, value) -> value` that raise BadRequest."""
    extra = extra or {}
    raw = _normalise(query)
    for key, value in (defaults or {}).items():
        raw.setdefault(key, value)
    params = Params(raw={k: v for k, v in raw.items() if k not in IGNORED})

    for name, value in raw.items():
        if name in IGNORED:
            continue
        if name in extra:
            params.extra[name] = extra[name](name, nonempty(name, value))
        elif name in JOB_FIELDS and name not in UNFILTERABLE:
            params.filters[name] = _merge(params.filters.get(name), parse_filter(name, nonempty(name, value)))
        elif name == "harvesterinstance":
            params.filters["schedulerid"] = _merge(params.filters.get("schedulerid"),
                                                   harvester_filter(nonempty(name, value)))
        elif name in COLUMN_SYNONYMS:
            column = COLUMN_SYNONYMS[name]
            params.filters[column] = _merge(params.filters.get(column), parse_filter(column, nonempty(name, value)))
        elif name not in WINDOW_PARAMS | CONTROL_PARAMS | SELECTION_PARAMS | TIME_RANGE_PARAMS:
            named = sorted(WINDOW_PARAMS | CONTROL_PARAMS | SELECTION_PARAMS | set(COLUMN_SYNONYMS) | set(extra))
            raise BadRequest(f"unknown parameter '{name}': accepted are job columns (e.g. jobstatus, "
                             f"computingsite), {', '.join(named)}, <time column>range, <time column>_from, "
                             f"<time column>_to")

    if "jobtype" in raw:
        params.jobtype = parse_jobtype(raw["jobtype"])
    if "mode" in raw:
        mode = nonempty("mode", raw["mode"]).lower()
        if mode not in MODES:
            raise BadRequest(f"mode must be one of {', '.join(MODES)}, got '{mode}'")
        params.mode = mode
    if "region" in raw:
        params.region = parse_filter("cloud", nonempty("region", raw["region"]))
    if "errorcategory" in raw:
        params.errorcategory = parse_categories(raw["errorcategory"])
    if "extra" in raw:
        params.flags = tuple(v.strip().lower() for v in raw["extra"].split(",") if v.strip())
    ranged = time_ranges(raw)
    for column, bounds in ranged.items():
        params.filters[column] = _merge(params.filters.get(column), ColumnFilter(column, ranges=(bounds,)))
    if "sortby" in raw and raw["sortby"].strip().lower() in SUMMARY_SORTS:
        params.summary_sort = raw["sortby"].strip().lower()
    elif "sortby" in raw and "sortby" not in extra:  # a page may sort by its own keys (the task list)
        params.sort = parse_sort(raw["sortby"])
    if "limit" in raw:
        asked = parse_int("limit", raw["limit"], 1)
        params.limit = min(asked, MAX_LIMIT)
        params.limit_requested = asked if asked > MAX_LIMIT else None
    if "display_limit" in raw:
        params.display_limit = parse_int("display_limit", raw["display_limit"], 1, MAX_DISPLAY_LIMIT)
    if "fields" in raw:
        params.fields = names("fields", raw["fields"])
    if "outputs" in raw:
        params.outputs = names("outputs", raw["outputs"])
    # A time range on a column replaces the window, as in BigPanDA; with date_from & co. both hold.
    params.window = parse_window(raw, params.filters, required=window_required and not ranged)
    return params


def _merge(old: ColumnFilter | None, new: ColumnFilter) -> ColumnFilter:
    """One condition per column: user with produsername, or endtime with endtimerange, is refused."""
    if old is not None:
        raise BadRequest(f"{new.column} is given by two parameters (e.g. user and produsername); give one")
    return new


def _normalise(query: Mapping) -> dict[str, str]:
    """Lower-case names; a repeated filter is the union of its values."""
    out: dict[str, str] = {}
    getlist = getattr(query, "getlist", None)
    for key in query:
        name = str(key).lower().strip()
        values = getlist(key) if getlist else [query[key]]
        for value in values:
            value = str(value)
            if name in out and out[name] != value:
                if name in JOB_FIELDS:
                    out[name] = f"{out[name]}|{value}"
                else:
                    raise BadRequest(f"parameter '{name}' is given twice with different values")
            else:
                out[name] = value
    return out


def parse_categories(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip().lower() for v in nonempty("errorcategory", value).split("|")))
    bad = [n for n in names if n not in ERROR_CATEGORIES]
    if bad:
        raise BadRequest(f"errorcategory must be one or more of {', '.join(ERROR_CATEGORIES)} joined by |, "
                         f"got '{value}'")
    return names
