"""The request log line and /metrics/: every answered request is one line (view, status, time in the
databases, duration) and one observation per view; the summary cache's outcomes and the admission
refusals are counted where they happen."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def samples(client) -> dict[tuple, float]:
    response = client.get("/metrics/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def request_log():
    handler, logger = Lines(), logging.getLogger("pandamon.request")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_each_request_is_one_log_line_and_one_observation(client, panda_db, request_log):
    before = samples(client)
    for _ in range(3):
        assert client.get("/jobs/?json&hours=2&limit=5", HTTP_ACCEPT="application/json").status_code == 200
    assert client.get("/job/1/?json").status_code == 404
    after = samples(client)
    jobs = {"view": "jobs", "status": "200"}
    assert value(after, "pandamon_request_seconds_count", **jobs) - \
        value(before, "pandamon_request_seconds_count", **jobs) == 3
    db = {"view": "jobs"}
    assert value(after, "pandamon_db_seconds_count", **db) - value(before, "pandamon_db_seconds_count", **db) == 3
    assert value(after, "pandamon_db_seconds_sum", **db) > value(before, "pandamon_db_seconds_sum", **db)
    listed = [line for line in request_log if "path=/jobs/" in line]
    assert len(listed) == 3
    assert all(line.startswith("view=jobs status=200 db_ms=") and " ms=" in line
               for line in listed)
    assert any("status=404" in line and "path=/job/1/" in line for line in request_log)
    assert not any("path=/metrics/" in line for line in request_log)  # the scraper is not a request to count


def test_summary_cache_outcomes_are_counted(client, panda_db, settings):
    settings.PANDAMON_SUMMARY_CACHE = True
    cache.clear()
    before = samples(client)
    for _ in range(2):
        assert client.get("/errors/?json&hours=3", HTTP_ACCEPT="application/json").status_code == 200
    after = samples(client)

    def delta(outcome):
        labels = {"view": "errors", "outcome": outcome}
        return value(after, "pandamon_summary_cache_total", **labels) - \
            value(before, "pandamon_summary_cache_total", **labels)

    assert (delta("miss"), delta("hit")) == (1, 1)


def test_admission_refusals_are_counted(client, panda_db, settings):
    settings.PANDAMON_CLIENT_BUDGET = 1
    cache.clear()
    before = samples(client)
    statuses = [client.get("/jobs/?json&hours=2&limit=5", HTTP_ACCEPT="application/json").status_code
                for _ in range(3)]
    after = samples(client)
    assert statuses == [200, 429, 429]
    refused = "pandamon_admission_rejections_total"
    assert value(after, refused, reason="client_budget") - value(before, refused, reason="client_budget") == 2
