"""One parser for every page's query string (web contract: Conventions).

parse_params() turns a QueryDict into Params: validated job-column filters, the
time window, and the list controls. Every malformed value raises BadRequest with
a message naming the parameter and what it accepts; ErrorMiddleware turns it
into a 400. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from jobs.models import Jobsactive4
from pandamon import window as windows
from pandamon.errors import BadRequest

MAX_LIST_VALUES = 10_000
MAX_LIMIT = 100_000
DEFAULT_LIMIT = 1000
DEFAULT_DISPLAY_LIMIT = 100
MAX_DISPLAY_LIMIT = 5000
MAX_DAYS = 3650
NOT_SPECIFIED = "Not specified"

# Accepted and ignored: scripts use them to defeat caches; `json` selects the format.
IGNORED = frozenset({"json", "timestamp", "_"})
WINDOW_PARAMS = frozenset({"hours", "days", "date_from", "date_to", "earlierthan", "earlierthandays"})
CONTROL_PARAMS = frozenset({"jobtype", "sortby", "limit", "display_limit", "fields", "outputs", "extra"})
# BigPanDA's parameters that select jobs without being a job column; count links keep them.
SELECTION_PARAMS = frozenset({"mode", "region", "harvesterinstance"})
# A lookup by one of these with no explicit window searches every table, unbounded.
ID_COLUMNS = ("pandaid", "jobname", "jeditaskid", "taskid", "jobsetid")

JOB_FIELDS: dict[str, models.Field] = {f.column: f for f in Jobsactive4._meta.concrete_fields}
# Columns shoppers filter on but that are not plain values (big text).
UNFILTERABLE = frozenset({"jobparameters", "metadata"})

JOBTYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (column, values)   — prodsourcelabel groups as shifters use them
    "analysis": ("prodsourcelabel", ("user", "panda")),
    "production": ("prodsourcelabel", ("managed",)),
    "test": ("prodsourcelabel", ("test", "prod_test", "ptest", "rc_test", "rc_test2", "rc_alrb")),
    "install": ("prodsourcelabel", ("install",)),
    "ddm": ("prodsourcelabel", ("ddm",)),
    "eventservice": ("eventservice", ()),  # any non-zero eventservice
}

# BigPanDA's other spellings of a job column (its setupView): the same filter.
COLUMN_SYNONYMS = {"user": "produsername", "username": "produsername"}
# BigPanDA matches jobtype by prefix (anal*, prod*) and knows esmerge.
JOBTYPES["esmerge"] = ("eventservice", (2,))
JOBTYPE_PREFIXES = (("anal", "analysis"), ("prod", "production"))
# mode=drop hides attempts superseded by a retry (jobs.query.drop); nodrop, the default, shows all.
MODES = ("drop", "nodrop")
# BigPanDA's <column>range=A|B, and <column>_from / <column>_to, on a job's time columns:
# a time range on that column that replaces the window.
TIME_COLUMNS = tuple(c for c, f in JOB_FIELDS.items() if isinstance(f, models.DateTimeField))
RANGE_PARAMS = frozenset(f"{c}range" for c in TIME_COLUMNS)
BOUND_PARAMS = frozenset(f"{c}_{end}" for c in TIME_COLUMNS for end in ("from", "to"))

# BigPanDA's summaries (attribute and error summaries, site list) take sortby=count|alpha.
SUMMARY_SORTS = ("count", "alpha")
SORT_KEYS = ("time", "create", "statetime", "priority", "duration", "attemptnr", "pandaid")


@dataclass(frozen=True)
class ColumnFilter:
    """One job column's condition: any of `values`/`patterns`, none of the negated ones.

    NULL is spelt `Not specified`: `null` means "or IS NULL", `not_null` "and IS NOT NULL".
    """

    column: str
    values: tuple = ()
    patterns: tuple[str, ...] = ()
    null: bool = False
    negated: tuple = ()
    negated_patterns: tuple[str, ...] = ()
    not_null: bool = False
    ranges: tuple[tuple[dt.datetime, dt.datetime], ...] = ()

    @property
    def has_positive(self) -> bool:
        return bool(self.values or self.patterns or self.null or self.ranges)


@dataclass(frozen=True)
class Sort:
    key: str = "time"
    descending: bool = True

    @property
    def param(self) -> str:
        return f"{self.key}-{'descending' if self.descending else 'ascending'}"


@dataclass
class Params:
    filters: dict[str, ColumnFilter] = field(default_factory=dict)
    window: windows.Window | None = None
    jobtype: str | None = None
    sort: Sort = field(default_factory=Sort)
    limit: int = DEFAULT_LIMIT
    display_limit: int = DEFAULT_DISPLAY_LIMIT
    fields: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    drop: bool = False
    # sortby=count|alpha: how a summary orders its values (None: the page's default); lists keep `sort`.
    summary_sort: str | None = None
    # BigPanDA's region: the jobs of the queues whose cloud it is (a cloud filter on the queues).
    region: ColumnFilter | None = None
    # BigPanDA's extra=a,b flags: accepted; views honour the ones they know, others are ignored.
    flags: tuple[str, ...] = ()
    # The query string minus window parameters, to rebuild links with another window.
    raw: dict[str, str] = field(default_factory=dict)

    def filter_value(self, column: str) -> str | None:
        return self.raw.get(column)


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
            params.extra[name] = extra[name](name, _nonempty(name, value))
        elif name in JOB_FIELDS and name not in UNFILTERABLE:
            params.filters[name] = _merge(params.filters.get(name), parse_filter(name, _nonempty(name, value)))
        elif name == "harvesterinstance":
            params.filters["schedulerid"] = _merge(params.filters.get("schedulerid"),
                                                   harvester_filter(_nonempty(name, value)))
        elif name in COLUMN_SYNONYMS:
            column = COLUMN_SYNONYMS[name]
            params.filters[column] = _merge(params.filters.get(column), parse_filter(column, _nonempty(name, value)))
        elif name not in WINDOW_PARAMS | CONTROL_PARAMS | SELECTION_PARAMS | TIME_RANGE_PARAMS:
            named = sorted(WINDOW_PARAMS | CONTROL_PARAMS | SELECTION_PARAMS | set(COLUMN_SYNONYMS) | set(extra))
            raise BadRequest(f"unknown parameter '{name}': accepted are job columns (e.g. jobstatus, "
                             f"computingsite), {', '.join(named)}, <time column>range, <time column>_from, "
                             f"<time column>_to")

    if "jobtype" in raw:
        params.jobtype = parse_jobtype(raw["jobtype"])
    if "mode" in raw:
        mode = _nonempty("mode", raw["mode"]).lower()
        if mode not in MODES:
            raise BadRequest(f"mode must be one of {', '.join(MODES)}, got '{mode}'")
        params.drop = mode == "drop"
    if "region" in raw:
        params.region = parse_filter("cloud", _nonempty("region", raw["region"]))
    if "extra" in raw:
        params.flags = tuple(v.strip().lower() for v in raw["extra"].split(",") if v.strip())
    ranged = _time_ranges(raw)
    for column, bounds in ranged.items():
        params.filters[column] = _merge(params.filters.get(column), ColumnFilter(column, ranges=(bounds,)))
    if "sortby" in raw and raw["sortby"].strip().lower() in SUMMARY_SORTS:
        params.summary_sort = raw["sortby"].strip().lower()
    elif "sortby" in raw:
        params.sort = parse_sort(raw["sortby"])
    if "limit" in raw:
        params.limit = parse_int("limit", raw["limit"], 1, MAX_LIMIT)
    if "display_limit" in raw:
        params.display_limit = parse_int("display_limit", raw["display_limit"], 1, MAX_DISPLAY_LIMIT)
    if "fields" in raw:
        params.fields = _names("fields", raw["fields"])
    if "outputs" in raw:
        params.outputs = _names("outputs", raw["outputs"])
    # A time range on a column replaces the window, as in BigPanDA; with date_from & co. both hold.
    params.window = parse_window(raw, params.filters, required=window_required and not ranged)
    return params


TIME_RANGE_PARAMS = RANGE_PARAMS | BOUND_PARAMS


def harvester_filter(value: str) -> ColumnFilter:
    """BigPanDA's harvesterinstance=X: jobs whose schedulerid is harvester-X; `all`: any
    Harvester instance; `Not specified`: jobs not submitted by Harvester."""
    if value.lower() == "all":
        return ColumnFilter("schedulerid", patterns=("harvester*",))
    if value.lower() == NOT_SPECIFIED.lower():
        return ColumnFilter("schedulerid", negated_patterns=("harvester*",))
    return parse_filter("schedulerid", "|".join(f"harvester-{v.strip()}" for v in _SPLIT.split(value)))


def parse_jobtype(value: str) -> str:
    jobtype = _nonempty("jobtype", value).lower()
    if jobtype in JOBTYPES:
        return jobtype
    for prefix, name in JOBTYPE_PREFIXES:
        if jobtype.startswith(prefix):
            return name
    raise BadRequest(f"jobtype must be one of {', '.join(JOBTYPES)} (or anal*, prod*), got '{jobtype}'")


def _merge(old: ColumnFilter | None, new: ColumnFilter) -> ColumnFilter:
    """One condition per column: user with produsername, or endtime with endtimerange, is refused."""
    if old is not None:
        raise BadRequest(f"{new.column} is given by two parameters (e.g. user and produsername); give one")
    return new


def _time_ranges(raw: Mapping[str, str]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """{column: (start, end)} from <column>range=A|B and <column>_from/_to (either alone is open-ended)."""
    out = {}
    for column in TIME_COLUMNS:
        name = f"{column}range"
        if name in raw:
            parts = [p.strip() for p in _nonempty(name, raw[name]).split("|")]
            if len(parts) != 2:
                raise BadRequest(f"{name} takes two times A|B (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC)")
            start, end = parse_time(name, parts[0]), _end_time(name, parts[1])
        elif f"{column}_from" in raw or f"{column}_to" in raw:
            low, high = f"{column}_from", f"{column}_to"
            start = parse_time(low, raw[low]) if low in raw else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            end = _end_time(high, raw[high]) if high in raw else dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        else:
            continue
        if start >= end:
            raise BadRequest(f"{column}: the range must start before it ends")
        out[column] = (start, end)
    return out


def _end_time(name: str, value: str) -> dt.datetime:
    moment = parse_time(name, value)
    return moment + dt.timedelta(days=1) if len(value.strip()) == 10 else moment  # a whole end day


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


def _nonempty(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise BadRequest(f"parameter '{name}' is empty; give a value or leave it out")
    if "\x00" in value:
        # No PanDA value holds one, and PostgreSQL refuses it in any text parameter.
        raise BadRequest(f"parameter '{name}' contains a NUL character")
    return value


def _names(name: str, value: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in _nonempty(name, value).split(",") if v.strip())
    if not items:
        raise BadRequest(f"{name} takes a comma-separated list of names")
    for item in items:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", item):
            raise BadRequest(f"{name}: '{item}' is not a field name")
    return items


def parse_int(name: str, value: str, low: int | None = None, high: int | None = None) -> int:
    text = str(value).strip()
    # ASCII digits only: int() would also take other scripts' digits ('٣').
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        raise BadRequest(f"{name} must be an integer, got '{value}'")
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        raise BadRequest(f"{name} must be between {low} and {high}, got {number}")
    return number


def parse_sort(value: str) -> Sort:
    key, _, direction = value.strip().lower().partition("-")
    if key not in SORT_KEYS or direction not in ("", "ascending", "descending"):
        raise BadRequest(
            f"sortby must be one of {', '.join(SORT_KEYS)}, optionally with -ascending or -descending "
            f"(or {' or '.join(SUMMARY_SORTS)} for summaries), got '{value}'"
        )
    return Sort(key, direction != "ascending")


# --- value grammar ----------------------------------------------------------

_SPLIT = re.compile(r"[|,]")
INTEGER_FIELDS = (models.IntegerField, models.BigIntegerField, models.SmallIntegerField)


def parse_filter(column: str, value: str) -> ColumnFilter:
    """`a|b`, `a,b` any of; `!a` not a; `*` wildcard; `Not specified` = NULL."""
    terms = [t.strip() for t in _SPLIT.split(value)]
    if any(not t for t in terms):
        raise BadRequest(f"{column}: empty term in '{value}' (use a|b or a,b for several values)")
    if len(terms) > MAX_LIST_VALUES:
        raise BadRequest(f"{column}: at most {MAX_LIST_VALUES} values, got {len(terms)}")
    model_field = JOB_FIELDS[column]
    values, patterns, negated, negated_patterns, ranges = [], [], [], [], []
    null = not_null = False
    for term in terms:
        negate = term.startswith("!")
        if negate:
            term = term[1:].strip()
            if not term:
                raise BadRequest(f"{column}: '!' must be followed by a value")
        if term.lower() == NOT_SPECIFIED.lower():
            if negate:
                not_null = True
            else:
                null = True
            continue
        if isinstance(model_field, INTEGER_FIELDS):
            # Every integer column fits a signed 64-bit integer; larger values would crash the driver.
            converted = parse_int(column, term, -(2**63), 2**63 - 1)
        elif isinstance(model_field, models.DateTimeField):
            if negate:
                raise BadRequest(f"{column}: dates cannot be negated")
            ranges.append(_date_term(column, term))
            continue
        elif isinstance(model_field, models.DecimalField):
            try:
                converted = float(term)
            except ValueError:
                converted = math.nan
            if not math.isfinite(converted):  # float() also takes 'inf' and 'nan'
                raise BadRequest(f"{column} must be a finite number, got '{term}'")
        else:
            if len(term) > model_field.max_length:
                raise BadRequest(f"{column}: value longer than the column ({model_field.max_length})")
            if "*" in term:
                if term.strip("*") == "":
                    if negate:
                        raise BadRequest(f"{column}: '!*' would match nothing")
                    values.append(None)  # '*' alone: any value, marked for removal below
                    continue
                (negated_patterns if negate else patterns).append(term)
                continue
            converted = term
        (negated if negate else values).append(converted)
    any_value = None in values
    values = [v for v in values if v is not None]
    if any_value:  # `*` matches everything: drop the positive terms
        values, patterns, null, ranges = [], [], False, []
    return ColumnFilter(column, tuple(dict.fromkeys(values)), tuple(patterns), null,
                        tuple(dict.fromkeys(negated)), tuple(negated_patterns), not_null, tuple(ranges))


def _date_term(column: str, term: str) -> tuple[dt.datetime, dt.datetime]:
    moment = parse_time(column, term)
    if len(term) == 10:  # a whole day
        return moment, moment + dt.timedelta(days=1)
    return moment, moment + dt.timedelta(seconds=1)


_TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_time(name: str, value: str) -> dt.datetime:
    text = value.strip()
    if not text.isascii():  # strptime's \d also takes other scripts' digits
        raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC), got '{value}'")
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC), got '{value}'")


# --- time window --------------------------------------------------------------


def parse_window(raw: Mapping[str, str], filters: Mapping[str, ColumnFilter], *, required: bool = True):
    """The window of the contract: days wins over hours; date_from/date_to give
    explicit bounds; earlierthan(days) moves the end back. No explicit window and
    a lookup by id: no window at all (every table, unbounded)."""
    end = windows.now()
    explicit = any(k in raw for k in WINDOW_PARAMS)
    if "earlierthandays" in raw:
        end -= dt.timedelta(days=parse_int("earlierthandays", raw["earlierthandays"], 0, MAX_DAYS))
    elif "earlierthan" in raw:
        end -= dt.timedelta(hours=parse_int("earlierthan", raw["earlierthan"], 0, MAX_DAYS * 24))

    if "days" in raw:
        span = dt.timedelta(days=parse_int("days", raw["days"], 1, MAX_DAYS))
    elif "hours" in raw:
        span = dt.timedelta(hours=parse_int("hours", raw["hours"], 1, MAX_DAYS * 24))
    else:
        span = dt.timedelta(hours=default_hours(filters))

    if "date_from" in raw or "date_to" in raw:
        start = parse_time("date_from", raw["date_from"]) if "date_from" in raw else None
        stop = parse_time("date_to", raw["date_to"]) if "date_to" in raw else end
        if "date_to" in raw and len(raw["date_to"].strip()) == 10:
            stop += dt.timedelta(days=1)  # a date_to day is included whole
        start = start or stop - span
        if start >= stop:
            raise BadRequest("date_from must be earlier than date_to")
        if stop - start > dt.timedelta(days=MAX_DAYS):
            raise BadRequest(f"the window may span at most {MAX_DAYS} days")
        return windows.Window(start, stop, True)

    if not explicit and (not required or any(c in filters and filters[c].has_positive for c in ID_COLUMNS)):
        return None
    return windows.Window(end - span, end, explicit)


def default_hours(filters: Mapping[str, ColumnFilter]) -> int:
    vo = filters.get("vo")
    if vo and len(vo.values) == 1 and vo.values[0] in settings.PANDAMON_VO_HOURS:
        return settings.PANDAMON_VO_HOURS[vo.values[0]]
    return settings.PANDAMON_DEFAULT_HOURS
