"""The PanDA server's API v1 (reference: panda-server.md), spoken as the user: their
ID token as `Authorization: Bearer`, their VO (and role) as `Origin`, JSON both ways."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings


class ServerUnavailable(Exception):
    """No PanDA server configured, or it did not answer in time; the message says which."""


@dataclass(frozen=True)
class Reply:
    status: int
    success: bool
    message: str
    data: object
    raw: object  # the envelope, or the body's text when it is not one

    @property
    def authenticated(self) -> bool:
        return self.status != 403


def configured() -> bool:
    return bool(settings.PANDA_SERVER_URL)


def call(method: str, body: dict, *, id_token: str, origin: str) -> Reply:
    """POST `body` to api/v1/<method> as the holder of `id_token`."""
    if not configured():
        raise ServerUnavailable("no PanDA server is configured on this monitor (PANDA_SERVER_URL)")
    url = f"{settings.PANDA_SERVER_URL}/api/v1/{method}"
    headers = {"Accept": "application/json",  # without it the server answers a Python repr
               "Authorization": f"Bearer {id_token}", "Origin": origin}
    try:
        response = requests.post(url, json=body, headers=headers, timeout=settings.PANDA_SERVER_TIMEOUT)
    except requests.Timeout:
        raise ServerUnavailable(f"the PanDA server did not answer within {settings.PANDA_SERVER_TIMEOUT} s") from None
    except requests.ConnectionError:
        raise ServerUnavailable("the PanDA server is down (connection refused or unreachable)") from None
    if response.status_code == 403:  # the token was refused: plain text "ERROR : Token authentication failed. ..."
        return Reply(403, False, response.text.strip(), None, response.text)
    try:
        envelope = response.json()
    except ValueError:
        envelope = None
    if response.status_code != 200 or not isinstance(envelope, dict) or "success" not in envelope:
        raise ServerUnavailable(f"the PanDA server answered HTTP {response.status_code} without its JSON reply: "
                                f"{response.text[:200]}")
    return Reply(200, bool(envelope["success"]), str(envelope.get("message") or ""), envelope.get("data"), envelope)
