"""Template filters of the job, log and task pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def seconds(value) -> str:
    """A duration in seconds as a shifter reads it: 45s, 12m 05s, 3h 02m, 2d 04h."""
    if value is None or value == "":
        return "—"
    s = int(value)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"


@register.filter
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def cell(value) -> object:
    """A job field as shown: times as UTC 'YYYY-MM-DD HH:MM:SS', the rest as is."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value
