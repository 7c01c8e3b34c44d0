"""pandamon settings: everything comes from the environment (see README, Configuration)."""

from __future__ import annotations

from pathlib import Path

import plotly

from pandamon.conf import env_bool, env_int, env_list, env_path, env_str
from pandamon.dburl import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("PANDAMON_DATA_DIR", BASE_DIR / "data")
# The demo's SQLite files and logs live here; a fresh checkout has no such folder.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("PANDAMON_DEBUG", False)
SECRET_KEY = env_str("PANDAMON_SECRET_KEY", "pandamon-demo-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env_list("PANDAMON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "pandamon",
    "jobs",
    "sites",
    "users",
    "tasks",
    "harvester",
    "shares",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pandamon.middleware.ErrorMiddleware",
]

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
DATABASES = {
    "default": database_from_url(PANDAMON_DB_URL, test_name=f"test_pandamon{_test_id}"),
    "panda": database_from_url(PANDA_DB_URL, test_name=f"test_panda{_test_id}"),
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

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pandamon",
    }
}

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
}
