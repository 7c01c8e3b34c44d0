"""Production settings from the environment: `check --deploy` is clean with them, the
monitor refuses the demo secret key outside the demo, HTTPS headers and cookies follow
PANDAMON_HTTPS, every answer carries the Content-Security-Policy, and a method a URL
does not take is a 405 (in JSON for JSON endpoints), not Django's CSRF page."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from pandamon.security import DEMO_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(databases=["default", "panda"])


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def own_databases(tmp_path_factory) -> dict:
    """SQLite files of its own with PanDA's tables (the schema check is part of `check`)."""
    tmp = tmp_path_factory.mktemp("security")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANDA", "DJANGO"))}
    env.update({"PANDA_DB_URL": f"sqlite:///{tmp / 'panda.sqlite3'}", "PANDAMON_DB_URL": f"sqlite:///{tmp / 'mon.db'}",
                "PANDAMON_DATA_DIR": str(tmp), "PYTHONPATH": str(ROOT)})
    created = manage("create_panda_schema", env={**env, "PANDAMON_DEMO": "1"})
    assert created.returncode == 0, created.stderr
    return env


def production(env: dict, **more: str) -> dict:
    return {**env, "PANDAMON_SECRET_KEY": secrets.token_urlsafe(50), "PANDAMON_HTTPS": "1",
            "PANDAMON_ALLOWED_HOSTS": "pandamon.example.org", **more}


def test_check_deploy_is_clean_with_production_settings(own_databases):
    checked = manage("check", "--deploy", "--fail-level", "WARNING", env=production(own_databases))
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout and "WARNINGS" not in checked.stderr


def test_check_deploy_names_what_plain_http_leaves_open(own_databases):
    """Without the switch the same check warns (the test above can fail)."""
    checked = manage("check", "--deploy", env=production(own_databases, PANDAMON_HTTPS="0"))
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in checked.stderr


def test_demo_key_is_refused_outside_the_demo(own_databases):
    env = {**own_databases, "PANDAMON_DEBUG": "0", "PANDAMON_SECRET_KEY": DEMO_SECRET_KEY, "PANDAMON_DEMO": "0"}
    refused = manage("check", env=env)
    assert refused.returncode != 0 and "pandamon.E010" in refused.stderr and "PANDAMON_DEMO=1" in refused.stderr
    # The WSGI application (what gunicorn loads) does not load either.
    loaded = subprocess.run([sys.executable, "-c", "import pandamon.wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert loaded.returncode != 0 and "public demo key" in loaded.stderr
    assert manage("check", env={**env, "PANDAMON_DEMO": "1"}).returncode == 0
    assert manage("check", env={**env, "PANDAMON_SECRET_KEY": secrets.token_urlsafe(50)}).returncode == 0


def test_https_switch_sets_hsts_redirect_and_secure_cookies(own_databases):
    script = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
              "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
              "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER]))")

    def read(**env: str) -> list:
        shell = manage("shell", "-c", script, env=production(own_databases, **env))
        assert shell.returncode == 0, shell.stderr
        return json.loads(shell.stdout.strip().splitlines()[-1])

    assert read() == [True, 31536000, True, True, True, True, ["HTTP_X_FORWARDED_PROTO", "https"]]
    assert read(PANDAMON_HTTPS="0") == [False, 0, False, False, False, False, None]
    assert read(PANDAMON_HSTS_SECONDS="600", PANDAMON_HSTS_PRELOAD="0", PANDAMON_PROXY_SSL_HEADER="X-Scheme") == [
        True, 600, True, False, True, True, ["HTTP_X_SCHEME", "https"]]


def test_https_redirect_and_hsts_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/api/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/api/"
    over_tls = client.get("/api/", headers={"X-Forwarded-Proto": "https"})
    assert over_tls.status_code == 200 and over_tls["Strict-Transport-Security"].startswith("max-age=3600")
    assert client.get("/health/").status_code != 301  # the proxy's probe on loopback


def test_every_answer_carries_the_content_security_policy(client):
    for path in ("/api/", "/api/openapi.json", "/health/", "/no-such-page/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/jobs/?json", "/jobs?json", "/?json", "/errors/?json", "/sites/?json",
                                  "/api/support/maxpandaid/", "/api/openapi.json", "/health/"])
def test_other_methods_are_405_in_json(client, method, path):
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405, (method, path, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": "only GET is supported here"}


def test_html_pages_answer_405_in_html(client):
    response = client.post("/jobs/")
    assert response.status_code == 405 and response["Content-Type"].startswith("text/html")
    assert b"CSRF" not in response.content


def test_bulk_status_post_api_stays(client):
    response = client.post("/api/jobs/status/", data=json.dumps({"pandaids": [1]}), content_type="application/json")
    assert response.status_code == 200, response.content
    refused = client.put("/api/jobs/status/", data="{}", content_type="application/json")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD, POST"
    assert client.post("/api/jobs/status", data=json.dumps({"pandaids": [1]}),
                       content_type="application/json").status_code == 200  # without its slash too
