"""Unit-test helpers for app-route and edge handlers (Web ``Request`` in, ``Response`` out).

``create_web_request()`` (built in :mod:`routekit_pytest._webrequest`) takes the same
keywords as ``create_mocks()``; ``read_web_response()`` gives a returned ``Response`` the
accessors of the mock response.
"""

from __future__ import annotations

import typing as t

from routekit.web.response import Response

from ._accessors import ResponseAccessors
from ._webrequest import create_web_request

if t.TYPE_CHECKING:
    from routekit._wire import Exchange

__all__ = ["WebResponseView", "create_web_request", "read_web_response"]


class WebResponseView(ResponseAccessors):
    """A Web ``Response`` read once, with the mock response's accessors.

    ``status_code``, ``status_message``, ``headers``, ``body``, ``chunks``, ``text``,
    ``json_data()``, ``is_json()``, ``redirect_url`` and ``cookies``.
    """

    __slots__ = ("_body", "_header_lines", "response", "status_code", "status_message")

    def __init__(self, response: Response) -> None:
        #: The Web response read.
        self.response = response
        self.status_code: int = response.status
        self.status_message: str = response.status_text
        self._header_lines = [(k, v) for k, v in response.headers.raw()]
        self._body = response.body_sync()

    def _view_status(self) -> int:
        return self.status_code

    def _view_header_lines(self) -> list[tuple[str, str]]:
        return self._header_lines

    def _view_chunks(self) -> list[bytes]:
        return [self._body] if self._body else []

    def _view_exchange(self) -> Exchange | None:
        return None

    def is_ended(self) -> bool:
        """Always true: the body was read to its end."""
        return True

    def __repr__(self) -> str:
        return f"<WebResponseView {self.status_code}>"


def read_web_response(response: Response) -> WebResponseView:
    """Read a handler's returned ``Response`` (its body, once) into a :class:`WebResponseView`."""
    if not isinstance(response, Response):
        raise TypeError(
            f"read_web_response() takes the routekit.web Response a handler returned; got "
            f"{type(response).__name__}."
        )
    return WebResponseView(response)
