"""Personal API tokens: created and revoked on the profile page, stored hashed,
presented by scripts as `Authorization: Token <token>`."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import ApiToken
from pandamon.responses import error_response

PREFIX = "pmt_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, name: str, scopes: list[str]) -> str:
    """A new token for `user`; the clear text exists only in the return value."""
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=digest(token), scopes=scopes)
    return token


def user_of(token: str, scope: str):
    """(user, None) for a valid, unrevoked token holding `scope`, else (None, why)."""
    found = ApiToken.objects.select_related("user").filter(digest=digest(token), revoked__isnull=True).first()
    if found is None or not found.user.is_active:
        return None, "unknown or revoked API token"
    if scope not in found.scopes:
        return None, f"this API token is not scoped for '{scope}' (it has: {', '.join(found.scopes) or 'none'})"
    ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
    return found.user, None


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    scopes = request.POST.getlist("scopes")
    if not name or len(name) > 100:
        return error_response(request, "name: give the token a name (at most 100 characters)", status=400)
    unknown = [s for s in scopes if s not in ApiToken.SCOPES]
    if unknown or not scopes:
        return error_response(request, f"scopes: choose among {', '.join(ApiToken.SCOPES)}", status=400)
    # Shown once on the next page view, then gone from the session.
    request.session["pandamon_new_token"] = issue(request.user, name, scopes)
    return HttpResponseRedirect("/accounts/")


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked__isnull=True)
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    return HttpResponseRedirect("/accounts/")
