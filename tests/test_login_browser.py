"""The login in a real browser: headless chromium (Playwright) against a live monitor
and the test OpenID provider process: log in from a page's header, land back on it,
see who is logged in and My jobs, log out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from tests import oidc
from tests.test_browser import Tab, browser  # noqa: F401  (the module-scoped chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(databases=["default", "panda"], transaction=True)]


@pytest.fixture(scope="module")
def issuer():
    with oidc.provider() as url:
        yield url


def test_login_my_jobs_logout(browser, live_server, settings, issuer):  # noqa: F811
    oidc.oidc_settings(settings, issuer)
    cache.clear()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # The provider's own page links a stylesheet from a CDN; this machine has no network.
    context.route(re.compile(r"^https://cdn\.jsdelivr\.net/"),
                  lambda route: route.fulfill(status=200, body="", content_type="text/css"))
    tab = Tab(context.new_page(), live_server.url)
    try:
        page = tab.open("/sites/")
        page.click("#login")
        page.wait_for_url(f"{issuer}/oauth2/authorize*")
        page.click('button[name="sub"][value="alice"]')  # the provider's consent, as alice
        page.wait_for_url(f"{live_server.url}/sites/")
        tab.settled()
        assert page.inner_text("#whoami") == "Alice Analyst"
        page.click("#who >> text=My jobs")
        page.wait_for_url(f"{live_server.url}/jobs/*")
        tab.settled()
        assert parse_qs(urlsplit(page.url).query)["produsername"] == ["Alice Analyst"]
        page.click("#whoami")
        page.wait_for_url(f"{live_server.url}/accounts/")
        assert "VO atlas" in page.inner_text("#identity")
        tab.open("/sites/")
        page.click("#logout")  # back to the page logged out from
        page.wait_for_url(f"{live_server.url}/sites/")
        tab.settled()
        assert page.locator("#login").count() == 1 and page.locator("#whoami").count() == 0
        tab.check()
    finally:
        context.close()
