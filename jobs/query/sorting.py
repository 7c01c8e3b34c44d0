"""Sort keys of the contract as database expressions, and keyset tokens.

Lists are paged by seeking past the last row shown, (sort value, pandaid), never
by OFFSET: page 1000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.db.models import DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce

from jobs.models.columns import PandaDateTime
from pandamon.errors import BadRequest
from pandamon.params import Sort

SORT_COLUMN = {
    "time": "modificationtime",
    "create": "creationtime",
    "statetime": "statechangetime",
    "priority": "currentpriority",
    "duration": None,
    "attemptnr": "attemptnr",
    "pandaid": "pandaid",
}


# The type of each sort key's value in a page token (bool is an int too: excluded below).
AFTER_TYPE = {key: int for key in SORT_COLUMN} | {
    "time": dt.datetime, "create": dt.datetime, "statetime": dt.datetime, "duration": dt.timedelta}


def sort_expression(key: str):
    if key == "duration":
        # Jobs that have not run sort as zero duration.
        return Coalesce(
            ExpressionWrapper(F("endtime") - F("starttime"), output_field=DurationField()),
            Value(dt.timedelta(0), output_field=DurationField()),
        )
    if key == "statetime":
        return Coalesce(F("statechangetime"), F("modificationtime"), output_field=PandaDateTime())
    return F(SORT_COLUMN[key])


def order_by(sort: Sort) -> list:
    key = F("_sortkey")
    tie = F("pandaid")
    if sort.descending:
        return [key.desc(), tie.desc()]
    return [key.asc(), tie.asc()]


def after_q(sort: Sort, after: tuple | None) -> Q:
    if after is None:
        return Q()
    value, pandaid = after
    if not isinstance(value, AFTER_TYPE[sort.key]):  # a token made for another sort key (or crafted)
        raise BadRequest(f"after: this page token is not one of sortby={sort.key}; take it from a 'next' link")
    op = "lt" if sort.descending else "gt"
    return Q(**{f"_sortkey__{op}": value}) | Q(_sortkey=value, **{f"pandaid__{op}": pandaid})


def row_key(row: dict):
    return (row["_sortkey"], row["pandaid"])


def encode_after(value, pandaid: int) -> str:
    if isinstance(value, dt.datetime):
        payload = ["t", value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()]
    elif isinstance(value, dt.timedelta):
        payload = ["d", int(value.total_seconds() * 1_000_000)]
    else:
        payload = ["i", int(value)]
    raw = json.dumps([*payload, int(pandaid)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_after(token: str) -> tuple:
    """Inverse of encode_after; anything else is a 400."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        kind, value, pandaid = json.loads(raw)
        if isinstance(value, bool) or isinstance(pandaid, bool):
            raise ValueError(value)
        if kind == "t":
            value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        elif kind == "d":
            value = dt.timedelta(microseconds=int(value))
        elif kind == "i":
            value = int(value)
        else:
            raise ValueError(kind)
        for number in (value, pandaid) if kind == "i" else (pandaid,):
            if not -(2**63) <= int(number) < 2**63:  # beyond a 64-bit column
                raise ValueError(number)
        return value, int(pandaid)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError, OverflowError):
        raise BadRequest("after must be a page token taken from a 'next' link") from None


def parse_after(name: str, value: str) -> tuple:
    """Converter for the `after` parameter (pandamon.params extra)."""
    return decode_after(value)
