"""``routekit start``: the production server (``next start``), the ASGI door on uvicorn.

The port is bound first (a busy port is one line and exit 1, as for ``routekit serve``),
the tree is loaded once to fail fast, then uvicorn serves the bound socket with *workers*
processes. Each worker builds its own :class:`~routekit.App` from ``ROUTEKIT_ROOT``
(:func:`asgi_app`, the factory the workers import).
"""

from __future__ import annotations

import os
import sys
import typing as t

from ..app import App
from .serve import bind, bind_error
from .style import Style

if t.TYPE_CHECKING:
    from .._asgi import ASGIApp

__all__ = ["ROOT_VARIABLE", "asgi_app", "start"]

#: The environment variable that tells each worker process which project to serve.
ROOT_VARIABLE = "ROUTEKIT_ROOT"
_FACTORY = "routekit._cli.start:asgi_app"


def asgi_app() -> ASGIApp:
    """The ASGI application of the project in ``$ROUTEKIT_ROOT``, in production mode
    (the factory of ``uvicorn --factory routekit._cli.start:asgi_app``)."""
    return App(os.environ.get(ROOT_VARIABLE, "."), mode="production").asgi


def start(root: str, *, host: str, port: int, workers: int = 1) -> int:
    """Run ``routekit start``; returns the exit status (errors in the tree raise)."""
    try:
        import uvicorn
    except ImportError:
        print(
            "error: routekit start serves with uvicorn, which is not installed; "
            "pip install 'routekit[server]'.",
            file=sys.stderr,
        )
        return 1
    from ._uvproto import PROTOCOL

    app = App(root, mode="production")  # a bad tree or a missing variable fails here
    try:
        sock = bind(host, port)
    except OSError as exc:
        print(f"error: {bind_error(host, port, exc)}", file=sys.stderr)
        return 1
    bound = sock.getsockname()[1]
    style = Style.for_stream(sys.stderr)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"{style('routekit start', 'bold')} {app.root} (production, uvicorn, "
        f"{workers} worker{'s' if workers != 1 else ''}) on http://{shown}:{bound}",
        file=sys.stderr,
        flush=True,
    )
    os.environ[ROOT_VARIABLE] = str(app.root)
    target: t.Any = app.asgi if workers == 1 else _FACTORY
    config = uvicorn.Config(
        target,
        host=host,
        port=bound,
        workers=workers,
        factory=workers != 1,
        lifespan="on",
        http=PROTOCOL,
        log_level="info",
        server_header=False,
    )
    server = uvicorn.Server(config)
    if workers == 1:
        server.run(sockets=[sock])
    else:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    sock.close()
    return 0
