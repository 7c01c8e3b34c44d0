"""Who is acting on a request: a logged-in session, a personal API token
(`Authorization: Token pmt_…`) or an ID token a script presents itself
(`Authorization: Bearer <jwt>`, checked as the PanDA server checks it)."""

from __future__ import annotations

from accounts import apitokens, oidc, tokens
from actions.rules import Actor


class NotAuthenticated(Exception):
    """No acceptable identity; the message says why (401)."""


def scheme_of(request) -> str:
    return request.headers.get("Authorization", "").partition(" ")[0].lower()


def actor_of(request, scope: str) -> Actor:
    header = request.headers.get("Authorization", "")
    kind, _, credential = header.partition(" ")
    credential = credential.strip()
    if kind.lower() == "token":
        user, why = apitokens.user_of(credential, scope)
        if user is None:
            raise NotAuthenticated(why)
        return _actor_of_user(user, "api-token")
    if kind.lower() == "bearer":
        if not oidc.configured():
            raise NotAuthenticated("this monitor has no OIDC provider configured to check an ID token")
        try:
            person = oidc.person_from_claims(oidc.check_id_token(credential))
        except oidc.Refused as error:
            raise NotAuthenticated(str(error)) from None
        return Actor(username=person.username, produsername=person.produsername, vos=tuple(person.vos),
                     production_vos=tuple(person.production_vos), id_token=credential, via="id-token")
    if header:
        raise NotAuthenticated("Authorization: expected 'Token <API token>' or 'Bearer <ID token>'")
    if not request.user.is_authenticated:
        raise NotAuthenticated("log in first (/accounts/login/), or send an API token")
    return _actor_of_user(request.user, "session")


def _actor_of_user(user, via: str) -> Actor:
    identity = getattr(user, "identity", None)
    if identity is None:
        raise NotAuthenticated("this account has no PanDA identity")
    id_token = tokens.current_id_token(user) if identity.sub else None
    return Actor(username=user.get_username(), produsername=identity.produsername, vos=tuple(identity.vos),
                 production_vos=tuple(identity.production_vos), id_token=id_token, via=via, user=user)


def page_actor(request) -> Actor | None:
    """The session's actor for drawing buttons (no token refresh, no error)."""
    user = request.user
    identity = getattr(user, "identity", None) if user.is_authenticated else None
    if identity is None or not identity.sub:
        return None
    return Actor(username=user.get_username(), produsername=identity.produsername, vos=tuple(identity.vos),
                 production_vos=tuple(identity.production_vos), id_token="(session)", via="session", user=user)
