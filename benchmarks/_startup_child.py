"""One timed start-up in a fresh process: ``python -m benchmarks._startup_child MODE ROOT PATH``.

``routekit``: import routekit, build ``App(root)`` and answer ``GET PATH``. ``eager``:
import every ``*.py`` under ``ROOT/pages`` by path, then call the first handler. Prints
``{"seconds": ...}``.
"""

from __future__ import annotations

import json
import sys
import time
import typing as t
from pathlib import Path


def _routekit(root: Path, path: str) -> None:
    from routekit._wire import BufferSink, RawRequest
    from routekit.app import App

    app = App(root, mode="production")
    sink = BufferSink()
    app.handle(RawRequest("GET", path), sink)
    if sink.status != 200:
        raise SystemExit(f"routekit answered {sink.status} for {path}: {sink.body!r}")


def _eager(root: Path, path: str) -> None:
    import importlib.util

    handlers: dict[str, t.Any] = {}
    for index, file in enumerate(sorted((root / "pages").rglob("*.py"))):
        spec = importlib.util.spec_from_file_location(f"_eager_route_{index}", file)
        if spec is None or spec.loader is None:
            raise SystemExit(f"cannot import {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        handlers[file.relative_to(root).as_posix()] = module.handler
    first = handlers["pages" + path + ".py"]
    res: dict[str, t.Any] = {}

    class _Res:
        def status(self, code: int) -> _Res:
            res["status"] = code
            return self

        def json(self, body: object) -> None:
            res["body"] = body

    first({}, _Res())
    if res.get("status") != 200:
        raise SystemExit(f"the eager baseline's handler answered {res}")


def main() -> None:
    """Time one start-up and print it as JSON."""
    mode, root, path = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    start = time.perf_counter()
    (_routekit if mode == "routekit" else _eager)(root, path)
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
