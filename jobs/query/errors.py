"""Error summaries of a selection: component:code counts explained from the
catalogue (jobs.errorcodes), and breakdowns by site, user and task.

Every figure is a grouped count computed by the database; a breakdown is one
GROUP BY (names × error-code columns) per table, rolled up here. The groups are
few: jobs of one site or task fail with a handful of code combinations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from jobs.errorcodes import describe
from jobs.models import ERROR_COMPONENTS
from jobs.query.jobs import ERROR_CODE_COLUMNS, JobQuery
from pandamon.params import NOT_SPECIFIED

# component -> its code column, for links that select one error (e.g. piloterrorcode=1099).
CODE_COLUMN = {component: code for component, code, _ in ERROR_COMPONENTS}


def error_keys(codes: Mapping[str, int | None]) -> list[str]:
    """`component:code` of every error set in one row of code columns.

    Follows PanDA's own summary (and JobQuery.error_counts): a taskbuffer code
    next to a supervisor code is the server's echo of it, not a second error.
    """
    keys = []
    for component, column, _ in ERROR_COMPONENTS:
        value = codes.get(column)
        if not value:
            continue
        if component == "taskbuffer" and codes.get("superrorcode"):
            continue
        keys.append(f"{component}:{value}")
    return keys


def errs_by_count(query: JobQuery) -> list[dict]:
    """The contract's errsByCount: JobQuery.error_counts with each code's name
    and description, most frequent first."""
    out = []
    for entry in query.error_counts():
        name, description = describe(entry["component"], entry["codeval"])
        out.append({
            "error": f"{entry['component']}:{entry['codeval']}",
            "component": entry["component"],
            "codeval": entry["codeval"],
            "codename": name,
            "diag": entry["diag"],
            "desc": description,
            "count": entry["count"],
            "example_pandaid": entry["example_pandaid"],
        })
    return out


def errs_by(query: JobQuery, columns: Sequence[str]) -> dict[str, list[dict]]:
    """Per value of each column: jobs of the selection and their errors.

    Returns {column: [{"name": value, "count": jobs, "errors": {"component:code": jobs}}]},
    entries by count (then name), errors by count. `name` is the value as a
    filter takes it (NULL is "Not specified"); a job with two errors counts in
    both. One grouped query per table serves every column.
    """
    grouped = query.counts_by(*columns, *ERROR_CODE_COLUMNS)
    jobs: dict[str, Counter] = {c: Counter() for c in columns}
    errors: dict[str, dict[str, Counter]] = {c: {} for c in columns}
    for key, n in grouped.items():
        names, codes = key[:len(columns)], dict(zip(ERROR_CODE_COLUMNS, key[len(columns):], strict=True))
        found = error_keys(codes)
        for column, value in zip(columns, names, strict=True):
            name = NOT_SPECIFIED if value is None else str(value)
            jobs[column][name] += n
            per_name = errors[column].setdefault(name, Counter())
            for error in found:
                per_name[error] += n
    return {
        column: [
            {"name": name, "count": n, "errors": dict(errors[column][name].most_common())}
            for name, n in sorted(jobs[column].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        for column in columns
    }


def error_filter(component: str, code: int) -> dict[str, object]:
    """Job filters selecting exactly the jobs counted under component:code
    (a taskbuffer code counts only where no supervisor code explains it)."""
    selected: dict[str, object] = {CODE_COLUMN[component]: code}
    if component == "taskbuffer":
        selected["superrorcode"] = 0
    return selected


def error_filter_of(key: str) -> dict[str, object]:
    """error_filter of a "component:code" key."""
    component, _, code = key.partition(":")
    return error_filter(component, int(code))
