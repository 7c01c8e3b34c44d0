"""Grid certificates behind a TLS-terminating proxy that verifies them: the DN the
proxy passes in a header is believed only on a request whose socket peer is one of
PANDAMON_TRUSTED_PROXIES; from anywhere else the header is ignored."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import RemoteUserMiddleware

CERTIFICATE_BACKEND = "accounts.backends.CertificateBackend"
# Not an HTTP_ key: no client can set it; only this middleware does.
TRUSTED_DN_KEY = "PANDAMON_TRUSTED_DN_USER"


def dn_of(request) -> str:
    """The certificate DN of a request, or "" where none can be trusted."""
    if request.META.get("REMOTE_ADDR") not in settings.PANDAMON_TRUSTED_PROXIES:
        return ""
    return request.META.get(settings.PANDAMON_DN_HEADER, "").strip()


def username_of_dn(dn: str) -> str:
    # A DN can be longer than a user name may be: a stable digest keeps it unique.
    return "dn:" + hashlib.sha256(dn.encode()).hexdigest()[:40]


class TrustedProxyDNMiddleware(RemoteUserMiddleware):
    """Django's remote-user login, fed only with a DN from the trusted proxy. An OIDC
    login stays as it is (the token is what PanDA checks); a certificate login ends
    with the first request that carries no trusted DN."""

    header = TRUSTED_DN_KEY

    def process_request(self, request):
        request.META.pop(TRUSTED_DN_KEY, None)
        dn = dn_of(request)
        request.pandamon_dn = dn
        if dn:
            if request.user.is_authenticated and request.session.get(auth.BACKEND_SESSION_KEY) != CERTIFICATE_BACKEND:
                return
            request.META[TRUSTED_DN_KEY] = username_of_dn(dn)
        super().process_request(request)
