"""The OpenID Connect client (Authlib): login by authorization code with PKCE, token
refresh, and the check of an ID token a script presents (joserfc, through Authlib's
key set). No JWT is taken apart by hand here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts.groups import production_vos_of, vos_of

# Authlib and joserfc (with their cryptography) are imported where used: at module level
# they would weigh on the first request of every worker, which loads every view.

CLIENT_NAME = "panda_oidc"
METADATA_SECONDS = 600  # the provider's discovery document and keys, cached this long


class Refused(Exception):
    """A login or a token the monitor does not accept; the message says why."""


def configured() -> bool:
    return bool(settings.PANDAMON_OIDC_ISSUER and settings.PANDAMON_OIDC_CLIENT_ID)


def client():
    """An Authlib client for the configured provider. Built per use, so settings
    changed by a test or a reload apply; the discovery document is cached."""
    from authlib.integrations.django_client import OAuth

    issuer = settings.PANDAMON_OIDC_ISSUER
    registry = OAuth()
    app = registry.register(
        CLIENT_NAME,
        client_id=settings.PANDAMON_OIDC_CLIENT_ID,
        client_secret=settings.PANDAMON_OIDC_CLIENT_SECRET or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.PANDAMON_OIDC_SCOPES, "code_challenge_method": "S256",
                       "timeout": settings.PANDA_SERVER_TIMEOUT},
    )
    key = f"oidc-metadata:{issuer}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = app.load_server_metadata()
        cache.set(key, metadata, METADATA_SECONDS)
    else:
        app.server_metadata.update(metadata)
    return app


@dataclass(frozen=True)
class Person:
    """What the claims say about someone, once accepted."""

    issuer: str
    sub: str
    username: str
    produsername: str
    vos: list[str]
    production_vos: list[str]
    email: str


def person_from_claims(claims: dict) -> Person:
    """Map accepted claims to a Person, refusing a token of no VO the monitor serves."""
    groups = claims.get(settings.PANDAMON_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = groups.split()
    vos = vos_of(groups, settings.PANDAMON_OIDC_VOS)
    if not vos:
        wanted = ", ".join(settings.PANDAMON_OIDC_VOS) or "any VO"
        raise Refused(f"not a member of {wanted}: the token's '{settings.PANDAMON_OIDC_GROUPS_CLAIM}' "
                      f"claim names no VO group")
    username = claims.get(settings.PANDAMON_OIDC_USERNAME_CLAIM) or claims.get("sub")
    if not username:
        raise Refused(f"the token has no '{settings.PANDAMON_OIDC_USERNAME_CLAIM}' claim")
    return Person(
        issuer=claims.get("iss", ""), sub=claims["sub"], username=str(username)[:150],
        produsername=str(claims.get(settings.PANDAMON_OIDC_NAME_CLAIM) or username),
        vos=vos, production_vos=production_vos_of(groups, vos), email=claims.get("email", "") or "",
    )


def check_id_token(id_token: str) -> dict:
    """The claims of an ID token presented as `Authorization: Bearer`, after the checks
    the PanDA server makes too: signature by the provider's key, issuer, audience = our
    client id, expiry. Raises Refused naming what failed."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    app = client()
    try:
        token = _decode(id_token, KeySet.import_key_set(app.fetch_jwk_set()))
    except JoseError as error:
        if "kid" not in str(error).lower():
            raise Refused(f"invalid token: {error.error}: {error.description or error}") from None
        # A key the cached set does not have: the provider rotated its keys.
        token = _decode(id_token, KeySet.import_key_set(app.fetch_jwk_set(force=True)))
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": settings.PANDAMON_OIDC_ISSUER},
        aud={"essential": True, "value": settings.PANDAMON_OIDC_CLIENT_ID},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except JoseError as error:
        raise Refused(f"invalid token: {error.description or error.error}") from None
    return token.claims


def _decode(id_token: str, keys):
    from joserfc import jwt
    from joserfc.errors import JoseError

    try:
        return jwt.decode(id_token, keys, algorithms=["RS256", "ES256", "PS256"])
    except JoseError:
        raise
    except ValueError as error:  # not a JWT at all
        raise Refused(f"invalid token: {error}") from None


def expiry(token: dict, claims: dict) -> dt.datetime:
    """When the ID token (what the PanDA server checks) stops being valid."""
    seconds = claims.get("exp") or token.get("expires_at")
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC)
