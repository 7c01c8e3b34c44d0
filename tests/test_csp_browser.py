"""The Content-Security-Policy in a real browser: every page, drawn by headless chromium
with the policy the monitor sends (no inline script or style), reports no violation, and
its charts and bars still render (plotly and the panels run under the policy)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.models import JobsStatuslog
from jobs.query.lookup import find_job
from tasks.models import JediDataset, JediTask
from tests.test_browser import Tab, browser  # noqa: F401  (the module's chromium fixture)

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=["default", "panda"], transaction=True)]

# Collected in the page itself: chromium reports each refusal as a securitypolicyviolation event.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sample));
"""


@pytest.fixture
def csp_tab(browser, live_server) -> Iterator[Tab]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_VIOLATIONS)
    tab = Tab(context.new_page(), live_server.url)
    yield tab
    context.close()
    tab.check()


@pytest.fixture
def subjects(panda_db) -> dict:
    """A job with a state history, and a task with datasets (its user owns it)."""
    pandaid = JobsStatuslog.objects.values_list("pandaid", flat=True).order_by("pandaid").first()
    taskid = JediDataset.objects.values_list("jeditaskid", flat=True).order_by("jeditaskid").first()
    task = JediTask.objects.get(jeditaskid=taskid)
    job, _ = find_job(pandaid=pandaid)
    return {"pandaid": pandaid, "jeditaskid": taskid, "user": task.username, "site": job["computingsite"]}


def pages(s: dict) -> dict[str, tuple[str, list[str]]]:
    """Every page: its URL and the charts it must draw."""
    return {
        "dash": ("/", ["activity-finished", "activity-failed"]),
        "jobs": ("/jobs/?days=10", []),
        "job": (f"/job/{s['pandaid']}/", []),
        "errors": ("/errors/?days=10", ["top-errors"]),
        "sites": ("/sites/", []),
        "site": (f"/site/{s['site']}/", []),
        "tasks": ("/tasks/?days=10", []),
        "task": (f"/task/{s['jeditaskid']}/", ["task-progress"]),
        "users": ("/users/?days=10", []),
        "user": (f"/user/{s['user']}/?days=10", ["user-timeline"]),
        "search": (f"/search/?q={s['user'][:4]}", []),
        "api docs": ("/api/", []),
    }


def test_every_page_passes_the_policy_and_draws_its_charts(csp_tab, subjects):
    assert "'unsafe-inline'" not in csp_tab.page.request.get(csp_tab.base + "/").headers["content-security-policy"]
    for name, (path, charts) in pages(subjects).items():
        page = csp_tab.open(path)  # fails on any console error, chromium's CSP refusals included
        for chart in charts:
            page.locator(f'[data-panel="{chart}"] .main-svg').first.wait_for()
        violations = page.evaluate("window.__csp")
        assert violations == [], (name, path, violations)
        if name in ("task", "tasks"):  # bars sized by script, not by a style attribute
            widths = page.eval_on_selector_all(".progress span[data-width]", "els => els.map(e => e.style.width)")
            assert widths and all(w.endswith("%") for w in widths), (name, widths)
        if name == "job":
            grows = page.eval_on_selector_all(".seg[data-grow]", "els => els.map(e => e.style.flexGrow)")
            assert grows and all(g != "" for g in grows)


def test_an_inline_script_would_be_reported(csp_tab):
    """The recorder works: an inline script injected into a page is refused and recorded."""
    page = csp_tab.open("/api/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                     document.body.append(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    csp_tab.problems.clear()  # the refusal's console error is the point here


def test_plotly_stylesheet_is_what_the_bundle_would_insert(browser):  # noqa: F811
    """static/pandamon/plotly.css stands in for the rules plotly.js inserts itself; after a
    plotly upgrade it must be regenerated (scripts/plotly_css.py), or charts lose styles."""
    spec = importlib.util.spec_from_file_location("plotly_css", ROOT / "scripts" / "plotly_css.py")
    plotly_css = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plotly_css)
    assert plotly_css.TARGET.read_text(encoding="utf-8") == plotly_css.stylesheet(plotly_css.injected_rules(browser))
