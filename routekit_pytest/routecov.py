"""Route coverage: which route handlers no test ran, through the client or ``create_mocks``.

A unit is a ``pages`` route (any method), or an app route's exported method. A hit is a
response from the test client whose exchange matched a route (framework answers, 308, 404
and 400, have no match and an app route's automatic HEAD/OPTIONS or 405 match no unit, so
neither counts), or a mock response ended by a route file's handler in a unit test. Under
pytest-xdist each worker sends its hits to the controller. Reports: the terminal list, and
``--routekit-cov-report=json:PATH`` for tools.
"""

from __future__ import annotations

import json
import os
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from routekit.app import App

    from .response import ClientResponse

__all__ = ["CoverageResult", "RouteCoverage", "RouteCoveragePlugin", "parse_reports"]

_WORKER_KEY = "routekit_routecov"
_ANY = "*"
_DEFAULT_JSON = "routekit-cov.json"


def parse_reports(specs: list[str]) -> list[tuple[str, str | None]]:
    """``["term", "json:out.json"]`` -> ``[("term", None), ("json", "out.json")]``.

    :raises pytest.UsageError: an unknown report type.
    """
    reports: list[tuple[str, str | None]] = []
    for spec in specs:
        kind, _, path = spec.partition(":")
        if kind == "term" and not path:
            reports.append(("term", None))
        elif kind == "json":
            reports.append(("json", path or _DEFAULT_JSON))
        else:
            raise pytest.UsageError(
                f"--routekit-cov-report: {spec!r} is not a report type; use term or json[:PATH]."
            )
    return reports or [("term", None)]


@dataclass
class CoverageResult:
    """The computed report: every unit with whether it was hit, and by what."""

    #: root, file, method, hit
    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)
    #: per row: what hit it, ``client`` and/or ``mocks``
    via: list[list[str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many units there are."""
        return len(self.rows)

    @property
    def covered(self) -> int:
        """How many units were dispatched at least once."""
        return sum(1 for row in self.rows if row[3])

    @property
    def percent(self) -> float:
        """Covered units in percent (100 when there are none)."""
        return 100.0 * self.covered / self.total if self.total else 100.0


class RouteCoverage:
    """The hits of this process (or, on the xdist controller, of every worker)."""

    def __init__(self) -> None:
        self.hits: set[tuple[str, str, str]] = set()
        self.roots: set[str] = set()
        #: Real paths of the route files whose handler ended a mock response.
        self.mock_files: set[str] = set()

    def observer(self, app: App) -> t.Callable[[ClientResponse], None]:
        """The client ``observer`` recording the responses of *app*."""
        root = str(app.root)
        self.roots.add(root)

        def observe(response: ClientResponse) -> None:
            route = response.route
            if route is not None:
                self.hits.add((root, route.file, response.request.method.upper()))

        return observe

    def to_wire(self) -> dict[str, list[t.Any]]:
        """A JSON-able form for ``config.workeroutput``."""
        wire: dict[str, list[t.Any]] = {
            "roots": sorted(self.roots),
            "hits": sorted(list(h) for h in self.hits),
        }
        if self.mock_files:
            wire["mock_files"] = sorted(self.mock_files)
        return wire

    def merge_wire(self, data: t.Mapping[str, t.Any]) -> None:
        """Add a worker's :meth:`to_wire` output."""
        self.roots.update(data.get("roots", ()))
        self.hits.update((r, f, m) for r, f, m in data.get("hits", ()))
        self.mock_files.update(data.get("mock_files", ()))

    def compute(self, apps: t.Callable[[Path], App]) -> CoverageResult:
        """Enumerate the units of every root seen and mark the hit ones."""
        result = CoverageResult()
        for root in sorted(self.roots):
            app = apps(Path(root))
            for route in app.routes:
                for method in _methods(app, route):
                    via = []
                    if method == _ANY:
                        if any(r == root and f == route.relfile for r, f, _ in self.hits):
                            via.append("client")
                        if os.path.realpath(route.file) in self.mock_files:
                            via.append("mocks")
                    elif (root, route.relfile, method) in self.hits:
                        via.append("client")
                    result.rows.append((root, route.relfile, method, bool(via)))
                    result.via.append(via)
        return result


def _methods(app: App, route: t.Any) -> list[str]:
    if route.kind != "app":
        return [_ANY]
    try:
        loaded = app.loader.load(route)
    except Exception:  # an app route that does not import counts as one unit
        return [_ANY]
    methods = getattr(loaded, "methods", None) or ()
    return sorted(str(m).upper() for m in methods) or [_ANY]


class RouteCoveragePlugin:
    """Registered by ``--routekit-cov``: collects, aggregates, reports and enforces."""

    def __init__(
        self,
        config: pytest.Config,
        fail_under: float | None,
        apps: t.Callable[[Path], App],
        *,
        reports: list[tuple[str, str | None]] | None = None,
        root: Path | None = None,
    ) -> None:
        self.config = config
        self.fail_under = fail_under
        self.reports = reports or [("term", None)]
        self.data = RouteCoverage()
        if root is not None and root.is_dir():  # unit tests alone hit routes of this root
            self.data.roots.add(str(root))
        self._apps = apps
        self.result: CoverageResult | None = None
        self.failed = False
        self._is_worker = hasattr(config, "workerinput")

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: t.Any, error: object) -> None:
        output = getattr(node, "workeroutput", None) or {}
        data = output.get(_WORKER_KEY)
        if data:
            self.data.merge_wire(data)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._is_worker:
            t.cast("t.Any", self.config).workeroutput[_WORKER_KEY] = self.data.to_wire()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        outcome = yield
        if not self._is_worker:
            self.result = self.data.compute(self._apps)
            if self.fail_under is not None and self.result.percent < self.fail_under:
                self.failed = True
                session.testsfailed += 1  # as pytest-cov: a non-zero exit without a failed test
        return outcome

    def pytest_terminal_summary(self, terminalreporter: t.Any) -> None:
        result = self.result
        if result is None:
            return
        tr = terminalreporter
        tr.write_sep("-", "routekit route coverage")
        if ("term", None) in self.reports:
            if not result.rows:
                tr.write_line("no routes: no test sent a request through the client fixture")
            width = max((len(row[1]) for row in result.rows), default=10)
            for root in sorted({row[0] for row in result.rows}):
                tr.write_line(f"root: {root}")
                for _, file, method, hit in (row for row in result.rows if row[0] == root):
                    tr.write_line(f"  {file:<{width}}  {method:<7}  {'hit' if hit else 'MISSED'}")
        tr.write_line(
            f"routekit route coverage: {result.covered}/{result.total} route handlers "
            f"dispatched ({result.percent:.2f}%)"
        )
        for kind, path in self.reports:
            if kind == "json" and path is not None:
                self._write_json(result, path)
                tr.write_line(f"routekit route coverage JSON written to {path}")
        if self.failed:
            tr.write_line(
                f"FAIL Required routekit route coverage of {self.fail_under:g}% not reached. "
                f"Total route coverage: {result.percent:.2f}%",
                red=True,
                bold=True,
            )

    def _write_json(self, result: CoverageResult, path: str) -> None:
        target = self.config.invocation_params.dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "covered": result.covered,
            "total": result.total,
            "percent": round(result.percent, 2),
            "units": [
                {"root": root, "file": file, "method": method, "hit": hit, "via": via}
                for (root, file, method, hit), via in zip(result.rows, result.via, strict=True)
            ],
        }
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
