"""Field constructors named after PanDA's Oracle column types (NUMBER(p), VARCHAR2(n), DATE).

Keeps the job model a readable column list that can be checked line by line
against the fact sheet (shared/reference/panda-schema.md §2.1).
"""

from __future__ import annotations

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


def date(*, null: bool = True, **kwargs) -> models.Field:
    return models.DateTimeField(null=null, **kwargs)


def clob() -> models.Field:
    return models.TextField(null=True, blank=True)
