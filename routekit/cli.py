"""The ``routekit`` command: ``routekit serve``, ``routekit start`` and ``routekit routes``.

Parses arguments and delegates: serving is werkzeug's server and reloader
(:mod:`routekit._cli.serve`), the route table comes from :class:`routekit.App`
(:mod:`routekit._cli.table`).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import typing as t
from pathlib import Path

from . import __version__
from ._cli.style import Style
from ._cli.table import Row, format_table, inspect, to_json
from .errors import RoutekitError

if t.TYPE_CHECKING:
    from .app import App

__all__ = ["format_route_table", "main"]

_DEFAULT_HOST = "127.0.0.1"
_DEFAULT_PORT = 3000
_EPILOG = """\
examples:
  routekit serve                  development server on http://127.0.0.1:3000, reload on change
  routekit serve --prod -p 8000   production mode on port 8000 (PORT=8000 works too)
  routekit start -w 4             production server: uvicorn (ASGI), 4 worker processes
  routekit routes --check         the route table; import and validate every route file
  routekit routes --json          the route table for tools

Run `routekit COMMAND -h` for a command's options. Docs: https://github.com/routekit/routekit
"""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _workers(text: str) -> int:
    count = int(text) if text.isdigit() else 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers (1 or more)")
    return count


def _version() -> str:
    from importlib.metadata import version

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"routekit {__version__} ({python}, werkzeug {version('werkzeug')})"


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="routekit",
        description="Next.js-style file-routed API handlers for Python.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=_version(), help="show the version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    serve = sub.add_parser(
        "serve",
        help="serve a project (development mode unless --prod)",
        description="Serve ROOT on HOST:PORT, printing the route table and an access log. "
        "Development mode restarts on code changes; --prod is production behaviour.",
    )
    serve.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    serve.add_argument(
        "--host",
        "-H",
        default=None,
        help=f"interface to bind (default: $HOST, else {_DEFAULT_HOST}; 0.0.0.0 for every one)",
    )
    serve.add_argument(
        "--port",
        "-p",
        type=_port,
        default=None,
        help=f"port, 0 for any free one (default: $PORT, else {_DEFAULT_PORT})",
    )
    serve.add_argument(
        "--prod",
        action="store_true",
        help="production behaviour: no reload, plain 500s, required_env enforced",
    )
    serve.add_argument("--no-reload", action="store_true", help="do not restart on code changes")

    start = sub.add_parser(
        "start",
        help="serve a project in production on uvicorn (ASGI), with worker processes",
        description="Serve ROOT on HOST:PORT in production mode through the ASGI door on "
        "uvicorn (pip install 'routekit[server]'); `routekit serve` is the development server.",
    )
    start.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    start.add_argument(
        "--host",
        "-H",
        default=None,
        help=f"interface to bind (default: $HOST, else {_DEFAULT_HOST}; 0.0.0.0 for every one)",
    )
    start.add_argument(
        "--port",
        "-p",
        type=_port,
        default=None,
        help=f"port, 0 for any free one (default: $PORT, else {_DEFAULT_PORT})",
    )
    start.add_argument(
        "--workers",
        "-w",
        type=_workers,
        default=None,
        help="worker processes (default: $WEB_CONCURRENCY, else 1)",
    )

    routes = sub.add_parser(
        "routes",
        help="print the route table in precedence order",
        description="Print URL pattern, file, kind and methods, most specific first, and "
        "warnings about the tree. Exits 1 when the tree (or, with --check, a file) is invalid.",
    )
    routes.add_argument("root", nargs="?", default=".", help="project root (default: .)")
    routes.add_argument(
        "--check",
        action="store_true",
        help="also import every route and validate its exports and config",
    )
    routes.add_argument(
        "--json", action="store_true", help="print the table as JSON (schema in the docs)"
    )
    return parser


def format_route_table(app: App, *, check: bool = False) -> str:
    """The route table as ``routekit routes`` prints it (without colours)."""
    return format_table(inspect(app, check=check).rows)


def _print_problems(rows: list[Row], problems: t.Sequence[RoutekitError]) -> None:
    err = Style.for_stream(sys.stderr)
    for problem in problems:
        print(f"{err('error:', 'red', 'bold')} {problem}", file=sys.stderr)
    print(f"{len(problems)} of {len(rows)} route file(s) cannot be served.", file=sys.stderr)


def _cmd_routes(args: argparse.Namespace) -> int:
    from .app import App

    # Listing serves nothing, so production's required_env must not stop it.
    app = App(args.root, mode="test")
    inspection = inspect(app, check=args.check)
    failed = 1 if inspection.problems else 0
    if args.json:
        print(to_json(inspection, app))
        return failed
    out, err = Style.for_stream(sys.stdout), Style.for_stream(sys.stderr)
    if inspection.rows:
        print(format_table(inspection.rows, out), flush=True)
    for hint in inspection.hints:
        print(f"{err('warning:', 'yellow', 'bold')} {hint.message}", file=sys.stderr)
    if inspection.problems:
        _print_problems(inspection.rows, inspection.problems)
    return failed


def _address(args: argparse.Namespace) -> tuple[str, int] | None:
    host = args.host or os.environ.get("HOST", "").strip() or _DEFAULT_HOST
    port = args.port
    if port is None:  # flags win over the environment, as in Next.js
        value = os.environ.get("PORT", "").strip()
        try:
            port = _port(value) if value else _DEFAULT_PORT
        except argparse.ArgumentTypeError as exc:
            print(f"error: the PORT environment variable: {exc}.", file=sys.stderr)
            return None
    return host, port


def _cmd_start(args: argparse.Namespace) -> int:
    from ._cli.start import start

    address = _address(args)
    if address is None:
        return 2
    workers = args.workers
    if workers is None:
        value = os.environ.get("WEB_CONCURRENCY", "").strip()
        try:
            workers = _workers(value) if value else 1
        except argparse.ArgumentTypeError as exc:
            print(f"error: the WEB_CONCURRENCY environment variable: {exc}.", file=sys.stderr)
            return 2
    return start(args.root, host=address[0], port=address[1], workers=workers)


def _cmd_serve(args: argparse.Namespace) -> int:
    from ._cli.serve import serve

    address = _address(args)
    if address is None:
        return 2
    host, port = address
    return serve(
        args.root, host=host, port=port, prod=args.prod, reload=not (args.prod or args.no_reload)
    )


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the ``routekit`` command; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.root != "." and not Path(args.root).exists():
        print(f"error: the project root {args.root!r} does not exist.", file=sys.stderr)
        return 2
    try:
        if args.command == "routes":
            return _cmd_routes(args)
        if args.command == "start":
            return _cmd_start(args)
        return _cmd_serve(args)
    except RoutekitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
