"""Streamed answers that fail after their first byte: the status (200) is already
sent, so the body itself must say it is cut (README, For scripts).

JSON ends as valid JSON with `"truncated": true` and an `"error"` (pandamon.pages);
CSV ends with the marker line CSV_MARKER followed by the error."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.db import DatabaseError

from pandamon.dberrors import is_statement_timeout, timeout_message

log = logging.getLogger("pandamon.streams")

# The last line of a CSV answer that was cut: no job column starts with "#".
CSV_MARKER = "# pandamon: truncated:"


def failed(exc: BaseException) -> str:
    """Log the failure (one line) and return what the client is told."""
    log.error("stream cut after its first byte: %s: %s", exc.__class__.__name__, str(exc).strip()[:300])
    if isinstance(exc, DatabaseError) and is_statement_timeout(exc):
        return f"answer cut: {timeout_message()}"
    if isinstance(exc, DatabaseError):
        return "answer cut: the database failed while the answer was sent; ask again shortly"
    return "answer cut: internal error while the answer was sent; it has been logged"


def honest_lines(lines: Iterable[str]) -> Iterator[str]:
    """CSV lines; a failure ends them with the marker line."""
    try:
        yield from lines
    except Exception as exc:  # noqa: BLE001  (any failure: the client must see the cut)
        yield f"{CSV_MARKER} {failed(exc)}\r\n"
