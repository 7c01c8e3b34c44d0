"""The pages in a real browser: headless Debian chromium driven by Playwright
against a live server on the session data. What only a browser shows: panels
and plotly charts drawn from the page JSON, clicks on counts, column headers
and chart bars landing on the right job list, escaped diagnostics and logs.
Every page visited must load without a console error, an uncaught exception,
a failed request or an error status from the server, and without a dialog."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

from jobs.models import Jobsarchived4
from tests.jobrows import BASE_PANDAID, insert_job
from tests.pages import FMT, explicit_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=["default", "panda"], transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
TIMEOUT_MS = 15_000
MARKUP = '<script>alert(1)</script> and <b>bold</b>'
ESCAPE_PANDAID = BASE_PANDAID + 4242  # a job row of this module's own, deleted again


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread; the test's
    # own ORM calls (and pytest-django's flush between tests) are plain sync code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Tab:
    """A page of the browser that records everything that went wrong on it."""

    def __init__(self, page: Page, base: str):
        self.page, self.base, self.problems = page, base, []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} at {page.url}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e} at {page.url}"))
        page.on("dialog", self._dialog)
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", self._response)

    def _dialog(self, dialog) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r} at {self.page.url}")
        dialog.dismiss()

    def _response(self, response) -> None:
        if response.url.startswith(self.base) and response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.settled()

    def settled(self) -> Page:
        """Wait until the panels' JSON and the charts are in, then check the page went well
        (navigating away earlier would abort the panels' fetch: a failed request)."""
        self.page.wait_for_load_state("networkidle")
        # pandamon.js shows a panel's failure (its fetch or its renderer throwing) in the panel.
        for panel in self.page.locator("[data-panel]").all():
            text = panel.inner_text()
            if text.startswith("could not load") or panel.locator(".loading").count():
                self.problems.append(f"panel {panel.get_attribute('data-panel')}: {text!r} at {self.page.url}")
        self.check()
        return self.page

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tab(browser, live_server) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = Tab(context.new_page(), live_server.url)
    yield tab
    context.close()
    tab.check()


@pytest.fixture
def window(generated_at) -> str:
    """A day up to just after generation, with explicit bounds: a count shown on one
    page and the list behind it are read seconds apart, and must not drift."""
    query, _ = explicit_window(generated_at, days=1)
    return f"date_from={query['date_from']}&date_to={query['date_to']}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def list_rows(page: Page) -> list[dict]:
    """pandaid and jobstatus of every row of the job table."""
    return page.eval_on_selector_all(
        "table.joblist tbody tr",
        "rows => rows.map(r => ({pandaid: r.querySelector('td a[href^=\"/job/\"]').textContent,"
        " jobstatus: r.querySelector('span.state').textContent}))",
    )


def selection_total(page: Page) -> int:
    """The job count of the list's selection, from its attribute summary (drawn after load)."""
    total = page.locator('[data-panel="selection-total"]')
    total.filter(has_text="job").wait_for()
    return number(total.inner_text())


def wait_for_chart(page: Page, panel: str) -> None:
    page.locator(f'[data-panel="{panel}"] .main-svg').first.wait_for()


# --- production summary -------------------------------------------------------------


def test_dashboard_renders_its_tables_and_charts(tab):
    page = tab.open("/")
    assert page.title() == "Production summary · pandamon"
    assert page.locator("h1").inner_text().startswith("Production summary")
    wait_for_chart(page, "activity-finished")
    wait_for_chart(page, "activity-failed")
    assert page.locator('[data-panel="activity-finished"] .barlayer .point').count() > 0
    # Count links carry the default window, pinned, to the job list.
    href = page.locator(".kpi a.state-failed").get_attribute("href")
    assert href.startswith("/jobs/?") and query_of(href) == {"hours": "12", "jobstatus": "failed"}
    tab.check()


def test_dashboard_count_opens_exactly_its_jobs(tab, window):
    page = tab.open(f"/?{window}")
    cell = page.locator("table.states tbody tr").first.locator("a.state-failed")
    shown = number(cell.inner_text())
    vo = page.locator("table.states tbody tr").first.locator("td").first.inner_text()
    assert shown > 0
    cell.click()
    page.wait_for_url(re.compile(r"/jobs/\?"))
    tab.settled()
    query = query_of(page.url)
    assert query["jobstatus"] == "failed" and query["vo"] == vo
    assert selection_total(page) == shown
    rows = list_rows(page)
    assert rows and {r["jobstatus"] for r in rows} == {"failed"}
    # The attribute summary of the list agrees: all of its jobs are failed ones.
    states = page.locator(".attr", has=page.locator("h3", has_text=re.compile(r"^jobstatus"))).locator("li")
    assert states.count() == 1
    assert states.locator("a").inner_text() == "failed" and number(states.locator(".n").inner_text()) == shown


# --- job list -----------------------------------------------------------------------


def test_column_header_sorts_the_list(tab, window):
    page = tab.open(f"/jobs/?{window}&display_limit=50")
    header = page.locator("table.joblist thead th", has=page.locator('a[title="sort by pandaid"]'))
    header.locator("a").click()
    page.wait_for_url(re.compile(r"sortby=pandaid-descending"))
    tab.settled()
    descending = [int(r["pandaid"]) for r in list_rows(page)]
    assert len(descending) == 50 and descending == sorted(descending, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"

    header.locator("a").click()  # the second click turns the order round
    page.wait_for_url(re.compile(r"sortby=pandaid-ascending"))
    tab.settled()
    ascending = [int(r["pandaid"]) for r in list_rows(page)]
    assert len(ascending) == 50 and ascending == sorted(ascending)
    assert header.get_attribute("aria-sort") == "ascending"
    assert ascending[0] < descending[-1]  # the two ends of the same selection


# --- chart bars ----------------------------------------------------------------------


def test_chart_bar_opens_the_jobs_of_its_bin(tab, window):
    page = tab.open(f"/?{window}")
    wait_for_chart(page, "activity-finished")
    # The tallest bar segment on screen, and the link and count plotly holds for it.
    target = page.evaluate(
        """panel => {
            const el = document.querySelector(panel);
            let best = null;
            el.querySelectorAll('.barlayer .trace').forEach((trace, t) => {
                trace.querySelectorAll('.point').forEach((point, i) => {
                    const box = point.getBoundingClientRect();
                    if (!best || box.height > best.height) best = {t, i, height: box.height,
                        x: box.x + box.width / 2, y: box.y + box.height / 2};
                });
            });
            return {...best, url: el.data[best.t].customdata[best.i], count: el.data[best.t].y[best.i]};
        }""",
        '[data-panel="activity-finished"]',
    )
    assert target["height"] > 2 and target["count"] > 0
    page.mouse.move(target["x"], target["y"])  # plotly picks the clicked point on hover
    page.wait_for_timeout(100)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(re.compile(r"/jobs/\?"))
    tab.settled()
    assert page.url == tab.base + target["url"]
    query = query_of(page.url)
    assert query["jobstatus"] == "finished" and query["vo"]
    start, end = (dt.datetime.strptime(query[k], FMT) for k in ("date_from", "date_to"))
    assert end - start == dt.timedelta(hours=1) and start.minute == start.second == 0
    assert selection_total(page) == target["count"]
    assert {r["jobstatus"] for r in list_rows(page)} == {"finished"}


# --- error summary -------------------------------------------------------------------


def test_error_summary_chart_and_example_job(tab):
    page = tab.open("/errors/")
    assert page.locator("h1").inner_text() == "Error summary"
    wait_for_chart(page, "top-errors")
    assert page.locator('[data-panel="top-errors"] .barlayer .point').count() > 0
    example = page.locator("table.errlist tbody tr").first.locator('td a[href^="/job/"]')
    pandaid = example.inner_text()
    example.click()
    page.wait_for_url(f"**/job/{pandaid}/")
    tab.settled()
    assert page.locator("h1").inner_text().startswith(f"Job {pandaid}")
    assert page.locator("#errors .diag-list li").count() > 0  # the example has the error it stands for


# --- escaping ------------------------------------------------------------------------


@pytest.fixture
def job_with_markup(django_db_blocker) -> Iterator[int]:
    """A failed job whose diagnostic and log hold markup. Committed (the live server reads
    it from its own connection), so removed again by hand, with its log folder."""
    folder = Path(settings.PANDAMON_LOG_ROOT) / str(ESCAPE_PANDAID)
    folder.mkdir(parents=True)
    (folder / "payload.stdout").write_text(f"starting payload\n{MARKUP}\ndone\n")
    insert_job(ESCAPE_PANDAID, model=Jobsarchived4, jobstatus="failed", piloterrorcode=1305,
               piloterrordiag=f"Payload failed: {MARKUP}")
    try:
        yield ESCAPE_PANDAID
    finally:
        with connections["panda"].cursor() as cursor:
            table = connections["panda"].ops.quote_name(Jobsarchived4._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE pandaid = %s", [ESCAPE_PANDAID])
        shutil.rmtree(folder)


def test_markup_in_diagnostics_and_logs_is_shown_not_run(tab, job_with_markup):
    page = tab.open(f"/job/{job_with_markup}/")
    diag = page.locator("#errors .diag-text")
    assert diag.inner_text() == f"Payload failed: {MARKUP}"
    assert diag.locator("script, b").count() == 0  # text, not elements
    assert "<script>alert(1)</script>" in page.locator("body").inner_text()

    page.locator("ul.loglist a", has_text="payload.stdout").click()
    page.wait_for_url(f"**/job/{job_with_markup}/log/payload.stdout")
    tab.settled()
    log = page.locator("pre.log")
    assert MARKUP in log.inner_text()
    assert log.locator("script, b").count() == 0
    assert page.locator('script:not([src]):not([type="application/json"])').count() == 0  # only our own
    tab.check()  # no dialog fired
