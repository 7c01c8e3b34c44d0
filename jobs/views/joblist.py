"""Job list (`/jobs/`): the attribute summary and error summary of a selection,
and its jobs, keyset-paged, or all of them as CSV.

JSON (web contract, /jobs/): `selectionsummary`, `errsByCount`, `jobs` (up to
`limit` job dicts, LIST_COLUMNS plus `table`), `limit`, `truncated`, `window`,
and `next`: the URL of the following rows (same query plus `after=<token>`),
null on the last page. `outputs=` computes only the keys it names.

HTML: the table renders server side (`display_limit` rows, a "next" link, no
page numbers: a pager's COUNT over the archive is what we never pay for); the
summaries are drawn after load from the JSON (outputs=selectionsummary,errsByCount).

CSV: `export=csv` streams every row of the selection (`fields=` picks columns).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence

from django.http import StreamingHttpResponse

from jobs.models import JOB_COLUMNS
from jobs.query import LIST_COLUMNS, JobQuery
from jobs.query.errors import CODE_COLUMN, errs_by_count
from jobs.query.sorting import encode_after, parse_after, row_key
from jobs.tables import JobTable
from jobs.views.selection import check_outputs, display, filter_chips, needs, selection_query
from pandamon.errors import BadRequest
from pandamon.pages import Later, link, page
from pandamon.params import Params
from pandamon.responses import wants_json

LIST_KEYS = ("jobs", "limit", "truncated", "next")
# Longer JSON lists are streamed while they are read (keyset chunks), never held whole.
STREAM_ROWS = 5000
JSON_KEYS = ("selectionsummary", "errsByCount", *LIST_KEYS, "window")


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
    if wants_json(request):
        if any(needs(request, params, key, html=False) for key in LIST_KEYS) and params.limit > STREAM_ROWS:
            data.update(streamed_jobs(request.path, params, query, after))
        elif any(needs(request, params, key, html=False) for key in LIST_KEYS):
            rows = query.page(limit=params.limit, after=after)
            following = _after_link(request.path, params, rows.next_after)
            data.update(jobs=[_job(r) for r in rows.rows], limit=params.limit, truncated=rows.truncated,
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


def streamed_jobs(path: str, params: Params, query: JobQuery, after: tuple | None) -> dict:
    """The list keys of a long answer: `jobs` is sent as it is read; `truncated`
    and `next` follow it, known once `limit` rows have gone out."""
    if params.fields:  # checked now: once streaming has begun, a 400 can no longer be sent
        unknown = [f for f in params.fields if f not in (*LIST_COLUMNS, "table")]
        if unknown:
            raise BadRequest(f"fields: unknown field(s) {', '.join(unknown)}")
    state: dict = {"truncated": False, "next": None}

    def rows() -> Iterator[dict]:
        last = None
        for n, row in enumerate(query.iterate(after=after)):
            if n == params.limit:
                state["truncated"] = True
                state["next"] = f"{_after_link(path, params, encode_after(*row_key(last)))}&json"
                return
            last = row
            yield _job(row)

    return {"jobs": rows(), "limit": params.limit, "truncated": Later(lambda: state["truncated"]),
            "next": Later(lambda: state["next"])}


def _job(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


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
    response = StreamingHttpResponse(csv_lines(query, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jobs.csv"'
    return response
