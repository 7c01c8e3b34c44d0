"""The shifter's pages in a real browser (headless chromium, Playwright, live server on
the session data): the region dashboard split by resource type, a histogram bar of the
error summary opening that bin's failed jobs, and a job page leading to its worker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connections

from harvester.models import HarvesterRelJobsWorkers
from tests.pages import FMT
from tests.test_browser import browser, list_rows, query_of, selection_total, tab, wait_for_chart, window  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=["default", "panda"], transaction=True)]


def test_region_dashboard_split_by_resource_type(tab, window):  # noqa: F811
    page = tab.open(f"/dash/region/?{window}")
    page.get_by_role("link", name="resource type", exact=True).click()
    page.wait_for_url(re.compile(r"splitby=resourcetype"))
    tab.settled()
    queues = page.locator('section[data-level="computingsite"] table tbody tr')
    assert queues.count() > 5
    kinds = set(page.locator('section[data-level="computingsite"] td.resourcetype').all_inner_texts())
    assert {"SCORE", "MCORE"} <= kinds
    # a queue's resource-type count opens exactly those jobs
    row = queues.filter(has=page.locator("td.resourcetype", has_text="MCORE")).first
    total = row.locator("td.num a b").first
    shown = int(total.inner_text().replace(",", ""))
    total.click()
    page.wait_for_url(re.compile(r"/jobs/\?"))
    tab.settled()
    query = query_of(page.url)
    assert query["resource_type"] == "MCORE" and query["computingsite"]
    assert selection_total(page) == shown


def test_error_histogram_bar_opens_the_failed_jobs_of_its_hour(tab, window):  # noqa: F811
    page = tab.open(f"/errors/?{window}")
    wait_for_chart(page, "errors-over-time")
    target = page.evaluate(
        """panel => {
            const el = document.querySelector(panel);
            let best = null;
            el.querySelectorAll('.barlayer .trace').forEach((trace, t) => {
                // "other" has no list; "none" (jobs without a code) no code to check
                if (!el.data[t].customdata[0] || el.data[t].name.startsWith("none")) return;
                trace.querySelectorAll('.point').forEach((point, i) => {
                    const box = point.getBoundingClientRect();
                    if (!best || box.height > best.height) best = {t, i, height: box.height,
                        x: box.x + box.width / 2, y: box.y + box.height / 2};
                });
            });
            return {...best, url: el.data[best.t].customdata[best.i], count: el.data[best.t].y[best.i]};
        }""",
        '[data-panel="errors-over-time"]',
    )
    assert target["height"] > 2 and target["count"] > 0, target
    page.locator('[data-panel="errors-over-time"]').scroll_into_view_if_needed()
    box = page.evaluate("""([panel, t, i]) => {
        const b = document.querySelector(panel).querySelectorAll('.barlayer .trace')[t]
            .querySelectorAll('.point')[i].getBoundingClientRect();
        return {x: b.x + b.width / 2, y: b.y + b.height / 2};
    }""", ['[data-panel="errors-over-time"]', target["t"], target["i"]])
    target.update(box)
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(100)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(re.compile(r"/jobs/\?"))
    tab.settled()
    assert page.url == tab.base + target["url"]
    query = query_of(page.url)
    start, end = (dt.datetime.strptime(query[k], FMT) for k in ("date_from", "date_to"))
    assert end - start == dt.timedelta(hours=1) and start.minute == start.second == 0
    assert any(k.endswith("errorcode") for k in query)
    assert selection_total(page) == target["count"]
    assert {r["jobstatus"] for r in list_rows(page)} <= {"failed", "holding"}


def test_job_page_leads_to_its_worker(tab):  # noqa: F811
    links = connections["panda"].ops.quote_name(HarvesterRelJobsWorkers._meta.db_table)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT MIN(pandaid) FROM {links}")
        (pandaid,), = cursor.fetchall()
    page = tab.open(f"/job/{pandaid}/")
    page.locator('a[href^="/harvester/worker/"]').first.click()
    page.wait_for_url(re.compile(r"/harvester/worker/[^/]+/\d+/"))
    tab.settled()
    assert page.locator("h1").inner_text().startswith("Worker ")
    assert page.locator(f'table.worker-jobs a[href="/job/{pandaid}/"]').count() == 1
