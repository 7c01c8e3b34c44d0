"""HTTP methods: every page (@page) and JSON endpoint (@json_only) answers GET and HEAD
only, unless its view says otherwise (`accepts(...)`; the bulk status API takes POST).
Anything else is a 405 with Allow, in JSON for JSON requests. It runs before Django's
CSRF check, which would otherwise answer a script's POST to /jobs/?json with an HTML 403
page. Views that declare nothing (the login and action forms) handle methods themselves."""

from __future__ import annotations

from django.urls import Resolver404, resolve

from pandamon.responses import error_response

SAFE = ("GET", "HEAD")


def accepts(*methods: str):
    """Declare the methods a view takes besides GET and HEAD."""

    def mark(view):
        view.http_methods = SAFE + methods
        return view

    return mark


def allowed_methods(view, kwargs: dict) -> tuple[str, ...] | None:
    """The methods the view takes; None: it does not say (it checks them itself)."""
    from pandamon.urlforms import without_slash  # its target decides, as it answers in place

    if view is without_slash:
        try:
            view = resolve(f"/{kwargs.get('path', '')}/").func
        except Resolver404:
            return None
    if hasattr(view, "http_methods"):
        return view.http_methods
    if getattr(view, "csrf_exempt", False):  # made for unsafe methods: it checks them itself
        return None
    return SAFE if getattr(view, "json_only", False) or hasattr(view, "page_template") else None


class MethodMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        allowed = allowed_methods(view, kwargs)
        if allowed is None or request.method in allowed:
            return None
        named = [m for m in allowed if m != "HEAD"]
        verb = "is" if len(named) == 1 else "are"
        response = error_response(request, f"only {' and '.join(named)} {verb} supported here", status=405)
        response["Allow"] = ", ".join(allowed)
        return response
