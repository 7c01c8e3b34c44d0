"""Inputs that once gave 500s (issue 11): boundary dates overflowing the parser, page
tokens made for another sort key, and a leading-wildcard name taken for an id lookup."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from jobs.query.sorting import encode_after

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.mark.parametrize(("query", "named"), [
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"modificationtime": "9999-12-31"}, "modificationtime"),
    ({"date_to": "0001-01-01T00:00"}, "date_to"),
    ({"date_from": "0001-01-01"}, "date_from"),
    ({"endtime": "9999-12-31"}, "endtime"),
    ({"modificationtimerange": "0001-01-01|9999-12-31"}, "modificationtimerange"),
    ({"creationtime_to": "9999-12-31"}, "creationtime_to"),
])
@pytest.mark.parametrize("path", ["/jobs/", "/errors/", "/dash/", "/users/"])
def test_unrepresentable_dates_are_a_400_naming_the_parameter(client, path, query, named):
    response = client.get(path, {**query, "json": ""})
    assert response.status_code == 400, response.content[:300]
    message = response.json()["error"]
    assert named in message and "between 1980-01-01 and 2100-01-01" in message


def token(payload: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("sortby", "after"), [
    ("pandaid", encode_after(dt.datetime(2024, 1, 1), 5)),  # a time token, an id key
    ("time-descending", encode_after(12, 5)),                                     # an id token, a time key
    ("duration", encode_after(12, 5)),
    ("pandaid", token(["i", 10**30, 5])),                                       # beyond any 64-bit column
    ("pandaid", token(["i", 5, 10**30])),
    ("pandaid", token(["i", True, 5])),
])
def test_page_tokens_of_the_wrong_kind_are_a_400(client, sortby, after):
    response = client.get("/jobs/", {"sortby": sortby, "after": after, "hours": "12", "json": "", "limit": "10"})
    assert response.status_code == 400, response.content[:300]
    assert "after" in response.json()["error"]


def test_a_token_taken_from_next_still_pages(client):
    first = client.get("/jobs/", {"days": "10", "json": "", "limit": "5", "sortby": "pandaid"}).json()
    assert first["next"]
    assert client.get(first["next"]).status_code == 200


def test_leading_wildcard_name_keeps_the_window(client):
    body = client.get("/jobs/", {"jobname": "*x", "json": "", "limit": "1"}).json()
    assert body["window"] is not None  # the default window, not every table unbounded
    exact = client.get("/jobs/", {"jobname": "no_such_job_name", "json": "", "limit": "1"}).json()
    assert exact["window"] is None  # an exact name is still an id lookup
    prefix = client.get("/jobs/", {"jobname": "no_such*", "json": "", "limit": "1"}).json()
    assert prefix["window"] is None  # a fixed prefix is an index range
