"""Render deploy/nginx.conf: where nginx listens, the monitor instances it passes to, and
the folder for its pid file, logs and buffers (created if missing).

    python deploy/render_nginx.py --listen 80 --upstream 127.0.0.1:8000 --state /var/lib/pandamon-nginx \\
        > /etc/pandamon/nginx.conf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")


def render(listen: str, upstreams: list[str], state: Path) -> str:
    state.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    return (TEMPLATE.read_text().replace("@LISTEN@", listen).replace("@UPSTREAMS@", servers)
            .replace("@STATE@", str(state.resolve())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="address:port or port nginx listens on")
    parser.add_argument("--upstream", action="append", required=True, help="host:port of a gunicorn (repeatable)")
    parser.add_argument("--state", required=True, type=Path, help="folder for pid, logs and buffers")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.listen, args.upstream, args.state))


if __name__ == "__main__":
    main()
