"""Field constructors named after PanDA's Oracle column types (NUMBER(p), VARCHAR2(n), DATE).

Keeps the job model a readable column list that can be checked line by line
against the fact sheet (shared/reference/panda-schema.md §2.1).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import models


def number(precision: int, *, null: bool = True, default: int | None = None, **kwargs) -> models.Field:
    """NUMBER(p,0): the narrowest Django integer that holds p digits."""
    if default is not None:
        kwargs["db_default"] = default
    if precision <= 4:
        return models.SmallIntegerField(null=null, **kwargs)
    if precision <= 9:
        return models.IntegerField(null=null, **kwargs)
    return models.BigIntegerField(null=null, **kwargs)


def decimal(precision: int, scale: int) -> models.Field:
    return models.DecimalField(max_digits=precision, decimal_places=scale, null=True)


def varchar(length: int, *, null: bool = True, default: str | None = None, **kwargs) -> models.Field:
    if default is not None:
        kwargs["db_default"] = default
    return models.CharField(max_length=length, null=null, blank=True, **kwargs)


class PandaDateTime(models.DateTimeField):
    """PanDA's time columns: Oracle DATE, PostgreSQL `timestamp` (without time zone),
    MySQL `datetime`, all holding UTC.

    Django would make a PostgreSQL column `timestamptz` and bind aware datetimes as
    `timestamptz`; against PanDA's `timestamp` columns that is a cast the planner
    cannot fold, so partitions are pruned only at executor start. Values are bound
    as naive UTC (the column's own type) and read back as aware UTC.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "timestamp"
        if connection.vendor == "oracle":
            return "DATE"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql" and isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        elif connection.vendor == "oracle" and isinstance(value, dt.datetime):
            value = oracle_date(value)
        return value

    def from_db_value(self, value, expression, connection):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class PandaTimestamp(PandaDateTime):
    """The few time columns PanDA keeps to the microsecond (Oracle TIMESTAMP(6):
    jobs_statuslog.modiftime_extended, tasks_statuslog.modificationtime); bound as
    TIMESTAMP on Oracle, as Django does."""

    def db_type(self, connection):
        return "TIMESTAMP(6)" if connection.vendor == "oracle" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "oracle":
            return models.DateTimeField.get_db_prep_value(self, value, connection, prepared)
        return super().get_db_prep_value(value, connection, prepared)


def timestamp(*, null: bool = True, **kwargs) -> models.Field:
    return PandaTimestamp(null=null, **kwargs)


def oracle_date(value: dt.datetime) -> dt.datetime:
    """A bind typed DATE. Django binds datetimes as TIMESTAMP, which makes Oracle
    convert every DATE value of the column (INTERNAL_FUNCTION) and lose partition
    pruning and index range scans. DATE holds whole seconds: a fraction is rounded
    up, which keeps the query layer's `>=` and `<` bounds exact."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value.microsecond:
        value = value.replace(microsecond=0) + dt.timedelta(seconds=1)
    return _oracle_date_type()(value.year, value.month, value.day, value.hour, value.minute, value.second)


@functools.cache
def _oracle_date_type() -> type[dt.datetime]:
    import oracledb  # only deployments on Oracle need the driver loaded

    return type("OracleDate", (dt.datetime,), {"input_size": oracledb.DB_TYPE_DATE})


class PandaChar(models.CharField):
    """CHAR(n): the database pads values with blanks to n; PanDA's readers strip them."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return super().db_type(connection)
        return f"char({self.max_length})"

    def from_db_value(self, value, expression, connection):
        return value.rstrip() if isinstance(value, str) else value


def char(length: int, *, null: bool = True, default: str | None = None, **kwargs) -> models.Field:
    if default is not None:
        kwargs["db_default"] = default
    return PandaChar(max_length=length, null=null, blank=True, **kwargs)


def date(*, null: bool = True, **kwargs) -> models.Field:
    return PandaDateTime(null=null, **kwargs)


def clob() -> models.Field:
    return models.TextField(null=True, blank=True)


class UtcNow(models.Func):
    """The UTC time of the insert, as PanDA's `D: now` defaults on its naive time columns
    (PostgreSQL: CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'); independent of the session's time zone."""

    output_field = models.DateTimeField()
    template = "CURRENT_TIMESTAMP"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC')", **extra)

    def as_oracle(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="SYS_EXTRACT_UTC(SYSTIMESTAMP)", **extra)

    def as_mysql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="UTC_TIMESTAMP()", **extra)
