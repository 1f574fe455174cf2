"""The file handler under concurrent writers: threads, then separate processes.

Every write is a temporary file moved into place (``os.replace``), and each tag is its own
file, so readers never see half an entry and concurrent revalidations never lose a tag.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from routekit.cache import CacheEntry, FileCacheHandler


def _entry(n: int) -> CacheEntry:
    body = (f"writer-{n}:".encode() * 5000)[:40000]  # big enough for a torn write to show
    return CacheEntry(200, "OK", (("x-writer", str(n)),), body, ("shared",), 60, 3600, 1.0)


def test_file_handler_threads_never_see_a_torn_entry(tmp_path: Path) -> None:
    handler = FileCacheHandler(tmp_path / "cache")
    handler.set("/k", _entry(0))
    errors: list[str] = []
    stop = threading.Event()

    def write(n: int) -> None:
        for _ in range(40):
            handler.set("/k", _entry(n))

    def read() -> None:
        while not stop.is_set():
            found = handler.get("/k")
            if found is None:
                errors.append("missing")
                continue
            entry = found[0]
            if entry != _entry(int(entry.headers[0][1])):
                errors.append("torn")

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(n,)) for n in range(1, 7)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    assert not list((tmp_path / "cache").rglob(".tmp-*"))  # no temporary file left


def test_file_handler_threads_revalidating_tags_lose_none(tmp_path: Path) -> None:
    handler = FileCacheHandler(tmp_path / "cache")
    tags = [f"tag-{n}" for n in range(24)]
    handler.set("/k", CacheEntry(200, "OK", (), b"", tuple(tags), 60, 3600, 1.0))
    threads = [
        threading.Thread(
            target=handler.revalidate_tags, args=([tag],), kwargs={"at": 5.0, "expire": True}
        )
        for tag in tags
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = handler.get("/k")
    assert found is not None
    assert sorted(found[1]) == sorted(tags)
    assert {state.expired_at for state in found[1].values()} == {5.0}


_WRITER = """
import sys
from routekit.cache import CacheEntry, FileCacheHandler
folder, n = sys.argv[1], int(sys.argv[2])
handler = FileCacheHandler(folder)
body = (f"writer-{n}:".encode() * 5000)[:40000]
for i in range(60):
    entry = CacheEntry(200, "OK", (("x-writer", str(n)),), body, ("shared",), 60, 3600, 1.0)
    handler.set("/k", entry)
    handler.revalidate_tags([f"tag-{n}-{i % 3}"], at=float(i), expire=False)
    found = handler.get("/k")
    assert found is not None, "missing"
    writer = int(found[0].headers[0][1])
    assert found[0].body == (f"writer-{writer}:".encode() * 5000)[:40000], "torn"
"""


def test_file_handler_processes_share_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_WRITER), str(folder), str(n)],
            stderr=subprocess.PIPE,
        )
        for n in range(4)
    ]
    outcomes = [(p.communicate(timeout=120)[1].decode(), p.returncode) for p in procs]
    assert [err for err, code in outcomes if code] == []
    handler = FileCacheHandler(folder)
    found = handler.get("/k")
    assert found is not None
    assert found[0].headers[0][0] == "x-writer"
    states = [handler._tag_state(f"tag-{n}-{i}") for n in range(4) for i in range(3)]
    assert all(state is not None and state.stale_at > 0 for state in states)
