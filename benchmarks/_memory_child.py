"""RSS across many in-process requests: ``python -m benchmarks._memory_child ROOT N``.

Sends *N* requests through ``routekit_pytest.Client`` (the three endpoints of
``benchmarks._apps`` in turn) after a 1,000-request warm-up, and prints
``{"start_kib": ..., "end_kib": ..., "peak_kib": ...}`` from ``/proc/self/status``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ._apps import ECHO_BODY
from ._servers import rss_kib


def main() -> None:
    """Run the requests and print the RSS figures as JSON."""
    import os

    from routekit.app import App
    from routekit_pytest.client import Client

    root, total = Path(sys.argv[1]), int(sys.argv[2])
    client = Client(App(root, mode="test"))
    calls = [
        lambda: client.get("/api/hello").json_data(),
        lambda: client.get("/api/users/42").json_data(),
        lambda: client.post("/api/echo", json=ECHO_BODY).json_data(),
    ]
    for i in range(1_000):
        calls[i % 3]()
    pid = os.getpid()
    start = peak = rss_kib(pid)
    for i in range(total):
        calls[i % 3]()
        if i % 1_000 == 0:
            peak = max(peak, rss_kib(pid))
    end = rss_kib(pid)
    print(json.dumps({"start_kib": start, "end_kib": end, "peak_kib": max(peak, end)}))


if __name__ == "__main__":
    main()
