"""The site frame and plumbing every page shares: robots.txt, health, the 404
page in the frame, assets served from the project (no CDN), JSON negotiation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def test_robots_txt_keeps_crawlers_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /" in response.content.decode()


def test_health_reports_both_databases(client):
    body = client.get("/health/").json()
    assert body["status"] in ("ok", "slow")  # "slow": a busy test machine, not a failure of this check
    assert body["databases"] == {"default": "ok", "panda": "ok"}
    assert set(body["elapsed_ms"]) == {"default", "panda"}


def test_unknown_page_is_a_404_in_the_frame(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="frame"' in html and "Not found" in html and "/dash/" in html


def test_unknown_page_is_a_json_404_when_asked(client):
    response = client.get("/no/such/page/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": "page not found"}


def test_bad_parameter_is_a_400_in_html_and_json(client):
    html = client.get("/jobs/", {"jobstatuss": "running"})
    assert html.status_code == 400 and "unknown parameter &#x27;jobstatuss&#x27;" in html.content.decode()
    body = client.get("/jobs/", {"jobstatuss": "running", "json": ""})
    assert body.status_code == 400 and "jobstatuss" in body.json()["error"]


def test_accept_header_selects_json(client):
    response = client.get("/dash/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert "window" in response.json()
    assert client.get("/dash/", HTTP_ACCEPT="text/html,application/json;q=0.9")["Content-Type"].startswith("text/html")


def test_plotly_and_styles_are_served_by_the_project(client):
    for asset in ("plotly/plotly.min.js", "pandamon/pandamon.css", "pandamon/pandamon.js"):
        response = client.get(settings.STATIC_URL + asset)
        assert response.status_code == 200, asset
    assert b"plotly" in b"".join(client.get(settings.STATIC_URL + "plotly/plotly.min.js").streaming_content)[:2000]


def test_no_page_loads_anything_from_another_host():
    """The machines have no internet: no template or script may reference a CDN."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("static/pandamon/*.js"),
                 *root.glob("static/pandamon/*.css")]:
        if path.name == "plotly.min.js":
            continue
        text = path.read_text()
        remote_asset = re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
        remote_import = re.search(r"@import\s+url\(\s*['\"]?https?:", text)
        if remote_asset or remote_import:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_every_page_shows_its_window(client):
    html = client.get("/jobs/", {"hours": "3"}).content.decode()
    assert "Window:" in html and "UTC" in html


@pytest.mark.parametrize("url", ["/user/a%00b/", "/jobs/?computingsite=a%00b", "/site/x%00/?json"])
def test_nul_in_a_request_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400


def test_pages_answer_only_get(client):
    response = client.post("/jobs/?json", {})
    assert response.status_code == 405
    assert response.json() == {"error": "only GET is supported here"}
