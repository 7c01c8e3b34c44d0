"""pandamon settings: everything comes from the environment (see README, Configuration)."""

from __future__ import annotations

from pathlib import Path

import plotly

from pandamon.conf import env_bool, env_int, env_list, env_path, env_str
from pandamon.dburl import database_from_url
from pandamon.security import DEMO_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("PANDAMON_DATA_DIR", BASE_DIR / "data")
# The demo's SQLite files and logs live here; a fresh checkout has no such folder.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("PANDAMON_DEBUG", False)
SECRET_KEY = env_str("PANDAMON_SECRET_KEY", DEMO_SECRET_KEY)
# The demo's own flag: only with it may the monitor run with the public demo key (pandamon.security).
PANDAMON_DEMO = env_bool("PANDAMON_DEMO", False)
ALLOWED_HOSTS = env_list("PANDAMON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "pandamon",
    "jobs",
    "dashboards",
    "sites",
    "users",
    "tasks",
    "harvester",
    "shares",
    "api",
    "accounts",
    "actions",
]

MIDDLEWARE = [
    # First: its duration and log line cover every answer, refusals included (pandamon.metrics).
    "pandamon.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: a POST to a GET-only page is a 405 (JSON for JSON endpoints), not a CSRF page.
    "pandamon.methods.MethodMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a certificate DN from the trusted proxy only (accounts.proxy).
    "accounts.proxy.TrustedProxyDNMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pandamon.middleware.ErrorMiddleware",
]

# --- HTTPS (behind a TLS-terminating proxy) ------------------------------------
# PANDAMON_HTTPS=1 is the one switch of a production deployment: redirect plain HTTP,
# HSTS for a year (subdomains, preload token), cookies only over HTTPS (set with the
# login settings below), and the proxy's
# X-Forwarded-Proto trusted to say the request came in over HTTPS. Each part can be
# set on its own. Off by default: the demo and the tests serve plain HTTP on loopback.
PANDAMON_HTTPS = env_bool("PANDAMON_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("PANDAMON_SSL_REDIRECT", PANDAMON_HTTPS)
SECURE_HSTS_SECONDS = env_int("PANDAMON_HSTS_SECONDS", 31_536_000 if PANDAMON_HTTPS else 0)
# PANDAMON_HSTS_SUBDOMAINS: the same, under the name the login section of the README uses.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PANDAMON_HSTS_INCLUDE_SUBDOMAINS",
                                          env_bool("PANDAMON_HSTS_SUBDOMAINS", PANDAMON_HTTPS))
SECURE_HSTS_PRELOAD = env_bool("PANDAMON_HSTS_PRELOAD", PANDAMON_HTTPS)
# The header the proxy sets to the client's scheme (deploy/nginx.conf: X-Forwarded-Proto).
# Only trust it behind a proxy that always sets it: a client could send it otherwise.
# PANDAMON_BEHIND_TLS_PROXY=1 trusts X-Forwarded-Proto without the rest of the switch.
_behind_tls_proxy = PANDAMON_HTTPS or env_bool("PANDAMON_BEHIND_TLS_PROXY", False)
_proxy_ssl_header = env_str("PANDAMON_PROXY_SSL_HEADER", "X-Forwarded-Proto" if _behind_tls_proxy else "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# The proxy's health probe comes over plain HTTP on loopback, so it is not redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Content-Security-Policy (django-csp) --------------------------------------
# Everything is served from the project: no inline script or style anywhere (charts and
# bars get their sizes from scripts, through the DOM), no other origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "pandamon.urls"
WSGI_APPLICATION = "pandamon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pandamon.context.frame",
            ],
        },
    },
]

# --- Databases ---------------------------------------------------------------
# "default" is the monitor's own database; "panda" is PanDA's, read-only to us.
_test_id = env_str("PANDAMON_TEST_ID", "")
PANDAMON_DB_URL = env_str("PANDAMON_DB_URL", f"sqlite:///{DATA_DIR / 'pandamon.sqlite3'}")
PANDA_DB_URL = env_str("PANDA_DB_URL", f"sqlite:///{DATA_DIR / 'panda.sqlite3'}")
# A hung database (a listener that never answers) costs a request at most the connect
# timeout; a query over the statement limit is stopped by the database and answers 503
# naming the limit. PanDA's sessions are read-only (pandamon.dbsession) unless switched off
# for the demo/test data commands, which write PanDA's tables on purpose.
PANDA_DB_CONNECT_TIMEOUT = env_int("PANDA_DB_CONNECT_TIMEOUT", 5)
PANDA_DB_STATEMENT_TIMEOUT = env_int("PANDA_DB_STATEMENT_TIMEOUT", 60)
# /health/ answers "slow" when a trivial query takes longer than this.
PANDAMON_HEALTH_SLOW_MS = env_int("PANDAMON_HEALTH_SLOW_MS", 1000)
DATABASES = {
    "default": database_from_url(PANDAMON_DB_URL, test_name=f"test_pandamon{_test_id}",
                                 connect_timeout=PANDA_DB_CONNECT_TIMEOUT),
    "panda": database_from_url(PANDA_DB_URL, test_name=f"test_panda{_test_id}",
                               connect_timeout=PANDA_DB_CONNECT_TIMEOUT,
                               statement_timeout=PANDA_DB_STATEMENT_TIMEOUT, read_only=True),
}
DATABASE_ROUTERS = ["pandamon.routers.PandaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Schema (Oracle/PostgreSQL) or database (MySQL) holding PanDA's live tables and
# the archive, e.g. ATLAS_PANDA / ATLAS_PANDAARCH. Empty: the connection's own.
PANDA_SCHEMA = env_str("PANDA_SCHEMA", "")
PANDA_ARCHIVE_SCHEMA = env_str("PANDA_ARCHIVE_SCHEMA", "")
# Archive layout: "partitioned" (one jobsarchived table) or "split" (MySQL-era
# per-period tables jobsArchived_<Mon><YYYY>).
PANDA_ARCHIVE_LAYOUT = env_str("PANDA_ARCHIVE_LAYOUT", "partitioned")
# Which of PanDA's table layouts create_panda_schema builds and generate_jobs fills
# (demo, tests, benchmarks): "pandamon" (our MySQL-era-compatible layout, legacy
# schedconfig/cloudconfig), "postgres-doma" (PanDA's official PostgreSQL layout:
# doma_panda/doma_pandaarch, schedconfig_json, plain archive), "oracle-atlas" (DDL printed only).
# The monitor itself never reads this: it finds what the database has by introspection.
PANDA_LAYOUT = env_str("PANDA_LAYOUT", "pandamon")
# Queue configuration: "auto" (schedconfig_json where the database has it, else the
# legacy schedconfig/cloudconfig), "schedconfig_json" or "schedconfig" to force one.
PANDA_QUEUE_SOURCE = env_str("PANDA_QUEUE_SOURCE", "auto")
# On an archive that is neither partitioned nor indexed by modificationtime (PanDA's
# official PostgreSQL archive is indexed on statechangetime), a window on
# modificationtime is also bounded on statechangetime, which for an ended job is at
# most this many hours before its modificationtime (README: the archive invariant).
PANDA_STATECHANGE_SLACK_HOURS = env_int("PANDA_STATECHANGE_SLACK_HOURS", 72)
# How long ended jobs stay in jobsarchived4 before only the archive has them.
PANDA_FASTBUFFER_DAYS = env_int("PANDA_FASTBUFFER_DAYS", 3)

# --- Monitor behaviour --------------------------------------------------------
PANDAMON_DEFAULT_HOURS = env_int("PANDAMON_DEFAULT_HOURS", 12)
# Per-VO default window, e.g. "lsst=24,charmm=48".
PANDAMON_VO_HOURS = {
    vo: int(hours)
    for vo, _, hours in (item.partition("=") for item in env_list("PANDAMON_VO_HOURS", []))
}
PANDAMON_LOG_ROOT = env_path("PANDAMON_LOG_ROOT", DATA_DIR / "logs")
PANDAMON_LOG_URL = env_str("PANDAMON_LOG_URL", "")
PANDAMON_CACHE_SECONDS = env_int("PANDAMON_CACHE_SECONDS", 60)

# Admission control (pandamon.admission): expensive pages (a time window) run at most
# PANDAMON_EXPENSIVE_SLOTS at a time per worker process (waiting at most
# PANDAMON_SLOT_WAIT_SECONDS for a slot), and at most PANDAMON_CLIENT_BUDGET a minute
# per client address (0: no budget); past either, 429 with Retry-After. Behind the
# proxy the client is named by PANDAMON_CLIENT_IP_HEADER (deploy/nginx.conf sets
# X-Real-IP: HTTP_X_REAL_IP); empty: the socket's address.
PANDAMON_EXPENSIVE_SLOTS = env_int("PANDAMON_EXPENSIVE_SLOTS", 2)
PANDAMON_SLOT_WAIT_SECONDS = env_int("PANDAMON_SLOT_WAIT_SECONDS", 2)
PANDAMON_CLIENT_BUDGET = env_int("PANDAMON_CLIENT_BUDGET", 0)
PANDAMON_CLIENT_IP_HEADER = env_str("PANDAMON_CLIENT_IP_HEADER", "")

# --- Who is looking: OIDC login, certificates, the PanDA server (README: Login and actions)
# OpenID Connect (authorization code flow with PKCE, Authlib). No issuer: no login.
PANDAMON_OIDC_ISSUER = env_str("PANDAMON_OIDC_ISSUER", "").rstrip("/")
PANDAMON_OIDC_CLIENT_ID = env_str("PANDAMON_OIDC_CLIENT_ID", "")
PANDAMON_OIDC_CLIENT_SECRET = env_str("PANDAMON_OIDC_CLIENT_SECRET", "")
PANDAMON_OIDC_SCOPES = env_str("PANDAMON_OIDC_SCOPES", "openid profile email")
# The claims carrying the login name, the name PanDA records as produsername, and the groups.
PANDAMON_OIDC_USERNAME_CLAIM = env_str("PANDAMON_OIDC_USERNAME_CLAIM", "preferred_username")
PANDAMON_OIDC_NAME_CLAIM = env_str("PANDAMON_OIDC_NAME_CLAIM", "name")
PANDAMON_OIDC_GROUPS_CLAIM = env_str("PANDAMON_OIDC_GROUPS_CLAIM", "groups")
# VOs whose group admits a login ("atlas,lsst"); empty: any top-level group is a VO.
PANDAMON_OIDC_VOS = env_list("PANDAMON_OIDC_VOS", [])
# Every page needs a login (default: read-only pages are open to anyone).
PANDAMON_LOGIN_REQUIRED = env_bool("PANDAMON_LOGIN_REQUIRED", False)
# Grid certificates: the DN is read from this header only on requests from these addresses.
PANDAMON_TRUSTED_PROXIES = env_list("PANDAMON_TRUSTED_PROXIES", [])
PANDAMON_DN_HEADER = env_str("PANDAMON_DN_HEADER", "HTTP_X_SSL_CLIENT_S_DN")
# The PanDA server (api/v1) the job and task actions are relayed to; empty: no actions.
PANDA_SERVER_URL = env_str("PANDA_SERVER_URL", "").rstrip("/")
PANDA_SERVER_TIMEOUT = env_int("PANDA_SERVER_TIMEOUT", 10)
# At most this many jobs in one kill from a job list.
PANDAMON_KILL_MAX_JOBS = env_int("PANDAMON_KILL_MAX_JOBS", 100)
AUTHENTICATION_BACKENDS = ["accounts.backends.OIDCBackend", "accounts.backends.CertificateBackend"]
LOGIN_URL = "/accounts/login/"
# Sessions hold the login and the OIDC state of a login under way, nothing else (tokens
# are in accounts.OIDCTokens); in the monitor's database.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Cookies only over HTTPS: with PANDAMON_HTTPS, or when login is configured outside debug
# (the HTTPS block above has the other production settings).
SESSION_COOKIE_SECURE = env_bool("PANDAMON_SECURE_COOKIES",
                                 PANDAMON_HTTPS or (not DEBUG and bool(PANDAMON_OIDC_ISSUER)))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# The cache of expensive summaries and of the admission budget (pandamon.summarycache,
# pandamon.admission): local memory by default (one per worker process); with
# PANDAMON_CACHE_URL (redis://host:6379/0) Django's Redis backend, shared by every worker
# and instance. Short socket timeouts: a cache that hangs must not hang the pages.
PANDAMON_CACHE_URL = env_str("PANDAMON_CACHE_URL", "")
if PANDAMON_CACHE_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": PANDAMON_CACHE_URL,
        "KEY_PREFIX": "pandamon" + _test_id,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pandamon"}}
# A summary whose window reaches now is fresh this long; one wholly in the past longer.
# Identical requests wait at most PANDAMON_SUMMARY_WAIT_SECONDS for the one computing it.
PANDAMON_SUMMARY_CACHE = env_bool("PANDAMON_SUMMARY_CACHE", True)
PANDAMON_SUMMARY_FRESH_SECONDS = env_int("PANDAMON_SUMMARY_FRESH_SECONDS", 60)
PANDAMON_SUMMARY_PAST_SECONDS = env_int("PANDAMON_SUMMARY_PAST_SECONDS", 3600)
PANDAMON_SUMMARY_WAIT_SECONDS = env_int("PANDAMON_SUMMARY_WAIT_SECONDS", 30)
# The computing request's lock is a lease it renews: a killed instance's lock lapses after this.
PANDAMON_SUMMARY_LEASE_SECONDS = env_int("PANDAMON_SUMMARY_LEASE_SECONDS", 15)

# --- Static files: served by whitenoise, never from a CDN ---------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_path("PANDAMON_STATIC_ROOT", DATA_DIR / "staticfiles")
# plotly.js comes from the pinned plotly package itself (its package_data holds
# the bundle), served as /static/plotly/plotly.min.js: one version, no copy.
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PANDAMON_LOG_LEVEL", "WARNING")},
    # One line per request (view, status, db_ms, ms): INFO logs them, WARNING silences them.
    "loggers": {"pandamon.request": {"handlers": ["console"], "propagate": False,
                                     "level": env_str("PANDAMON_REQUEST_LOG_LEVEL", "INFO")}},
}
