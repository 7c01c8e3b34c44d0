"""The job list (`/jobs/`) on the generated session data: summaries equal to
plain SQL, the contract's JSON, keyset paging with no overlap, the HTML table
(sortable headers, state colours, job links, errors), the streamed CSV of the
whole selection, 400s and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs import rows as jobrows
from jobs.query import LIST_COLUMNS, SUMMARY_COLUMNS, JobQuery
from jobs.query.errors import CODE_COLUMN, errs_by_count
from jobs.query.jobs import SUMMARY_GROUPS
from pandamon.params import parse_params
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def window(generated_at):
    """Ten days up to just after generation, explicit bounds: every table, archive included."""
    return explicit_window(generated_at, days=10)


def sql_counts(column, start, end, extra_where="", extra_params=()):
    where, params = sqlcheck.window_where(start, end)
    return sqlcheck.grouped_counts([column], where + extra_where, params + list(extra_params))


def test_json_follows_the_contract(client, window):
    query, _ = window
    response, body = get_json(client, "/jobs/", {**query, "limit": "25"})
    assert response.status_code == 200
    assert set(body) == {"selectionsummary", "errsByCount", "jobs", "limit", "truncated", "next", "window"}
    assert body["limit"] == 25 and body["truncated"] is True and len(body["jobs"]) == 25
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}
    assert [a["field"] for a in body["selectionsummary"]] == list(SUMMARY_COLUMNS)
    for attr in body["selectionsummary"]:
        for value in attr["list"]:
            assert set(value) == {"kname", "kvalue"} and isinstance(value["kvalue"], int)
    for job in body["jobs"]:
        assert set(LIST_COLUMNS) - set(jobrows.RENAMED) <= set(job) and "table" in job
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", job["modificationtime"])
    for error in body["errsByCount"]:  # BigPanDA's item (codename: the code's column) and pandamon's keys
        assert set(error) == {"error", "codename", "codeval", "diag", "desc", "cat", "example_pandaid", "count",
                              "component", "title"}
        assert error["codename"] == CODE_COLUMN[error["component"]]
    assert body["next"].startswith("/jobs/?") and "after=" in body["next"]


def test_default_limit_is_bigpandas(client, window):
    """BigPanDA's defaults: 20,000 jobs, 200,000 for one task (both streamed)."""
    query, (start, end) = window
    response, body = get_json(client, "/jobs/", {**query, "outputs": "jobs,limit,truncated", "fields": "pandaid"})
    where, args = sqlcheck.window_where(start, end)
    assert response.streaming and body["limit"] == 20_000
    assert len(body["jobs"]) == min(20_000, sqlcheck.total(where, args))
    task = body["jobs"][0]["pandaid"]
    _, one = get_json(client, "/jobs/", {**query, "pandaid": str(task), "fields": "jeditaskid"})
    _, tasks = get_json(client, "/jobs/", {**query, "jeditaskid": str(one["jobs"][0]["jeditaskid"]),
                                           "outputs": "limit"})
    assert tasks["limit"] == 200_000


def test_limit_above_the_maximum_is_clamped_and_the_answer_says_so(client, window):
    """BigPanDA has no maximum (scripts send limit=10000000): pandamon serves MAX_LIMIT (200,000, BigPanDA's
    list of one task) and says so; limit=200000 itself is accepted as it is."""
    query, (start, end) = window
    where, args = sqlcheck.window_where(start, end)
    response, body = get_json(client, "/jobs/", {**query, "limit": "10000000", "fields": "pandaid"})
    assert body["limit"] == 200_000 and body["limit_clamped"] == {"requested": 10_000_000, "limit": 200_000}
    assert response["X-Pandamon-Limit-Clamped"] == "requested=10000000; limit=200000"
    assert len(body["jobs"]) == min(200_000, sqlcheck.total(where, args)) and body["truncated"] is False
    response, body = get_json(client, "/jobs/", {**query, "limit": "200000", "outputs": "limit"})
    assert body == {"limit": 200_000} and "X-Pandamon-Limit-Clamped" not in response
    # A list answer (the task list) carries the header only.
    response = client.get("/tasks/", {**query, "limit": "300000", "json": ""})
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert response["X-Pandamon-Limit-Clamped"] == "requested=300000; limit=200000"


def test_summary_counts_equal_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/jobs/", {**query, "vo": "atlas", "outputs": "selectionsummary"})
    summary = {a["field"]: {v["kname"]: v["kvalue"] for v in a["list"]} for a in body["selectionsummary"]}
    for column in ("jobstatus", "computingsite", "produsername", "attemptnr"):
        expected = sql_counts(column, start, end, " AND vo = %s", ["atlas"])
        assert summary[column] == {("Not specified" if k is None else str(k)): n for k, n in expected.items()}


def test_error_summary_equals_the_query_layer_and_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/jobs/", {**query, "outputs": "errsByCount"})
    params = parse_params({**query})
    assert body["errsByCount"] == errs_by_count(JobQuery(params))
    top = next(e for e in body["errsByCount"] if e["component"] == "pilot")
    where, args = sqlcheck.window_where(start, end)
    assert top["count"] == sqlcheck.total(where + " AND piloterrorcode = %s", args + [top["codeval"]])
    counts = [e["count"] for e in body["errsByCount"]]
    assert counts == sorted(counts, reverse=True)


def test_list_is_sorted_and_exactly_the_selection(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/jobs/", {**query, "computingsite": "GLASGOW", "limit": "100000"})
    where, args = sqlcheck.window_where(start, end)
    assert len(body["jobs"]) == sqlcheck.total(where + " AND computingsite = %s", args + ["GLASGOW"])
    assert body["truncated"] is False and body["next"] is None
    keys = [(j["modificationtime"], j["pandaid"]) for j in body["jobs"]]
    assert keys == sorted(keys, reverse=True)
    assert len({j["pandaid"] for j in body["jobs"]}) == len(keys)


@pytest.mark.parametrize("sortby, key", [
    ("time-descending", lambda j: (j["modificationtime"], j["pandaid"])),
    ("pandaid-ascending", lambda j: j["pandaid"]),
    ("create-ascending", lambda j: (j["creationtime"], j["pandaid"])),
    ("priority-descending", lambda j: (j["currentpriority"], j["pandaid"])),
    ("attemptnr-descending", lambda j: (j["attemptnr"], j["pandaid"])),
])
def test_keyset_page_two_continues_page_one(client, window, sortby, key):
    query, _ = window
    base = {**query, "sortby": sortby}
    _, whole = get_json(client, "/jobs/", {**base, "limit": "120"})
    _, first = get_json(client, "/jobs/", {**base, "limit": "60"})
    second = client.get(first["next"]).json()
    assert "after" in query_of(first["next"]) and "limit" in query_of(first["next"])
    ids1, ids2 = [j["pandaid"] for j in first["jobs"]], [j["pandaid"] for j in second["jobs"]]
    assert len(ids1) == len(ids2) == 60 and not set(ids1) & set(ids2)
    assert ids1 + ids2 == [j["pandaid"] for j in whole["jobs"]]
    keys = [key(j) for j in first["jobs"] + second["jobs"]]
    assert keys == sorted(keys, reverse=sortby.endswith("descending"))


def test_duration_sort_pages_without_overlap(client, window):
    query, _ = window
    base = {**query, "sortby": "duration-descending", "jobstatus": "finished|failed"}
    _, whole = get_json(client, "/jobs/", {**base, "limit": "80"})
    _, first = get_json(client, "/jobs/", {**base, "limit": "40"})
    second = client.get(first["next"]).json()
    assert [j["pandaid"] for j in first["jobs"] + second["jobs"]] == [j["pandaid"] for j in whole["jobs"]]


def test_html_table_pages_by_next_link(client, window):
    query, _ = window
    response = client.get("/jobs/", {**query, "display_limit": "30", "vo": "lsst"})
    assert response.status_code == 200
    html = response.content.decode()
    ids = re.findall(r'<a href="/job/(\d+)/"', html)
    assert len(ids) == 30
    for state in set(re.findall(r'class="state state-([a-z]+)"', html)):
        assert state in {"finished", "failed", "running", "activated", "defined", "pending", "assigned", "waiting",
                         "sent", "starting", "holding", "merging", "transferring", "cancelled", "closed",
                         "throttled"}
    nexts = re.findall(r'href="([^"]*after=[^"]+)">next 30', html)
    assert nexts and "page=" not in html
    following = query_of(nexts[0])
    assert following["vo"] == "lsst" and following["date_from"] == query["date_from"]
    page2 = client.get("/jobs/", following).content.decode()
    ids2 = re.findall(r'<a href="/job/(\d+)/"', page2)
    assert ids2 and not set(ids) & set(ids2)
    _, whole = get_json(client, "/jobs/", {**query, "vo": "lsst", "limit": "60"})
    assert [int(i) for i in ids + ids2] == [j["pandaid"] for j in whole["jobs"]][:len(ids) + len(ids2)]
    assert "« first page" in page2


def test_html_headers_sort_by_the_contract_keys(client, window):
    query, _ = window
    html = client.get("/jobs/", {**query, "sortby": "priority-descending"}).content.decode()
    sortbys = {query_of(h)["sortby"] for h in re.findall(r'<th [^>]*>\s*<a href="([^"]+)"', html)}
    # the current column toggles, the others start descending
    assert sortbys == {"time-descending", "create-descending", "statetime-descending", "priority-ascending",
                       "duration-descending", "attemptnr-descending", "pandaid-descending"}
    assert re.search(r'<th class="[^"]*\bdesc\b[^"]*" aria-sort="descending">\s*<a [^>]*>priority</a>', html)


def test_html_errors_column_shows_component_code(client, window):
    query, _ = window
    html = client.get("/jobs/", {**query, "jobstatus": "failed", "display_limit": "50"}).content.decode()
    assert re.search(r'<span class="err" title="[^"]*">(pilot|executor|dataservice|jobdispatcher|taskbuffer|'
                     r'supervisor|brokerage|transform):\d+</span>', html)


def test_html_panels_load_after_the_table(client, window):
    query, _ = window
    html = client.get("/jobs/", query).content.decode()
    assert 'data-panel="selectionsummary" data-outputs="selectionsummary,errsByCount"' in html
    assert 'id="error-columns"' in html


def test_csv_is_the_whole_selection_with_a_header(client, window):
    query, (start, end) = window
    response = client.get("/jobs/", {**query, "export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == list(LIST_COLUMNS)
    where, args = sqlcheck.window_where(start, end)
    expected = sqlcheck.total(where, args)
    assert len(rows) - 1 == expected > 2000  # more than one keyset chunk
    assert len({r[0] for r in rows[1:]}) == expected


def test_csv_fields_choose_columns(client, window):
    query, _ = window
    response = client.get("/jobs/", {**query, "jobstatus": "failed", "export": "csv",
                                     "fields": "pandaid,computingsite,piloterrorcode"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["pandaid", "computingsite", "piloterrorcode"] and len(rows) > 10
    assert all(len(r) == 3 for r in rows)


@pytest.mark.parametrize("query", [{"after": "garbage"}, {"export": "xls"}, {"sortby": "size"}, {"jobstaus": "x"},
                                   {"display_limit": "0"}, {"limit": "0"}, {"limit": "2e5"},
                                   {"export": "csv", "fields": "nosuch"}])
def test_bad_parameters_are_400_in_json_and_html(client, query):
    assert_bad_request(client, "/jobs/", query)


def test_query_count_does_not_grow_with_rows(client):
    """HTML: one keyset-limited SELECT per job table (+ the fast buffer's oldest
    row for the archive's de-duplication). JSON adds the attribute summary (one
    GROUP BY per column group per table) and the error counts (one GROUP BY per
    table). The same for one hour as for ten days."""
    # JSON: one page (limit=1000) so the count is per page, + the queue clouds (homecloud).
    for fmt, most in (({}, 5 + 1), ({"json": "", "limit": "1000"}, (2 + len(SUMMARY_GROUPS)) * 5 + 1 + 1)):
        counts = []
        for window in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
            with CaptureQueriesContext(connections["panda"]) as ctx:
                assert client.get("/jobs/", {**window, **fmt}).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1] <= most, (fmt, counts)


def test_long_lists_stream_with_truncation_and_next(client, window, monkeypatch):
    """Above STREAM_ROWS the list is sent while it is read; truncated and next
    follow it and continue exactly where it stopped."""
    from jobs.views import joblist

    monkeypatch.setattr(joblist, "STREAM_ROWS", 10)
    query, (start, end) = window
    response, first = get_json(client, "/jobs/", {**query, "limit": "40"})
    assert response.streaming
    assert len(first["jobs"]) == 40 and first["truncated"] is True and first["limit"] == 40
    buffered = get_json(client, "/jobs/", {**query, "limit": "10"})[1]
    assert [j["pandaid"] for j in first["jobs"][:10]] == [j["pandaid"] for j in buffered["jobs"]]
    following = query_of(first["next"])
    _, second = get_json(client, "/jobs/", {k: v for k, v in following.items() if k != "json"})
    ids = [j["pandaid"] for j in first["jobs"] + second["jobs"]]
    assert len(ids) == len(set(ids)) == 80
    keys = [(j["modificationtime"], j["pandaid"]) for j in first["jobs"] + second["jobs"]]
    assert keys == sorted(keys, reverse=True)


def test_streamed_list_checks_fields_before_sending(client, window, monkeypatch):
    from jobs.views import joblist

    monkeypatch.setattr(joblist, "STREAM_ROWS", 10)
    response = client.get("/jobs/", {**window[0], "limit": "40", "fields": "pandaid,nosuch", "json": ""})
    assert response.status_code == 400 and "nosuch" in response.json()["error"]
    _, body = get_json(client, "/jobs/", {**window[0], "limit": "40", "fields": "pandaid,jobstatus"})
    assert set(body["jobs"][0]) == {"pandaid", "jobstatus"}


def test_extra_checklogs_tells_which_jobs_have_logs_in_the_store(client, window, log_root):
    """BigPanDA's extra=checklogs: is_log_available 1 where the log store has the job's files, -1 where not;
    the key is absent without it."""
    query, _ = window
    _, body = get_json(client, "/jobs/", {**query, "limit": "3000", "fields": "pandaid,is_log_available",
                                          "extra": "checklogs"})
    folders = {int(p.name) for p in log_root.iterdir() if p.is_dir() and any(p.iterdir())}
    got = {j["pandaid"]: j["is_log_available"] for j in body["jobs"]}
    assert got and set(got.values()) == {1, -1}
    assert got == {pandaid: 1 if pandaid in folders else -1 for pandaid in got}
    _, plain = get_json(client, "/jobs/", {**query, "limit": "50", "fields": "pandaid,is_log_available"})
    assert all(set(j) == {"pandaid"} for j in plain["jobs"])


def test_fields_metastruct_reads_the_job_reports_in_a_few_queries(client, window):
    """fields=metastruct: each job's parsed job report (null without one) equal to plain SQL over metatable and
    metatable_arch, read per 1,000-job batch (not per row)."""
    query, (start, end) = window
    where, args = sqlcheck.window_where(start, end)
    reports = sqlcheck.job_reports(f"{where} AND jobstatus = 'finished'", args)
    fields = {"fields": "pandaid,metastruct", "jobstatus": "finished", "limit": "3000"}
    with CaptureQueriesContext(connections["panda"]) as captured:
        _, body = get_json(client, "/jobs/", {**query, **fields})
    got = {j["pandaid"]: j["metastruct"] for j in body["jobs"]}
    assert got and any(v is not None for v in got.values())
    assert got == {pandaid: (json.loads(reports[pandaid]) if reports.get(pandaid) else None) for pandaid in got}
    metadata_reads = [q for q in captured.captured_queries if "metatable" in q["sql"].lower()]
    assert 0 < len(metadata_reads) <= 2 * -(-len(got) // 1000)
