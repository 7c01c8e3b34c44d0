"""OIDC login against a real provider process: who is logged in, groups → VO and the
production role, refusals (no VO group, wrong audience, expired), logout, the
certificate DN from the trusted proxy only, login-required mode, personal views."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from accounts.models import Identity, OIDCTokens, Preference, SavedView
from tests import oidc

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture(scope="module")
def issuer():
    with oidc.provider() as url:
        yield url


@pytest.fixture(autouse=True)
def configured(settings, issuer):
    oidc.oidc_settings(settings, issuer)
    cache.clear()  # the provider's discovery document is cached per issuer
    yield settings


def test_login_shows_who_and_keeps_tokens_server_side(client):
    response = oidc.login(client, "alice", next_url="/jobs/?jobstatus=failed")
    assert response.status_code == 302 and response["Location"] == "/jobs/?jobstatus=failed"
    page = client.get("/accounts/")
    text = page.content.decode()
    assert 'id="whoami"' in text and "Alice Analyst" in text and "VO atlas" in text
    assert "production role" not in text
    identity = Identity.objects.get(sub="alice")
    assert identity.produsername == "Alice Analyst" and identity.vos == ["atlas"] and identity.production_vos == []
    tokens = OIDCTokens.objects.get(user=identity.user)
    assert tokens.id_token.count(".") == 2
    # The session holds the login only: no token, no OIDC state left behind.
    data = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert set(data) <= {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}, data
    assert client.get("/sites/")["Cache-Control"].count("private") == 1  # never kept by a shared cache


def test_production_role_from_groups(client):
    oidc.login(client, "sam")
    identity = Identity.objects.get(sub="sam")
    assert identity.vos == ["atlas"] and identity.production_vos == ["atlas"]
    assert "production role in atlas" in client.get("/accounts/").content.decode()


def test_no_vo_group_is_refused(client):
    response = oidc.login(client, "olga")
    assert response.status_code == 403
    assert "not a member of atlas" in response.content.decode()
    assert not Identity.objects.filter(sub="olga").exists()
    assert "_auth_user_id" not in client.session


def test_anonymous_sees_login_link_and_pages_stay_open(client):
    page = client.get("/sites/")
    assert page.status_code == 200 and 'id="login"' in page.content.decode()


def test_logout(client):
    oidc.login(client, "alice")
    assert client.get("/accounts/logout/").status_code == 405  # a GET never acts
    response = client.post("/accounts/logout/", {"next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not OIDCTokens.objects.filter(user__username="alice").exists()
    assert client.get("/accounts/").status_code == 302  # to the login
    assert 'id="login"' in client.get("/sites/").content.decode()


def test_logout_needs_csrf(issuer):
    browser = Client(enforce_csrf_checks=True)
    oidc.login(browser, "alice")
    assert browser.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in browser.session


def test_callback_with_a_forged_state_is_refused(client):
    response = client.get("/accounts/callback/", {"code": "x", "state": "forged"})
    assert response.status_code == 400 and "login failed" in response.content.decode()


def test_login_not_configured(settings, client):
    settings.PANDAMON_OIDC_ISSUER = ""
    response = client.get("/accounts/login/")
    assert response.status_code == 503 and "PANDAMON_OIDC_ISSUER" in response.content.decode()
    assert 'id="login"' not in client.get("/sites/").content.decode()


# --- ID tokens presented by scripts: checked as the PanDA server checks them ---------

def _bearer(client, token: str):
    return client.post("/api/actions/jobs/kill/", {"pandaids": [1]}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_for_another_audience_is_refused(client, issuer):
    response = _bearer(client, oidc.id_token(issuer, "alice", client_id="some-other-client"))
    assert response.status_code == 401 and "aud" in response.json()["error"]


def test_token_without_vo_group_is_refused(client, issuer):
    response = _bearer(client, oidc.id_token(issuer, "olga"))
    assert response.status_code == 401 and "not a member of atlas" in response.json()["error"]


def test_expired_token_is_refused(settings, client):
    with oidc.provider(token_max_age=1) as short_lived:
        oidc.oidc_settings(settings, short_lived)
        token = oidc.id_token(short_lived, "alice")
        time.sleep(2.1)
        response = _bearer(client, token)
    assert response.status_code == 401 and "expired" in response.json()["error"]


def test_garbage_token_is_refused(client):
    response = _bearer(client, "not-a-jwt")
    assert response.status_code == 401 and "invalid token" in response.json()["error"]


def test_valid_token_passes_authentication(settings, client, issuer):
    settings.PANDA_SERVER_URL = ""
    response = _bearer(client, oidc.id_token(issuer, "alice"))
    # Authenticated; then the missing PanDA server is what stops it.
    assert response.status_code == 503 and "PANDA_SERVER_URL" in response.json()["error"]


# --- Grid certificates through the trusted proxy only --------------------------------

DN = "/DC=ch/DC=cern/OU=Users/CN=cdoe/CN=123456/CN=Carol Doe"


def test_certificate_header_from_the_trusted_proxy(settings, client):
    settings.PANDAMON_TRUSTED_PROXIES = ["10.1.2.3"]
    page = client.get("/accounts/", HTTP_X_SSL_CLIENT_S_DN=DN, REMOTE_ADDR="10.1.2.3")
    assert page.status_code == 200
    identity = Identity.objects.get(dn=DN)
    assert identity.produsername == "Carol Doe"
    assert "Carol Doe" in page.content.decode()
    # The certificate login ends with the first request that carries no trusted DN.
    assert client.get("/accounts/", REMOTE_ADDR="10.1.2.3").status_code == 302


def test_certificate_header_ignored_from_any_other_address(settings, client):
    settings.PANDAMON_TRUSTED_PROXIES = ["10.1.2.3"]
    for address in ("127.0.0.1", "10.1.2.4", "::1"):
        page = client.get("/accounts/", HTTP_X_SSL_CLIENT_S_DN=DN, REMOTE_ADDR=address)
        assert page.status_code == 302, address
    assert not Identity.objects.filter(dn=DN).exists()


def test_oidc_login_wins_over_a_certificate(settings, client):
    settings.PANDAMON_TRUSTED_PROXIES = ["127.0.0.1"]
    oidc.login(client, "alice")
    page = client.get("/accounts/", HTTP_X_SSL_CLIENT_S_DN=DN)
    assert "Alice Analyst" in page.content.decode()
    assert not Identity.objects.filter(dn=DN).exists()


# --- Login required for everything ---------------------------------------------------

def test_login_required_mode(settings, client):
    settings.PANDAMON_LOGIN_REQUIRED = True
    response = client.get("/sites/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/sites/")
    response = client.get("/sites/?json")
    assert response.status_code == 401 and "login required" in response.json()["error"]
    assert client.get("/health/").status_code in (200, 503)
    oidc.login(client, "alice")
    assert client.get("/sites/").status_code == 200


# --- Personal views ------------------------------------------------------------------

def test_my_jobs_and_my_tasks_follow_name_and_preferences(client):
    oidc.login(client, "alice")
    assert client.get("/my/jobs/")["Location"] == "/jobs/?produsername=Alice+Analyst"
    assert client.post("/accounts/preferences/", {"hours": "48", "vo": "atlas"}).status_code == 302
    assert Preference.objects.get(user__username="alice").hours == 48
    assert client.get("/my/jobs/")["Location"] == "/jobs/?produsername=Alice+Analyst&hours=48&vo=atlas"
    assert client.get("/my/tasks/")["Location"] == "/tasks/?username=Alice+Analyst&vo=atlas"
    jobs = client.get(client.get("/my/jobs/")["Location"] + "&json")
    assert jobs.status_code == 200


def test_bad_preferences_are_400(client):
    oidc.login(client, "alice")
    response = client.post("/accounts/preferences/", {"hours": "-3"})
    assert response.status_code == 400 and "hours" in response.content.decode()


def test_saved_views(client):
    oidc.login(client, "alice")
    url = "/jobs/?jobstatus=failed&computingsite=ANALY_X"
    assert client.post("/accounts/views/", {"name": "my failures", "url": url}).status_code == 302
    view = SavedView.objects.get(user__username="alice")
    assert view.url == url
    page = client.get("/accounts/").content.decode()
    assert f'href="{url.replace("&", "&amp;")}"' in page and "my failures" in page
    # The same name twice, another site's URL: 400 naming the field.
    again = client.post("/accounts/views/", {"name": "my failures", "url": "/sites/"})
    assert again.status_code == 400 and "name" in again.content.decode()
    away = client.post("/accounts/views/", {"name": "x", "url": "https://elsewhere.example/jobs/"})
    assert away.status_code == 400 and "url" in away.content.decode()
    # Another user cannot delete it.
    other = Client()
    oidc.login(other, "bob")
    assert other.post(f"/accounts/views/{view.pk}/delete/").status_code == 404
    assert client.post(f"/accounts/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_saving_a_view_from_the_header(client):
    oidc.login(client, "alice")
    page = client.get("/sites/?cloud=CERN").content.decode()
    assert 'name="url" value="/sites/?cloud=CERN"' in page


def test_check_deploy_is_clean_with_login_configured(panda_db):
    """`manage.py check --deploy` of a production configuration with login (README:
    Login and actions): no error, no warning."""
    import secrets
    import subprocess
    import sys

    from tests.serving import ROOT, monitor_env

    env = monitor_env(PANDAMON_SECRET_KEY=secrets.token_urlsafe(50), PANDAMON_DEBUG="0",
                      PANDAMON_ALLOWED_HOSTS="pandamon.example.org", PANDAMON_OIDC_ISSUER="https://op.example.org",
                      PANDAMON_OIDC_CLIENT_ID="pandamon", PANDAMON_OIDC_CLIENT_SECRET="s3cret",
                      PANDA_SERVER_URL="https://panda.example.org", PANDAMON_BEHIND_TLS_PROXY="1",
                      PANDAMON_SSL_REDIRECT="1", PANDAMON_HSTS_SECONDS="31536000",
                      PANDAMON_HSTS_SUBDOMAINS="1", PANDAMON_HSTS_PRELOAD="1")
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_one_user_per_oidc_subject_and_certificate_logins_never_collide():
    """(issuer, sub) is unique on every backend (MariaDB included: no conditional constraint is needed);
    certificate logins have no subject (NULL), so any number of them coexist."""
    from django.contrib.auth.models import User
    from django.db import IntegrityError, transaction

    users = [User.objects.create(username=f"identity-test-{n}") for n in range(4)]
    Identity.objects.create(user=users[0], dn="/DC=ch/DC=cern/CN=Alice")
    Identity.objects.create(user=users[1], dn="/DC=ch/DC=cern/CN=Bob")
    Identity.objects.create(user=users[2], issuer="https://op.example.org", sub="1234")
    with pytest.raises(IntegrityError), transaction.atomic(using="default"):
        Identity.objects.create(user=users[3], issuer="https://op.example.org", sub="1234")
    assert Identity.objects.filter(sub__isnull=True).count() == 2
