"""Where jobs' log files are read from: a local folder or an HTTP server.

Both are laid out as `<root>/<pandaid>/<name>`: PANDAMON_LOG_ROOT (a folder;
the demo writes one) or PANDAMON_LOG_URL (a base URL, used instead when set).

A request can name only files inside its job's folder. Names are checked
before anything is opened: every path segment must match a strict pattern (no
`..`, no leading dot, no `%` left after URL decoding, no backslash, NUL or
absolute path), and a local file's real path, symlinks resolved, must still be
inside the job's folder. Files are read in bounded pieces (a tail, a range, a
streamed download or a line scan), never whole.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urljoin

import requests
from django.conf import settings

from pandamon.errors import BadRequest, NotFound

CHUNK = 64 * 1024
TAIL_MAX_BYTES = 1024 * 1024  # a tail never reads more than this from the end
RANGE_MAX_BYTES = 4 * 1024 * 1024  # the viewer's largest range
LINE_MAX = 16 * 1024  # longer lines are cut when scanning (a file of NULs is one "line")
HTTP_TIMEOUT = 10
MAX_NAME = 1024
MAX_DEPTH = 8

_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+=@,-]{0,254}")


def validate_name(name: str) -> str:
    """The log name if it is safe, else BadRequest. Subfolders are allowed
    (a log tarball unpacked in place), each segment checked on its own."""
    if not name or len(name) > MAX_NAME:
        raise BadRequest("log name must be 1 to 1024 characters")
    segments = name.split("/")
    if len(segments) > MAX_DEPTH or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise BadRequest("log name may contain letters, digits and . _ + = @ , - in '/'-separated parts, "
                         "none starting with a dot; it names a file inside the job's log folder")
    return name


@dataclass(frozen=True)
class LogFile:
    name: str
    size: int | None


class LocalLogStore:
    """Log files under a local folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _folder(self, pandaid: int) -> Path:
        return self.root.resolve() / str(int(pandaid))

    def path(self, pandaid: int, name: str) -> Path:
        """The file's real path, proven to be inside the job's folder."""
        validate_name(name)
        folder = self._folder(pandaid)
        candidate = folder / name
        try:
            real = candidate.resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError, RuntimeError, OSError):
            raise NotFound(f"job {pandaid} has no log file '{name}'") from None
        # The job folder itself is not resolved: a job folder that is a symlink
        # out of the log root is refused too.
        if not real.is_relative_to(folder) or real == folder or not real.is_file():
            raise NotFound(f"job {pandaid} has no log file '{name}'")
        return real

    def list(self, pandaid: int) -> list[LogFile]:
        folder = self._folder(pandaid)
        if not folder.is_dir() or folder.is_symlink():
            return []
        files = []
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if _SEGMENT.fullmatch(d))
            for filename in sorted(filenames):
                rel = Path(dirpath, filename).relative_to(folder).as_posix()
                try:
                    real = self.path(pandaid, rel)
                except (BadRequest, NotFound):
                    continue  # odd names and symlinks out of the folder are not offered
                files.append(LogFile(rel, real.stat().st_size))
        return files

    def size(self, pandaid: int, name: str) -> int:
        return self.path(pandaid, name).stat().st_size

    def open(self, pandaid: int, name: str) -> BinaryIO:
        return open(self.path(pandaid, name), "rb")  # noqa: SIM115  (the caller closes it)

    def read(self, pandaid: int, name: str, offset: int, length: int) -> bytes:
        with self.open(pandaid, name) as f:
            f.seek(offset)
            return f.read(length)

    def stream(self, pandaid: int, name: str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        with self.open(pandaid, name) as f:
            f.seek(offset)
            yield from _limited(iter(lambda: f.read(CHUNK), b""), length)


class HttpLogStore:
    """Log files under a base URL (e.g. a pilot log server), read with HTTP
    ranges. Redirects are not followed: they could lead outside the job's folder."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base = base_url.rstrip("/") + "/"
        self.http = session or requests.Session()

    def _url(self, pandaid: int, name: str = "") -> str:
        quoted = "/".join(quote(s, safe="") for s in validate_name(name).split("/")) if name else ""
        return urljoin(self.base, f"{int(pandaid)}/{quoted}")

    def _get(self, url: str, **headers) -> requests.Response:
        try:
            response = self.http.get(url, headers=headers, stream=True, timeout=HTTP_TIMEOUT,
                                     allow_redirects=False)
        except requests.RequestException as exc:
            raise NotFound(f"log server unreachable: {exc.__class__.__name__}") from None
        if response.status_code not in (200, 206):
            response.close()
            raise NotFound(f"log file not found on the log server (HTTP {response.status_code})")
        return response

    def list(self, pandaid: int) -> list[LogFile]:
        """The folder's index: nginx's JSON autoindex, or the links of an HTML one."""
        try:
            response = self._get(self._url(pandaid), Accept="application/json, text/html")
        except NotFound:
            return []
        with response:
            body = b"".join(_limited(response.iter_content(CHUNK), RANGE_MAX_BYTES)).decode("utf-8", "replace")
            if "json" in response.headers.get("Content-Type", ""):
                try:
                    entries = json.loads(body)
                except ValueError:
                    return []
                found = [(e.get("name", ""), e.get("size")) for e in entries if e.get("type", "file") == "file"]
            else:
                found = [(href, None) for href in re.findall(r'href="([^"?#/]+)"', body)]
        return [LogFile(n, s) for n, s in found if _SEGMENT.fullmatch(n)]

    def size(self, pandaid: int, name: str) -> int:
        try:
            response = self.http.head(self._url(pandaid, name), timeout=HTTP_TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            raise NotFound(f"log server unreachable: {exc.__class__.__name__}") from None
        if response.status_code != 200:
            raise NotFound(f"log file not found on the log server (HTTP {response.status_code})")
        return int(response.headers.get("Content-Length", 0))

    def stream(self, pandaid: int, name: str, offset: int = 0, length: int | None = None) -> Iterator[bytes]:
        end = "" if length is None else str(offset + length - 1)
        headers = {"Range": f"bytes={offset}-{end}"} if offset or length is not None else {}
        response = self._get(self._url(pandaid, name), **headers)
        with response:
            chunks = response.iter_content(CHUNK)
            if response.status_code == 200 and offset:
                chunks = _skip(chunks, offset)  # the server ignored Range: skip, still streaming
            yield from _limited(chunks, length)

    def read(self, pandaid: int, name: str, offset: int, length: int) -> bytes:
        return b"".join(self.stream(pandaid, name, offset, length))


def _limited(chunks: Iterator[bytes], length: int | None) -> Iterator[bytes]:
    if length is None:
        yield from chunks
        return
    left = length
    for chunk in chunks:
        if left <= 0:
            return
        yield chunk[:left]
        left -= len(chunk)


def _skip(chunks: Iterator[bytes], n: int) -> Iterator[bytes]:
    for chunk in chunks:
        if n >= len(chunk):
            n -= len(chunk)
            continue
        yield chunk[n:]
        n = 0


def log_store() -> LocalLogStore | HttpLogStore:
    """The configured store: PANDAMON_LOG_URL if set, else PANDAMON_LOG_ROOT."""
    if settings.PANDAMON_LOG_URL:
        return HttpLogStore(settings.PANDAMON_LOG_URL)
    return LocalLogStore(settings.PANDAMON_LOG_ROOT)


# --- reading pieces of a log ---------------------------------------------------


@dataclass
class Piece:
    """Part of a log file as text: bytes [offset, offset+length) of `size`."""

    text: str
    offset: int
    length: int
    size: int
    first_line_partial: bool  # the piece starts mid-line (a tail or range)


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def tail(store, pandaid: int, name: str, lines: int) -> Piece:
    """The last `lines` lines, reading at most TAIL_MAX_BYTES from the end."""
    size = store.size(pandaid, name)
    offset = max(0, size - TAIL_MAX_BYTES)
    data = store.read(pandaid, name, offset, size - offset)
    parts = data.split(b"\n")
    trailing = parts and parts[-1] == b""
    keep = parts[:-1] if trailing else parts
    partial = offset > 0
    if len(keep) > lines:
        keep, partial = keep[-lines:], False
    data = b"\n".join(keep) + (b"\n" if trailing else b"")
    return Piece(decode(data), size - len(data), len(data), size, partial)


def byte_range(store, pandaid: int, name: str, offset: int, length: int) -> Piece:
    size = store.size(pandaid, name)
    if offset > size:
        raise BadRequest(f"offset {offset} is past the end of the file ({size} bytes)")
    length = min(length, RANGE_MAX_BYTES, size - offset)
    data = store.read(pandaid, name, offset, length)
    return Piece(decode(data), offset, len(data), size, offset > 0)


@dataclass
class Search:
    matches: list[tuple[int, str]]  # (line number counted from `offset`, line)
    scanned_to: int  # byte offset where the scan stopped
    complete: bool  # the whole rest of the file was scanned


SEARCH_SCAN_BYTES = 256 * 1024 * 1024
SEARCH_MAX_MATCHES = 1000


def search(store, pandaid: int, name: str, needle: str, *, offset: int = 0,
           max_bytes: int = SEARCH_SCAN_BYTES, max_matches: int = SEARCH_MAX_MATCHES) -> Search:
    """Lines containing `needle` (case-insensitive), scanning the file as a
    stream from `offset`; stops after max_matches or max_bytes."""
    target = needle.lower().encode("utf-8")
    matches: list[tuple[int, str]] = []
    position = offset
    for number, line, end in _lines(store.stream(pandaid, name, offset, max_bytes)):
        position = offset + end
        if target in line.lower():
            matches.append((number, decode(line)))
            if len(matches) >= max_matches:
                return Search(matches, position, False)
    size = store.size(pandaid, name)
    return Search(matches, position, position >= size)


def _lines(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line cut to LINE_MAX, byte offset after it) over a byte stream."""
    number, consumed = 1, 0
    pending = b""
    for chunk in chunks:
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                if len(pending) < LINE_MAX:
                    pending += chunk[start:start + LINE_MAX - len(pending)]
                consumed += len(chunk) - start
                break
            piece = chunk[start:newline]
            line = pending + piece[: max(0, LINE_MAX - len(pending))]
            consumed += newline + 1 - start
            yield number, line, consumed
            number += 1
            pending = b""
            start = newline + 1
    if pending:
        yield number, pending, consumed
