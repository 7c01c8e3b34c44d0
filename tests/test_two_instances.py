"""Two monitor instances behind the proxy with the shared Redis cache: one is killed (SIGKILL, master and
workers) while clients loop over pages, and no request fails but those in flight when it died."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
import requests

from tests import serving

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
PAGES = ("/dash/?json&hours=3", "/errors/?json&hours=3", "/jobs/?json&hours=2&limit=20", "/robots.txt",
         "/sites/?json")
CLIENTS = 6


def kill_instance(proc: subprocess.Popen) -> None:
    subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)  # its workers
    proc.kill()
    proc.wait()


def test_killing_one_instance_fails_only_its_requests_in_flight(django_db_setup, django_db_blocker, tmp_path):
    env = dict(GUNICORN_WORKERS="1", GUNICORN_THREADS="4", PANDAMON_CACHE_URL="redis://127.0.0.1:6379/0",
               PANDAMON_SUMMARY_LEASE_SECONDS="2")  # a killed instance's locks lapse within the test
    outcomes: list[tuple[float, float, object]] = []  # (started, ended, status or exception name)
    lock, stop = threading.Lock(), threading.Event()

    def client(n: int, proxy: str) -> None:
        with requests.Session() as s:
            i = n
            while not stop.is_set():
                started = time.monotonic()
                try:
                    result: object = s.get(proxy + PAGES[i % len(PAGES)], timeout=30).status_code
                except requests.RequestException as e:
                    result = type(e).__name__
                with lock:
                    outcomes.append((started, time.monotonic(), result))
                i += 1

    with django_db_blocker.unblock(), serving.gunicorn(**env) as (a, proc_a), serving.gunicorn(**env) as (b, _):
        with serving.nginx(tmp_path / "nginx", [a.removeprefix("http://"), b.removeprefix("http://")]) as proxy:
            threads = [threading.Thread(target=client, args=(n, proxy), daemon=True) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(3.0)
            assert requests.get(a + "/robots.txt", timeout=5).status_code == 200  # both serve before the kill
            killed_at = time.monotonic()
            kill_instance(proc_a)
            # A request that reached the instance while pkill ran was in flight when it died.
            dead_at = time.monotonic()
            time.sleep(4.0)
            stop.set()
            for t in threads:
                t.join(timeout=40)
            with pytest.raises(requests.ConnectionError):
                requests.get(a + "/robots.txt", timeout=5)
            assert requests.get(b + "/robots.txt", timeout=5).status_code == 200

    before = [o for o in outcomes if o[1] < killed_at]
    in_flight = [o for o in outcomes if o[0] <= dead_at and o[1] >= killed_at]
    after = [o for o in outcomes if o[0] > dead_at]
    assert len(before) >= 2 * CLIENTS and len(after) >= 2 * CLIENTS, (len(before), len(after))
    assert all(o[2] == 200 for o in before), [o[2] for o in before if o[2] != 200]
    assert all(o[2] == 200 for o in after), [o[2] for o in after if o[2] != 200]
    # At most the requests the killed instance was answering are lost (nginx retries a refused connection).
    assert sum(o[2] != 200 for o in in_flight) <= CLIENTS
