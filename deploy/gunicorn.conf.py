"""gunicorn configuration of pandamon: `gunicorn -c deploy/gunicorn.conf.py pandamon.wsgi`,
behind deploy/nginx.conf (README, Deployment). Every value can be changed from the
environment (GUNICORN_*), so the test suite and the bench start this very file.

Why these choices:
- gthread workers: the worker's main thread keeps the master's heartbeat while request
  threads work, so `timeout` only kills a worker that is truly stuck, never a long stream
  (a 100,000-row JSON list or CSV export) that is still being read from the database.
- threads > PANDAMON_EXPENSIVE_SLOTS (pandamon.admission): the threads that expensive
  pages cannot take stay free for the status API, job pages and /health/.
- nginx buffers both ways: it reads a slow client's headers and body before passing the
  request on, and takes the answer as fast as the worker writes it (spooling to disk),
  so a slow or stalled client never holds a worker thread.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker silent this long is stuck (not one busy with a request): killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Idle keep-alive connections from nginx (which keeps a pool of them to us).
keepalive = 75
# Recycle workers now and then, jittered so they do not all restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# nginx is the only peer: trust its X-Forwarded-* (proxy SSL header, client address).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
