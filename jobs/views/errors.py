"""Error summary (`/errors/`, default `jobstatus=failed|holding`): which errors
the selection's jobs carry, how often, where and whose.

JSON: BigPanDA's keys with BigPanDA's meanings (issue 10), plus pandamon's own:
- `jobSummary`: BigPanDA's attribute summary of the selection, `[{field, list: [{kname, kvalue}]}]`
  over its error-view fields (jobs.query.errors.job_summary; `sortby=alpha` orders values by name);
- `errsByCount`: `[{error: "component:code", codename: the code's job column (e.g. piloterrorcode),
  codeval, diag, desc, cat, example_pandaid, count, component, title}]` by count; `title` is
  pandamon's name of the code;
- `errsBySite`, `errsByUser`, `errsByTask`: `[{name, errors: {"component:code": item}, errorlist,
  toterrors, toterrjobs, count}]` by toterrors, where `name` is the computingsite / produsername /
  jeditaskid (a number) and `count` (pandamon's) the jobs of the selection with that name;
- `jobstates` (pandamon's): jobs of the selection by state, `[{name: jobstatus, count}]` in state order;
- `errsByTime` (pandamon's): jobs per hour (per day beyond two weeks) and error, `{binseconds, bins,
  series: [{name: "component:code" (or "none", "other"), total, counts, link}]}`; a bar's job list is
  `link` plus `date_from=<bin>&date_to=<bin + binseconds>` (failures.timeline);
- `errsByMessage` (pandamon's): errors grouped by normalised diagnostic (times, numbers, paths, URLs,
  hosts, ids as placeholders), `[{component, code, error, message, count, variants, example,
  example_pandaid}]` by count (failures.messages);
- `errsByCategory` (pandamon's): jobs per error category, `[{name: site|payload|system|unknown,
  description, count}]` (failures.categories; `errorcategory=<name>` selects them in any list);
- `dropped` (pandamon's, under `mode=drop` only): `{count, url}`, the attempts superseded by a retry
  that the page leaves out, and the list of exactly those;
- `window`.
`fields=` names the keys to compute, as BigPanDA's error view reads it (our `outputs=`; not both).
Counts are jobs; a job with errors from two components counts under both.
"""

from __future__ import annotations

import dataclasses

from failures.categories import errors_by_category
from failures.timeline import errors_by_message, errors_over_time
from jobs.query import JobQuery
from jobs.query.errors import error_filter, error_filter_of, errs_by, errs_by_count, job_summary
from jobs.views.joblist import dropped
from jobs.views.selection import check_outputs, filter_chips, jobs_link, needs, ordered_states
from pandamon.errors import BadRequest
from pandamon.pages import page
from pandamon.params import Params
from pandamon.responses import wants_json

DEFAULTS = {"jobstatus": "failed|holding"}
BREAKDOWNS = (("errsBySite", "computingsite", "site"), ("errsByUser", "produsername", "user"),
              ("errsByTask", "jeditaskid", "task"))
JSON_KEYS = ("jobSummary", "errsByCount", *(key for key, _, _ in BREAKDOWNS), "jobstates", "errsByTime",
             "errsByMessage", "errsByCategory", "dropped", "window")
HTML_MESSAGES = 25
HTML_ROWS = 25  # per breakdown; the JSON has them all
HTML_ERRORS = 4  # errors shown per breakdown row
CHART_ERRORS = 15


@page("jobs/errors.html", defaults=DEFAULTS, cached=True)
def errors(request, params: Params):
    if params.fields:
        # BigPanDA's fields= on its error view picks the summaries; ours is outputs=.
        if params.outputs:
            raise BadRequest("fields and outputs both name the keys of /errors/: give one")
        params = dataclasses.replace(params, outputs=params.fields, fields=None)
    check_outputs(params, JSON_KEYS)
    query = JobQuery(params)
    data: dict = {}
    if needs(request, params, "jobSummary", html=True) or needs(request, params, "jobstates", html=True):
        summary = job_summary(query, alpha=params.raw.get("sortby") == "alpha")
        # The states come from the summary's jobstatus field: no query of their own.
        states = {v["kname"]: v["kvalue"] for f in summary if f["field"] == "jobstatus" for v in f["list"]}
        data["jobSummary"] = summary
        data["jobstates"] = [{"name": s, "count": states[s]} for s in ordered_states(states)]
    if needs(request, params, "errsByCount", html=True):
        data["errsByCount"] = errs_by_count(query)
    wanted = [(key, column) for key, column, _ in BREAKDOWNS if needs(request, params, key, html=True)]
    if wanted:
        # One grouped query per table for every breakdown.
        grouped = errs_by(query, [column for _, column in wanted])
        data.update({key: grouped[column] for key, column in wanted})
    if needs(request, params, "errsByTime", html=False):
        data["errsByTime"] = errors_over_time(query, params)
    if needs(request, params, "errsByMessage", html=True):
        data["errsByMessage"] = errors_by_message(query)
    if needs(request, params, "errsByCategory", html=True):
        data["errsByCategory"] = errors_by_category(query)
    if params.drop and needs(request, params, "dropped", html=True):
        data["dropped"] = dropped(request.path, params)
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
                    (e["error"], e["count"],
                     jobs_link(params, **{column: entry["name"]}, **error_filter_of(e["error"])))
                    for e in entry["errorlist"][:HTML_ERRORS]
                ],
                "more": max(0, len(entry["errorlist"]) - HTML_ERRORS),
            }
            for entry in data[key][:HTML_ROWS]
        ]
        breakdowns.append({"key": key, "column": column, "label": label, "rows": rows,
                           "hidden": max(0, len(data[key]) - HTML_ROWS)})
    return {
        "_states": [{**s, "link": jobs_link(params, jobstatus=s["name"])} for s in data["jobstates"]],
        "_total": sum(s["count"] for s in data["jobstates"]),
        "_total_link": jobs_link(params),
        "_errors": errs,
        "_error_links": {e["error"]: e["link"] for e in errs[:CHART_ERRORS]},
        "_breakdowns": breakdowns,
        "_messages": [{**m, "link": jobs_link(params, **error_filter_of(m["error"]))}
                      for m in data["errsByMessage"][:HTML_MESSAGES]],
        "_categories": [{**c, "link": jobs_link(params, errorcategory=c["name"])} for c in data["errsByCategory"]],
        "_messages_hidden": max(0, len(data["errsByMessage"]) - HTML_MESSAGES),
        "_filters": filter_chips("/errors/", params, defaults=DEFAULTS),
    }
