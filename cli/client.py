"""HTTP to the monitor: JSON answers, and its {"error": ...} messages turned into exceptions."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

TIMEOUT_SECONDS = 120  # a summary over a long window may take a while; a dead server should not hang forever
USER_AGENT = "pandamon-cli"


class ApiError(Exception):
    """The monitor answered 4xx/5xx; `message` is its {"error": ...} text."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class Unreachable(Exception):
    """No answer at all: refused, unknown host, timeout."""


class Client:
    def __init__(self, base_url: str, *, timeout: float = TIMEOUT_SECONDS, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token  # a personal API token, for the action endpoints

    def url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, safe=",|*!")
        return url

    def get_json(self, path: str, query: Mapping[str, str] | None = None):
        """GET a page's JSON (`json` added to the query, as the contract allows)."""
        return json.loads(self._fetch(self.url(path, {"json": "", **(query or {})})))

    def post_json(self, path: str, body) -> object:
        request = urllib.request.Request(
            self.url(path), data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Token {self.token}"} if self.token else {})},
        )
        return json.loads(self._fetch(request))

    def get_text(self, path: str, query: Mapping[str, str] | None = None) -> bytes:
        return self._fetch(self.url(path, query), accept="text/plain, */*")

    def _fetch(self, request: str | urllib.request.Request, *, accept: str = "application/json") -> bytes:
        if isinstance(request, str):
            request = urllib.request.Request(request)
        request.add_header("Accept", accept)
        request.add_header("User-Agent", USER_AGENT)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise ApiError(exc.code, _error_message(exc)) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"cannot reach the monitor at {self.base_url}: {reason}") from None


def _error_message(exc: urllib.error.HTTPError) -> str:
    body = exc.read()
    try:
        return str(json.loads(body)["error"])
    except (ValueError, KeyError, TypeError):
        return exc.reason or "no message"
