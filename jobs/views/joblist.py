"""Job list (`/jobs/`): the attribute summary and error summary of a selection,
and its jobs, keyset-paged, or all of them as CSV.

JSON (web contract, /jobs/): `selectionsummary`, `errsByCount`, `jobs` (up to
`limit` jobs, each as BigPanDA sends it: jobs.rows; `fields=` keeps only the keys
it names; `fields=metastruct` adds the job reports, `extra=checklogs` BigPanDA's
`is_log_available` from the log store), `limit`, `truncated`, `window`, and `next`: the URL of the following
rows (same query plus `after=<token>`), null on the last page. `outputs=`
computes only the keys it names. The default limit is BigPanDA's: 20,000 jobs,
200,000 for one task (jeditaskid=); longer lists stream.

HTML: the table renders server side (`display_limit` rows, a "next" link, no
page numbers: a pager's COUNT over the archive is what we never pay for); the
summaries are drawn after load from the JSON (outputs=selectionsummary,errsByCount).

CSV: `export=csv` streams every row of the selection (`fields=` picks columns).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence

from django.http import StreamingHttpResponse

from jobs import rows as jobrows
from jobs.jobinfo import parsed_metadata
from jobs.logstore import HttpLogStore, log_store
from jobs.models import JOB_COLUMNS
from jobs.query import LIST_COLUMNS, JobQuery
from jobs.query.errors import CODE_COLUMN, errs_by_count
from jobs.query.lookup import jobs_metadata
from jobs.query.sorting import encode_after, parse_after, row_key
from jobs.tables import JobTable
from jobs.views.selection import check_outputs, display, filter_chips, needs, selection_query
from pandamon import streams
from pandamon.errors import BadRequest
from pandamon.pages import Later, link, page
from pandamon.params import Params
from pandamon.responses import wants_json

LIST_KEYS = ("jobs", "limit", "truncated", "next")
# Longer JSON lists are streamed while they are read (keyset chunks), never held whole.
STREAM_ROWS = 5000
# BigPanDA's default number of jobs in the JSON list, and for one task.
DEFAULT_LIMIT, TASK_LIMIT = 20_000, 200_000
# extra=checklogs asks an HTTP log store once per job: for this many jobs of an answer at most.
CHECKLOGS_HTTP_MAX = 1000
JSON_KEYS = ("selectionsummary", "errsByCount", "dropped", *LIST_KEYS, "window")


def parse_export(name: str, value: str) -> str:
    if value.lower() != "csv":
        raise BadRequest(f"{name} must be 'csv', got '{value}'")
    return "csv"


@page("jobs/jobs.html", extra={"after": parse_after, "export": parse_export})
def jobs(request, params: Params):
    check_outputs(params, JSON_KEYS)
    query = JobQuery(params)
    after = params.extra.get("after")
    if params.extra.get("export"):
        return csv_response(query, csv_columns(params))
    data: dict = {}
    if needs(request, params, "selectionsummary", html=False):
        data["selectionsummary"] = query.attribute_summary()
    if needs(request, params, "errsByCount", html=False):
        data["errsByCount"] = errs_by_count(query)
    if params.drop and needs(request, params, "dropped", html=True):
        data["dropped"] = dropped(request.path, params)
    if wants_json(request):
        if not any(needs(request, params, key, html=False) for key in LIST_KEYS):
            return data
        fields = check_fields(params)
        limit = json_limit(params)
        builder = RowBuilder(query.now, fields, params.flags)
        if limit > STREAM_ROWS:
            data.update(streamed_jobs(request.path, params, query, after, limit, builder))
        else:
            rows = query.page(limit=limit, after=after, columns=jobrows.COLUMNS)
            following = _after_link(request.path, params, rows.next_after)
            data.update(jobs=builder.rows(rows.rows), limit=limit, truncated=rows.truncated,
                        next=following and f"{following}&json")
        return data

    rows = query.page(limit=params.display_limit, after=after)
    data["_table"] = JobTable(
        rows.rows,
        sort=params.sort,
        sort_link=lambda sortby: link(request.path, **_page_query(params, sortby=sortby)),
        filter_link=lambda column, value: link(request.path, **selection_query(params, **{column: value})),
    )
    data["_rows"] = len(rows.rows)
    data["_next"] = _after_link(request.path, params, rows.next_after)
    data["_first"] = link(request.path, **_page_query(params)) if after else None
    data["_csv"] = link(request.path, **_page_query(params), export="csv")
    data["_filters"] = filter_chips(request.path, params)
    data["_error_columns"] = CODE_COLUMN
    return data


def dropped(path: str, params: Params) -> dict:
    """Under mode=drop: how many attempts of the selection a retry superseded (hidden here), and the
    list of exactly those (mode=dropped)."""
    hidden = dataclasses.replace(params, mode="dropped")
    return {"count": JobQuery(hidden).count(), "url": link(path, **{**selection_query(params), "mode": "dropped"})}


def json_limit(params: Params) -> int:
    if "limit" in params.raw:
        return params.limit
    return TASK_LIMIT if "jeditaskid" in params.filters else DEFAULT_LIMIT


def check_fields(params: Params) -> tuple[str, ...] | None:
    """`fields=` names keys of a job row (columns or derived); a name neither monitor
    knows is a 400, checked before any row is sent."""
    if not params.fields:
        return None
    unknown = [f for f in params.fields if f not in jobrows.KEYS]
    if unknown:
        raise BadRequest(f"fields: unknown field(s) {', '.join(unknown)}")
    return params.fields


class RowBuilder:
    """Rows of one answer: BigPanDA's keys, consumers found within each batch, `fields=` applied; the job
    reports with fields=metastruct (two queries per 1,000 rows), the log store asked with extra=checklogs."""

    def __init__(self, now, fields: tuple[str, ...] | None, flags: tuple[str, ...] = ()):
        self.now, self.fields = now, fields
        self.clouds = jobrows.queue_clouds()
        self.metastruct = bool(fields) and "metastruct" in fields
        self.logs = log_store() if "checklogs" in flags else None
        self.log_checks = 0

    def rows(self, batch: Sequence[dict]) -> list[dict]:
        built = jobrows.with_consumers([jobrows.job_row(r, self.now, self.clouds, listing=True) for r in batch])
        if self.metastruct:
            reports = jobs_metadata(batch, now=self.now)
            for job in built:
                job["metastruct"] = parsed_metadata(reports.get(job["pandaid"]))
        if self.logs is not None:
            for job in built:
                job["is_log_available"] = self._log_available(job["pandaid"])
        return [jobrows.select(j, self.fields) for j in built] if self.fields else built

    def _log_available(self, pandaid: int) -> int:
        """BigPanDA's is_log_available: 1 the log store has the job's files, -1 it has none; 0 not checked
        (an HTTP log store is asked for the first CHECKLOGS_HTTP_MAX jobs of an answer only)."""
        if isinstance(self.logs, HttpLogStore):
            if self.log_checks >= CHECKLOGS_HTTP_MAX:
                return 0
            self.log_checks += 1
        return 1 if self.logs.list(pandaid) else -1


def streamed_jobs(path: str, params: Params, query: JobQuery, after: tuple | None, limit: int,
                  builder: RowBuilder) -> dict:
    """The list keys of a long answer: `jobs` is sent as it is read, built in batches of
    STREAM_ROWS; `truncated` and `next` follow it, known once `limit` rows have gone out."""
    state: dict = {"truncated": False, "next": None}

    def read() -> Iterator[dict]:
        last = None
        for n, row in enumerate(query.iterate(after=after, columns=jobrows.COLUMNS)):
            if n == limit:
                state["truncated"] = True
                state["next"] = f"{_after_link(path, params, encode_after(*row_key(last)))}&json"
                return
            last = row
            yield row

    def rows() -> Iterator[dict]:
        batch: list[dict] = []
        for row in read():
            batch.append(row)
            if len(batch) == STREAM_ROWS:
                yield from builder.rows(batch)
                batch = []
        yield from builder.rows(batch)

    return {"jobs": rows(), "limit": limit, "truncated": Later(lambda: state["truncated"]),
            "next": Later(lambda: state["next"])}


def _page_query(params: Params, **changes) -> dict[str, str]:
    """The current query string without its page token, with some controls changed."""
    query = {k: v for k, v in params.raw.items() if k != "after"}
    query.update(changes)
    return query


def _after_link(path: str, params: Params, token: str | None) -> str | None:
    if token is None:
        return None
    return link(path, **_page_query(params), after=token)


# --- CSV --------------------------------------------------------------------------


def csv_columns(params: Params) -> Sequence[str]:
    if not params.fields:
        return LIST_COLUMNS
    unknown = [f for f in params.fields if f not in JOB_COLUMNS]
    if unknown:
        raise BadRequest(f"fields: unknown job column(s) {', '.join(unknown)}")
    return params.fields


class _Line:
    """csv.writer target that hands back each formatted line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()
    return display(value)


def csv_lines(query: JobQuery, columns: Sequence[str]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in query.iterate(columns=columns):
        yield writer.writerow([_cell(row.get(c)) for c in columns])


def csv_response(query: JobQuery, columns: Sequence[str]) -> StreamingHttpResponse:
    """Every row of the selection, fetched in keyset chunks while it is sent."""
    response = StreamingHttpResponse(streams.honest_lines(csv_lines(query, columns)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jobs.csv"'
    return response
