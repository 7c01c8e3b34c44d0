"""Error categories on /errors/ (`errsByCategory`) and `errorcategory=` in every list:
counts equal an independent plain-SQL count written from the catalogue, each count links
to a list of exactly that many jobs, bad values are 400s; under mode=drop the page says how
many superseded attempts it left out."""

from __future__ import annotations

import re

import pytest

from jobs.errorcodes import CATALOGUE, CATEGORIES, category
from jobs.models import ERROR_COMPONENTS
from tests.pages import assert_bad_request, explicit_window, get_json, query_of
from tests.test_errors_page import distinct_jobs

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
CODE_COLUMNS = {component: column for component, column, _ in ERROR_COMPONENTS}


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=10)


def sql_condition(name: str) -> str:
    """The category as SQL text, from the catalogue's entries one by one."""
    parts = []
    for component, column in CODE_COLUMNS.items():
        known = sorted(e.code for e in CATALOGUE if e.component == component)
        if name == "unknown":
            part = f"({column} <> 0" + (f" AND {column} NOT IN ({', '.join(map(str, known))}))" if known else ")")
        else:
            mine = [c for c in known if category(component, c) == name]
            if not mine:
                continue
            part = f"{column} IN ({', '.join(map(str, mine))})"
        if component == "taskbuffer":
            part = f"({part} AND (superrorcode = 0 OR superrorcode IS NULL))"
        parts.append(part)
    return "(" + " OR ".join(parts) + ")"


def test_the_catalogue_sorts_codes_by_who_acts():
    assert category("pilot", 1099) == "site"  # stage-in failed
    assert category("pilot", 1212) == "payload"  # payload out of memory
    assert category("executor", 8) == "payload"
    assert category("jobdispatcher", 102) == "system"
    assert category("pilot", 4242) == "unknown"
    assert {category(e.component, e.code) for e in CATALOGUE} == {"site", "payload", "system"}


def test_category_counts_equal_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", {**query, "outputs": "errsByCategory"})
    assert [c["name"] for c in body["errsByCategory"]] == list(CATEGORIES)
    got = {c["name"]: c["count"] for c in body["errsByCategory"]}
    expected = {name: distinct_jobs(start, end, sql_condition(name), []) for name in CATEGORIES}
    assert got == expected
    assert got["site"] and got["payload"] and got["system"]


def test_each_count_links_to_exactly_its_jobs(client, window):
    query, _ = window
    _, body = get_json(client, "/errors/", {**query, "outputs": "errsByCategory"})
    got = {c["name"]: c["count"] for c in body["errsByCategory"]}
    html = client.get("/errors/", query).content.decode()
    section = html[html.index('id="categories"'):]
    links = re.findall(r'<td>(\w+)</td><td class="num"><a href="([^"]+)">([\d,]+)</a>', section)
    assert [name for name, _, _ in links] == list(CATEGORIES)
    for name, href, shown in links:
        assert int(shown.replace(",", "")) == got[name]
        assert query_of(href)["errorcategory"] == name
        _, jobs = get_json(client, "/jobs/", {**query_of(href), "outputs": "selectionsummary"})
        states = next(a for a in jobs["selectionsummary"] if a["field"] == "jobstatus")
        assert sum(v["kvalue"] for v in states["list"]) == got[name]


def test_two_categories_are_their_union(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/errors/", {**query, "errorcategory": "site|payload", "outputs": "jobstates"})
    both = sum(s["count"] for s in body["jobstates"])
    assert both == distinct_jobs(start, end, f"({sql_condition('site')} OR {sql_condition('payload')})", [])


@pytest.mark.parametrize("value", ["", "sites", "site|", "site|bogus"])
def test_bad_category_is_400(client, value):
    assert_bad_request(client, "/errors/", {"errorcategory": value})
    assert_bad_request(client, "/jobs/", {"errorcategory": value})


def test_drop_mode_says_how_many_attempts_it_left_out(client, window):
    query, _ = window
    _, body = get_json(client, "/errors/", {**query, "mode": "drop", "outputs": "dropped,jobstates"})
    _, hidden = get_json(client, "/errors/", {**query_of(body["dropped"]["url"]), "outputs": "jobstates"})
    assert query_of(body["dropped"]["url"])["mode"] == "dropped"
    assert sum(s["count"] for s in hidden["jobstates"]) == body["dropped"]["count"]
    _, hidden_jobs = get_json(client, "/jobs/", {**query, "jobstatus": "failed|holding", "mode": "dropped",
                                                  "outputs": "selectionsummary"})
    states = next(a for a in hidden_jobs["selectionsummary"] if a["field"] == "jobstatus")
    assert body["dropped"]["count"] == sum(v["kvalue"] for v in states["list"]) > 0
    html = client.get("/errors/", {**query, "mode": "drop"}).content.decode()
    assert re.search(r'id="dropped">mode=drop: [\d,]+ attempts? superseded', html)
    _, plain = get_json(client, "/errors/", query)
    assert "dropped" not in plain and "errsByCategory" in plain
