"""One parser for every page's query string (web contract: Conventions).

names: the parameter names and limits; values: the value grammar (one parameter's text →
a checked value); times: the window and per-column time ranges; parser: parse_params → Params.
Callers import from here.
"""

from pandamon.params.names import (
    BOUND_PARAMS,
    COLUMN_SYNONYMS,
    CONTROL_PARAMS,
    DEFAULT_DISPLAY_LIMIT,
    DEFAULT_LIMIT,
    ERROR_CATEGORIES,
    ID_COLUMNS,
    IGNORED,
    JOB_FIELDS,
    JOBTYPE_PREFIXES,
    JOBTYPES,
    MAX_DAYS,
    MAX_DISPLAY_LIMIT,
    MAX_LIMIT,
    MAX_LIST_VALUES,
    MODES,
    NOT_SPECIFIED,
    RANGE_PARAMS,
    SELECTION_PARAMS,
    SORT_KEYS,
    SUMMARY_SORTS,
    TIME_COLUMNS,
    TIME_RANGE_PARAMS,
    UNFILTERABLE,
    WINDOW_PARAMS,
)
from pandamon.params.parser import Params, parse_params
from pandamon.params.times import default_hours, parse_window, time_ranges
from pandamon.params.values import (
    INTEGER_FIELDS,
    ColumnFilter,
    Sort,
    harvester_filter,
    parse_filter,
    parse_int,
    parse_jobtype,
    parse_sort,
    parse_time,
)

__all__ = [
    "BOUND_PARAMS", "COLUMN_SYNONYMS", "CONTROL_PARAMS", "DEFAULT_DISPLAY_LIMIT", "DEFAULT_LIMIT", "ERROR_CATEGORIES",
    "ID_COLUMNS", "IGNORED", "INTEGER_FIELDS", "JOB_FIELDS", "JOBTYPE_PREFIXES", "JOBTYPES", "MAX_DAYS",
    "MAX_DISPLAY_LIMIT", "MAX_LIMIT", "MAX_LIST_VALUES", "MODES", "NOT_SPECIFIED", "RANGE_PARAMS",
    "SELECTION_PARAMS", "SORT_KEYS", "SUMMARY_SORTS", "TIME_COLUMNS", "TIME_RANGE_PARAMS", "UNFILTERABLE",
    "WINDOW_PARAMS", "ColumnFilter", "Params", "Sort", "default_hours", "harvester_filter", "parse_filter",
    "parse_int", "parse_jobtype", "parse_params", "parse_sort", "parse_time", "parse_window", "time_ranges",
]
