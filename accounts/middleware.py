"""Site-wide consequences of who is looking."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control

from pandamon.responses import error_response, wants_json

# Reachable without a login even when PANDAMON_LOGIN_REQUIRED is set.
# The action API authenticates its callers itself (an API token or an ID token).
OPEN_PREFIXES = ("/accounts/", "/static/", "/health/", "/robots.txt", "/api/actions/")


class LoginRequiredMiddleware:
    """With PANDAMON_LOGIN_REQUIRED every page needs a login (scripts: an API token or
    ID token on the action endpoints). A page seen by a logged-in user names them in
    its header, so it is never kept by a shared cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PANDAMON_LOGIN_REQUIRED and not request.user.is_authenticated \
                and not request.path.startswith(OPEN_PREFIXES):
            if wants_json(request):
                return error_response(request, "login required: log in at /accounts/login/", status=401)
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
