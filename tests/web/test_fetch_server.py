"""``fetch()`` against a real upstream on 127.0.0.1 (no respx): sockets, gzip, chunked
bodies, timeouts and a client that leaves, through the in-process client and gunicorn."""

from __future__ import annotations

import gzip
import http.client
import http.server
import socket
import subprocess
import sys
import textwrap
import threading
import time
import typing as t

import pytest

from routekit.app import App
from routekit.web import FetchError, fetch_sync
from routekit_pytest import Client

if t.TYPE_CHECKING:
    from pathlib import Path

PAYLOAD = b'{"hello": "world", "pad": "' + b"x" * 4000 + b'"}'


class _Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gone = threading.Event()

    def log_message(self, format: str, *args: t.Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/gz":
            body = gzip.compress(PAYLOAD)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-encoding", "gzip")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            time.sleep(1.0)
            self.send_response(204)
            self.end_headers()
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(2000):  # 20 s at most
                    self.wfile.write(b"5\r\ntick\n\r\n")
                    self.wfile.flush()
                    time.sleep(0.01)
            except OSError:
                type(self).gone.set()  # the fetch closed its connection
        else:
            self.send_response(302)
            self.send_header("location", "/gz")
            self.send_header("content-length", "0")
            self.end_headers()


@pytest.fixture(scope="module")
def upstream() -> t.Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_sync_from_a_real_server(upstream: str) -> None:
    response = fetch_sync(f"{upstream}/start")
    assert (response.status, response.redirected, response.url) == (200, True, f"{upstream}/gz")
    assert not response.headers.has("content-encoding")
    assert response.body_sync() == PAYLOAD


def test_fetch_timeout_against_a_real_server(upstream: str) -> None:
    with pytest.raises(FetchError, match=r"fetch failed: GET \S+/slow: timed out \(ReadTimeout"):
        fetch_sync(f"{upstream}/slow", timeout=0.2)


def test_proxy_route_through_the_in_process_client(tmp_path: Path, upstream: str) -> None:
    route = tmp_path / "app" / "api" / "gz" / "route.py"
    route.parent.mkdir(parents=True)
    route.write_text(
        "from routekit.web import fetch\n\n"
        f"async def GET(request):\n    return await fetch({upstream + '/gz'!r})\n",
        encoding="utf-8",
    )
    res = Client(App(tmp_path, mode="test")).get("/api/gz")
    assert (res.status_code, res.body) == (200, PAYLOAD)
    assert "content-encoding" not in res.headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "died")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("gunicorn did not start")


def test_proxy_under_gunicorn_streams_and_stops_when_the_client_leaves(
    tmp_path: Path, upstream: str
) -> None:
    proxy = tmp_path / "pages" / "api" / "proxy.py"
    proxy.parent.mkdir(parents=True)
    proxy.write_text(
        textwrap.dedent(
            f"""
            from routekit.web import fetch

            config = {{"runtime": "edge"}}

            async def handler(request):
                path = request.next_url.search_params.get("path")
                return await fetch({upstream!r} + path)
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "wsgi.py").write_text(
        f"from routekit import App\napp = App({str(tmp_path)!r}, mode='production')\n",
        encoding="utf-8",
    )
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "2"]
    process = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{port}", "--chdir", str(tmp_path), "wsgi:app"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/proxy?path=/gz", headers={"accept-encoding": "gzip"})
        res = conn.getresponse()
        assert (res.status, res.getheader("content-encoding"), res.read()) == (200, None, PAYLOAD)
        conn.close()

        _Upstream.gone.clear()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/proxy?path=/endless")
        res = conn.getresponse()
        assert res.status == 200
        assert res.read1(64).startswith(b"tick")  # streamed while the upstream goes on
        conn.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        conn.close()
        assert _Upstream.gone.wait(10), "the upstream kept streaming after the client left"
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
