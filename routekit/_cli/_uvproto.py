"""uvicorn's HTTP protocols, answering a client that half-closed mid-body (``routekit start``).

uvicorn takes a half-close (``shutdown(SHUT_WR)``) for a client gone and drops the answer.
Like gunicorn and Node, ``routekit start`` keeps the connection open for writing: a body cut
shorter than its ``Content-Length`` then ends early, and the app answers 400 (issue #9).
"""

from __future__ import annotations

import typing as t

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["PROTOCOL", "HalfCloseH11"]


class _HalfClose:
    cycle: t.Any

    def eof_received(self) -> bool | None:
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return None  # between requests: close, as uvicorn does
        if cycle.more_body:
            if not any(name == b"content-length" for name, _ in cycle.scope["headers"]):
                return None  # a chunked body cut short cannot be told from its end
            cycle.more_body = False  # what arrived is all there is: the app sees it short
            cycle.message_event.set()
        return True  # keep the transport open for the answer


class HalfCloseH11(_HalfClose, H11Protocol):  # type: ignore[misc] # asyncio allows a bool
    """uvicorn's h11 protocol, keeping a half-closed connection for the answer."""


#: The protocol ``routekit start`` gives uvicorn: httptools where it is installed.
PROTOCOL = "routekit._cli._uvproto:HalfCloseH11"

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn without its standard extra
    pass
else:

    class HalfCloseHttpTools(_HalfClose, HttpToolsProtocol):  # type: ignore[misc]
        """uvicorn's httptools protocol, keeping a half-closed connection for the answer."""

    __all__ += ["HalfCloseHttpTools"]
    PROTOCOL = "routekit._cli._uvproto:HalfCloseHttpTools"
