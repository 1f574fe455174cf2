"""Read-only accessors shared by the mock response and the test client's response.

Both read the same facts (status, header lines, body chunks, the exchange record), so a
test reads ``res.json_data()`` the same way at unit and integration level.
"""

from __future__ import annotations

import json
import typing as t

from werkzeug.datastructures import Headers
from werkzeug.http import parse_options_header

from routekit.errors import JSONBodyError

from .cookies import SetCookie, parse_set_cookie

if t.TYPE_CHECKING:
    from routekit._wire import Exchange, Notice

__all__ = ["ResponseAccessors", "body_excerpt", "is_json_type"]

_EXCERPT = 200
# What res.json() sends, answered without werkzeug's option parsing (the client's hot path).
_JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})


def is_json_type(content_type: str | None) -> bool:
    """Whether *content_type* is ``application/json`` or a ``+json`` type."""
    if not content_type:
        return False
    if content_type in _JSON_TYPES:
        return True
    mimetype = parse_options_header(content_type)[0].lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def body_excerpt(body: bytes, limit: int = _EXCERPT) -> str:
    """The start of *body* as a repr, marked when cut: ``'{"a": 1...' (+120 bytes)``."""
    if not body:
        return "(empty)"
    text = body[:limit].decode("utf-8", "replace")
    more = len(body) - limit
    return repr(text) + (f" (+{more} bytes)" if more > 0 else "")


class ResponseAccessors:
    """Mixin: the public read-only view of a response. Subclasses supply the four hooks."""

    __slots__ = ()

    # -- hooks (private: the handler-facing API must not grow) ---------------------------

    def _view_status(self) -> int:
        raise NotImplementedError

    def _view_header_lines(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def _view_chunks(self) -> list[bytes]:
        raise NotImplementedError

    def _view_exchange(self) -> Exchange | None:
        raise NotImplementedError

    def _content_type(self) -> str | None:
        # The first Content-Type line, as Headers.get() gives it, without building Headers.
        for name, value in self._view_header_lines():
            if len(name) == 12 and name.lower() == "content-type":
                return value
        return None

    if not t.TYPE_CHECKING:  # a type checker keeps reporting unknown names itself

        def __getattr__(self, name: str) -> t.Any:
            if name.startswith("__"):
                raise AttributeError(name)
            from ._hints import attribute_error

            raise attribute_error(type(self).__name__, name, dir(type(self)))

    # -- the accessors -----------------------------------------------------------------

    @property
    def headers(self) -> Headers:
        """The response headers (case-insensitive, repeated names kept: ``getlist``)."""
        return Headers(self._view_header_lines())

    @property
    def chunks(self) -> list[bytes]:
        """The body as the handler wrote it, one item per write."""
        return list(self._view_chunks())

    @property
    def body(self) -> bytes:
        """The whole body as bytes."""
        return b"".join(self._view_chunks())

    @property
    def text(self) -> str:
        """The body decoded with the ``Content-Type`` charset (UTF-8 by default)."""
        charset = "utf-8"
        ctype = self._content_type()
        if ctype and ctype not in _JSON_TYPES:
            charset = parse_options_header(ctype)[1].get("charset", charset)
        try:
            return self.body.decode(charset, "replace")
        except LookupError:  # an unknown charset: show something rather than fail
            return self.body.decode("utf-8", "replace")

    def is_json(self) -> bool:
        """Whether the ``Content-Type`` is JSON (``application/json``, ``application/*+json``)."""
        return is_json_type(self._content_type())

    def json_data(self) -> t.Any:
        """The body parsed as JSON.

        :raises JSONBodyError: when the ``Content-Type`` is not JSON, the body is empty or
            it does not parse; the message shows the status, type and start of the body.
        """
        body = self.body
        ctype = self._content_type()
        if not is_json_type(ctype):
            reason = "the Content-Type is not JSON"
            raise JSONBodyError(reason, self._view_status(), ctype, body_excerpt(body))
        if not body:
            raise JSONBodyError("the body is empty", self._view_status(), ctype, body_excerpt(body))
        try:
            return json.loads(body)
        except ValueError as exc:
            raise JSONBodyError(
                f"it does not parse: {exc}", self._view_status(), ctype, body_excerpt(body)
            ) from None

    @property
    def redirect_url(self) -> str | None:
        """The ``Location`` header (where a redirect points), or ``None``."""
        return self.headers.get("location")

    @property
    def cookies(self) -> dict[str, SetCookie]:
        """The ``Set-Cookie`` headers, parsed, by name (a later header for a name wins)."""
        found: dict[str, SetCookie] = {}
        for value in self.headers.getlist("set-cookie"):
            cookie = parse_set_cookie(value)
            if cookie is not None:
                found[cookie.name] = cookie
        return found

    @property
    def revalidated(self) -> list[str]:
        """The paths the handler passed to ``res.revalidate()``, in order."""
        exchange = self._view_exchange()
        return list(exchange.revalidated) if exchange is not None else []

    @property
    def warnings(self) -> list[Notice]:
        """The runtime notices the request raised (un-ended response, returned value...)."""
        exchange = self._view_exchange()
        return list(exchange.notices) if exchange is not None else []
