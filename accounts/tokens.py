"""The user's OIDC tokens kept server-side, and the ID token to relay, refreshed
when it is about to expire."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from requests import RequestException

from accounts import oidc
from accounts.models import OIDCTokens

log = logging.getLogger(__name__)
MARGIN = dt.timedelta(seconds=60)  # an ID token this close to its expiry is refreshed first


def store(user, token: dict, claims: dict) -> None:
    OIDCTokens.objects.update_or_create(user=user, defaults={
        "id_token": token["id_token"], "refresh_token": token.get("refresh_token") or "",
        "expires_at": oidc.expiry(token, claims)})


def forget(user) -> None:
    OIDCTokens.objects.filter(user=user).delete()


def current_id_token(user) -> str | None:
    """An ID token of the user valid for at least a minute, or None (log in again)."""
    tokens = OIDCTokens.objects.filter(user=user).first()
    if tokens is None:
        return None
    if tokens.expires_at - timezone.now() > MARGIN:
        return tokens.id_token
    if not tokens.refresh_token:
        return None
    from authlib.integrations.base_client import OAuthError  # see accounts.oidc: imported on use

    try:
        fresh = oidc.client().fetch_access_token(grant_type="refresh_token", refresh_token=tokens.refresh_token)
        if not fresh.get("id_token"):
            return None  # this provider renews access tokens only
        claims = oidc.check_id_token(fresh["id_token"])
    except (OAuthError, RequestException, oidc.Refused) as error:
        log.info("token refresh for %s failed: %s", user, error)
        return None
    store(user, {**fresh, "refresh_token": fresh.get("refresh_token") or tokens.refresh_token}, claims)
    return fresh["id_token"]
