"""The search box: /search/?q= sends a pandaid, task id, queue, jobname or user
to its page.

What the text can be is tried from the cheapest, most specific lookup on:
digits are a pandaid (every job table, by primary key) or else a jeditaskid
(jedi_tasks); other text is a queue (schedconfig_json or schedconfig, small), a jobname (indexed in
every job table) or a user (jedi_tasks, then the fast buffer; case-insensitive).
At most a dozen indexed queries, whatever the data. HTML redirects to the match;
then a task name, dataset name or file name (exact, indexed in jedi_tasks, jedi_datasets,
jedi_dataset_contents and the file tables). JSON answers {q, kind, url}, kind and url null when nothing matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Upper
from django.http import HttpRequest, HttpResponseRedirect

from jobs.query import JobQuery
from pandamon import introspection
from pandamon import window as windows
from pandamon.errors import BadRequest
from pandamon.pages import page
from pandamon.params import Params
from pandamon.responses import wants_json
from pandamon.routers import PANDA_DB
from sites import sources
from tasks.models import JediTask
from users.activity import user_path

MAX_QUERY_LENGTH = 256  # the longest column searched (jobname)
MAX_ID_DIGITS = 18  # fits a signed 64-bit integer


def _text(name: str, value: str) -> str:
    if len(value) > MAX_QUERY_LENGTH:
        raise BadRequest(f"{name}: at most {MAX_QUERY_LENGTH} characters")
    return value


@page("search.html", extra={"q": _text}, window_required=False)
def search(request: HttpRequest, params: Params):
    if "q" not in params.extra:
        raise BadRequest("q is required: a pandaid, task id, jobname, user or queue")
    text = params.extra["q"]
    kind, url = resolve(text, params)
    if url is not None and not wants_json(request):
        return HttpResponseRedirect(url)
    return {"q": text, "kind": kind, "url": url}


def resolve(text: str, params: Params) -> tuple[str | None, str | None]:
    """(kind, url) of what `text` names, or (None, None)."""
    every_table = replace(params, filters={}, jobtype=None, window=None)
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        number = int(text)
        if _any_job(JobQuery(every_table), Q(pandaid=number)):
            return "job", f"/job/{number}/"
        if JediTask.objects.using(PANDA_DB).filter(jeditaskid=number).exists():
            return "task", f"/task/{number}/"
        return None, None
    queue = _queue(text)
    if queue is not None:
        return "site", f"/site/{quote(queue, safe='')}/"
    if _any_job(JobQuery(every_table), Q(jobname=text)):
        return "jobname", "/job/?" + urlencode({"jobname": text})
    user = _user(text, params)
    if user is not None:
        return "user", user_path(user)
    return _jedi_name(text)


def _jedi_name(text: str) -> tuple[str | None, str | None]:
    """A task name, a dataset name or a file name (each an indexed exact match in JEDI's tables)."""
    from jobs.models import Filestable4, FilestableArch
    from tasks.models import JediDataset, JediDatasetContent

    task = (JediTask.objects.using(PANDA_DB).filter(taskname=text).order_by("-jeditaskid")
            .values_list("jeditaskid", flat=True).first())
    if task is not None:
        return "task", f"/task/{task}/"
    if introspection.has_table(JediDataset, PANDA_DB) and \
            JediDataset.objects.using(PANDA_DB).filter(datasetname=text).exists():
        return "dataset", "/datasets/?" + urlencode({"datasetname": text})
    for model in (JediDatasetContent, Filestable4, FilestableArch):
        if introspection.has_table(model, PANDA_DB) and model.objects.using(PANDA_DB).filter(lfn=text).exists():
            return "file", "/files/?" + urlencode({"lfn": text})
    return None, None


def _any_job(query: JobQuery, where: Q) -> bool:
    return any(qs.exists() for _, qs in query.querysets(where))


def _queue(text: str) -> str | None:
    """The nickname of a queue named `text` (its name, nickname or siteid, any case),
    from whichever queue source the database has."""
    source = sources.current()
    names = source.name_fields()
    found = list(source.called(text, any_case=True).order_by("q_nickname").values_list("q_nickname", *names))
    exact = [row[0] for row in found if text in row[1:]]
    return (exact or [row[0] for row in found] or [None])[0]


def _user(text: str, params: Params) -> str | None:
    """The produsername spelt as PanDA stores it. jedi_tasks first (one table,
    every JEDI user); then jobs of the fast buffer, for users without tasks.
    UPPER() on both sides rather than iexact: PanDA's tables may use a binary
    collation, and Oracle's index on produsername is on UPPER(produsername).
    The exact spelling is tried too: SQLite's UPPER() folds ASCII letters only."""
    tasks = (
        JediTask.objects.using(PANDA_DB).annotate(_name=Upper("username"))
        .filter(Q(username=text) | Q(_name=text.upper()))
    )
    for username in tasks.values_list("username", flat=True)[:1]:
        return username
    end = windows.now()
    recent = replace(params, filters={}, jobtype=None,
                     window=windows.Window(end - dt.timedelta(days=settings.PANDA_FASTBUFFER_DAYS), end))
    for _, qs in JobQuery(recent).querysets():
        matching = qs.annotate(_name=Upper("produsername")).filter(Q(produsername=text) | Q(_name=text.upper()))
        for name in matching.values_list("produsername", flat=True)[:1]:
            return name
    return None
