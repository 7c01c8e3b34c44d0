"""BigPanDA's URL forms of our pages, answered in place (issue 10).

Scripts written for BigPanDA name the object in the query string
(`/task/?jeditaskid=N`, `/user/?user=X`, `/site/?site=X`), put a filter in the
path (`/jobs/<field>/<value>/`) or leave the trailing slash off. Each form is
served by the page itself, never by a redirect: plain `curl` and many HTTP
clients do not follow one. The views here only move the name from where
BigPanDA puts it to where our page takes it, then call that page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve

from pandamon.errors import BadRequest, NotFound


def _moved(request: HttpRequest, drop=(), add: dict | None = None) -> HttpRequest:
    """The request with `drop` taken out of its query string and `add` put in."""
    query: QueryDict = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    for name, value in (add or {}).items():
        if name in query:
            raise BadRequest(f"{name} is given twice: in the path and in the query")
        query[name] = value
    request.GET = query
    return request


def _one(request: HttpRequest, names: tuple[str, ...]) -> tuple[str, str] | None:
    """(name, value) of the one of `names` the query gives; 400 if several."""
    given = [n for n in names if n in request.GET]
    if len(given) > 1:
        raise BadRequest(f"give one of {' or '.join(given)}, not both")
    if not given:
        return None
    value = request.GET[given[0]].strip()
    if not value:
        raise BadRequest(f"{given[0]} is empty")
    return given[0], value


def task(request: HttpRequest):
    """/task/?jeditaskid=N and /task/?taskname=NAME (a name with * lists the
    matching tasks, as BigPanDA does)."""
    from tasks import views

    found = _one(request, ("jeditaskid", "taskname"))
    if found is None:
        raise BadRequest("give a task: /task/<jeditaskid>/, /task/?jeditaskid=N or /task/?taskname=NAME")
    name, value = found
    if name == "jeditaskid":
        return views.task_page(_moved(request, drop=("jeditaskid",)), taskid=value)
    if "*" in value:
        return views.task_list(request)
    return views.task_page(_moved(request, drop=("taskname",)), taskid=str(_taskid_of(value)))


def _taskid_of(taskname: str) -> int:
    """The newest task of that exact name in jedi_tasks (404 if none)."""
    from pandamon.routers import PANDA_DB
    from tasks.models import JediTask
    from tasks.queries import has_jedi_tasks

    if not has_jedi_tasks():
        raise NotFound("taskname needs jedi_tasks, which this database does not have; use jeditaskid")
    ids = (JediTask.objects.using(PANDA_DB).filter(taskname=taskname)
           .order_by("-jeditaskid").values_list("jeditaskid", flat=True)[:1])
    if not ids:
        raise NotFound(f"no task named '{taskname}' in jedi_tasks")
    return ids[0]


def user(request: HttpRequest):
    """/user/?user=NAME (also produsername=, as BigPanDA reads either)."""
    from users import views

    found = _one(request, ("user", "produsername"))
    if found is None:
        raise BadRequest("give a user: /user/<name>/ or /user/?user=NAME")
    name, value = found
    return views.user(_moved(request, drop=(name,)), name=value)


def site(request: HttpRequest):
    """/site/?site=NAME (a queue, as on /site/<name>/)."""
    from sites import views

    found = _one(request, ("site",))
    if found is None:
        raise BadRequest("give a site: /site/<name>/ or /site/?site=NAME")
    return views.site(_moved(request, drop=("site",)), name=found[1])


def jobs_filtered(request: HttpRequest, field: str, value: str):
    """/jobs/<field>/<value>/: BigPanDA's path form of /jobs/?<field>=<value>.
    The name goes through the one parameter parser, so an unknown field is a 400."""
    from jobs.views import joblist

    return joblist.jobs(_moved(request, add={field: value}))


def without_slash(request: HttpRequest, path: str):
    """Any page without its trailing slash: the page at `path/`, served in place.
    Routed last, so it sees only paths nothing else matched."""
    try:
        match = resolve(f"/{path}/")
    except Resolver404:
        raise Http404 from None  # the frame's "page not found", as for any unknown path
    if match.func is without_slash:
        raise Http404
    request.resolver_match = match  # json_only views answer JSON by their own route
    return match.func(request, *match.args, **match.kwargs)
