"""The job list table (django-tables2) of /jobs/.

Rows are the dicts of JobQuery.page. Sorting is the database's, by the
contract's `sortby` keys: a sortable column's header links to the same list
sorted by its key (descending first, then toggling), from the first page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from jobs.errorcodes import describe
from jobs.models import ERROR_COMPONENTS
from pandamon.params import Sort

# Column -> the sortby key that orders by it (jobs.query.sorting.SORT_COLUMN).
SORT_KEYS = {
    "pandaid": "pandaid",
    "attemptnr": "attemptnr",
    "creationtime": "create",
    "modificationtime": "time",
    "statechangetime": "statetime",
    "duration": "duration",
    "currentpriority": "priority",
}
TIME_FORMAT = "%m-%d %H:%M"  # the window bar gives the year
NUMERIC = {"th": {"class": "num"}, "td": {"class": "num"}}


def duration(row: dict) -> dt.timedelta | None:
    start, end = row.get("starttime"), row.get("endtime")
    return end - start if start and end else None


def format_duration(delta: dt.timedelta | None) -> str:
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def error_spans(row: dict):
    """component:code of every error set on the job, its name and diagnostic on hover."""
    found = []
    for component, code_column, diag_column in ERROR_COMPONENTS:
        code = row.get(code_column)
        if code:
            name, _ = describe(component, code)
            hint = " — ".join(x for x in (name, row.get(diag_column) or "") if x)
            found.append((hint, f"{component}:{code}"))
    exit_code = row.get("transexitcode")
    if exit_code not in (None, "", "0"):
        found.append(("payload exit code", f"transform:{exit_code}"))
    return format_html_join(" ", '<span class="err" title="{}">{}</span>', found)


class TimeColumn(tables.Column):
    """UTC time, short. (DateTimeColumn compiles a template per cell: a third of the page's time.)"""

    def render(self, value):
        return value.astimezone(dt.UTC).strftime(TIME_FORMAT)


class JobTable(tables.Table):
    pandaid = tables.Column(verbose_name="pandaid", attrs=NUMERIC)
    jeditaskid = tables.Column(verbose_name="task", attrs=NUMERIC)
    produsername = tables.Column(verbose_name="user")
    jobstatus = tables.Column(verbose_name="state")
    computingsite = tables.Column(verbose_name="site")
    attemptnr = tables.Column(verbose_name="attempt", attrs=NUMERIC)
    creationtime = TimeColumn(verbose_name="created")
    statechangetime = TimeColumn(verbose_name="state since")
    modificationtime = TimeColumn(verbose_name="modified")
    duration = tables.Column(accessor=tables.A("pandaid"), verbose_name="duration", attrs=NUMERIC)
    currentpriority = tables.Column(verbose_name="priority", attrs=NUMERIC)
    errors = tables.Column(accessor=tables.A("pandaid"), verbose_name="errors", attrs={"td": {"class": "errors"}})

    class Meta:
        orderable = False  # sorting is the database's, by sortby (see __init__)
        attrs = {"class": "joblist"}
        empty_text = "No jobs in this window and selection."

    def __init__(self, rows: list[dict], *, sort: Sort, sort_link: Callable[[str], str],
                 filter_link: Callable[[str, object], str]):
        super().__init__(rows)
        self.filter_link = filter_link
        for name, key in SORT_KEYS.items():
            column = self.columns[name].column
            current = sort.key == key
            descending = not (current and sort.descending)  # first click: newest/largest first
            target = f"{key}-{'descending' if descending else 'ascending'}"
            column.verbose_name = format_html('<a href="{}" title="sort by {}">{}</a>',
                                              sort_link(target), key, column.verbose_name)
            th = dict(column.attrs.get("th", {}))
            if current:
                th["class"] = f"{th.get('class', '')} {'desc' if sort.descending else 'asc'}".strip()
                th["aria-sort"] = "descending" if sort.descending else "ascending"
            column.attrs = {**column.attrs, "th": th}

    def render_pandaid(self, value, record):
        return format_html('<a href="/job/{}/" title="{}">{}</a>', value, record.get("jobname") or "", value)

    def render_jeditaskid(self, value):
        return format_html('<a href="/task/{}/">{}</a>', value, value)

    def render_produsername(self, value):
        return format_html('<a href="{}">{}</a>', self.filter_link("produsername", value), value)

    def render_computingsite(self, value):
        return format_html('<a href="{}">{}</a>', self.filter_link("computingsite", value), value)

    def render_jobstatus(self, value, record):
        sub = record.get("jobsubstatus")
        return format_html('<span class="state state-{}" title="{}">{}</span>', value, sub or "", value)

    def render_duration(self, record):
        return format_duration(duration(record))

    def render_errors(self, record):
        return error_spans(record)
