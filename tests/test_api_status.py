"""/api/jobs/status/ and /api/support/maxpandaid/ against plain SQL over every
job table, on the generated session data (every table, the archive overlap)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.status import COARSE_STATE, COARSE_STATES, coarse_state
from jobs.diagnosis import errorinfo
from jobs.models import JOB_MODELS, LIVE_JOB_MODELS, Jobsarchived, Jobsarchived4
from jobs.query.status import STATUS_COLUMNS
from jobs.states import JOB_STATES

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

URL = "/api/jobs/status/"
LIVE_TABLES = [m._meta.db_table for m in LIVE_JOB_MODELS]


def _q(name: str) -> str:
    return connections["panda"].ops.quote_name(name)


def _iso(value) -> str:
    if isinstance(value, str):  # SQLite hands back text
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None, microsecond=0).isoformat()


@pytest.fixture(scope="module")
def expected(django_db_setup, django_db_blocker) -> dict[int, dict]:
    """{pandaid: row} by plain SQL: the live copy of a job wins over the archive's."""
    rows: dict[int, dict] = {}
    with django_db_blocker.unblock(), connections["panda"].cursor() as cursor:
        for model in JOB_MODELS:
            table = model._meta.db_table
            cursor.execute(f"SELECT {', '.join(_q(c) for c in STATUS_COLUMNS)} FROM {_q(table)}")
            for values in cursor.fetchall():
                row = dict(zip(STATUS_COLUMNS, values, strict=True))
                row["table"] = table
                kept = rows.get(row["pandaid"])
                if kept is None or table in LIVE_TABLES and kept["table"] not in LIVE_TABLES:
                    rows[row["pandaid"]] = row
    return rows


def post(client: Client, body, **kwargs):
    return client.post(URL, json.dumps(body), content_type="application/json", **kwargs)


def test_every_panda_state_has_a_coarse_state():
    assert set(JOB_STATES) <= set(COARSE_STATE)
    assert set(COARSE_STATE.values()) == set(COARSE_STATES)
    assert coarse_state("finished") == "done" and coarse_state("closed") == "cancelled"
    assert coarse_state("unknown") == "failed"  # the archive's default: never a success
    assert coarse_state("someday-new") == "running" and coarse_state("someday-new", ended=True) == "failed"


def test_ten_thousand_ids_over_every_table(client, expected):
    real = sorted(expected)
    tables = {expected[p]["table"] for p in real}
    assert tables == {m._meta.db_table for m in JOB_MODELS}, "the session data must fill every table"
    archive_only = [p for p in real if expected[p]["table"] == Jobsarchived._meta.db_table]
    assert archive_only, "some jobs must be in the archive only"
    padding = [max(real) + 1 + i for i in range(10_000 - len(real))]
    asked = [x for pair in zip(real, padding, strict=False) for x in pair] + padding[len(real):]
    assert len(asked) == 10_000

    with CaptureQueriesContext(connections["panda"]) as queries:
        response = post(client, {"pandaids": asked})
    assert response.status_code == 200, response.content
    # One UNION ALL over the five tables per 1000 ids.
    assert len(queries.captured_queries) == 10
    assert all(q["sql"].count("UNION ALL") == len(JOB_MODELS) - 1 for q in queries.captured_queries)

    body = response.json()
    assert body["missing"] == padding
    assert [j["pandaid"] for j in body["jobs"]] == real  # the order asked, real ids only
    for job in body["jobs"]:
        row = expected[job["pandaid"]]
        assert job == {
            "pandaid": row["pandaid"],
            "jobstatus": row["jobstatus"],
            "state": COARSE_STATE[row["jobstatus"]],
            "computingsite": row["computingsite"],
            "modificationtime": _iso(row["modificationtime"]),
            "errorinfo": errorinfo(row),
        }
    states = {j["state"] for j in body["jobs"]}
    assert states == set(COARSE_STATES)
    assert any(j["errorinfo"] for j in body["jobs"] if j["state"] == "failed")


@pytest.mark.parametrize(("n", "queries"), [(1, 1), (1000, 1), (1001, 2), (2500, 3)])
def test_queries_grow_with_chunks_only(client, expected, n, queries):
    ids = sorted(expected)[:n] + list(range(1, 1 + max(0, n - len(expected))))
    with CaptureQueriesContext(connections["panda"]) as captured:
        assert post(client, {"pandaids": ids}).status_code == 200
    assert len(captured.captured_queries) == queries


def test_fast_buffer_copy_wins_over_archive(client, expected):
    with connections["panda"].cursor() as cursor:
        archive, fastbuffer = _q(Jobsarchived._meta.db_table), _q(Jobsarchived4._meta.db_table)
        cursor.execute(f"SELECT a.pandaid FROM {archive} a JOIN {fastbuffer} f "
                       "ON a.pandaid = f.pandaid")
        both = [r[0] for r in cursor.fetchall()][:20]
    assert both, "the session data has jobs in jobsarchived4 and the archive"
    jobs = post(client, {"pandaids": both}).json()["jobs"]
    assert len(jobs) == len(both)
    assert all(j["jobstatus"] == expected[j["pandaid"]]["jobstatus"] for j in jobs)


def test_get_with_commas_and_bars(client, expected):
    ids = sorted(expected)[:3]
    by_comma = client.get(URL, {"pandaid": ",".join(map(str, ids))})
    by_bar = client.get(URL, {"pandaid": "|".join(map(str, ids)), "timestamp": "123"})
    assert by_comma.status_code == by_bar.status_code == 200
    assert by_comma.json() == by_bar.json()
    assert [j["pandaid"] for j in by_comma.json()["jobs"]] == ids
    assert by_comma["Content-Type"] == "application/json"
    assert "max-age=0" in by_comma["Cache-Control"]


def test_fields_and_outputs_trim_like_every_page(client, expected):
    pandaid = sorted(expected)[0]
    body = client.get(URL, {"pandaid": pandaid, "fields": "pandaid,state", "outputs": "jobs"}).json()
    assert body == {"jobs": [{"pandaid": pandaid, "state": COARSE_STATE[expected[pandaid]["jobstatus"]]}]}


def test_duplicates_answered_once(client, expected):
    pandaid = sorted(expected)[0]
    body = post(client, {"pandaids": [pandaid, pandaid, 1, 1]}).json()
    assert [j["pandaid"] for j in body["jobs"]] == [pandaid]
    assert body["missing"] == [1]


@pytest.mark.parametrize("body", [
    {"pandaids": list(range(1, 10_002))},  # 10,001 ids
    {"pandaids": []},
    {"pandaids": ["1"]},
    {"pandaids": [1.5]},
    {"pandaids": [True]},
    {"pandaids": [0]},
    {"pandaids": [-4]},
    {"pandaids": [2**63]},
    {"pandaids": [[1]]},
    {"pandaids": 1},
    {"pandaids": [1], "jobstatus": "failed"},
    {"ids": [1]},
    [1, 2],
    None,
])
def test_bad_post_bodies_are_400(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "pandaid" in response.json()["error"]


@pytest.mark.parametrize("raw", [b"pandaids=1,2", b"", b"{", b"\xff\xfe\x00", b'{"pandaids": [1,]}'])
def test_non_json_body_is_400(client, raw):
    response = client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


@pytest.mark.parametrize("query", [
    {"pandaid": ",".join(map(str, range(1, 10_002)))},
    {"pandaid": "1,,2"},
    {"pandaid": "abc"},
    {"pandaid": "0"},
    {"pandaid": "!1"},
    {"pandaid": ""},
    {},
    {"pandaid": "1", "jobstatus": "failed"},
    {"pandaid": "1", "hours": "2"},
    {"pandaid": "1", "bogus": "x"},
])
def test_bad_get_queries_are_400(client, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_errors_are_json_even_when_html_is_preferred(client):
    response = client.get(URL, {"pandaid": "x"}, HTTP_ACCEPT="text/html,*/*")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_post_needs_no_csrf_token(expected):
    pandaid = sorted(expected)[0]
    response = post(Client(enforce_csrf_checks=True), {"pandaids": [pandaid]})
    assert response.status_code == 200
    assert response.json()["jobs"][0]["pandaid"] == pandaid


def test_other_methods_are_405(client):
    response = client.put(URL, "{}", content_type="application/json")
    assert response.status_code == 405
    assert "GET and POST" in response.json()["error"]


def test_maxpandaid_is_the_highest_live_id(client):
    with connections["panda"].cursor() as cursor:
        union = " UNION ALL ".join(f"SELECT MAX(pandaid) AS m FROM {_q(t)}" for t in LIVE_TABLES)
        cursor.execute(f"SELECT MAX(m) FROM ({union}) u")
        highest = cursor.fetchone()[0]
    with CaptureQueriesContext(connections["panda"]) as queries:
        response = client.get("/api/support/maxpandaid/")
    assert response.json() == {"maxpandaid": highest}
    assert len(queries.captured_queries) == len(LIVE_TABLES)  # one MAX over each live table's primary key
    assert client.get("/api/support/maxpandaid/", {"hours": "1"}).status_code == 400
    assert client.post("/api/support/maxpandaid/").status_code == 405
