"""A real OpenID provider for the suite (oidc-provider-mock, a process on loopback),
its test people, and the login flow driven without a browser: the monitor's redirect
to the provider, the provider's consent form posted, its redirect back followed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests

from tests.serving import free_port, stop, wait_for

CLIENT_ID = "pandamon-test"
CLIENT_SECRET = "pandamon-test-secret"
VO = "atlas"
PEOPLE = {
    # sub: claims. "name" is what PanDA records as produsername.
    "alice": {"name": "Alice Analyst", "preferred_username": "alice", "email": "alice@example.org", "groups": [VO]},
    "bob": {"name": "Bob Builder", "preferred_username": "bob", "groups": [VO]},
    "sam": {"name": "Sam Shifter", "preferred_username": "sam", "groups": [VO, f"{VO}/production"]},
    "olga": {"name": "Olga Other", "preferred_username": "olga", "groups": ["othervo"]},
}


@contextmanager
def provider(token_max_age: int | None = None):
    """An OP process; yields its issuer URL."""
    port = free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "-p", str(port)]
    if token_max_age is not None:
        command += ["--token-max-age", str(token_max_age)]
    for sub, claims in PEOPLE.items():
        command += ["--user-claims", json.dumps({"sub": sub, **claims})]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration", proc=proc)
        yield issuer
    finally:
        stop(proc)


def set_person(issuer: str, sub: str, claims: dict) -> None:
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


def consent(authorize_url: str, sub: str) -> str:
    """Post the provider's form as `sub` would; the URL it sends the browser back to."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def login(client, sub: str, next_url: str = "/accounts/"):
    """Log the Django test client in as `sub`; returns the callback's response."""
    start = client.get("/accounts/login/", {"next": next_url})
    assert start.status_code == 302, start.content[:300]
    back = urlsplit(consent(start["Location"], sub))
    return client.get(back.path, dict(re.findall(r"([^&=]+)=([^&]*)", back.query)))


def id_token(issuer: str, sub: str, client_id: str = CLIENT_ID) -> str:
    """An ID token the provider issues to `client_id` for `sub` (the code flow, by hand)."""
    config = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
    params = {"client_id": client_id, "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code",
              "scope": "openid profile email", "state": "s", "nonce": "n"}
    location = consent(requests.Request("GET", config["authorization_endpoint"], params=params).prepare().url, sub)
    code = re.search(r"code=([^&]+)", location).group(1)
    token = requests.post(config["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": params["redirect_uri"],
        "client_id": client_id, "client_secret": CLIENT_SECRET}).json()
    return token["id_token"]


def oidc_settings(settings, issuer: str) -> None:
    settings.PANDAMON_OIDC_ISSUER = issuer
    settings.PANDAMON_OIDC_CLIENT_ID = CLIENT_ID
    settings.PANDAMON_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.PANDAMON_OIDC_VOS = [VO]
