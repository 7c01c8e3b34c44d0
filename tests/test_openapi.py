"""The OpenAPI description against the code: every JSON route described (and
nothing else), every contract URL present, and every endpoint's real answer on
the session data valid against the schema the description gives for it."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import schemathesis
from django.test import override_settings
from django.urls import include, path

from api import openapi
from jobs.models import Jobsarchived4
from pandamon.pages import page
from pandamon.params import (
    COLUMN_SYNONYMS,
    CONTROL_PARAMS,
    JOB_FIELDS,
    SELECTION_PARAMS,
    TIME_RANGE_PARAMS,
    UNFILTERABLE,
    WINDOW_PARAMS,
)
from pandamon.responses import json_only, json_response
from tasks.models import JediTask
from tests.queues import expected_queues

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

# Every JSON URL of shared/reference/web-contract.md, in OpenAPI form.
CONTRACT_PATHS = [
    "/", "/dash/", "/jobs/", "/job/{pandaid}/", "/job", "/jobstatuslog/{pandaid}/", "/errors/", "/users/",
    "/user/{name}/", "/sites/", "/site/{name}/", "/wns/{site}/", "/tasks/", "/task/{taskid}/", "/filebrowser/",
    "/api/support/maxpandaid/", "/api/jobs/status/", "/api/openapi.json", "/health/",
]


@pytest.fixture(scope="module")
def document():
    return openapi.document()


def test_every_json_route_is_described_and_nothing_else():
    assert openapi.unmatched() == {"undocumented": [], "without_route": [], "stale_extra": []}


def test_every_contract_url_is_in_the_description(document):
    assert set(CONTRACT_PATHS) <= set(document["paths"])
    assert document["paths"]["/api/jobs/status/"].keys() == {"get", "post"}


def test_plain_text_and_html_routes_stay_out(document):
    assert "/job/{pandaid}/log/{name}" not in document["paths"]  # plain text
    assert "/robots.txt" not in document["paths"] and "/api/" not in document["paths"]


# A urlconf with one JSON route more and one less than the project's.
@page("error.html")
def _new_page(request, params):
    return {}


@json_only
def _new_api(request):
    return json_response({})


urlpatterns = [
    path("", include("pandamon.urls")),
    path("brand-new/", _new_page),
    path("api/brand-new/<int:n>/", _new_api),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_json_route_without_description_is_caught():
    assert openapi.unmatched()["undocumented"] == ["/api/brand-new/{n}/", "/brand-new/"]


def test_a_route_moved_or_removed_is_caught():
    with override_settings(ROOT_URLCONF="api.urls"):  # the API alone, mounted at / instead of /api/
        unmatched = openapi.unmatched()
    assert "/jobs/status/" in unmatched["undocumented"]
    assert {"/api/jobs/status/", "/jobs/", "/health/"} <= set(unmatched["without_route"])


def test_parameters_are_generated_from_the_parser(document):
    parameters = document["components"]["parameters"]
    filters = {c for c in JOB_FIELDS if c not in UNFILTERABLE}
    bigpanda = set(COLUMN_SYNONYMS) | TIME_RANGE_PARAMS | SELECTION_PARAMS  # BigPanDA's spellings, ranges, mode
    assert filters | WINDOW_PARAMS | CONTROL_PARAMS | bigpanda | {"json", "timestamp", "_"} == set(parameters)
    jobs = {p.get("$ref", "").rsplit("/", 1)[-1] or p["name"] for p in document["paths"]["/jobs/"]["get"]["parameters"]}
    assert filters <= jobs and {"after", "export", "hours", "limit"} <= jobs
    site = {p.get("name") for p in document["paths"]["/site/{name}/"]["get"]["parameters"]}
    assert "name" in site  # the path parameter


def test_patterns_match_what_the_parser_accepts(document):
    """Each pattern is a superset of the parser's grammar: valid values match it."""
    parameters = document["components"]["parameters"]
    accepted = {
        "pandaid": ["1", "1|2", " 3 , !4", "Not specified", "!not specified"],
        "modificationtime": ["2026-11-23", "2026-11-23T10:00", "2026-11-23 10:00:05|2026-11-24"],
        "hours": ["6", " 12 "], "date_from": ["2026-01-02T03:04"], "jobtype": ["analysis", " Production "],
        "sortby": ["time", "PandaID-ascending"], "fields": ["pandaid,jobstatus", ",a, b,"],
    }
    for name, values in accepted.items():
        pattern = parameters[name]["schema"]["pattern"]
        for value in values:
            assert re.search(pattern, value), (name, value)
    for name, value in [("pandaid", "1.5"), ("pandaid", "x"), ("hours", "six"), ("jobtype", "batch"),
                        ("sortby", "time-up"), ("fields", "a b"), ("modificationtime", "yesterday")]:
        assert not re.search(parameters[name]["schema"]["pattern"], value), (name, value)


def test_description_loads_in_schemathesis(document):
    schema = schemathesis.openapi.from_dict(document)
    labels = {op.ok().label for op in schema.get_all_operations()}
    assert "POST /api/jobs/status/" in labels and "GET /jobs/" in labels
    assert len(labels) == sum(len(item) for item in document["paths"].values())


@pytest.fixture(scope="module")
def samples(django_db_setup, django_db_blocker) -> dict[str, str]:
    """A real value for every path parameter, from the session data."""
    with django_db_blocker.unblock():
        job = Jobsarchived4.objects.using("panda").filter(jobstatus="failed").order_by("pandaid").first()
        task = JediTask.objects.using("panda").order_by("jeditaskid").first()
        site = min(q["nickname"] for q in expected_queues())  # from whichever queue table the layout has
    return {"pandaid": str(job.pandaid), "name@user": job.produsername, "name@site": site, "site": site,
            "taskid": str(task.jeditaskid if task else job.jeditaskid)}


def _url(api_path: str, samples: dict[str, str]) -> str:
    def value(match):
        name = match[1]
        kind = "user" if api_path.startswith("/user/") else "site"
        return samples.get(f"{name}@{kind}", samples.get(name, ""))

    url = re.sub(r"\{(\w+)\}", value, api_path)
    if api_path in ("/job", "/job/", "/filebrowser/", "/api/jobs/status/"):
        url += f"?pandaid={samples['pandaid']}"
    return url


def _validator(document, schema) -> jsonschema.Draft202012Validator:
    # Refs point at #/components/schemas/...: resolve them inside a root holding the components.
    return jsonschema.Draft202012Validator({"allOf": [schema], "components": document["components"]})


@pytest.mark.parametrize("api_path", CONTRACT_PATHS + ["/search/"])
def test_real_answers_match_their_schema(client, document, samples, api_path):
    url = _url(api_path, samples) + ("?q=" + samples["site"] if api_path == "/search/" else "")
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    schema = document["paths"][api_path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = json.loads(b"".join(response.streaming_content)) if response.streaming else response.json()
    errors = sorted(_validator(document, schema).iter_errors(body), key=str)
    assert not errors, f"{url}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_error_answers_match_the_error_schema(client, document):
    error = document["components"]["schemas"]["Error"]
    for url in ("/jobs/?bogus=1", "/job/1/", "/api/jobs/status/?pandaid=x"):
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code in (400, 404)
        _validator(document, error).validate(response.json())


def test_served_description_and_api_page(client):
    served = client.get("/api/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    assert served["servers"] == [{"url": "http://testserver"}]
    page = client.get("/api/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "curl -s" in html and "/api/jobs/status/" in html and "closed" in html
