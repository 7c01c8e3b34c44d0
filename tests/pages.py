"""What the page tests share: an explicit time window, fetching a page's JSON, a refused request,
reading a link's query."""
from __future__ import annotations

import datetime as dt
import json
from html import unescape
from urllib.parse import parse_qs, urlsplit

FMT = "%Y-%m-%dT%H:%M:%S"


def explicit_window(generated_at: dt.datetime, days: float, hours: float = 0) -> tuple[dict[str, str], tuple]:
    """`days` (and `hours`) up to just after the dataset's generation, as explicit bounds:
    (the date_from/date_to query, (start, end)). The extra minute keeps the newest job inside."""
    start = generated_at - dt.timedelta(days=days, hours=hours)
    end = generated_at + dt.timedelta(minutes=1)
    return {"date_from": start.strftime(FMT), "date_to": end.strftime(FMT)}, (start, end)


def _json_answer(response) -> tuple:
    if response.streaming:  # long lists are streamed
        assert response["Content-Type"] == "application/json"
        return response, json.loads(b"".join(response.streaming_content))
    assert response["Content-Type"] == "application/json", response.content[:300]
    return response, response.json()


def get_json(client, path: str, query: dict | None = None) -> tuple:
    """(response, body) of `path` asked for as JSON by the `json` parameter."""
    return _json_answer(client.get(path, {**(query or {}), "json": ""}))


def accept_json(client, url: str) -> tuple:
    """(response, body) of `url`, query string as written, asked for as JSON by the Accept header alone."""
    return _json_answer(client.get(url, HTTP_ACCEPT="application/json"))


def assert_bad_request(client, path: str, query: dict) -> None:
    """`query` is refused with a 400 both ways: JSON naming the error, HTML on the error page."""
    response, body = get_json(client, path, query)
    assert response.status_code == 400 and body["error"]
    html = client.get(path, query)
    assert html.status_code == 400 and b"Bad request" in html.content


def query_of(href: str) -> dict[str, str]:
    """The query of a link as found in HTML (entities unescaped), one value per name."""
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(href)).query).items()}


def named(value: str | None) -> str:
    """A value as pages show it: NULL is "Not specified"."""
    return "Not specified" if value is None else value
