"""Smoke test of ``python -m benchmarks --quick`` on the cheap groups: it runs and writes
the page with the expected rows. Not a timing test: no figure is checked against a target."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHEAP_GROUPS = ["routing", "inprocess", "unit", "startup"]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    output = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", *CHEAP_GROUPS, "--quick", "--output", str(output)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return output.read_text(encoding="utf-8"), output.with_suffix(".svg")


def _table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith(("| Group", "| ---")):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows[cells[1]] = cells
    return rows


@pytest.mark.parametrize(
    "name",
    [
        "10 routes: werkzeug `Map.match` / routekit `RouteTable.match`",
        "100 routes: werkzeug `Map.match` / routekit `RouteTable.match`",
        "1,000 routes: werkzeug `Map.match` / routekit `RouteTable.match`",
        "per-match time, 1,000 routes / 10 routes (routekit)",
        "GET /api/hello: Flask test client / routekit client",
        "GET /api/users/[id]: Starlette TestClient / routekit client",
        "POST /api/echo (JSON): werkzeug Client + plain WSGI / routekit client",
        "`create_mocks()` + handler / bare Python call building two dicts",
        "node-mocks-http `createMocks()` + handler (Node.js) / routekit `create_mocks()`",
        "300 route files, 1 ms import each: eager import-all / routekit "
        "`App(root)` + first request",
    ],
)
def test_benchmarks_quick_page_has_row(page: tuple[str, Path], name: str) -> None:
    rows = _table_rows(page[0])
    assert name in rows, sorted(rows)
    verdict = rows[name][4]
    assert verdict in {"✅ met", "❌ not met", "context", "not measured"}


def test_benchmarks_quick_measures_routing_and_startup(page: tuple[str, Path]) -> None:
    # werkzeug is a core dependency: these rows always have a figure, never "not measured".
    rows = _table_rows(page[0])
    measured = [cells for name, cells in rows.items() if cells[0] in {"routing", "startup"}]
    assert len(measured) == 5
    assert all(cells[2].endswith("×") for cells in measured)


def test_benchmarks_quick_page_names_machine_and_mode(page: tuple[str, Path]) -> None:
    text = page[0]
    assert "* Machine: " in text
    assert "cores, CPython " in text
    assert "mode **quick" in text
    assert "![Margin over each target, log scale](benchmarks.svg)" in text


def test_benchmarks_quick_chart_is_svg_with_a_bar_per_target(page: tuple[str, Path]) -> None:
    root = ET.fromstring(page[1].read_text(encoding="utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    targeted = [c for c in _table_rows(page[0]).values() if c[3] != "—"]
    labels = [el for el in root.iter("{http://www.w3.org/2000/svg}text") if "×" in (el.text or "")]
    # One label per targeted row with a figure ("not measured" rows carry no ratio label).
    measured = [c for c in targeted if c[2] != "—"]
    assert len([el for el in labels if "(target" in (el.text or "")]) == len(measured)


def test_benchmarks_unknown_group_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "nope"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown group(s) nope; choose from inprocess, unit, routing" in done.stderr
