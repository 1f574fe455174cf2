"""Request-scoped helpers for app-route handlers: Next.js' ``next/headers`` and navigation.

``headers()``, ``cookies()`` and ``draft_mode()`` read the request being handled, found
through a :mod:`contextvars` variable so concurrent requests (threads or asyncio tasks)
never see each other's values. ``redirect()``, ``permanent_redirect()`` and
``not_found()`` raise exceptions the dispatcher turns into responses.

Unlike Next.js 15+, the helpers return their objects directly rather than promises.
"""

from __future__ import annotations

import contextvars
import secrets
import typing as t
from contextlib import contextmanager
from datetime import datetime, timezone

from ..errors import NotFoundSignal, RedirectSignal, RequestScopeError
from .cookies import ResponseCookie, ResponseCookies, parse_set_cookie, split_cookies_string
from .headers import Headers
from .response import Response

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from .._wire import Mode
    from .request import NextRequest

__all__ = [
    "DraftMode",
    "RequestScope",
    "activate_scope",
    "cookies",
    "current_scope",
    "draft_mode",
    "headers",
    "no_scope",
    "not_found",
    "permanent_redirect",
    "redirect",
    "request_scope",
]

_HEADERS_READONLY = (
    "Headers cannot be modified. Read more: "
    "https://nextjs.org/docs/app/api-reference/functions/headers"
)
# React Server Components headers Next.js hides from headers().
_FLIGHT_HEADERS = (
    "rsc",
    "next-router-state-tree",
    "next-router-prefetch",
    "next-hmr-refresh",
    "next-router-segment-prefetch",
)
_BYPASS_COOKIE = "__prerender_bypass"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: The production preview-mode id: random per process, like a build's ``previewModeId``.
_PREVIEW_MODE_ID = secrets.token_hex(16)
_DEV_PREVIEW_MODE_ID = "development-id"

_current: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar(
    "routekit_request_scope", default=None
)


class DraftMode:
    """``draft_mode()``: whether the request carries the draft-mode cookie, and toggles for it."""

    __slots__ = ("_enabled", "_scope")

    def __init__(self, scope: RequestScope) -> None:
        self._scope = scope
        value = scope.request.cookies.get(_BYPASS_COOKIE)
        development = scope.mode == "development"
        self._enabled = bool(value and value.value) and (
            development or (value is not None and value.value == _PREVIEW_MODE_ID)
        )

    @property
    def is_enabled(self) -> bool:
        """Whether draft mode was on for this request (``enable()`` does not change it)."""
        return self._enabled

    def _options(self) -> dict[str, t.Any]:
        production = self._scope.mode != "development"
        return {
            "http_only": True,
            "same_site": "none" if production else "lax",
            "secure": production,
            "path": "/",
        }

    def enable(self) -> None:
        """Set the ``__prerender_bypass`` cookie on the response."""
        preview_id = _DEV_PREVIEW_MODE_ID if self._scope.mode == "development" else _PREVIEW_MODE_ID
        self._scope.cookies.set(_BYPASS_COOKIE, preview_id, **self._options())

    def disable(self) -> None:
        """Expire the ``__prerender_bypass`` cookie."""
        self._scope.cookies.set(_BYPASS_COOKIE, "", expires=_EPOCH, **self._options())


class RequestScope:
    """The per-request state behind the helpers; the dispatcher creates one per request.

    :param request: the request being handled.
    :param mode: the app's mode (draft-mode cookie attributes depend on it).
    """

    def __init__(self, request: NextRequest, mode: Mode = "production") -> None:
        self.request = request
        self.mode: Mode = mode
        self._headers: Headers | None = None
        self._cookies: ResponseCookies | None = None
        self._draft: DraftMode | None = None
        self._modified: set[str] = set()

    @property
    def headers(self) -> Headers:
        """The request headers, sealed, without React Server Components internals."""
        if self._headers is None:
            sealed = self.request.headers.copy()
            for name in _FLIGHT_HEADERS:
                sealed.delete(name)
            self._headers = sealed._seal(_HEADERS_READONLY)
        return self._headers

    @property
    def cookies(self) -> ResponseCookies:
        """The mutable cookie jar, pre-filled from the request (and middleware's cookies)."""
        if self._cookies is None:
            jar = ResponseCookies(Headers())
            for cookie in self.request.cookies.get_all():
                jar.set(cookie.name, cookie.value)
            # Cookies set by middleware arrive in this internal request header.
            internal = self.request.headers.get("x-middleware-set-cookie")
            for text in split_cookies_string(internal or ""):
                parsed = parse_set_cookie(text)
                if parsed is not None:
                    jar.set(parsed.name, parsed.value)
            jar._listener = self._modified.add
            self._cookies = jar
        return self._cookies

    @property
    def draft_mode(self) -> DraftMode:
        """The request's :class:`DraftMode`."""
        if self._draft is None:
            self._draft = DraftMode(self)
        return self._draft

    def modified_cookies(self) -> list[ResponseCookie]:
        """The cookies ``cookies().set/delete`` touched, with their final values."""
        if self._cookies is None:
            return []
        return [c for c in self._cookies.get_all() if c.name in self._modified]

    def apply_cookies(self, response: Response) -> Response:
        """Merge ``cookies()`` mutations into *response* as Next.js' ``appendMutableCookies``.

        The response's own cookies win on a name clash; every ``Set-Cookie`` is
        re-serialised. Without mutations *response* is returned untouched.
        """
        modified = self.modified_cookies()
        if not modified:
            return response
        merged_headers = response.headers.copy()
        jar = ResponseCookies(merged_headers)
        returned = jar.get_all()
        for cookie in [*modified, *returned]:
            jar.set(cookie)
        merged = Response(None, response.status, merged_headers, status_text=response.status_text)
        merged._body, merged._used = response._body, response._used
        return merged


@contextmanager
def request_scope(request: NextRequest, *, mode: Mode = "production") -> Iterator[RequestScope]:
    """Make *request* the one ``headers()``/``cookies()``/``draft_mode()`` see in this block.

    Scopes nest and are private to the current thread or asyncio task.
    """
    scope = RequestScope(request, mode)
    with activate_scope(scope):
        yield scope


@contextmanager
def activate_scope(scope: RequestScope | None) -> Iterator[RequestScope | None]:
    """Make *scope* current in this block (``None``: no request scope, as in edge handlers)."""
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def no_scope() -> t.ContextManager[RequestScope | None]:
    """A block where the helpers raise :class:`RequestScopeError` (edge pages handlers)."""
    return activate_scope(None)


def current_scope() -> RequestScope | None:
    """The active :class:`RequestScope`, or ``None`` outside a request."""
    return _current.get()


def _require(helper: str) -> RequestScope:
    scope = _current.get()
    if scope is None:
        raise RequestScopeError(helper)
    return scope


def headers() -> Headers:
    """The request's headers, read-only (``Headers cannot be modified…`` on mutation)."""
    return _require("headers").headers


def cookies() -> ResponseCookies:
    """The request's cookies; ``set``/``delete`` add ``Set-Cookie`` lines to the response.

    ``get`` returns a ``ResponseCookie`` whose ``path`` is ``"/"``, as in Next.js.
    """
    return _require("cookies").cookies


def draft_mode() -> DraftMode:
    """The request's draft-mode state (``is_enabled``, ``enable()``, ``disable()``)."""
    return _require("draftMode").draft_mode


def redirect(url: str) -> t.NoReturn:
    """Stop the handler and answer ``307`` with ``Location: url`` (plus ``cookies()`` writes)."""
    raise RedirectSignal(url, 307)


def permanent_redirect(url: str) -> t.NoReturn:
    """Stop the handler and answer ``308`` with ``Location: url``."""
    raise RedirectSignal(url, 308)


def not_found() -> t.NoReturn:
    """Stop the handler and answer an empty ``404``."""
    raise NotFoundSignal()
