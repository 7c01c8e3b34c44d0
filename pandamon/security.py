"""Production safety: the monitor does not serve with the public demo secret key.

The demo key is in the repository, so anyone could forge session cookies with it.
With PANDAMON_DEBUG=0 and that key, the system check fails (manage.py commands and
runserver stop) and the WSGI application refuses to load (gunicorn's workers do
not boot), unless PANDAMON_DEMO=1 says this is the demo (make demo sets it)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEMO_SECRET_KEY = "pandamon-demo-key-not-for-production-use-0123456789"

MESSAGE = ("PANDAMON_SECRET_KEY is the public demo key and PANDAMON_DEBUG is off: set a secret key of "
           "your own (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
           "or PANDAMON_DEMO=1 if this is the demo")


def demo_key_in_production() -> bool:
    return settings.SECRET_KEY == DEMO_SECRET_KEY and not settings.DEBUG and not settings.PANDAMON_DEMO


def refuse_demo_key() -> None:
    if demo_key_in_production():
        raise ImproperlyConfigured(MESSAGE)


@checks.register(checks.Tags.security)
def check_demo_key(app_configs, **kwargs):
    if demo_key_in_production():
        return [checks.Error(MESSAGE, id="pandamon.E010")]
    return []
