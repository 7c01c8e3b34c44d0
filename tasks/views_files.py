"""/datasets/, /dataset/<id>/, /files/, /file/: JEDI's datasets and files, and the jobs of a file."""

from __future__ import annotations

import csv

from django.db.models import Q
from django.http import StreamingHttpResponse

from jobs.query.filters import filter_q
from pandamon.errors import BadRequest, NotFound
from pandamon.pages import page
from pandamon.params import Params, parse_int
from tasks import files

MAX_ID = 10**15
CSV_CHUNK = 5000


def _name(name, value):
    return files.name_filter(name, value)


def _scope(name, value):
    if len(value) > 30:
        raise BadRequest("scope is at most 30 characters")
    return value


def _id(name, value):
    return parse_int(name, value, 1, MAX_ID)


@page("tasks/rows.html", extra={"datasetname": _name, "containername": _name, "jeditaskid": _id},
      window_required=False)
def dataset_list(request, params: Params) -> dict:
    q = Q()
    for key in ("datasetname", "containername"):
        if key in params.extra:
            q &= filter_q(params.extra[key])
    if "jeditaskid" in params.extra:
        q &= Q(jeditaskid=params.extra["jeditaskid"])
    if not q:
        raise BadRequest("give datasetname=, containername= or jeditaskid= (wildcards: user.alice.*)")
    rows, truncated = files.datasets(q, params.limit)
    for r in rows:
        r["url"] = f"/dataset/{r['datasetid']}/"
    return {"_json": rows, "_rows": rows, "_truncated": truncated, "_title": "Datasets"}


def _export(name, value):
    if value.strip().lower() != "csv":
        raise BadRequest("export takes csv")
    return "csv"


def csv_lines(datasetid: int):
    """Every file of the dataset, read in keyset chunks of fileid while it is sent."""
    writer = csv.writer(_Line())
    yield writer.writerow(files.FILE_COLUMNS)
    after = None
    while True:
        rows, more = files.dataset_files(datasetid, after, CSV_CHUNK)
        for row in rows:
            yield writer.writerow(["" if row[c] is None else row[c] for c in files.FILE_COLUMNS])
        if not more or not rows:
            return
        after = rows[-1]["fileid"]


class _Line:
    def write(self, line: str) -> str:
        return line


@page("tasks/rows.html", extra={"datasetname": _name, "after": _id, "export": _export}, window_required=False)
def dataset_page(request, params: Params, datasetid: str | None = None) -> dict:
    if datasetid is not None:
        did = _id("datasetid", datasetid)
    elif "datasetname" in params.extra and not params.extra["datasetname"].patterns:
        found, _ = files.datasets(filter_q(params.extra["datasetname"]), 1)
        if not found:
            raise NotFound("no dataset of that name in jedi_datasets")
        did = found[0]["datasetid"]
    else:
        raise BadRequest("give a dataset: /dataset/<datasetid>/ or /dataset/?datasetname=NAME (exact)")
    dataset = files.dataset(did)
    if dataset is None:
        raise NotFound(f"no dataset {did} in jedi_datasets")
    if params.extra.get("export") == "csv":
        response = StreamingHttpResponse(csv_lines(did), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="dataset-{did}.csv"'
        return response
    rows, more = files.dataset_files(did, params.extra.get("after"), params.limit)
    nxt = f"/dataset/{did}/?after={rows[-1]['fileid']}" if more and rows else None
    return {"dataset": dataset, "files": rows, "next": nxt, "_rows": rows, "_title": f"Dataset {did}",
            "_head": dataset}


@page("tasks/rows.html", extra={"lfn": _name, "scope": _scope}, window_required=False)
def file_list(request, params: Params) -> dict:
    if "lfn" not in params.extra:
        raise BadRequest("give lfn= (a file name, wildcards after its first characters: EVNT.29012612.*)")
    f = params.extra["lfn"]
    scope = params.extra.get("scope")
    rows = files.contents(f, scope, params.limit)
    jobs = files.jobs_of_file(f, scope, params.limit)
    return {"files": rows, "jobs": jobs, "_rows": jobs, "_title": "Jobs of the file", "_head": None}


file_page = file_list  # /file/?lfn=&scope=: the same answer for one name
