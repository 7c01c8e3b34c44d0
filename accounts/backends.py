"""Django authentication backends: an OIDC login (claims already checked by Authlib)
and a certificate DN handed on by the trusted proxy (accounts.proxy)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.db import transaction

from accounts.models import Identity
from accounts.oidc import Person

CN = re.compile(r"/CN=([^/]+)")


class OIDCBackend(ModelBackend):
    def authenticate(self, request, person: Person | None = None, **kwargs):
        if person is None:
            return None
        User = get_user_model()
        with transaction.atomic():
            identity = Identity.objects.select_related("user").filter(issuer=person.issuer, sub=person.sub).first()
            if identity is None:
                user, _ = User.objects.get_or_create(username=_free_username(person.username, person.sub))
                identity = Identity(user=user, issuer=person.issuer, sub=person.sub)
            user = identity.user
            user.email = person.email
            user.save(update_fields=["email"])
            identity.produsername = person.produsername
            identity.vos, identity.production_vos = person.vos, person.production_vos
            identity.save()
        return user if self.user_can_authenticate(user) else None


def _free_username(username: str, sub: str) -> str:
    """The login name, unless another subject already holds it."""
    taken = Identity.objects.filter(user__username=username).exclude(sub=sub).exists()
    return f"{username}.{sub}"[:150] if taken else username


def produsername_of_dn(dn: str) -> str:
    """PanDA's produsername of a certificate: the last CN that is not a number or a
    proxy marker (…/CN=tmaeno/CN=123456/CN=Tadashi Maeno → Tadashi Maeno)."""
    names = [cn for cn in CN.findall(dn) if not cn.isdigit() and cn not in ("proxy", "limited proxy")]
    return names[-1] if names else dn


class CertificateBackend(RemoteUserBackend):
    """A user known by the DN of a verified grid certificate (no token: may browse and
    see their own jobs; actions need an OIDC login, the token being what PanDA checks)."""

    create_unknown_user = True

    def clean_username(self, username: str) -> str:
        return username[:150]

    def configure_user(self, request, user, created=True):
        if created:
            dn = request.pandamon_dn
            Identity.objects.create(user=user, dn=dn, produsername=produsername_of_dn(dn))
        return user
