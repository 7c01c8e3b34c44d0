"""
WSGI config for pandamon project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pandamon.settings')

application = get_wsgi_application()

# Not with the public demo key in production (pandamon.security): the worker does not boot.
from pandamon.security import refuse_demo_key  # noqa: E402  (needs the settings loaded above)

refuse_demo_key()
