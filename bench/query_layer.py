"""Time the /jobs/ summary queries against the raw GROUP BY SQL they run.

Usage (a database filled by generate_jobs, e.g. 1,000,000 jobs on MariaDB):

    PANDA_DB_URL=mysql://root@127.0.0.1:3306/pandamon_bench \\
    PANDAMON_DB_URL=mysql://root@127.0.0.1:3306/pandamon_benchmon \\
    .venv/bin/python manage.py shell -c "exec(open('bench/query_layer.py').read())"

For each window it prints the wall time of JobQuery's attribute summary, error
summary and job counts (the work of /jobs/), then replays the exact SQL those
calls sent through the `mysql` command-line client, and the ratio.
"""

import subprocess
import time

from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.query import JobQuery
from pandamon.params import parse_params

db = settings.DATABASES["panda"]
REPEAT = 3


def mysql_client_seconds(statements: list[str]) -> float:
    script = ";\n".join(statements) + ";\n"
    command = ["mysql", "-h", db["HOST"] or "127.0.0.1", "-P", str(db["PORT"] or 3306), "-u", db["USER"] or "root",
               db["NAME"], "--batch", "--silent"]
    if db["PASSWORD"]:
        command.insert(1, f"-p{db['PASSWORD']}")
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(command, input=script, text=True, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def summary(query: JobQuery) -> None:
    query.attribute_summary()
    query.error_counts()
    query.counts_by("jobstatus")


for label, query_string in (("12 hours", {"hours": "12"}), ("30 days", {"days": "30"})):
    best, statements = float("inf"), []
    for _ in range(REPEAT):
        query = JobQuery(parse_params(query_string))
        with CaptureQueriesContext(connections["panda"]) as ctx:
            start = time.perf_counter()
            summary(query)
            best = min(best, time.perf_counter() - start)
        statements = [q["sql"] for q in ctx.captured_queries]
    raw = mysql_client_seconds(statements)
    print(f"/jobs/ summary, {label}: query layer {best:.3f} s, raw SQL in mysql client {raw:.3f} s "
          f"({len(statements)} statements), ratio {best / raw:.2f}")
