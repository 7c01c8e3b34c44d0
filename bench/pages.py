"""Server time of the summary pages, HTML and JSON, on whatever PANDA_DB_URL points at.

    PANDA_DB_URL=mysql://root@127.0.0.1:3306/pandamon_bench \
    PANDAMON_DB_URL=mysql://root@127.0.0.1:3306/pandamon_benchmon \
    .venv/bin/python manage.py shell -c "exec(open('bench/pages.py').read())"

Each URL is requested once to warm caches, then RUNS times through Django's test
client (no network, no browser: the time is the view, its queries and the
rendering); the median and the PanDA-database query count are printed.
Set BENCH_URLS (space-separated) to time other URLs.
"""

import os
import statistics
import time

from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
URLS = os.environ.get("BENCH_URLS", "").split() or [
    "/", "/?json", "/?json&outputs=plot", "/dash/?vo=atlas", "/dash/?vo=atlas&json",
    "/dash/?days=3", "/dash/?days=3&json",
    "/jobs/", "/jobs/?json", "/jobs/?json&outputs=selectionsummary,errsByCount",
    "/jobs/?days=3", "/jobs/?days=3&json", "/jobs/?days=7&vo=atlas&jobstatus=failed&sortby=duration",
    "/errors/", "/errors/?json", "/errors/?days=3", "/errors/?days=3&json",
]


def consume(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def bench(client: Client, url: str) -> tuple[float, int, int, int]:
    consume(client.get(url))  # warm-up
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connections["panda"]) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            size = consume(response)
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(ctx.captured_queries), response.status_code, size


client = Client()
print(f"PanDA database: {connections['panda'].settings_dict['NAME']} ({connections['panda'].vendor}), {RUNS} runs")
print(f"{'url':<62} {'median ms':>10} {'queries':>8} {'status':>6} {'bytes':>9}")
for url in URLS:
    seconds, queries, status, size = bench(client, url)
    print(f"{url:<62} {seconds * 1000:>10.0f} {queries:>8} {status:>6} {size:>9}")
