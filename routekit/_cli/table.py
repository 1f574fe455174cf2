"""The route table of ``routekit routes`` and ``routekit serve``: rows, text and JSON."""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass

from ..errors import ModuleDefinitionError, RouteImportError
from ..loader import AppRoute
from ..routing._hints import Hint, tree_hints
from .style import Style

if t.TYPE_CHECKING:
    from ..app import App
    from ..routing.route import Route

__all__ = ["JSON_SCHEMA_VERSION", "Inspection", "Row", "format_table", "inspect", "to_json"]

#: Bumped when a key of ``routekit routes --json`` changes meaning or goes away.
JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Row:
    """One route as the table shows it.

    :param methods: the methods an app route exports; ``("*",)`` for a handler that answers
        every method; ``None`` when unknown (an app route listed without ``--check``).
    :param ok: ``False`` when ``--check`` found a problem with the file.
    """

    route: Route
    kind: str
    methods: tuple[str, ...] | None
    ok: bool = True


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything ``routekit routes`` reports about a tree."""

    rows: list[Row]
    problems: list[ModuleDefinitionError | RouteImportError]
    hints: list[Hint]
    checked: bool


def inspect(app: App, *, check: bool = False) -> Inspection:
    """The table rows, the import problems (only with *check*) and the tree warnings."""
    rows: list[Row] = []
    problems: list[ModuleDefinitionError | RouteImportError] = []
    for route in app.routes.routes:
        if not check:
            # Without importing, a pages file answers every method; an app route's are unknown.
            rows.append(Row(route, route.kind, ("*",) if route.kind == "pages" else None))
            continue
        try:
            loaded = app.loader.load(route)
        except (ModuleDefinitionError, RouteImportError) as exc:
            problems.append(exc)
            rows.append(Row(route, route.kind, None, ok=False))
            continue
        methods = tuple(sorted(loaded.methods)) if isinstance(loaded, AppRoute) else ("*",)
        # An app route without methods loads, and check() words the problem (from the cache).
        found = app.loader.check([route]) if not methods else []
        problems += found
        rows.append(Row(route, loaded.kind, methods, ok=not found))
    hints = tree_hints(app.root, app.routes.routes, app.settings.page_extensions)
    return Inspection(rows, problems, hints, check)


def _methods_cell(row: Row) -> str:
    if row.methods is None:
        return "?" if row.ok else "error"
    return ", ".join(row.methods) or "-"


def format_table(rows: t.Sequence[Row], style: Style | None = None) -> str:
    """The rows as aligned columns under a ``URL FILE KIND METHODS`` header."""
    style = style or Style(False)
    cells = [("URL", "FILE", "KIND", "METHODS")]
    cells += [(row.route.pattern, row.route.relfile, row.kind, _methods_cell(row)) for row in rows]
    widths = [max(len(cell[i]) for cell in cells) for i in range(3)]
    lines = []
    for index, (url, file, kind, methods) in enumerate(cells):
        line = f"{url:<{widths[0]}}  {file:<{widths[1]}}  {kind:<{widths[2]}}  {methods}".rstrip()
        if index == 0:
            line = style(line, "bold")
        elif methods == "error":
            line = style(line, "red")
        lines.append(line)
    return "\n".join(lines)


def to_json(inspection: Inspection, app: App) -> str:
    """The ``routekit routes --json`` document (schema in docs/reference/cli.md)."""
    document = {
        "version": JSON_SCHEMA_VERSION,
        "root": str(app.root),
        "checked": inspection.checked,
        "routes": [
            {
                "pattern": row.route.pattern,
                "file": row.route.relfile,
                "kind": row.kind,
                "methods": None if row.methods is None else list(row.methods),
                "ok": row.ok,
            }
            for row in inspection.rows
        ],
        "problems": [
            {"file": problem.file, "message": str(problem)} for problem in inspection.problems
        ],
        "warnings": [{"path": hint.path, "message": hint.message} for hint in inspection.hints],
    }
    return json.dumps(document, indent=2)
