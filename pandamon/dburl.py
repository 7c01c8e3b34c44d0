"""Database URLs → Django DATABASES entries.

dj-database-url does the parsing; this module adds what pandamon needs on top:
the oracle:// form with a service name, utf8mb4 on MariaDB, and per-run test
database names so concurrent test runs on one server do not collide.
"""

from __future__ import annotations

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SCHEMES = ("sqlite", "mysql", "mariadb", "postgres", "postgresql", "oracle")


def database_from_url(url: str, *, test_name: str, connect_timeout: int = 0, statement_timeout: int = 0,
                      read_only: bool = False) -> dict:
    """`connect_timeout` (s) goes to the driver; `statement_timeout` (s) and `read_only`
    are applied to each new session by pandamon.dbsession."""
    scheme = url.split(":", 1)[0].lower()
    if scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"unsupported database URL scheme {scheme!r} in {url!r}; use one of {', '.join(SCHEMES)}"
        )
    if scheme == "mariadb":
        url = "mysql" + url[len("mariadb"):]
    config = dj_database_url.parse(url, conn_max_age=60)
    engine = config["ENGINE"]
    config["READ_ONLY"] = read_only
    config["STATEMENT_TIMEOUT"] = statement_timeout
    options = config.setdefault("OPTIONS", {})
    if connect_timeout and engine.endswith(("mysql", "postgresql")):
        options["connect_timeout"] = connect_timeout
    if statement_timeout and engine.endswith("mysql"):
        # A server that stops answering mid-query (a frozen proxy) never sends the
        # statement-limit error: the client gives up a little after the limit.
        options["read_timeout"] = statement_timeout + 5
        options["write_timeout"] = statement_timeout + 5
    if connect_timeout and engine.endswith("oracle"):
        options["tcp_connect_timeout"] = connect_timeout
    if engine.endswith("mysql"):
        options["charset"] = "utf8mb4"
        config["TEST"] = {"NAME": test_name, "CHARSET": "utf8mb4", "COLLATION": "utf8mb4_bin"}
    elif engine.endswith("postgresql"):
        config["TEST"] = {"NAME": test_name}
    elif engine.endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        # A file, not :memory:, so live-server tests and subprocesses see the same data.
        config["TEST"] = {"NAME": f"/tmp/{test_name}.sqlite3"}
    elif engine.endswith("oracle"):
        # oracle://user:pass@host:port/service → Django's NAME is the service name.
        config["TEST"] = {"USER": test_name, "TBLSPACE": test_name}
    return config
