"""Route coverage: which route handlers the test run never dispatched through the client.

A unit is a ``pages`` route (any method), or an app route's exported method. A hit is a
response from the test client whose exchange matched a route; framework answers (308,
404, 400) have no match and an app route's automatic HEAD/OPTIONS or 405 match no unit,
so neither counts. Under pytest-xdist each worker sends its hits to the controller.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from routekit.app import App

    from .response import ClientResponse

__all__ = ["CoverageResult", "RouteCoverage", "RouteCoveragePlugin"]

_WORKER_KEY = "routekit_routecov"
_ANY = "*"


@dataclass
class CoverageResult:
    """The computed report: every unit with whether it was hit."""

    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)  # root, file, method, hit

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
        return {"roots": sorted(self.roots), "hits": sorted(list(h) for h in self.hits)}

    def merge_wire(self, data: t.Mapping[str, t.Any]) -> None:
        """Add a worker's :meth:`to_wire` output."""
        self.roots.update(data.get("roots", ()))
        self.hits.update((r, f, m) for r, f, m in data.get("hits", ()))

    def compute(self, apps: t.Callable[[Path], App]) -> CoverageResult:
        """Enumerate the units of every root seen and mark the hit ones."""
        result = CoverageResult()
        for root in sorted(self.roots):
            app = apps(Path(root))
            for route in app.routes:
                for method in _methods(app, route):
                    if method == _ANY:
                        hit = any(r == root and f == route.relfile for r, f, _ in self.hits)
                    else:
                        hit = (root, route.relfile, method) in self.hits
                    result.rows.append((root, route.relfile, method, hit))
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
    ) -> None:
        self.config = config
        self.fail_under = fail_under
        self.data = RouteCoverage()
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
        if self.failed:
            tr.write_line(
                f"FAIL Required routekit route coverage of {self.fail_under:g}% not reached. "
                f"Total route coverage: {result.percent:.2f}%",
                red=True,
                bold=True,
            )
