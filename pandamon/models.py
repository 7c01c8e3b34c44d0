"""Base class of every model mapping one of PanDA's tables."""

from __future__ import annotations

from django.db import models

from pandamon.routers import ReadOnlyError


def _refuse(self, *args, **kwargs):
    table = self.model._meta.db_table if isinstance(self, models.QuerySet) else self._meta.db_table
    raise ReadOnlyError(f"{table} is PanDA's table; the monitor never writes to it")


class ReadOnlyQuerySet(models.QuerySet):
    """The router refuses writes routed to PanDA's database, but Django skips the
    router when a query names its database (`.using("panda")`): these refuse
    every write path of a QuerySet whatever the database."""

    update = delete = bulk_create = bulk_update = _update = _insert = _raw_delete = _refuse
    create = get_or_create = update_or_create = _refuse


class PandaModel(models.Model):
    """A table of PanDA's database: unmanaged, routed to "panda", never written.

    The demo and the tests fill these tables with plain SQL, exactly as PanDA
    itself would (jobs/synthetic, jobs/ddl).
    """

    panda_table = True
    # True where PanDA gives the table no primary key: the model still declares one
    # so Django can map rows, but the schema builder (jobs.ddl) creates none.
    panda_no_primary_key = False
    objects = ReadOnlyQuerySet.as_manager()

    save = delete = save_base = _refuse

    class Meta:
        abstract = True
        managed = False
