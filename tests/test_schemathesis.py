"""Fuzzing: schemathesis drives every operation of /api/openapi.json against a
live test server on the session data, with valid and invalid input.

Fails on any 5xx, any answer that violates its schema, and any 200 for input
the description calls invalid (negative_data_rejection). Bounded: a few dozen
examples per operation, no deadline (SQLite under load is slow, not wrong).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection]


@pytest.fixture
def api_schema(live_server, django_db_setup):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db(databases=["default", "panda"])
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_api(case):
    # JSON for every page: the pages answer HTML unless asked.
    case.call_and_validate(headers={"Accept": "application/json"}, checks=CHECKS)
