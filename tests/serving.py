"""Real serving processes for the serving tests: gunicorn started with
deploy/gunicorn.conf.py and nginx with deploy/nginx.conf (the files the README's
deployment section uses), on free loopback ports, reading the suite's test databases."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from django.db import connections

from deploy.render_nginx import render

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "pandamon.wsgi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(alias: str) -> str:
    """The URL of a test database, for a process of its own."""
    config = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    scheme = {"mysql": "mysql", "postgresql": "postgresql"}[vendor]
    auth = config["USER"] + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
    return f"{scheme}://{auth}@{config['HOST'] or '127.0.0.1'}:{config['PORT']}/{config['NAME']}"


def monitor_env(**changes: str) -> dict:
    env = {**os.environ, "PANDA_DB_URL": database_url("panda"), "PANDAMON_DB_URL": database_url("default"),
           "GUNICORN_LOGLEVEL": "warning", "PYTHONPATH": str(ROOT)}
    env.update(changes)
    return env


def wait_for(url: str, deadline: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            # A worker still importing the app on a loaded machine is not an answer yet.
            time.sleep(0.1)
    raise TimeoutError(f"nothing answers at {url}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def gunicorn(**env: str):
    """A monitor instance; yields its base URL and the process."""
    port = free_port()
    proc = subprocess.Popen(GUNICORN, cwd=ROOT, env=monitor_env(GUNICORN_BIND=f"127.0.0.1:{port}", **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/robots.txt", proc=proc)
        yield url, proc
    finally:
        stop(proc)


@contextmanager
def nginx(state: Path, upstreams: list[str]):
    """nginx before `upstreams` (host:port); yields its base URL."""
    port = free_port()
    conf = state / "nginx.conf"
    conf.write_text(render(f"127.0.0.1:{port}", upstreams, state))
    directives = "daemon off; master_process on;" + (" user root;" if os.geteuid() == 0 else "")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-e", str(state / "error.log"), "-g", directives],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/robots.txt", proc=proc)
        yield url
    finally:
        stop(proc)


class TcpSwitch:
    """A TCP listener that either holds every connection without a byte (a hung
    database, a frozen proxy) or, once `forward_to` is set, relays to a real server."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.forward_to: tuple[str, int] | None = None
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.forward_to is None:
                self.held.append(client)  # accepted, never answered
                continue
            server = socket.create_connection(self.forward_to)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()
        for s in self.held:
            s.close()
