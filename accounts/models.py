"""The monitor's own records of a person: identity, tokens, preferences, saved views,
API tokens. All in the monitor's database (the "default" alias); sessions stay small."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Identity(models.Model):
    """Who a Django user is to PanDA: the name PanDA records (produsername), the VOs
    and production roles from the token's groups, or a certificate DN."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity")
    issuer = models.CharField(max_length=255, blank=True)
    # NULL for certificate logins: NULLs never collide in a unique index, on every backend (MariaDB has
    # no conditional unique constraint, so "unique unless empty" cannot be said there).
    sub = models.CharField(max_length=255, blank=True, null=True, default=None)
    produsername = models.CharField(max_length=255, blank=True)
    dn = models.CharField(max_length=512, blank=True)
    vos = models.JSONField(default=list)
    production_vos = models.JSONField(default=list)

    class Meta:
        constraints = [
            # One Django user per OIDC subject of one issuer.
            models.UniqueConstraint(fields=["issuer", "sub"], name="identity_issuer_sub_unique"),
        ]

    def __str__(self) -> str:
        return self.produsername or self.user.get_username()

    def has_production(self, vo: str | None) -> bool:
        return bool(vo) and vo.lower() in self.production_vos


class OIDCTokens(models.Model):
    """The user's tokens, kept server-side: the ID token is what the PanDA server
    takes as `Authorization: Bearer`, relayed on each action."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_tokens")
    id_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tokens of {self.user}"


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    hours = models.PositiveIntegerField(null=True, blank=True, help_text="default time window (hours)")
    vo = models.CharField(max_length=64, blank=True, help_text="default VO")

    def __str__(self) -> str:
        return f"preferences of {self.user}"


class SavedView(models.Model):
    """Any page's path and query string under a name; shareable as its link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    query = models.CharField(max_length=2000, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


class ApiToken(models.Model):
    """A personal token for scripts calling the action endpoints. Only its SHA-256 is
    stored (the token is 256 random bits, so a fast hash cannot be searched back);
    it is shown once, at creation, and acts only within its scopes."""

    SCOPES = ("kill", "finish", "retry", "reassign")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # shown on the profile page to tell tokens apart
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
