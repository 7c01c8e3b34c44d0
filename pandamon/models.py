"""Base class of every model mapping one of PanDA's tables."""

from __future__ import annotations

from django.db import models


class PandaModel(models.Model):
    """A table of PanDA's database: unmanaged, routed to "panda", never written.

    The router refuses writes (see pandamon.routers); the demo and the tests fill
    these tables with plain SQL, exactly as PanDA itself would.
    """

    panda_table = True

    class Meta:
        abstract = True
        managed = False
