"""The PanDA server test double (tests/servers/panda_server.py) as a process of the
suite, pointed at the suite's test PanDA database, with table names from the models."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

from jobs.models import Jobsactive4, Jobsarchived4, Jobsdefined4, JobsStatuslog, Jobswaiting4
from tasks.models import JediTask
from tests.serving import ROOT, database_url, free_port, stop, wait_for

MODELS = {"jobsdefined4": Jobsdefined4, "jobswaiting4": Jobswaiting4, "jobsactive4": Jobsactive4,
          "jobsarchived4": Jobsarchived4, "jobs_statuslog": JobsStatuslog, "jedi_tasks": JediTask}


def tables() -> dict[str, str]:
    quote = connections["panda"].ops.quote_name
    return {name: quote(model._meta.db_table) for name, model in MODELS.items()}


class Double:
    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log

    def requests(self) -> list[dict]:
        """What the monitor sent, one entry per request, oldest first."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def forget(self) -> None:
        self.log.unlink(missing_ok=True)


@contextmanager
def panda_server(issuer: str, client_id: str, vos: list[str], log: Path):
    port = free_port()
    command = [sys.executable, "-m", "tests.servers.panda_server", "--port", str(port), "--issuer", issuer,
               "--client-id", client_id, "--db-url", database_url("panda"), "--tables", json.dumps(tables()),
               "--log", str(log)]
    for vo in vos:
        command += ["--vo", vo]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/api/v1/system/is_alive", proc=proc)
        yield Double(url, log)
    finally:
        stop(proc)
