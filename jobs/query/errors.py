"""Error summaries of a selection: component:code counts explained from the
catalogue (jobs.errorcodes), and breakdowns by site, user and task.

Every figure is a grouped count computed by the database; a breakdown is one
GROUP BY (names × error-code columns) per table, rolled up here. The groups are
few: jobs of one site or task fail with a handful of code combinations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.db.models import Count, Max

from jobs.errorcodes import describe
from jobs.models import ERROR_COMPONENTS
from jobs.query.jobs import ERROR_CODE_COLUMNS, JobQuery

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


# BigPanDA's error categories are its own curation; pandamon has none, so every
# code is in BigPanDA's catch-all category.
UNCATEGORIZED = {"name": "Uncategorized", "id": 0}
# The attribute summary of BigPanDA's error view (jobSummary), jeditaskid left
# out as BigPanDA does; two GROUP BYs of columns that vary together keep it cheap.
SUMMARY_GROUPS = (("jobstatus", "computingsite", "computingelement", "eventservice", "prodsourcelabel",
                   "processingtype", "workinggroup"),
                  ("produsername", "transformation", "reqid", "specialhandling"))
SUMMARY_FIELDS = tuple(sorted(c for group in SUMMARY_GROUPS for c in group))
# jobs.eventservice as BigPanDA names it (anything else is an ordinary job).
EVENT_SERVICE_TYPES = {1: "eventservice", 2: "esmerge", 3: "clone", 4: "jumbo", 5: "cojumbo", 6: "finegrained"}
# BigPanDA's breakdown name of a task is a number; of a site or user, a string.
BREAKDOWN_NAME = {"jeditaskid": int}


def error_entry(component: str, code: int, *, count: int, example_pandaid: int | None, diag: str | None) -> dict:
    """One error as BigPanDA's errsByCount item: `codename` is the job column
    holding the code, `desc` its catalogued description; pandamon's name of the
    code is `title`, its component `component`."""
    title, description = describe(component, code)
    return {
        "error": f"{component}:{code}",
        "codename": CODE_COLUMN[component],
        "codeval": code,
        "diag": diag or "",
        "desc": description,
        "cat": dict(UNCATEGORIZED),
        "example_pandaid": example_pandaid,
        "count": count,
        "component": component,
        "title": title,
    }


def errs_by_count(query: JobQuery) -> list[dict]:
    """errsByCount: JobQuery.error_counts as BigPanDA's items, most frequent first."""
    return [
        error_entry(e["component"], e["codeval"], count=e["count"], example_pandaid=e["example_pandaid"],
                    diag=e["diag"])
        for e in query.error_counts()
    ]


def job_summary(query: JobQuery, *, alpha: bool = False) -> list[dict]:
    """BigPanDA's jobSummary of the error view: per field (alphabetical), the
    jobs per value, NULL left out, most jobs first (`alpha`: by value). Values
    as BigPanDA gives them: eventservice named, specialhandling split into its
    flags (tq* queue tags left out), reqid a number."""
    totals: dict[str, Counter] = {c: Counter() for c in SUMMARY_FIELDS}
    for group in SUMMARY_GROUPS:
        for key, n in query.counts_by(*group).items():
            for column, value in zip(group, key, strict=True):
                for name in _summary_names(column, value):
                    totals[column][name] += n
    order = (lambda kv: str(kv[0])) if alpha else (lambda kv: (-kv[1], str(kv[0])))
    return [
        {"field": column, "list": [{"kname": k, "kvalue": n} for k, n in sorted(totals[column].items(), key=order)]}
        for column in SUMMARY_FIELDS
    ]


def _summary_names(column: str, value) -> list:
    if column == "eventservice":
        return [EVENT_SERVICE_TYPES.get(value, "ordinary")]
    if value is None:
        return []
    if column == "specialhandling":
        return [f for f in str(value).split(",") if f and not f.startswith("tq")]
    return [value]


def errs_by(query: JobQuery, columns: Sequence[str]) -> dict[str, list[dict]]:
    """BigPanDA's errsBySite/errsByUser/errsByTask, per column: for each value
    with errors, `errors` {"component:code": errsByCount item}, `errorlist` the
    same items most frequent first, `toterrors` the sum of their counts,
    `toterrjobs` the failed jobs of that value with an error; and pandamon's
    `count`, the jobs of the selection with that value. Values by toterrors,
    NULL left out (as BigPanDA). One GROUP BY (values x code columns x state)
    per table serves every column."""
    diags = {f"_d{i}": Max(diag) for i, (_, _, diag) in enumerate(ERROR_COMPONENTS)}
    names = [*columns, *ERROR_CODE_COLUMNS, "jobstatus"]
    jobs: dict[str, Counter] = {c: Counter() for c in columns}
    failed: dict[str, Counter] = {c: Counter() for c in columns}
    found: dict[str, dict] = {c: {} for c in columns}
    for _, qs in query.querysets():
        for row in qs.values(*names).annotate(_n=Count("*"), _example=Max("pandaid"), **diags).order_by():
            errors = [(i, component, row[code]) for i, (component, code, _) in enumerate(ERROR_COMPONENTS)
                      if _counted(component, row[code], row)]
            for column in columns:
                value = row[column]
                if value is None:
                    continue
                jobs[column][value] += row["_n"]
                if not errors:
                    continue
                if row["jobstatus"] == "failed":
                    failed[column][value] += row["_n"]
                per_value = found[column].setdefault(value, {})
                for i, component, code in errors:
                    entry = per_value.get((component, code))
                    if entry is None:
                        per_value[(component, code)] = [row["_n"], row["_example"], row[f"_d{i}"]]
                    else:
                        entry[0] += row["_n"]
                        if row["_example"] > entry[1]:
                            entry[1:] = [row["_example"], row[f"_d{i}"] or entry[2]]
    out = {}
    for column in columns:
        as_name = BREAKDOWN_NAME.get(column, str)
        entries = []
        for value, errors in found[column].items():
            items = [error_entry(component, code, count=n, example_pandaid=example, diag=diag)
                     for (component, code), (n, example, diag) in errors.items()]
            items.sort(key=lambda e: (-e["count"], e["error"]))
            entries.append({
                "name": as_name(value),
                "errors": {e["error"]: e for e in items},
                "toterrors": sum(e["count"] for e in items),
                "toterrjobs": failed[column][value],
                "errorlist": items,
                "count": jobs[column][value],
            })
        entries.sort(key=lambda e: (-e["toterrors"], str(e["name"])))
        out[column] = entries
    return out


def _counted(component: str, code, row: Mapping) -> bool:
    """Whether a code column's value is an error of its own (error_keys' rule)."""
    if not code:
        return False
    return not (component == "taskbuffer" and row.get("superrorcode"))


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
