"""Template context every page's frame needs (navigation, window quick choices)."""

from __future__ import annotations

from django.conf import settings

NAVIGATION = (
    ("Dashboard", "/dash/"),
    ("Jobs", "/jobs/"),
    ("Errors", "/errors/"),
    ("Users", "/users/"),
    ("Sites", "/sites/"),
    ("Tasks", "/tasks/"),
    ("API", "/api/"),
)

QUICK_WINDOWS = (("1 h", "hours=1"), ("12 h", "hours=12"), ("1 day", "days=1"), ("7 days", "days=7"))


def frame(request):
    login_enabled = bool(settings.PANDAMON_OIDC_ISSUER and settings.PANDAMON_OIDC_CLIENT_ID)
    return {"navigation": NAVIGATION, "quick_windows": QUICK_WINDOWS, "login_enabled": login_enabled}
