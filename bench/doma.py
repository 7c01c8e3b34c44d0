"""SQL time and statement count of `/jobs/?json&days=7` and one job page on whatever
PANDA_DB_URL points at: written for PanDA's official PostgreSQL layout (postgres-doma),
and kept free of pandamon's internals so the same file can be run by an older checkout
against the same database (before/after figures of one change, same data, one run).

    PANDA_DB_URL=postgresql://postgres@127.0.0.1:5432/pandamon_doma \\
    PANDAMON_DB_URL=postgresql://postgres@127.0.0.1:5432/pandamon_domamon \\
    PANDA_SCHEMA=doma_panda PANDA_ARCHIVE_SCHEMA=doma_pandaarch \\
    .venv/bin/python manage.py shell -c "exec(open('bench/doma.py').read())"

Each URL is requested once to warm caches, then RUNS times; the median of the summed
statement times on the PanDA connection (the SQL time), the statement count, the
whole request's time and the status are printed. BENCH_PANDAIDS (space-separated)
names the jobs; by default an archived job and a live one are picked by plain SQL.
"""

import os
import statistics
import time

from django.conf import settings
from django.db import connections
from django.test import Client

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
panda = connections["panda"]


def qualified(table: str, archive: bool = False) -> str:
    schema = settings.PANDA_ARCHIVE_SCHEMA if archive else settings.PANDA_SCHEMA
    return f'"{schema}"."{table}"' if schema else f'"{table}"'


def pick_pandaids() -> list[str]:
    if os.environ.get("BENCH_PANDAIDS"):
        return os.environ["BENCH_PANDAIDS"].split()
    ids = []
    with panda.cursor() as cursor:
        for table, archive in (("jobsarchived", True), ("jobsactive4", False)):
            cursor.execute(f"SELECT MIN(pandaid) FROM {qualified(table, archive)}")
            ids.append(str(cursor.fetchone()[0]))
    return ids


class Timer:
    def __init__(self):
        self.seconds, self.statements = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1


def consume(response) -> None:
    if response.streaming:
        for _ in response.streaming_content:
            pass
    else:
        _ = response.content


def bench(client: Client, url: str):
    consume(client.get(url))  # warm-up: introspection and other caches
    sql, total, statements, status = [], [], 0, None
    for _ in range(RUNS):
        timer = Timer()
        with panda.execute_wrapper(timer):
            start = time.perf_counter()
            response = client.get(url)
            consume(response)
            total.append(time.perf_counter() - start)
        sql.append(timer.seconds)
        statements, status = timer.statements, response.status_code
    return statistics.median(sql), statements, statistics.median(total), status


client = Client()
urls = ["/jobs/?json&days=7", *(f"/job/{pandaid}/?json" for pandaid in pick_pandaids())]
print(f"PanDA database {panda.settings_dict['NAME']} ({panda.vendor}), schema {settings.PANDA_SCHEMA!r}, {RUNS} runs")
print(f"{'url':<40} {'SQL ms':>9} {'statements':>10} {'request ms':>11} {'status':>6}")
for url in urls:
    sql_s, n, total_s, status = bench(client, url)
    print(f"{url:<40} {sql_s * 1000:>9.1f} {n:>10} {total_s * 1000:>11.1f} {status:>6}")
