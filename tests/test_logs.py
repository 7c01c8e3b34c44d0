"""Log store and viewer: names that leave the job's folder are refused, a 1 GB
log is served as a tail, ranges and a download with flat memory, HTML in a log
is shown escaped; the file browser lists a job's logs."""

from __future__ import annotations

import os
import tracemalloc

import pytest
import requests

from jobs import logstore
from jobs.models import Jobsarchived4
from pandamon.errors import BadRequest

# Responses close through Django's request_finished signal, which checks the connections.
pytestmark = pytest.mark.django_db(databases=["default", "panda"])
PANDAID = 4242
GB = 1024**3
MIDDLE = 512 * 1024 * 1024


@pytest.fixture
def logs_dir(tmp_path, settings):
    root = tmp_path / "logs"
    folder = root / str(PANDAID)
    folder.mkdir(parents=True)
    (folder / "pilotlog.txt").write_text("".join(f"line {i} of the pilot log\n" for i in range(1, 101)))
    (folder / "payload.stdout").write_text("ok\n<script>alert('x')</script>\n<b>bold</b> & more\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "athena.log").write_text("nested\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n")
    (root / "7777").mkdir()
    (root / "7777" / "other.txt").write_text("TOP-SECRET of another job\n")
    (folder / "escape").symlink_to(secret)
    (folder / "escape_rel").symlink_to("../7777/other.txt")
    (folder / "escape_dir").symlink_to(tmp_path)
    (root / "5555").symlink_to(tmp_path)  # a job folder that is itself a link out of the root
    settings.PANDAMON_LOG_ROOT = root
    settings.PANDAMON_LOG_URL = ""
    return root


@pytest.fixture
def big_log(logs_dir, client):
    """A 1 GB sparse file with text at the start, in the middle and at the end."""
    path = logs_dir / str(PANDAID) / "big.log"
    with open(path, "wb") as f:
        f.write(b"first line\n")
        f.truncate(GB)
        f.seek(MIDDLE)
        f.write(b"MIDDLE-MARKER\n")
        tail = b"".join(b"tail line %d\n" % i for i in range(1, 2001))
        f.seek(GB - len(tail))
        f.write(tail)
    assert os.path.getsize(path) == GB
    # Warm up (templates compiled, modules imported) so memory peaks measure the file handling only.
    client.get(f"/job/{PANDAID}/log/pilotlog.txt")
    client.get(f"/job/{PANDAID}/log/pilotlog.txt?raw")
    return path


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


TRAVERSALS = [
    "../7777/other.txt",
    "..%2f7777%2fother.txt",
    "%2e%2e/%2e%2e/secret.txt",
    "%2e%2e%2f%2e%2e%2fsecret.txt",
    "%252e%252e%252f7777%252fother.txt",  # double-encoded
    "..%5c7777%5cother.txt",  # backslashes
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "sub/../../7777/other.txt",
    "pilotlog.txt%00.png",
    ".hidden",
    "escape",  # symlinks out of the folder
    "escape_rel",
    "escape_dir/secret.txt",
]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_names_outside_the_job_folder_are_refused(client, logs_dir, name):
    for suffix in ("", "?raw", "?download", "?tail=5", "?offset=0&length=10", "?q=SECRET"):
        response = client.get(f"/job/{PANDAID}/log/{name}{suffix}")
        assert response.status_code in (400, 404), (name, suffix, response.status_code)
        assert b"TOP-SECRET" not in body(response)


def test_a_job_folder_that_links_out_of_the_root_is_refused(client, logs_dir):
    assert client.get("/job/5555/log/secret.txt?raw").status_code == 404
    assert logstore.LocalLogStore(logs_dir).list(5555) == []


def test_validate_name_accepts_plain_and_nested_names():
    assert logstore.validate_name("pilotlog.txt") == "pilotlog.txt"
    assert logstore.validate_name("tarball_PandaJob_1/log.job-2.gz") == "tarball_PandaJob_1/log.job-2.gz"
    for bad in ("", "..", "a/../b", "a//b", "/a", "a\\b", "a\x00b", "%2e%2e", ".x", "a/.x", "a b", "x" * 2000):
        with pytest.raises(BadRequest):
            logstore.validate_name(bad)


def test_small_file_is_shown_whole_and_escaped(client, logs_dir):
    response = client.get(f"/job/{PANDAID}/log/payload.stdout")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "<script>alert(" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html


def test_plain_text_and_download(client, logs_dir):
    raw = client.get(f"/job/{PANDAID}/log/payload.stdout?raw")
    assert raw["Content-Type"].startswith("text/plain")
    text = (logs_dir / str(PANDAID) / "payload.stdout").read_bytes()
    assert body(raw) == text
    assert body(client.get(f"/job/{PANDAID}/log/payload.stdout", HTTP_ACCEPT="text/plain")) == text
    download = client.get(f"/job/{PANDAID}/log/sub/athena.log?download=1")
    assert download["Content-Disposition"].startswith('attachment; filename="athena.log"')
    assert body(download) == b"nested\n"
    assert client.get(f"/job/{PANDAID}/log/pilotlog.txt?download=no").status_code == 400


def test_tail_and_ranges_of_a_small_file(client, logs_dir):
    tail = body(client.get(f"/job/{PANDAID}/log/pilotlog.txt?tail=3&raw")).decode()
    assert tail == "line 98 of the pilot log\nline 99 of the pilot log\nline 100 of the pilot log\n"
    ranged = body(client.get(f"/job/{PANDAID}/log/pilotlog.txt?offset=5&length=14&raw"))
    assert ranged == b"1 of the pilot"
    html = client.get(f"/job/{PANDAID}/log/pilotlog.txt?offset=5&length=14").content.decode()
    assert "1 of the pilot" in html and "later" in html and "earlier" in html
    for bad in ("tail=0", "tail=x", "offset=-1", "length=0", "tail=3&offset=1", "bogus=1"):
        assert client.get(f"/job/{PANDAID}/log/pilotlog.txt?{bad}").status_code == 400, bad
    assert client.get(f"/job/{PANDAID}/log/pilotlog.txt?offset=999999").status_code == 400
    assert client.get(f"/job/{PANDAID}/log/missing.txt").status_code == 404


def test_search_filters_lines_server_side_and_escapes_them(client, logs_dir):
    html = client.get(f"/job/{PANDAID}/log/pilotlog.txt?q=line 10").content.decode()
    assert html.count("<mark>") == 2  # "line 10 …" and "line 100 …"
    assert "line 11 of" not in html
    html = client.get(f"/job/{PANDAID}/log/payload.stdout?q=script").content.decode()
    assert "<script>" not in html and "&lt;<mark>script</mark>&gt;" in html
    text = body(client.get(f"/job/{PANDAID}/log/pilotlog.txt?q=LINE 99&raw")).decode()
    assert text == "99:line 99 of the pilot log\n"


def _peak(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


FLAT = 8 * 1024 * 1024  # a few MB whatever the size of the file


def test_a_1gb_log_is_served_as_a_tail_with_flat_memory(client, big_log):
    url = f"/job/{PANDAID}/log/big.log"
    out = {}
    assert _peak(lambda: out.update(html=client.get(url).content.decode())) < FLAT
    assert "tail line 2000" in out["html"] and "The end of the file" in out["html"]
    assert _peak(lambda: out.update(text=body(client.get(url + "?tail=5&raw")))) < FLAT
    assert out["text"] == b"".join(b"tail line %d\n" % i for i in range(1996, 2001))


def test_a_1gb_log_is_served_as_ranges_with_flat_memory(client, big_log):
    url = f"/job/{PANDAID}/log/big.log"
    out = {}
    assert _peak(lambda: out.update(mid=body(client.get(f"{url}?offset={MIDDLE}&length=13&raw")))) < FLAT
    assert out["mid"] == b"MIDDLE-MARKER"
    assert body(client.get(f"{url}?offset=0&length=10&raw")) == b"first line"
    # The viewer caps a range at 4 MiB.
    assert _peak(lambda: out.update(html=client.get(f"{url}?offset={MIDDLE}&length={GB}").content)) < 4 * FLAT
    assert b"MIDDLE-MARKER" in out["html"]


def test_a_1gb_log_downloads_as_a_stream(client, big_log):
    def run():
        response = client.get(f"/job/{PANDAID}/log/big.log?download")
        assert response.streaming
        out["size"] = sum(len(chunk) for chunk in response.streaming_content)
        response.close()

    out = {}
    assert _peak(run) < FLAT
    assert out["size"] == GB


def test_store_tail_reads_only_the_end(big_log, logs_dir):
    store = logstore.LocalLogStore(logs_dir)
    piece = logstore.tail(store, PANDAID, "big.log", 2)
    assert piece.text == "tail line 1999\ntail line 2000\n"
    assert piece.offset + piece.length == GB


def test_file_browser_lists_log_files(logs_dir):
    files = {f.name: f.size for f in logstore.LocalLogStore(logs_dir).list(PANDAID)}
    # Symlinks out of the folder are not offered; nested files are.
    assert files == {"payload.stdout": (logs_dir / str(PANDAID) / "payload.stdout").stat().st_size,
                     "pilotlog.txt": (logs_dir / str(PANDAID) / "pilotlog.txt").stat().st_size,
                     "sub/athena.log": 7}


def test_file_browser_page_of_a_generated_job(client, settings):
    root = settings.PANDAMON_LOG_ROOT
    with_logs = sorted(int(p.name) for p in root.iterdir() if p.name.isdigit())
    pandaid = next(p for p in with_logs if Jobsarchived4.objects.using("panda").filter(pandaid=p).exists())
    response = client.get(f"/filebrowser/?pandaid={pandaid}", HTTP_ACCEPT="application/json")
    data = response.json()
    assert response.status_code == 200 and data["error"] is None
    names = {f["name"] for f in data["files"]}
    assert names == {p.name for p in (root / str(pandaid)).iterdir()}
    for f in data["files"]:
        assert f["url"] == f"/job/{pandaid}/log/{f['name']}" and f["size"] > 0
        assert client.get(f["url"] + "?raw").status_code == 200
    assert isinstance(data["pandalog"], list)
    assert client.get("/filebrowser/?pandaid=123").status_code == 404
    assert client.get("/filebrowser/").status_code == 400
    assert client.get("/filebrowser/?pandaid=abc").status_code == 400


# --- HTTP log store ------------------------------------------------------------------


class FakeResponse:
    def __init__(self, status, data=b"", headers=None):
        self.status_code, self.data, self.headers = status, data, headers or {}

    def iter_content(self, size):
        for i in range(0, len(self.data), size):
            yield self.data[i:i + size]

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeSession:
    """A log server holding one file, honouring Range like nginx does."""

    def __init__(self, files):
        self.files, self.calls = files, []

    def _file(self, url):
        return self.files.get(url.removeprefix("http://logs.example/"))

    def head(self, url, **kwargs):
        self.calls.append(("HEAD", url, kwargs))
        data = self._file(url)
        return FakeResponse(404) if data is None else FakeResponse(200, headers={"Content-Length": str(len(data))})

    def get(self, url, headers=None, **kwargs):
        self.calls.append(("GET", url, {"headers": headers, **kwargs}))
        assert kwargs.get("allow_redirects") is False and kwargs.get("stream") is True
        if url.endswith("/"):
            index = b'<a href="../">../</a><a href="pilotlog.txt">pilotlog.txt</a><a href="x?C=M">sort</a>'
            return FakeResponse(200, index, {"Content-Type": "text/html"})
        data = self._file(url)
        if data is None:
            return FakeResponse(404)
        if headers and "Range" in headers:
            start, _, end = headers["Range"].removeprefix("bytes=").partition("-")
            return FakeResponse(206, data[int(start): int(end) + 1 if end else None])
        return FakeResponse(200, data)


def test_http_store_reads_ranges_tails_and_index(settings):
    session = FakeSession({"4242/pilotlog.txt": b"".join(b"l%d\n" % i for i in range(100))})
    store = logstore.HttpLogStore("http://logs.example", session=session)
    assert store.size(PANDAID, "pilotlog.txt") == len(session.files["4242/pilotlog.txt"])
    assert store.read(PANDAID, "pilotlog.txt", 3, 3) == b"l1\n"
    assert logstore.tail(store, PANDAID, "pilotlog.txt", 2).text == "l98\nl99\n"
    assert [f.name for f in store.list(PANDAID)] == ["pilotlog.txt"]
    with pytest.raises(BadRequest):
        store.read(PANDAID, "../secret", 0, 10)
    assert all(c[1].startswith("http://logs.example/4242/") for c in session.calls)


def test_http_store_unreachable_is_404(client, settings, monkeypatch):
    settings.PANDAMON_LOG_URL = "http://127.0.0.1:9/"  # discard port: nothing listens

    def refuse(*args, **kwargs):
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests.Session, "head", refuse)
    monkeypatch.setattr(requests.Session, "get", refuse)
    response = client.get(f"/job/{PANDAID}/log/pilotlog.txt?raw", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and "unreachable" in response.json()["error"]
