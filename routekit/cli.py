"""The ``routekit`` command: ``routekit serve`` and ``routekit routes``.

Parses arguments and delegates: serving is werkzeug's development server (with its
reloader), the route table comes from :class:`routekit.App`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import typing as t
from pathlib import Path

from .errors import RoutekitError

if t.TYPE_CHECKING:
    from .app import App
    from .routing.route import Route

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="routekit",
        description="Next.js-style file-routed API handlers for Python.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="serve a project (development mode unless --prod)",
        description="Serve ROOT with reload on change, printing the route table and an access log.",
    )
    serve.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    serve.add_argument("--port", "-p", type=int, default=3000, help="port (default: 3000)")
    serve.add_argument(
        "--prod", action="store_true", help="production behaviour: no reload, plain 500s"
    )
    serve.add_argument("--no-reload", action="store_true", help="do not restart on code changes")

    routes = sub.add_parser(
        "routes",
        help="print the route table in precedence order",
        description="Print URL pattern, file, kind and methods, most specific first. Exits 1 "
        "with the definition error when the tree is invalid.",
    )
    routes.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    routes.add_argument(
        "--check",
        action="store_true",
        help="also import every route and validate its exports and config",
    )
    return parser


def _kind_and_methods(app: App, route: Route, check: bool) -> tuple[str, str]:
    if not check:
        # Without importing, a pages file answers every method; an app route's are unknown.
        return route.kind, "*" if route.kind == "pages" else "?"
    from .loader import AppRoute

    loaded = app.loader.load(route)
    if isinstance(loaded, AppRoute):
        return "app", ", ".join(sorted(loaded.methods)) or "-"
    return loaded.kind, "*"


def format_route_table(app: App, *, check: bool = False) -> str:
    """The route table as ``routekit routes`` prints it."""
    rows = [("URL", "FILE", "KIND", "METHODS")]
    for route in app.routes.routes:
        rows.append((route.pattern, route.relfile, *_kind_and_methods(app, route, check)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{url:<{widths[0]}}  {file:<{widths[1]}}  {kind:<{widths[2]}}  {methods}".rstrip()
        for url, file, kind, methods in rows
    ]
    return "\n".join(lines)


def _cmd_routes(args: argparse.Namespace) -> int:
    from .app import App

    # Listing serves nothing, so production's required_env must not stop it.
    app = App(args.root, mode="test")
    if args.check:
        problems = app.loader.check(app.routes.routes)
        if problems:
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            print(f"{len(problems)} route file(s) cannot be served.", file=sys.stderr)
            return 1
    print(format_route_table(app, check=args.check))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import is_running_from_reloader, run_simple

    from ._env import env_files
    from .app import App

    app = App(args.root, dev=not args.prod)
    if not is_running_from_reloader():
        mode = "production" if args.prod else "development"
        print(f"routekit: serving {app.root} ({mode}) on http://{args.host}:{args.port}")
        print(format_route_table(app))
    reload = not (args.prod or args.no_reload)
    run_simple(
        args.host,
        args.port,
        app,
        use_reloader=reload,
        reloader_type="stat",
        extra_files=[str(p) for p in env_files(app.root, app.mode)] if reload else None,
        threaded=True,
    )
    return 0


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the ``routekit`` command; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.root != "." and not Path(args.root).exists():
        print(f"error: the project root {args.root!r} does not exist.", file=sys.stderr)
        return 2
    try:
        if args.command == "routes":
            return _cmd_routes(args)
        return _cmd_serve(args)
    except RoutekitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
