"""The project's URL routes as OpenAPI paths: walking Django's resolver, which answer JSON."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    path: str  # the OpenAPI form: /job/{pandaid}/
    view: Callable
    converters: dict[str, str]  # path parameter → Django converter name

    @property
    def is_page(self) -> bool:
        return hasattr(self.view, "page_template")

    @property
    def answers_json(self) -> bool:
        return self.is_page or getattr(self.view, "json_only", False)


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def routes() -> list[Route]:
    """Every URL route of the project, in resolver order."""

    def walk(patterns, prefix: str, converters: dict[str, str]) -> Iterator[Route]:
        for pattern in patterns:
            text, found = _openapi_path(str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + text, {**converters, **found})
            elif isinstance(pattern, URLPattern):
                yield Route("/" + prefix + text, pattern.callback, {**converters, **found})

    return list(walk(get_resolver().url_patterns, "", {}))


def _openapi_path(pattern: str) -> tuple[str, dict[str, str]]:
    converters = {m["name"]: m["converter"] or "str" for m in _ROUTE_PARAM.finditer(pattern)}
    converters.update({m["name"]: "regex" for m in _REGEX_PARAM.finditer(pattern)})
    text = _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", pattern)
    text = _REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", text)
    return text.removeprefix("^").removesuffix("$").replace("\\", ""), converters


def json_routes() -> dict[str, Route]:
    return {r.path: r for r in routes() if r.answers_json}
