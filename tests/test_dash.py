"""The production summary (`/`, `/dash/`) on the generated session data: counts
equal to plain SQL over every job table, the contract's JSON, links into /jobs/
that carry the selection and the window, the finished/failed plot, 400s and a
query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.views.selection import JOB_STATES
from tests import sqlcheck
from tests.pages import FMT, assert_bad_request, explicit_window, get_json, named, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
ENTRY_KEYS = {"name", "vo", "cloud", "total", "states"}


@pytest.fixture
def window(generated_at):
    """Three days up to just after generation, explicit bounds: live tables and fast buffer."""
    return explicit_window(generated_at, days=3)


def sql_counts(columns, start, end, extra_where="", extra_params=()):
    where, params = sqlcheck.window_where(start, end)
    counts = sqlcheck.grouped_counts(columns, where + extra_where, params + list(extra_params))
    return {tuple(named(v) for v in key): n for key, n in counts.items()}


def count_links(html: str) -> list[tuple[dict, int]]:
    """(query of the /jobs/ link, number shown) for every count on the page."""
    found = re.findall(r'<a (?:class="state-[a-z]+" )?href="(/jobs/\?[^"]+)">(?:<b>)?([\d,]+)(?:</b>)?</a>', html)
    return [(query_of(href), int(n.replace(",", ""))) for href, n in found]


def test_json_follows_the_contract(client, window):
    query, _ = window
    response, body = get_json(client, "/dash/", query)
    assert response.status_code == 200
    assert {"vos", "clouds", "sites", "statelist", "window", "plot"} <= set(body)
    assert body["statelist"] == list(JOB_STATES)
    assert body["window"] == {"from": query["date_from"], "to": query["date_to"]}
    for level in ("vos", "clouds", "sites"):
        assert body[level], level
        for entry in body[level]:
            assert set(entry) == ENTRY_KEYS
            assert isinstance(entry["name"], str) and isinstance(entry["vo"], str)
            assert isinstance(entry["total"], int) and entry["total"] == sum(entry["states"].values())
            assert all(isinstance(n, int) and n > 0 for n in entry["states"].values())
        totals = [e["total"] for e in body[level]]
        assert totals == sorted(totals, reverse=True)
    assert all(e["cloud"] is None for e in body["vos"])
    assert all(isinstance(e["cloud"], str) for e in body["clouds"] + body["sites"])
    # every level adds up to the same jobs
    assert sum(e["total"] for e in body["vos"]) == sum(e["total"] for e in body["sites"])


def test_counts_equal_plain_sql_at_every_level(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/", query)
    expected = sql_counts(["vo", "cloud", "computingsite", "jobstatus"], start, end)
    got = {(e["vo"], e["cloud"], e["name"], state): n for e in body["sites"] for state, n in e["states"].items()}
    assert got == expected
    per_vo = sql_counts(["vo", "jobstatus"], start, end)
    assert {(e["name"], s): n for e in body["vos"] for s, n in e["states"].items()} == per_vo
    # and the grand total is the de-duplicated union of the five tables
    where, params = sqlcheck.window_where(start, end)
    assert sum(e["total"] for e in body["vos"]) == sqlcheck.total(where, params) > 1000


def test_home_is_the_production_summary(client, window):
    query, _ = window
    _, home = get_json(client, "/", query)
    _, dash = get_json(client, "/dash/", query)
    assert home["vos"] == dash["vos"]


def test_filters_and_jobtype_narrow_every_count(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/", {**query, "jobtype": "analysis", "cloud": "!US"})
    expected = sql_counts(["vo", "jobstatus"], start, end,
                          " AND prodsourcelabel IN (%s, %s) AND (cloud <> %s OR cloud IS NULL)",
                          ["user", "panda", "US"])
    assert {(e["name"], s): n for e in body["vos"] for s, n in e["states"].items()} == expected
    assert all(e["cloud"] != "US" for e in body["clouds"])


def test_html_counts_link_to_the_job_list_with_selection_and_window(client, window):
    query, (start, end) = window
    response = client.get("/dash/", {**query, "jobtype": "production"})
    assert response.status_code == 200
    html = response.content.decode()
    links = count_links(html)
    per_vo = sql_counts(["vo", "jobstatus"], start, end, " AND prodsourcelabel = %s", ["managed"])
    checked = 0
    for params, shown in links:
        assert params["date_from"] == query["date_from"] and params["date_to"] == query["date_to"]
        assert params["jobtype"] == "production"
        if "vo" in params and "jobstatus" in params:
            assert shown == per_vo[(params["vo"], params["jobstatus"])]
            checked += 1
    assert checked >= 10
    # a VO's name drills down into its clouds and sites, same window
    drill = [query_of(h) for h in re.findall(r'href="(/dash/\?[^"]+)"', html)]
    assert {"vo": "atlas", "jobtype": "production", **query} in drill


def test_a_count_link_opens_a_list_of_that_many_jobs(client, window):
    query, _ = window
    html = client.get("/dash/", {**query, "vo": "atlas"}).content.decode()
    params, shown = next((p, n) for p, n in count_links(html)
                         if "computingsite" in p and p.get("jobstatus") == "failed")
    _, jobs = get_json(client, "/jobs/", {**params, "outputs": "selectionsummary"})
    states = next(a for a in jobs["selectionsummary"] if a["field"] == "jobstatus")
    assert states["list"] == [{"kname": "failed", "kvalue": shown}]


def test_one_vo_shows_its_clouds_and_sites(client, window):
    query, (start, end) = window
    html = client.get("/dash/", {**query, "vo": "atlas"}).content.decode()
    assert "Clouds of atlas" in html and "Sites of atlas" in html
    per_site = sql_counts(["computingsite", "jobstatus"], start, end, " AND vo = %s", ["atlas"])
    checked = 0
    for params, shown in count_links(html):
        assert params["vo"] == "atlas"
        if "computingsite" in params and "jobstatus" in params:
            # a site counted under one cloud: the link names the cloud too
            assert "cloud" in params
            assert shown <= per_site[(params["computingsite"], params["jobstatus"])]
            checked += 1
    assert checked > 20
    # every VO's page lists no clouds table
    assert "Clouds of" not in client.get("/dash/", query).content.decode()


def test_plot_series_are_finished_and_failed_per_hour(client, window, generated_at):
    query, (start, end) = window
    _, body = get_json(client, "/dash/", {**query, "outputs": "plot"})
    assert set(body) == {"plot"}
    plot = body["plot"]
    assert plot["by"] == "vo" and plot["binseconds"] == 3600
    bins = [dt.datetime.fromisoformat(b) for b in plot["bins"]]
    assert all(b2 - b1 == dt.timedelta(hours=1) for b1, b2 in zip(bins, bins[1:], strict=False))
    assert len(bins) in (72, 73, 74)
    expected = sql_counts(["vo", "jobstatus"], start, end, " AND jobstatus IN (%s, %s)", ["finished", "failed"])
    got = {(s["name"], s["jobstatus"]): sum(s["counts"]) for s in plot["series"]}
    assert got == expected
    for s in plot["series"]:
        assert len(s["counts"]) == len(bins) and s["total"] == sum(s["counts"])
        params = query_of(s["link"])
        assert params == {"vo": s["name"], "jobstatus": s["jobstatus"]}
        assert s["link"].startswith("/jobs/?")


def test_a_bar_opens_the_jobs_of_its_hour(client, window):
    query, _ = window
    _, body = get_json(client, "/dash/", {**query, "outputs": "plot"})
    plot = body["plot"]
    series = max(plot["series"], key=lambda s: s["total"])
    i = max(range(len(plot["bins"])), key=lambda k: series["counts"][k])
    start = dt.datetime.fromisoformat(plot["bins"][i])
    url = (f"{series['link']}&date_from={plot['bins'][i]}"
           f"&date_to={(start + dt.timedelta(seconds=plot['binseconds'])).strftime(FMT)}")
    jobs = client.get(url + "&json&outputs=selectionsummary").json()
    states = next(a for a in jobs["selectionsummary"] if a["field"] == "jobstatus")
    assert states["list"] == [{"kname": series["jobstatus"], "kvalue": series["counts"][i]}]


def test_one_vo_plots_its_clouds(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/", {**query, "vo": "atlas", "outputs": "plot"})
    assert body["plot"]["by"] == "cloud"
    expected = sql_counts(["cloud", "jobstatus"], start, end, " AND vo = %s AND jobstatus IN (%s, %s)",
                          ["atlas", "finished", "failed"])
    assert {(s["name"], s["jobstatus"]): sum(s["counts"]) for s in body["plot"]["series"]} == expected
    assert all(query_of(s["link"])["vo"] == "atlas" for s in body["plot"]["series"])


def test_long_windows_plot_days(client):
    _, body = get_json(client, "/dash/", {"days": "20", "outputs": "plot"})
    assert body["plot"]["binseconds"] == 86400


def test_default_window_is_pinned_in_links(client):
    html = client.get("/dash/").content.decode()
    links = count_links(html)
    assert links and all(p.get("hours") == "12" for p, _ in links)


@pytest.mark.parametrize("query", [{"vos": "atlas"}, {"jobtype": "magic"}, {"hours": "0"}, {"vo": ""},
                                   {"date_from": "yesterday"}, {"vo": "a||b"}])
def test_bad_parameters_are_400_in_json_and_html(client, query):
    assert_bad_request(client, "/dash/", query)


def test_outputs_names_only_the_pages_keys(client):
    response, body = get_json(client, "/dash/", {"outputs": "vos,nosuchkey"})
    assert response.status_code == 400
    assert "nosuchkey" in body["error"] and "this page has vos, clouds" in body["error"]


def test_query_count_does_not_grow_with_rows(client):
    """HTML: one grouped count per job table (+ the fast buffer's oldest row for
    the archive's de-duplication); JSON adds one grouped count per table for the
    plot. The same for one hour as for ten days."""
    for fmt, most in (({}, 5 + 1), ({"json": ""}, 2 * 5 + 1)):
        counts = []
        for window in ({"hours": "1", "earlierthan": "80"}, {"days": "10"}):
            with CaptureQueriesContext(connections["panda"]) as ctx:
                assert client.get("/dash/", {**window, **fmt}).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1] <= most, (fmt, counts)
