"""The audit of every action the monitor relayed (or refused) — in its own database."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.Model):
    """Who asked what, when, what the PanDA server answered. `identity` is the name the
    server records the action under (the user's token: their own identity)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)  # kept if the user is deleted
    via = models.CharField(max_length=16)  # "session", "api-token", "id-token"
    origin = models.CharField(max_length=80, blank=True)  # the Origin header sent: <vo> or <vo>:production
    action = models.CharField(max_length=32)  # "job/kill", "task/retry", ...
    pandaid = models.BigIntegerField(null=True, db_index=True)  # a job action: one row per job
    jeditaskid = models.BigIntegerField(null=True, db_index=True)
    parameters = models.JSONField(default=dict)
    requested = models.DateTimeField(auto_now_add=True, db_index=True)
    # "done" (the server accepted), "refused" (the server said no), "denied" (the monitor
    # refused before asking), "error" (the server unreachable, timed out, or answered nonsense).
    outcome = models.CharField(max_length=16)
    http_status = models.IntegerField(null=True)
    reply = models.JSONField(null=True)  # the server's answer as it came (envelope or text)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.pandaid or self.jeditaskid}: {self.outcome}"
