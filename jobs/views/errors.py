"""Error summary (`/errors/`, default `jobstatus=failed|holding`): which errors
the selection's jobs carry, how often, where and whose.

JSON (web contract, /errors/):
- `jobSummary`: jobs of the selection by state, `[{name: jobstatus, count}]` in state order;
- `errsByCount`: `[{error: "component:code", component, codeval, codename, diag, desc, count,
  example_pandaid}]` by count;
- `errsBySite`, `errsByUser`, `errsByTask`: `[{name, count, errors: {"component:code": n}}]` by count,
  where `name` is the computingsite / produsername / jeditaskid (as a string; NULL is
  "Not specified"), `count` the jobs of the selection with that name and `errors` their error
  counts, most frequent first;
- `window`.
Counts are jobs; a job with errors from two components counts under both.
"""

from __future__ import annotations

from jobs.query import JobQuery
from jobs.query.errors import error_filter, error_filter_of, errs_by, errs_by_count
from jobs.views.selection import check_outputs, filter_chips, jobs_link, needs, ordered_states
from pandamon.pages import page
from pandamon.params import Params
from pandamon.responses import wants_json

DEFAULTS = {"jobstatus": "failed|holding"}
BREAKDOWNS = (("errsBySite", "computingsite", "site"), ("errsByUser", "produsername", "user"),
              ("errsByTask", "jeditaskid", "task"))
JSON_KEYS = ("jobSummary", "errsByCount", *(key for key, _, _ in BREAKDOWNS), "window")
HTML_ROWS = 25  # per breakdown; the JSON has them all
HTML_ERRORS = 4  # errors shown per breakdown row
CHART_ERRORS = 15


@page("jobs/errors.html", defaults=DEFAULTS)
def errors(request, params: Params):
    check_outputs(params, JSON_KEYS)
    query = JobQuery(params)
    data: dict = {}
    if needs(request, params, "jobSummary", html=True):
        states = query.counts_by("jobstatus")
        data["jobSummary"] = [{"name": s, "count": states[s]} for s in ordered_states(states)]
    if needs(request, params, "errsByCount", html=True):
        data["errsByCount"] = errs_by_count(query)
    wanted = [(key, column) for key, column, _ in BREAKDOWNS if needs(request, params, key, html=True)]
    if wanted:
        # One grouped query per table for every breakdown.
        grouped = errs_by(query, [column for _, column in wanted])
        data.update({key: grouped[column] for key, column in wanted})
    if not wants_json(request):
        data.update(html(params, data))
    return data


def html(params: Params, data: dict) -> dict:
    """Links on every count, for the template (keys start with _)."""
    errs = [
        {**e, "link": jobs_link(params, **error_filter(e["component"], e["codeval"]))}
        for e in data["errsByCount"]
    ]
    breakdowns = []
    for key, column, label in BREAKDOWNS:
        rows = [
            {
                "name": entry["name"],
                "count": entry["count"],
                "link": jobs_link(params, **{column: entry["name"]}),
                "errors": [
                    (error, n, jobs_link(params, **{column: entry["name"]}, **error_filter_of(error)))
                    for error, n in list(entry["errors"].items())[:HTML_ERRORS]
                ],
                "more": max(0, len(entry["errors"]) - HTML_ERRORS),
            }
            for entry in data[key][:HTML_ROWS]
        ]
        breakdowns.append({"key": key, "column": column, "label": label, "rows": rows,
                           "hidden": max(0, len(data[key]) - HTML_ROWS)})
    return {
        "_states": [{**s, "link": jobs_link(params, jobstatus=s["name"])} for s in data["jobSummary"]],
        "_total": sum(s["count"] for s in data["jobSummary"]),
        "_total_link": jobs_link(params),
        "_errors": errs,
        "_error_links": {e["error"]: e["link"] for e in errs[:CHART_ERRORS]},
        "_breakdowns": breakdowns,
        "_filters": filter_chips("/errors/", params, defaults=DEFAULTS),
    }
