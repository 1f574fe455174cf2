"""``run_middleware()``: Next.js' ``runMiddleware(req, res, fn)`` helper, in Python."""

from __future__ import annotations

import typing as t

from .._aio import call_maybe_async

if t.TYPE_CHECKING:
    from ._types import Middleware

__all__ = ["run_middleware"]


class _NextRecorder:
    """The ``next`` handed to :func:`run_middleware`'s middleware."""

    __slots__ = ("called", "error")

    def __init__(self) -> None:
        self.called = False
        self.error: BaseException | None = None

    def __call__(self, result: object = None) -> None:
        self.called = True
        if isinstance(result, BaseException):
            self.error = result


def run_middleware(req: t.Any, res: t.Any, fn: Middleware) -> bool:
    """Run an Express/connect-style middleware ``fn(req, res, next)`` inside a handler.

    The Python form of the ``runMiddleware`` helper from Next.js' docs::

        def handler(req, res):
            if not run_middleware(req, res, cors(origins=["https://app.example"])):
                return  # the middleware answered (a CORS preflight)
            res.json({"ok": True})

    :returns: ``True`` once the middleware called ``next()``; ``False`` when it returned
        without calling ``next`` -- it answered the request itself (ended the response), so
        the handler should return. (The JavaScript helper's promise never settles then.)
    :raises: the error passed to ``next(error)``, or raised by the middleware.
    """
    nxt = _NextRecorder()
    call_maybe_async(fn, req, res, nxt)
    if nxt.error is not None:
        raise nxt.error
    return nxt.called
