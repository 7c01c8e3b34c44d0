"""JobQuery: a request's filters and window turned into exact queries over every
job table it needs (see jobs.query.tables).

    q = JobQuery(params)
    q.counts_by("computingsite", "jobstatus")   # {(site, state): n}, summed over tables
    q.attribute_summary()                       # /jobs/ selectionsummary
    q.error_counts()                            # component:code counts with examples
    q.page(limit=100, after=token)              # keyset-paged, merged list
    q.iterate(columns)                          # all rows, streamed in keyset chunks

Every count is computed by the database over the whole window; Python only adds
up one small grouped result per table.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from jobs.models import ERROR_COMPONENTS, JOB_COLUMNS
from jobs.query import sorting
from jobs.query.filters import params_q
from jobs.query.tables import Source, dedup_q, select_sources, window_q
from pandamon import window as windows
from pandamon.params import Params, Sort
from pandamon.routers import PANDA_DB

# Columns of the /jobs/ attribute summary, in the order shown.
SUMMARY_COLUMNS = (
    "jobstatus", "computingsite", "cloud", "vo", "produsername", "prodsourcelabel", "processingtype",
    "transformation", "attemptnr", "jeditaskid", "workinggroup", "homepackage", "cmtconfig",
    "jobsubstatus", "resource_type", "gshare", "nucleus", "modificationhost",
)
# The summary is computed from a few GROUP BYs whose marginals give every column:
# one scan per group instead of one per column. Columns that PanDA fixes per task
# go with jeditaskid (a task has one owner, VO, label, transform, release...), so
# that group has about as many rows as there are tasks in the window; placement
# and state columns give sites x states rows; worker nodes stand alone.
SUMMARY_GROUPS = (
    ("jeditaskid", "produsername", "vo", "prodsourcelabel", "processingtype", "transformation", "workinggroup",
     "homepackage", "cmtconfig", "gshare"),
    ("jobstatus", "computingsite", "cloud", "attemptnr", "jobsubstatus", "resource_type", "nucleus"),
    ("modificationhost",),
)
# Columns shown in job lists (the full row is on the job page).
LIST_COLUMNS = (
    "pandaid", "jobname", "jobstatus", "jobsubstatus", "produsername", "vo", "cloud", "computingsite",
    "prodsourcelabel", "processingtype", "jeditaskid", "attemptnr", "creationtime", "starttime", "endtime",
    "modificationtime", "statechangetime", "currentpriority", "corecount", "modificationhost", "transexitcode",
    *(code for _, code, _ in ERROR_COMPONENTS),
    *(diag for _, _, diag in ERROR_COMPONENTS),
)
ERROR_CODE_COLUMNS = tuple(code for _, code, _ in ERROR_COMPONENTS)


@dataclass
class Page:
    rows: list[dict]
    truncated: bool
    next_after: str | None


class JobQuery:
    def __init__(self, params: Params, *, using: str = PANDA_DB, extra: Q | None = None):
        self.params = params
        self.window = params.window
        self.using = using
        self.now = windows.now()
        self.q = params_q(params) & (extra or Q())
        self.sources: list[Source] = select_sources(params.filters.get("jobstatus"), self.window, now=self.now)
        self._dedup: Q | None | bool = False  # False: not computed yet

    # --- per-table querysets ---------------------------------------------------

    def _archive_dedup(self) -> Q | None:
        if self._dedup is False:
            reads_fastbuffer = any(s.name == "jobsarchived4" for s in self.sources)
            self._dedup = dedup_q(self.using, self.window) if reads_fastbuffer else None
        return self._dedup

    def queryset(self, source: Source, extra: Q | None = None):
        qs = source.model.objects.using(self.using).all()
        if self.window is not None:
            qs = qs.filter(window_q(source, self.window))
        qs = qs.filter(self.q)
        if extra is not None:
            qs = qs.filter(extra)
        if source.archive and (dedup := self._archive_dedup()) is not None:
            qs = qs.filter(dedup)
        return qs.order_by()

    def querysets(self, extra: Q | None = None):
        return [(source, self.queryset(source, extra)) for source in self.sources]

    # --- aggregates --------------------------------------------------------------

    def count(self, extra: Q | None = None) -> int:
        return sum(qs.count() for _, qs in self.querysets(extra))

    def counts_by(self, *columns: str, extra: Q | None = None, **expressions) -> Counter:
        """Job counts grouped by columns (and named expressions), over every table.

        Keys are tuples in the order columns then expressions; a single grouping
        key is returned bare.
        """
        names = [*columns, *expressions]
        totals: Counter = Counter()
        for _, qs in self.querysets(extra):
            if expressions:
                qs = qs.annotate(**expressions)
            for row in qs.values(*names).annotate(_n=Count("*")).order_by():
                key = tuple(row[n] for n in names)
                totals[key[0] if len(key) == 1 else key] += row["_n"]
        return totals

    def attribute_summary(self, columns: Sequence[str] = SUMMARY_COLUMNS) -> list[dict]:
        """Counts per value of each key column (the /jobs/ selectionsummary).

        Exact: each column's counts are the marginals of a GROUP BY over its
        group (SUMMARY_GROUPS), summed over the tables read.
        """
        totals: dict[str, Counter] = {c: Counter() for c in columns}
        for group in SUMMARY_GROUPS:
            wanted = [c for c in group if c in totals]
            if not wanted:
                continue
            for key, n in self.counts_by(*group).items():
                values = key if len(group) > 1 else (key,)
                for column, value in zip(group, values, strict=True):
                    if column in totals:
                        totals[column][value] += n
        leftover = [c for c in columns if not any(c in g for g in SUMMARY_GROUPS)]
        for column in leftover:
            totals[column] = self.counts_by(column)
        summary = []
        for column in columns:
            values = sorted(totals[column].items(), key=lambda kv: (-kv[1], "" if kv[0] is None else str(kv[0])))
            summary.append({
                "field": column,
                "list": [{"kname": "Not specified" if k is None else str(k), "kvalue": n} for k, n in values],
            })
        return summary

    def error_counts(self, extra: Q | None = None) -> list[dict]:
        """component:code counts over the selection, most frequent first, each with
        an example pandaid and a diagnostic. One grouped query per table: the
        combinations of error codes are few."""
        diags = {diag: Max(diag) for _, _, diag in ERROR_COMPONENTS}
        groups: dict[tuple[str, int], dict] = {}
        nonzero = Q()
        for _, code, _ in ERROR_COMPONENTS:
            nonzero |= ~Q(**{code: 0})
        for _, qs in self.querysets(nonzero if extra is None else nonzero & extra):
            rows = qs.values(*ERROR_CODE_COLUMNS).annotate(_n=Count("*"), _example=Max("pandaid"), **diags)
            for row in rows.order_by():
                for component, code, diag in ERROR_COMPONENTS:
                    value = row[code]
                    if not value:
                        continue
                    if component == "taskbuffer" and row["superrorcode"]:
                        continue  # PanDA's own summary: the supervisor code explains these
                    entry = groups.setdefault((component, value), {
                        "component": component, "codeval": value, "count": 0, "example_pandaid": row["_example"],
                        "diag": row[diag] or "",
                    })
                    entry["count"] += row["_n"]
                    if row["_example"] > entry["example_pandaid"]:
                        entry["example_pandaid"] = row["_example"]
                        entry["diag"] = row[diag] or entry["diag"]
        return sorted(groups.values(), key=lambda e: (-e["count"], e["component"], e["codeval"]))

    # --- lists -------------------------------------------------------------------

    def page(self, *, limit: int, sort: Sort | None = None, after: tuple | None = None,
             columns: Sequence[str] = LIST_COLUMNS) -> Page:
        sort = sort or self.params.sort
        rows = self._merged(sort, after, limit + 1, columns)
        truncated = len(rows) > limit
        rows = rows[:limit]
        next_after = sorting.encode_after(*sorting.row_key(rows[-1])) if truncated and rows else None
        return Page(rows, truncated, next_after)

    def iterate(self, *, columns: Sequence[str] = LIST_COLUMNS, sort: Sort | None = None,
                chunk: int = 2000, after: tuple | None = None) -> Iterator[dict]:
        """Every row of the selection (past `after`), in order, fetched in keyset chunks."""
        sort = sort or self.params.sort
        while True:
            rows = self._merged(sort, after, chunk, columns)
            yield from rows
            if len(rows) < chunk:
                return
            after = sorting.row_key(rows[-1])

    def _merged(self, sort: Sort, after: tuple | None, n: int, columns: Sequence[str]) -> list[dict]:
        columns = [c for c in columns if c in JOB_COLUMNS]
        if "pandaid" not in columns:
            columns.insert(0, "pandaid")
        per_table = []
        for source, qs in self.querysets():
            qs = qs.annotate(_sortkey=sorting.sort_expression(sort.key)).filter(sorting.after_q(sort, after))
            rows = list(qs.order_by(*sorting.order_by(sort)).values(*columns, "_sortkey")[:n])
            for row in rows:
                row["table"] = source.name
            per_table.append(rows)
        merged = heapq.merge(*per_table, key=sorting.row_key, reverse=sort.descending)
        out, seen = [], set()
        for row in merged:
            if row["pandaid"] in seen:
                continue
            seen.add(row["pandaid"])
            out.append(row)
            if len(out) == n:
                break
        return out
