"""The ASGI door over real sockets: ``routekit start`` (uvicorn, one worker).

Concurrency is what the door is for: async handlers awaiting on the server's loop, streams
without a thread each. The bounds are generous (the machine is shared); the measured figures
are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import time
import typing as t
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the ASGI door is served by uvicorn (server extra)")

_PORT = re.compile(rb"http://127\.0\.0\.1:([1-9]\d*)")

TREE = {
    "app/api/sleep/route.py": """
        import asyncio

        async def GET(request):
            await asyncio.sleep(0.2)
            return Response("slept")
    """,
    "app/api/sse/route.py": """
        import asyncio
        from pathlib import Path

        def GET(request):
            marker = request.next_url.search_params.get("marker")

            async def events():
                try:
                    yield "data: hello\\n\\n"
                    while True:
                        await asyncio.sleep(0.2)
                        yield ": ping\\n\\n"
                finally:
                    if marker:
                        Path(marker).write_text("closed")

            return Response(events(), headers={"content-type": "text/event-stream"})
    """,
}


def _write_tree(root: Path) -> Path:
    for rel, source in TREE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("from routekit.web import Response\n" + textwrap.dedent(source))
    return root


class Server(t.NamedTuple):
    port: int
    pid: int


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Server]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 8192)
    if soft < want:  # a thousand streams need a descriptor each, here and in the server
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    root = _write_tree(tmp_path_factory.mktemp("asgi-site"))
    log = root.parent / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUTEKIT_")}
    command = [sys.executable, "-m", "routekit", "start", str(root), "--port", "0"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 30
        while not (found := _PORT.search(log.read_bytes())):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"routekit start did not start: {log.read_text()}")
            time.sleep(0.05)
        port = int(found.group(1))
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"routekit start does not accept: {log.read_text()}")
                time.sleep(0.05)
        yield Server(port, proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()


async def _get(port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_request(path))
    data = await reader.read()
    writer.close()
    return data


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")  # pragma: no cover


def test_two_hundred_async_requests_wait_together(server: Server) -> None:
    async def main() -> tuple[float, list[bytes]]:
        started = time.monotonic()
        replies = await asyncio.gather(*(_get(server.port, "/api/sleep") for _ in range(200)))
        return time.monotonic() - started, replies

    elapsed, replies = asyncio.run(main())
    print(f"\n200 concurrent requests to a handler awaiting 0.2 s: {elapsed:.2f} s")
    assert all(r.startswith(b"HTTP/1.1 200 ") and b"\r\nslept\r\n" in r for r in replies)
    # One after the other would be 40 s; a thread pool of 40, 1 s.
    assert elapsed < 4.0


def test_a_thousand_streams_on_one_worker(server: Server) -> None:
    count = 1000
    before = _rss_mib(server.pid)

    async def main() -> float:
        async def open_stream() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(_request("/api/sse"))
            head = await asyncio.wait_for(reader.readuntil(b"data: hello\n\n"), 60)
            assert head.startswith(b"HTTP/1.1 200 ")
            return reader, writer

        streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        for start in range(0, count, 100):  # within the server's listen backlog
            streams += await asyncio.gather(*(open_stream() for _ in range(start, start + 100)))
        await asyncio.sleep(0.5)  # every stream has pinged at least once meanwhile
        rss = _rss_mib(server.pid)
        for _, writer in streams:
            writer.close()
        return rss

    rss = asyncio.run(main())
    print(f"\n{count} open SSE streams: worker RSS {rss:.0f} MiB (idle {before:.0f} MiB)")
    assert rss < 200
    # The server is still answering once they are gone.
    assert b"\r\nslept\r\n" in asyncio.run(_get(server.port, "/api/sleep"))


def test_a_disconnect_mid_stream_closes_the_generator(server: Server, tmp_path: Path) -> None:
    marker = tmp_path / "closed"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_request(f"/api/sse?marker={marker}"))
        data = b""
        while b"data: hello" not in data:
            data += sock.recv(4096)
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.read_text() == "closed"  # the generator's finally ran
