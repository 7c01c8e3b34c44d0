"""Transient database failures: which ones are the statement limit, and one log line
per outage episode instead of a traceback per request (an outage of 30 s under load
once wrote 11,701 tracebacks)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger("pandamon.database")

# Error codes and states of a statement stopped by the limit pandamon.dbsession sets.
MARIADB_STATEMENT_TIMEOUT = 1969  # ER_STATEMENT_TIMEOUT (max_statement_time)
MYSQL_STATEMENT_TIMEOUT = 3024  # ER_QUERY_TIMEOUT (max_execution_time)
POSTGRES_QUERY_CANCELED = "57014"
ORACLE_CALL_TIMEOUT = ("DPY-4011", "DPY-4024", "ORA-03156")


def is_statement_timeout(exception: BaseException) -> bool:
    cause = exception.__cause__ or exception
    args = getattr(cause, "args", ())
    if args and args[0] in (MARIADB_STATEMENT_TIMEOUT, MYSQL_STATEMENT_TIMEOUT):
        return True
    if getattr(cause, "sqlstate", None) == POSTGRES_QUERY_CANCELED:
        return True
    return any(code in str(cause) for code in ORACLE_CALL_TIMEOUT)


def timeout_message() -> str:
    return (f"the query took longer than the database limit of {settings.PANDA_DB_STATEMENT_TIMEOUT} s "
            "(PANDA_DB_STATEMENT_TIMEOUT); ask for a narrower window (hours=, days=, date_from=/date_to=) "
            "or more filters")


class OutageLog:
    """Per process: the first failure of an episode is logged at once (one line, no
    traceback); further failures are counted and reported at most every `every`
    seconds; the first success after failures closes the episode with its count."""

    def __init__(self, every: float = 60.0):
        self.every = every
        self.lock = threading.Lock()
        self.failures = 0
        self.unreported = 0
        self.started = 0.0
        self.reported = 0.0

    def failed(self, exception: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            first = self.failures == 0
            self.failures += 1
            self.unreported += 1
            if first:
                self.started = now
            elif now - self.reported < self.every:
                return
            self.reported, count, self.unreported = now, self.unreported, 0
        what = f"{exception.__class__.__name__}: {str(exception).strip()[:300]}"
        if first:
            log.error("database unavailable (%s); answering 503 until it recovers", what)
        else:
            log.error("database still unavailable after %.0f s: %d more requests answered 503 (last: %s)",
                      now - self.started, count, what)

    def succeeded(self) -> None:
        if not self.failures:  # the common case: no lock taken
            return
        with self.lock:
            failures, started, self.failures, self.unreported = self.failures, self.started, 0, 0
        if failures:
            log.warning("database available again after %.0f s; %d requests answered 503 meanwhile",
                        time.monotonic() - started, failures)


outages = OutageLog()
