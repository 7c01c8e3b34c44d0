"""A PanDA server test double: a real HTTP server process speaking the API v1 of
/work/shared/reference/panda-server.md (its envelope, the Accept rule, the 403 texts),
checking bearer ID tokens against the OpenID provider's JWKS as the server does, enforcing
the server's authorisation rules, and applying a kill's documented effect to the PanDA
database it is pointed at (defined/waiting/activated jobs → jobsarchived4 cancelled with
taskbuffererrorcode 100; a running job → commandtopilot 'tobekilled').

    python -m tests.servers.panda_server --port P --issuer URL --client-id ID --vo atlas \
        --db-url URL --tables JSON --log FILE

Independent of the monitor's code on purpose: plain DB-API, table names handed in
(already quoted, schema-qualified where the layout is), every request logged as one JSON
line so a test can see what the monitor sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import requests
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

SHIFTER_CODES = {2, 4, 7, 8, 9, 10, 50, 51, 52, 91, 99}
ANALYSIS = {"user", "panda"}
QUEUED = {"defined", "waiting", "assigned", "activated", "pending", "throttled"}
RUNNING = {"sent", "starting", "running", "holding", "transferring"}
LIVE = ("jobsdefined4", "jobswaiting4", "jobsactive4")
TASK_FINAL = {"done", "finished", "failed", "broken", "aborted"}
TASK_RETRYABLE = {"finished", "failed", "exhausted", "aborted", "broken"}


class AuthFailure(Exception):
    pass


class Database:
    """One DB-API connection per request; `%s` placeholders everywhere."""

    def __init__(self, url: str, tables: dict[str, str]):
        self.url, self.tables = url, tables
        self.scheme = url.split(":", 1)[0]
        self.lock = threading.Lock()  # one writer at a time (SQLite would lock otherwise)

    def connect(self):
        parts = urlsplit(self.url)
        if self.scheme == "sqlite":
            import sqlite3

            return sqlite3.connect(unquote(self.url[len("sqlite:///"):]), timeout=30)
        if self.scheme == "mysql":
            import MySQLdb

            return MySQLdb.connect(host=parts.hostname, port=parts.port or 3306, user=unquote(parts.username or ""),
                                   passwd=unquote(parts.password or ""), db=parts.path.lstrip("/"), charset="utf8mb4")
        import psycopg

        return psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=unquote(parts.username or ""),
                               password=unquote(parts.password or "") or None, dbname=parts.path.lstrip("/"))

    def sql(self, text: str) -> str:
        return text.replace("%s", "?") if self.scheme == "sqlite" else text

    def columns(self, cursor, table: str) -> list[str]:
        cursor.execute(f"SELECT * FROM {self.tables[table]} WHERE 1 = 0")
        return [d[0].lower() for d in cursor.description]


def now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class PandaDouble:
    def __init__(self, args):
        self.issuer, self.client_id, self.vos = args.issuer.rstrip("/"), args.client_id, set(args.vo)
        self.db = Database(args.db_url, json.loads(args.tables))
        self.log_path = args.log
        self._keys: KeySet | None = None

    # --- authentication, as the server's OIDC check -------------------------------------
    def keys(self, force: bool = False) -> KeySet:
        if self._keys is None or force:
            config = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()
            self._keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=5).json())
        return self._keys

    def identify(self, headers) -> dict | None:
        """None without a token; the identity, or AuthFailure with the server's reason."""
        auth = headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        origin = headers.get("Origin", "")
        vo, _, role = origin.partition(":")
        if vo not in self.vos:
            raise AuthFailure(f"Unknown vo : {vo}")
        try:
            try:
                token = jwt.decode(auth[7:].strip(), self.keys(), algorithms=["RS256"])
            except JoseError as error:
                if "kid" not in str(error).lower():
                    raise
                token = jwt.decode(auth[7:].strip(), self.keys(force=True), algorithms=["RS256"])
            jwt.JWTClaimsRegistry(aud={"essential": True, "value": self.client_id},
                                  exp={"essential": True}).validate(token.claims)
        except ExpiredTokenError:
            raise AuthFailure("Signature has expired") from None
        except JoseError as error:
            raise AuthFailure(f"Invalid token: {error.error}") from None
        except ValueError:
            raise AuthFailure("Invalid header padding") from None
        claims = token.claims
        group = f"{vo}/{role}" if role else vo
        if group not in (claims.get("groups") or []):
            raise AuthFailure(f"Not a member of the {group} group")
        return {"name": claims.get("name") or claims.get("preferred_username") or claims["sub"],
                "dn": f"{claims.get('name', '')}/CN=nickname:{claims.get('preferred_username', claims['sub'])}",
                "vo": vo, "production": role == "production"}

    # --- methods --------------------------------------------------------------------------
    def job_kill(self, who: dict, body: dict):
        ids, code = body.get("job_ids"), body.get("code")
        if not isinstance(ids, list):
            return False, "Type error: 'job_ids' must be of type list", None
        return True, "", [self._kill_one(who, int(i), code) for i in ids]

    def _kill_one(self, who: dict, pandaid: int, code) -> bool:
        with self.db.lock, closing(self.db.connect()) as conn:
            cur = conn.cursor()
            for table in LIVE:
                cur.execute(self.db.sql(f"SELECT jobstatus, produsername, prodsourcelabel FROM {self.db.tables[table]} "
                                        f"WHERE pandaid = %s"), [pandaid])
                row = cur.fetchone()
                if row:
                    break
            else:
                return False  # unknown or already ended
            status, owner, label = row
            if owner != who["name"]:
                if not who["production"]:
                    return False
                if label in ANALYSIS and code not in SHIFTER_CODES:
                    return False  # a plain kill of an analysis job by a shifter: silently refused
            if status in RUNNING:
                cur.execute(self.db.sql(f"UPDATE {self.db.tables[table]} SET commandtopilot = 'tobekilled' "
                                        f"WHERE pandaid = %s"), [pandaid])
            elif status in QUEUED:
                self._archive_cancelled(cur, table, pandaid, who)
            else:
                return False
            conn.commit()
        return True

    def _archive_cancelled(self, cur, table: str, pandaid: int, who: dict) -> None:
        archive = self.db.tables["jobsarchived4"]
        common = [c for c in self.db.columns(cur, "jobsarchived4") if c in set(self.db.columns(cur, table))]
        names = ", ".join(common)
        cur.execute(self.db.sql(f"INSERT INTO {archive} ({names}) SELECT {names} FROM {self.db.tables[table]} "
                                f"WHERE pandaid = %s"), [pandaid])
        stamp = now_text()
        cur.execute(self.db.sql(
            f"UPDATE {archive} SET jobstatus = 'cancelled', taskbuffererrorcode = 100, taskbuffererrordiag = %s, "
            f"modificationtime = %s, statechangetime = %s, endtime = %s WHERE pandaid = %s"),
            [f"killed by {who['dn']}", stamp, stamp, stamp, pandaid])
        cur.execute(self.db.sql(f"DELETE FROM {self.db.tables[table]} WHERE pandaid = %s"), [pandaid])
        log_columns = set(self.db.columns(cur, "jobs_statuslog"))
        row = {"pandaid": pandaid, "modificationtime": stamp, "jobstatus": "cancelled",
               "modificationhost": "panda-server-double", "modiftime_extended": stamp}
        row = {k: v for k, v in row.items() if k in log_columns}
        cur.execute(self.db.sql(f"INSERT INTO {self.db.tables['jobs_statuslog']} ({', '.join(row)}) "
                                f"VALUES ({', '.join(['%s'] * len(row))})"), list(row.values()))

    def job_reassign(self, who: dict, body: dict):
        if not isinstance(body.get("job_ids"), list):
            return False, "Type error: 'job_ids' must be of type list", None
        return True, "", None  # no ownership check on the server: the monitor must make it

    def task_command(self, command: str, who: dict, body: dict):
        task_id = body.get("task_id")
        if not isinstance(task_id, int):
            return False, "Type error: 'task_id' must be of type int", None
        with closing(self.db.connect()) as conn:
            cur = conn.cursor()
            cur.execute(self.db.sql(f"SELECT username, status FROM {self.db.tables['jedi_tasks']} "
                                    f"WHERE jeditaskid = %s"), [task_id])
            row = cur.fetchone()
        if row is None:
            return False, f"jediTaskID={task_id} not found", 2
        owner, status = row
        if command != "reassign" and owner != who["name"] and not who["production"]:
            return False, "not the task owner or no production role", 3
        if (command in ("kill", "finish") and status in TASK_FINAL) or \
                (command == "retry" and status not in TASK_RETRYABLE):
            return False, f"command={command} is not allowed for task status {status}", 4
        return True, f"command={command} is registered for task ID {task_id}. will be executed in a few minutes", 0

    def route(self, method: str):
        return {
            "job/kill": self.job_kill, "job/reassign": self.job_reassign,
            "task/kill": lambda w, b: self.task_command("kill", w, b),
            "task/finish": lambda w, b: self.task_command("finish", w, b),
            "task/retry": lambda w, b: self.task_command("retry", w, b),
            "task/reassign": lambda w, b: self.task_command("reassign", w, b),
        }.get(method)

    def log(self, entry: dict) -> None:
        if self.log_path:
            with self.db.lock, open(self.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")


def handler_for(double: PandaDouble):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, envelope: dict, status: int = 200) -> None:
            if "application/json" in self.headers.get("Accept", ""):
                body, ctype = json.dumps(envelope).encode(), "application/json"
            else:  # the server's answer without Accept: a Python repr, not JSON
                body, ctype = str(envelope).encode(), "text/plain"
            self.send(status, body, ctype)

        def send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def method(self) -> str | None:
            path = urlsplit(self.path).path
            return path[len("/api/v1/"):] if path.startswith("/api/v1/") else None

        def do_GET(self):
            method = self.method()
            if method == "system/is_alive":
                return self.reply({"success": True, "message": "", "data": None})
            if method and double.route(method):
                return self.reply({"success": False, "message": "expecting POST, received GET", "data": None})
            self.send(404, b"not found", "text/plain")

        def do_POST(self):
            method = self.method()
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = double.route(method or "")
            if action is None:
                return self.send(404, b"not found", "text/plain")
            double.log({"method": method, "origin": self.headers.get("Origin"),
                        "accept": self.headers.get("Accept"), "body": raw.decode(errors="replace")})
            try:
                who = double.identify(self.headers)
            except AuthFailure as failure:
                return self.send(403, f"ERROR : Token authentication failed. {failure}".encode(), "text/plain")
            if who is None:
                return self.reply({"success": False, "message": "SSL secure connection is required", "data": None})
            try:
                body = json.loads(raw) if "json" in self.headers.get("Content-Type", "") else {}
            except ValueError:
                body = {}
            if not isinstance(body, dict):
                body = {}
            success, message, data = action(who, body)
            self.reply({"success": success, "message": message, "data": data})

    return Handler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--vo", action="append", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--tables", required=True, help="JSON: PanDA table name → its quoted SQL name")
    parser.add_argument("--log", default="")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(PandaDouble(args)))
    print(f"panda server double on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
