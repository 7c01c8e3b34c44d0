"""One problem, one row: diagnostic messages with their variable parts (times,
numbers, paths, URLs, hosts, ids) replaced by placeholders.

The database groups the failed jobs by (error code, diag text); `group_messages`
merges those grouped rows by normalised text, so the work here grows with the
distinct messages, never with the jobs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Applied in order: wider patterns first, so a URL's host and path are one <url>.
_RULES = (
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I), "<url>"),
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"), "<ip>"),
    # a path: two or more /segments (a lone "/" or "a/b" ratio stays)
    (re.compile(r"(?<![\w<])(?:/[\w.@%+=~,:-]+){2,}/?"), "<path>"),
    # a host: dotted labels ending in a top-level domain
    (re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:ch|org|edu|gov|net|com|uk|de|fr|it|es|nl|tw|ca|jp|ru|"
                r"cz|pl|se|no|dk|au|io|eu|us|il|pt|at|be|cn|kr|in|br|ar|cl|za)\b(?::\d+)?", re.I), "<host>"),
    # a file name with numbered parts (EVNT.12345._000123.pool.root.1)
    (re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:root|pool|log|tgz|tar|gz|json|txt|out|err)(?:\.\d+)?\b", re.I), "<file>"),
    (re.compile(r"\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", re.I), "<hex>"),
    (re.compile(r"(?<![A-Za-z])[-+]?\d+(?:[.,]\d+)*"), "<n>"),
)
_SPACES = re.compile(r"\s+")


def normalise(message: str | None) -> str:
    """The message with its variable parts as placeholders (empty for no message)."""
    if not message:
        return ""
    text = message
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return _SPACES.sub(" ", text).strip()


def group_messages(rows: Iterable[tuple[str, int | None, str | None, int, int | None]]) -> list[dict]:
    """Grouped rows (component, code, diag, jobs, an example pandaid) → one entry per
    (component, code, normalised message): {component, code, error, message, count,
    variants (distinct texts merged), example, example_pandaid}, by count."""
    groups: dict[tuple, dict] = {}
    for component, code, diag, n, pandaid in rows:
        key = (component, code, normalise(diag))
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = {"component": component, "code": code, "error": f"{component}:{code}",
                                   "message": key[2], "count": 0, "variants": 0, "example": diag,
                                   "example_pandaid": pandaid}
        entry["count"] += n
        entry["variants"] += 1
    return sorted(groups.values(), key=lambda e: (-e["count"], e["error"], e["message"]))
