"""OpenAPI parameter builders: the job-column filters, window and list controls of
pandamon.params, written as loose supersets of what the parser accepts (anything the
description calls invalid really is a 400: the fuzzer's negative-data check relies on it)."""

from __future__ import annotations

import re

from django.db import models

from api import schemas as s
from api.openapi_routes import Route
from pandamon.params import (
    COLUMN_SYNONYMS,
    ERROR_CATEGORIES,
    JOB_FIELDS,
    JOBTYPES,
    MAX_LIMIT,
    MODES,
    SORT_KEYS,
    SUMMARY_SORTS,
    TIME_COLUMNS,
    UNFILTERABLE,
)

NAME = {"type": "string", "minLength": 1}


def _ci(word: str) -> str:
    """A case-insensitive regex for a word, in syntax every JSON Schema dialect reads."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


_NOT_SPECIFIED = _ci("Not specified")
_INT = r"-?[0-9]{1,19}"
_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}((T|\s+)[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?"


def _list_pattern(term: str) -> str:
    return rf"^{term}([|,]{term})*$"


def column_schema(column: str) -> dict:
    """The value grammar of one job-column filter, typed from the model field."""
    model_field = JOB_FIELDS[column]
    if isinstance(model_field, models.IntegerField | models.BigIntegerField | models.SmallIntegerField):
        term = rf"\s*(!\s*)?({_INT}|{_NOT_SPECIFIED})\s*"
        return {"type": "string", "pattern": _list_pattern(term), "description": "integers: a|b, !a, Not specified"}
    if isinstance(model_field, models.DateTimeField):
        term = rf"\s*({_DATE}|(!\s*)?{_NOT_SPECIFIED})\s*"
        return {"type": "string", "pattern": _list_pattern(term),
                "description": "days (YYYY-MM-DD) or moments (YYYY-MM-DDTHH:MM[:SS]) UTC, a|b"}
    if isinstance(model_field, models.DecimalField):
        return {"type": "string", "minLength": 1, "description": "numbers: a|b, !a, Not specified"}
    return {"type": "string", "minLength": 1,
            "description": "a|b or a,b any of; !a not a; * wildcard (ANALY_*); Not specified = NULL"}


def _int_param(low: int, high: int, text: str) -> dict:
    return {"type": "string", "pattern": rf"^\s*{_INT}\s*$", "description": f"{text}; an integer {low}..{high}"}


def window_params() -> dict[str, dict]:
    date = {"type": "string", "pattern": rf"^\s*{_DATE}\s*$", "description": "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC"}
    params = {
        "hours": _int_param(1, 87600, "window length in hours (default 12, per VO)"),
        "days": _int_param(1, 3650, "window length in days; wins over hours"),
        "date_from": {**date, "description": "window start, " + date["description"]},
        "date_to": {**date, "description": "window end (a whole day when a date), " + date["description"]},
        "earlierthan": _int_param(0, 87600, "end the window this many hours ago"),
        "earlierthandays": _int_param(0, 3650, "end the window this many days ago"),
    }
    # BigPanDA's time ranges on a job column; they replace the window.
    for column in TIME_COLUMNS:
        params[f"{column}range"] = {"type": "string", "pattern": rf"^\s*{_DATE}\s*\|\s*{_DATE}\s*$",
                                    "description": f"{column} from A to B: A|B, " + date["description"]}
        params[f"{column}_from"] = {**date, "description": f"{column} at or after, " + date["description"]}
        params[f"{column}_to"] = {**date, "description": f"{column} before (a whole day when a date), "
                                  + date["description"]}
    return params


def control_params() -> dict[str, dict]:
    jobtypes = "|".join([*(_ci(j) for j in JOBTYPES), f"{_ci('anal')}.*", f"{_ci('prod')}.*"])
    sorts = "|".join(_ci(k) for k in SORT_KEYS)
    summaries = "|".join(_ci(k) for k in SUMMARY_SORTS)
    cats = "|".join(_ci(c) for c in ERROR_CATEGORIES)
    params = {
        "jobtype": {"type": "string", "pattern": rf"^\s*({jobtypes})\s*$",
                    "description": ", ".join(JOBTYPES) + " (BigPanDA's anal*, prod* too)"},
        "mode": {"type": "string", "pattern": rf"^\s*({'|'.join(_ci(m) for m in MODES)})\s*$",
                 "description": "drop: hide attempts superseded by a retry (/jobs/ says how many: `dropped`); "
                                "nodrop (default): every attempt; dropped (pandamon's): only the superseded ones"},
        "extra": {"type": "string", "description": "BigPanDA's view flags, comma-separated: checklogs (/jobs/: "
                                                  "is_log_available from the log store); unknown ones are ignored"},
        "harvesterinstance": {"type": "string", "minLength": 1,
                              "description": "jobs of Harvester instance X (schedulerid harvester-X), all, "
                                             "Not specified"},
        "errorcategory": {"type": "string",
                          "pattern": rf"^\s*({cats})\s*(\|\s*({cats})\s*)*$",
                          "description": "jobs with an error of this category: " + ", ".join(ERROR_CATEGORIES)
                                         + ", a|b for several (/errors/ counts them: `errsByCategory`)"},
        "region": {**column_schema("cloud"), "description": "jobs at the queues of this cloud (region), a|b, !a"},
        "sortby": {"type": "string",
                   "pattern": rf"^\s*(({sorts})(-({_ci('ascending')}|{_ci('descending')}))?|{summaries})\s*$",
                   "description": f"{', '.join(SORT_KEYS)}, each -ascending or -descending; "
                                  f"{' or '.join(SUMMARY_SORTS)} orders summaries"},
        "limit": {**_int_param(1, MAX_LIMIT, "JSON rows at most (default 1000; /jobs/ 20,000, 200,000 with "
                                              "jeditaskid)"),
                  "description": f"JSON rows at most (default 1000; /jobs/ 20,000, 200,000 with jeditaskid); an "
                                 f"integer from 1; above {MAX_LIMIT} it is served as {MAX_LIMIT} and the answer "
                                 f"says so (key limit_clamped, header X-Pandamon-Limit-Clamped)"},
        "display_limit": _int_param(1, 5000, "HTML rows per page (default 100)"),
        "fields": s.NAMES_PARAM,
        "outputs": s.NAMES_PARAM,
    }
    return params


IGNORED_PARAMS = {
    "json": {"type": "string", "description": "any value, even empty: answer JSON (as Accept: application/json)"},
    "timestamp": {"type": "string", "description": "ignored (defeats caches)"},
    "_": {"type": "string", "description": "ignored (defeats caches)"},
}


def parameter(name: str, schema: dict, where: str = "query", *, ref: bool = False) -> dict:
    if ref:
        return {"$ref": f"#/components/parameters/{name}"}
    schema = dict(schema)
    description = schema.pop("description", "")
    out = {"name": name, "in": where, "required": where == "path", "schema": schema}
    if description:
        out["description"] = description
    if name in IGNORED_PARAMS:
        out["allowEmptyValue"] = True
    return out


def shared_parameters() -> dict[str, dict]:
    shared = {**IGNORED_PARAMS, **window_params(), **control_params()}
    shared.update({c: column_schema(c) for c in sorted(JOB_FIELDS) if c not in UNFILTERABLE})
    shared.update({name: {**column_schema(column), "description": f"BigPanDA's name of {column}"}
                   for name, column in COLUMN_SYNONYMS.items()})
    return {name: parameter(name, schema) for name, schema in shared.items()}


def path_parameters(route: Route) -> list[dict]:
    out = []
    for name, converter in route.converters.items():
        schema = ({"type": "integer", "minimum": 0} if converter == "int"
                  else {"type": "string", "pattern": r"^[^/]+$"} if converter in ("str", "slug") else NAME)
        out.append(parameter(name, schema, "path"))
    return out


def query_parameters(route: Route, documented: dict[str, dict], shared: dict[str, dict]) -> list[dict]:
    if not route.is_page:
        params = {**IGNORED_PARAMS, **documented}
        return [parameter(n, sch, ref=n in IGNORED_PARAMS) for n, sch in params.items()]
    extra = tuple(route.view.page_extra)
    names = [n for n in shared if n not in extra and n not in route.converters]
    params = [parameter(n, {}, ref=True) for n in names]
    for name in extra:
        params.append(parameter(name, documented.get(name, NAME)))
    return params
