"""The value grammar: one parameter's text → a checked value (filters, integers, sorts, times).

Every malformed value raises BadRequest naming the parameter and what it accepts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.db import models

from pandamon.errors import BadRequest
from pandamon.params.names import (
    JOB_FIELDS,
    JOBTYPE_PREFIXES,
    JOBTYPES,
    MAX_LIST_VALUES,
    NOT_SPECIFIED,
    SORT_KEYS,
    SUMMARY_SORTS,
)

_SPLIT = re.compile(r"[|,]")
INTEGER_FIELDS = (models.IntegerField, models.BigIntegerField, models.SmallIntegerField)


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


# Times a query may name: PanDA's data lie well inside, and windows built from them
# (a day added, MAX_DAYS taken away) stay representable on every backend.
EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_time(name: str, value: str) -> dt.datetime:
    text = value.strip()
    if not text.isascii():  # strptime's \d also takes other scripts' digits
        raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC), got '{value}'")
    for fmt in _TIME_FORMATS:
        try:
            moment = dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        if not EARLIEST <= moment < LATEST:
            raise BadRequest(f"{name} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC), got '{value}'")
        return moment
    raise BadRequest(f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC), got '{value}'")


def parse_int(name: str, value: str, low: int | None = None, high: int | None = None) -> int:
    text = str(value).strip()
    # ASCII digits only: int() would also take other scripts' digits ('٣').
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        raise BadRequest(f"{name} must be an integer, got '{value}'")
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            raise BadRequest(f"{name} must be at least {low}, got {number}")
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


def parse_jobtype(value: str) -> str:
    jobtype = nonempty("jobtype", value).lower()
    if jobtype in JOBTYPES:
        return jobtype
    for prefix, name in JOBTYPE_PREFIXES:
        if jobtype.startswith(prefix):
            return name
    raise BadRequest(f"jobtype must be one of {', '.join(JOBTYPES)} (or anal*, prod*), got '{jobtype}'")


def harvester_filter(value: str) -> ColumnFilter:
    """BigPanDA's harvesterinstance=X: jobs whose schedulerid is harvester-X; `all`: any
    Harvester instance; `Not specified`: jobs not submitted by Harvester."""
    if value.lower() == "all":
        return ColumnFilter("schedulerid", patterns=("harvester*",))
    if value.lower() == NOT_SPECIFIED.lower():
        return ColumnFilter("schedulerid", negated_patterns=("harvester*",))
    return parse_filter("schedulerid", "|".join(f"harvester-{v.strip()}" for v in _SPLIT.split(value)))


def nonempty(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise BadRequest(f"parameter '{name}' is empty; give a value or leave it out")
    if "\x00" in value:
        # No PanDA value holds one, and PostgreSQL refuses it in any text parameter.
        raise BadRequest(f"parameter '{name}' contains a NUL character")
    return value


def names(name: str, value: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in nonempty(name, value).split(",") if v.strip())
    if not items:
        raise BadRequest(f"{name} takes a comma-separated list of names")
    for item in items:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", item):
            raise BadRequest(f"{name}: '{item}' is not a field name")
    return items
