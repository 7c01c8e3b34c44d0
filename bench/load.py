"""Load test through the proxy: C clients x R requests over every page family, HTML and JSON.

    PANDA_DB_URL=mysql://root@127.0.0.1:3306/pandamon_load \\
      PANDAMON_DB_URL=mysql://root@127.0.0.1:3306/pandamon_loadmon \\
      PANDAMON_CACHE_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/load.py --start --workers 4

--start runs deploy/gunicorn.conf.py (GUNICORN_WORKERS=--workers) behind deploy/nginx.conf on free loopback
ports, as the serving tests do; without it, --url names a running proxy. The pass is run twice: "cold"
(the summary cache flushed first when PANDAMON_CACHE_URL is a Redis) and "warm" right after. Prints, per
page, requests, 429s (admission control), other errors (any other status, or no answer), and
p50/p95/p99 in ms of the 200s, and the requests/s of the pass.
Run by hand; never a timed test.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy.render_nginx import render  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers at {url}")


@contextmanager
def process(args: list[str], env: dict):
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_stack(stack: ExitStack, workers: int) -> str:
    app = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "GUNICORN_BIND": app, "GUNICORN_WORKERS": str(workers), "GUNICORN_LOGLEVEL": "warning",
           "PANDAMON_REQUEST_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    stack.enter_context(process([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                 "pandamon.wsgi"], env))
    wait_for(f"http://{app}/robots.txt")
    state = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pandamon-load-")))
    listen = f"127.0.0.1:{free_port()}"
    conf = state / "nginx.conf"
    conf.write_text(render(listen, [app], state))
    directives = "daemon off; master_process on;" + (" user root;" if os.geteuid() == 0 else "")
    stack.enter_context(process(["nginx", "-c", str(conf), "-e", str(state / "error.log"), "-g", directives],
                                os.environ.copy()))
    wait_for(f"http://{listen}/robots.txt")
    return f"http://{listen}"


def pages(base: str) -> list[str]:
    """Every page family, with real names and ids read from the monitor itself."""
    job = requests.get(base + "/jobs/?json&hours=12&limit=1&fields=pandaid,computingsite,produsername,jeditaskid",
                       timeout=120).json()["jobs"][0]
    objects = [f"/job/{job['pandaid']}/", f"/site/{job['computingsite']}/", f"/user/{job['produsername']}/",
               f"/task/{job['jeditaskid']}/"]
    lists = ["/", "/jobs/", "/errors/", "/sites/", "/users/", "/tasks/", "/dash/region/", "/dash/world/",
             "/harvester/workers/", "/globalshares/", "/wns/" + job["computingsite"] + "/"]
    urls = []
    for path in lists + objects:
        urls += [path, path + ("&json" if "?" in path else "?json")]
    return urls


def run_pass(base: str, urls: list[str], clients: int, per_client: int) -> tuple[dict, float]:
    results: dict[str, list[tuple[float, int]]] = {u: [] for u in urls}  # (seconds, status; 0: no answer)
    lock, barrier = threading.Lock(), threading.Barrier(clients)

    def client(n: int) -> None:
        with requests.Session() as s:
            barrier.wait()
            for i in range(per_client):
                url = urls[(n + i) % len(urls)]
                started = time.perf_counter()
                try:
                    status = s.get(base + url, timeout=120).status_code
                except requests.RequestException:
                    status = 0
                with lock:
                    results[url].append((time.perf_counter() - started, status))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def report(name: str, results: dict, elapsed: float) -> None:
    total = sum(len(v) for v in results.values())
    statuses = Counter(status for v in results.values() for _, status in v)
    print(f"\n{name}: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} requests/s; statuses "
          f"{dict(sorted(statuses.items()))} (429: refused by admission control, 0: no answer)")
    print(f"{'page':<48} {'n':>4} {'429':>4} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for url, rows in results.items():
        if not rows:
            continue
        times = sorted(t * 1000 for t, status in rows if status == 200) or [0.0]
        q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
        refused = sum(status == 429 for _, status in rows)
        failed = sum(status not in (200, 429) for _, status in rows)
        print(f"{url[:48]:<48} {len(rows):>4} {refused:>4} {failed:>4} "
              f"{q[49]:>8.0f} {q[94]:>8.0f} {q[98]:>8.0f}")


def flush_summary_cache() -> None:
    url = os.environ.get("PANDAMON_CACHE_URL", "")
    if url.startswith("redis://"):
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match="pandamon*summary*"):
            client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running proxy (default: --start)")
    parser.add_argument("--start", action="store_true", help="start gunicorn behind nginx from deploy/")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    args = parser.parse_args()
    with ExitStack() as stack:
        base = start_stack(stack, args.workers) if args.start else args.url
        if not base:
            parser.error("give --url or --start")
        urls = pages(base)
        flush_summary_cache()
        report("cold", *run_pass(base, urls, args.clients, args.requests))
        report("warm", *run_pass(base, urls, args.clients, args.requests))


if __name__ == "__main__":
    main()
