"""A job's log files: /filebrowser/?pandaid=N lists them, /job/<pandaid>/log/<name> shows one.

The viewer (HTML) shows a small file whole, a big one as its tail, and any
byte range on request; `q=` lists the lines containing a text, scanning the
file as a stream. Plain text with `raw` (or Accept: text/plain, or a JSON
request: the contract's answer for this URL is the text itself); `download`
sends the file as an attachment. Parameters:

- `tail=N`: the last N lines (1–10000; read from at most the last 1 MiB);
- `offset=B&length=L`: L bytes from byte B (L ≤ 4 MiB in the viewer; a raw or
  download range streams any length);
- `q=TEXT`: matching lines (case-insensitive), scanning 256 MiB from `offset`;
- `raw`, `download`: flags, with or without a value.
No parameter: the whole file when it is at most 1 MiB, else its last 1000 lines.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from jobs import logstore
from jobs.query import lookup
from jobs.views.job import load_job, log_files, log_url, parse_pandaid
from pandamon import window as windows
from pandamon.errors import BadRequest
from pandamon.pages import link, page
from pandamon.params import Params, parse_int, parse_params
from pandamon.responses import error_response, wants_json

DEFAULT_TAIL_LINES = 1000
MAX_TAIL_LINES = 10_000
WHOLE_FILE_MAX = 1024 * 1024  # the viewer shows smaller files whole
DEFAULT_RANGE = 64 * 1024
FLAGS = ("raw", "download")
_TRUE = ("", "1", "true", "yes", "on")


def _tail(name: str, value: str) -> int:
    return parse_int(name, value, 1, MAX_TAIL_LINES)


def _offset(name: str, value: str) -> int:
    return parse_int(name, value, 0, 2**62)


def _length(name: str, value: str) -> int:
    return parse_int(name, value, 1, 2**62)


def _text(name: str, value: str) -> str:
    if len(value) > 200:
        raise BadRequest(f"{name} is at most 200 characters")
    return value


LOG_PARAMS = {"tail": _tail, "offset": _offset, "length": _length, "q": _text}


def _flags(request: HttpRequest) -> tuple[dict[str, bool], dict]:
    """The value-less flags (`?raw`, `?download`) and the rest of the query."""
    flags, rest = {}, request.GET.copy()
    for key in list(rest):
        if key.lower() in FLAGS:
            value = rest.pop(key)[-1].lower()
            if value not in _TRUE:
                raise BadRequest(f"{key.lower()} is a flag: give it without a value or as {key.lower()}=1")
            flags[key.lower()] = True
    return flags, rest


def wants_text(request: HttpRequest, flags: dict) -> bool:
    if flags.get("raw") or wants_json(request):
        return True
    accept = request.headers.get("Accept", "")
    return bool(accept) and request.get_preferred_type(["text/html", "text/plain"]) == "text/plain"


def log_view(request: HttpRequest, pandaid: str, name: str):
    if request.method not in ("GET", "HEAD"):
        return error_response(request, "only GET is supported here", status=405)
    pid = parse_pandaid("pandaid", pandaid)
    flags, query = _flags(request)
    params = parse_params(query, extra=LOG_PARAMS, window_required=False)
    if params.filters:
        raise BadRequest(f"unknown parameter(s) {', '.join(params.filters)}: accepted are tail, offset, length, q, "
                         "raw, download")
    opts = params.extra
    if "tail" in opts and ("offset" in opts or "length" in opts):
        raise BadRequest("give either tail=N or offset=&length=, not both")
    store = logstore.log_store()
    size = store.size(pid, name)  # validates the name and proves the file exists, before any streaming

    if flags.get("download"):
        response = download(store, pid, name, opts)
    elif wants_text(request, flags):
        response = plain_text(store, pid, name, opts, size)
    else:
        response = render(request, "jobs/log.html", viewer(store, pid, name, opts, size))
    patch_cache_control(response, max_age=60, public=True)
    return response


def _range(opts: dict) -> tuple[int, int | None] | None:
    if "offset" not in opts and "length" not in opts:
        return None
    return opts.get("offset", 0), opts.get("length")


def download(store, pandaid: int, name: str, opts: dict):
    filename = name.rsplit("/", 1)[-1]
    span = _range(opts)
    if span is None and isinstance(store, logstore.LocalLogStore):
        response = FileResponse(store.open(pandaid, name), as_attachment=True, filename=filename,
                                content_type="application/octet-stream")
        response.block_size = logstore.CHUNK  # Django's 4 KiB default means 250k iterations per GB
        return response
    offset, length = span or (0, None)
    response = StreamingHttpResponse(store.stream(pandaid, name, offset, length),
                                     content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plain_text(store, pandaid: int, name: str, opts: dict, size: int):
    if "q" in opts:
        found = logstore.search(store, pandaid, name, opts["q"], offset=opts.get("offset", 0))
        body = "".join(f"{n}:{line}\n" for n, line in found.matches)
        return HttpResponse(body, content_type="text/plain; charset=utf-8")
    if "tail" in opts:
        return HttpResponse(logstore.tail(store, pandaid, name, opts["tail"]).text,
                            content_type="text/plain; charset=utf-8")
    offset, length = _range(opts) or (0, None)
    return StreamingHttpResponse(store.stream(pandaid, name, offset, length),
                                 content_type="text/plain; charset=utf-8")


def viewer(store, pandaid: int, name: str, opts: dict, size: int) -> dict:
    """What the HTML viewer shows: the piece asked for, or the matches of `q`."""
    base = log_url(pandaid, name)
    context = {"pandaid": pandaid, "name": name, "size": size, "url": base, "q": opts.get("q", ""),
               "download": link(base, download=1), "raw": link(base, raw=1)}
    if "q" in opts:
        found = logstore.search(store, pandaid, name, opts["q"], offset=opts.get("offset", 0))
        context.update(mode="search", search=found,
                       lines=[(n, highlight(line, opts["q"])) for n, line in found.matches],
                       more=None if found.complete else link(base, q=opts["q"], offset=found.scanned_to))
        return context
    span = _range(opts)
    if span is not None:
        offset, length = span
        piece = logstore.byte_range(store, pandaid, name, offset, length or DEFAULT_RANGE)
        mode = "range"
    elif "tail" in opts or size > WHOLE_FILE_MAX:
        piece = logstore.tail(store, pandaid, name, opts.get("tail", DEFAULT_TAIL_LINES))
        mode = "tail"
    else:
        piece = logstore.byte_range(store, pandaid, name, 0, WHOLE_FILE_MAX)
        mode = "whole"
    step = max(piece.length, DEFAULT_RANGE)
    end = piece.offset + piece.length
    context.update(
        mode=mode, piece=piece, end=end,
        earlier=link(base, offset=max(0, piece.offset - step), length=min(step, piece.offset))
        if piece.offset > 0 else None,
        later=link(base, offset=end, length=step) if end < size else None,
        start=link(base, offset=0, length=DEFAULT_RANGE) if piece.offset > 0 else None,
        last=link(base, tail=DEFAULT_TAIL_LINES) if end < size else None,
    )
    return context


def highlight(line: str, needle: str) -> list[tuple[str, bool]]:
    """The line cut into (text, is_match) parts; the template escapes each part."""
    parts, lower, target = [], line.lower(), needle.lower()
    start = 0
    while target and (found := lower.find(target, start)) >= 0:
        parts += [(line[start:found], False), (line[found:found + len(target)], True)]
        start = found + len(target)
    parts.append((line[start:], False))
    return [p for p in parts if p[0]]


@page("jobs/filebrowser.html", extra={"pandaid": parse_pandaid}, window_required=False)
def filebrowser(request, params: Params) -> dict:
    if "pandaid" not in params.extra:
        raise BadRequest("give the job: /filebrowser/?pandaid=N")
    job, _ = load_job(params, None, windows.now())
    files = log_files(job["pandaid"])
    return {
        "pandaid": job["pandaid"],
        "files": files,
        "error": None if files else "no log files for this job in the log store",
        "pandalog": lookup.pandalog_extracts(job),
        "_job": job,
    }
