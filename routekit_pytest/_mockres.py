"""``MockResponse``: production's ``ApiResponse``, whose sent response a test reads back.

The handler gets an object with exactly ``ApiResponse``'s public names. The test accessors
(``res.headers``, ``res.json_data()``, ``res.text``...) are served by ``__getattr__`` once
the response ended, as views of what its sink received: before that they raise
:class:`~routekit_pytest.ResponseNotEndedError`, and a handler reading one raises
:class:`~routekit_pytest.MockAccessorError`, as ``AttributeError`` does in production.
"""

from __future__ import annotations

import functools
import sys
import typing as t

from routekit._wire import BufferSink
from routekit.config import DEFAULT_RESPONSE_LIMIT
from routekit.pages.response import ApiResponse

from . import _integrity
from ._accessors import ResponseAccessors
from ._hints import attribute_error
from ._integrity import MockAccessorError, ResponseNotEndedError

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Headers

    from routekit._wire import Exchange, Notice

    from .cookies import SetCookie

__all__ = ["OVERRIDES", "TEST_ACCESSORS", "MockResponse"]

#: The read-only views a mock response offers a test once it ended (not ApiResponse names).
TEST_ACCESSORS = (
    "body",
    "cookies",
    "headers",
    "is_json",
    "json_data",
    "redirect_url",
    "revalidated",
    "text",
    "warnings",
)
_METHODS = frozenset({"is_json", "json_data"})
#: ApiResponse names the mock redefines, keeping their behaviour: ``status_code`` notes a
#: read before the end (an un-sent response the test relied on); ``status()`` and ``json()``
#: called without their argument say what the test probably meant.
OVERRIDES = ("json", "status", "status_code")

#: What a handler uses in production instead of each test accessor.
_IN_A_HANDLER = {
    "headers": "read what it set with res.get_header(name) or res.get_headers()",
    "cookies": "read what it set with res.get_header('set-cookie')",
    "redirect_url": "read what it set with res.get_header('location')",
}
_KNOWS = "a handler knows what it sends; keep the value in a variable"
_API_STATUS = t.cast("property", ApiResponse.__dict__["status_code"])
_get_status = t.cast("t.Callable[[ApiResponse], int]", _API_STATUS.fget)
_set_status = t.cast("t.Callable[[ApiResponse, int], None]", _API_STATUS.fset)


class _MockSink(BufferSink):
    """The mock's sink: on ``finish`` it tells the running test which route sent it."""

    __slots__ = ()

    def finish(self, data: bytes = b"") -> None:
        super().finish(data)
        tracker = _integrity.current()
        if tracker is not None:
            tracker.mock_finished()


class _SentView(ResponseAccessors):
    """The accessors over what a mock response sent (its sink), for the test."""

    __slots__ = ("_res", "_sink")

    def __init__(self, res: MockResponse, sink: BufferSink) -> None:
        self._res = res
        self._sink = sink

    @property
    def status_code(self) -> int:
        return self._sink.status

    @property
    def status_message(self) -> str:
        return self._sink.reason

    def _view_status(self) -> int:
        return self._sink.status

    def _view_header_lines(self) -> list[tuple[str, str]]:
        return list(self._sink.headers)

    def _view_chunks(self) -> list[bytes]:
        return list(self._sink.chunks)

    def _view_exchange(self) -> Exchange:
        return self._res.exchange


def _read_by_handler(frame: t.Any) -> bool:
    """Whether *frame* runs the module-level ``handler`` of its module."""
    handler = frame.f_globals.get("handler") if frame is not None else None
    return handler is not None and getattr(handler, "__code__", None) is frame.f_code


class MockResponse(ApiResponse):
    """Production's ``ApiResponse``, whose sent response a test can read back.

    The handler gets exactly what production gives it. Once the response ended, the test
    reads ``status_code``, ``status_message``, ``headers`` (as sent), ``body``, ``chunks``,
    ``text``, ``json_data()``, ``is_json()``, ``is_ended()``, ``redirect_url``, ``cookies``,
    ``revalidated`` and ``warnings``. Reading one of the test-only views before the end
    raises :class:`~routekit_pytest.ResponseNotEndedError` ("did you forget ``await``?"),
    and a handler reading one raises :class:`~routekit_pytest.MockAccessorError`, as
    ``AttributeError`` does in production.
    """

    __slots__ = ("_in_handler", "_mock_sink", "_origin", "_read_open", "_reported")

    def __init__(
        self,
        exchange: Exchange,
        sink: BufferSink | None = None,
        *,
        response_limit: int | None = DEFAULT_RESPONSE_LIMIT,
    ) -> None:
        self._mock_sink = sink if sink is not None else _MockSink()
        self._read_open = False
        self._reported = False
        self._in_handler = False
        self._origin: tuple[str, int] = ("<unknown>", 0)
        super().__init__(exchange, self._mock_sink, response_limit=response_limit)
        tracker = _integrity.current()
        if tracker is not None:
            tracker.responses.append(self)
            self._origin = _integrity.user_location(2)

    @property
    def status_code(self) -> int:
        """The status code to send (200 until set)."""
        if not self.finished:
            self._read_open = True
        return _get_status(self)

    @status_code.setter
    def status_code(self, code: int) -> None:
        _set_status(self, code)

    if t.TYPE_CHECKING:
        # The views, for type checkers; at run time __getattr__ serves them once ended.
        @property
        def headers(self) -> Headers: ...
        @property
        def body(self) -> bytes: ...
        @property
        def text(self) -> str: ...
        def json_data(self) -> t.Any: ...
        def is_json(self) -> bool: ...
        @property
        def redirect_url(self) -> str | None: ...
        @property
        def cookies(self) -> dict[str, SetCookie]: ...
        @property
        def revalidated(self) -> list[str]: ...
        @property
        def warnings(self) -> list[Notice]: ...

    else:

        def __getattr__(self, name: str) -> t.Any:
            if name in TEST_ACCESSORS:
                return getattr(self._test_view(name, sys._getframe(1)), name)
            if name.startswith("__"):
                raise AttributeError(name)
            known = [*dir(type(self)), *TEST_ACCESSORS]
            raise attribute_error(type(self).__name__, name, known)

    def _test_view(self, name: str, frame: t.Any = None) -> _SentView:
        """The view of what was sent, for the accessor (or assertion helper) *name*."""
        accessor = name in TEST_ACCESSORS
        spelled = f"res.{name}()" if name in _METHODS else f"res.{name}"
        if not self.finished:
            message = f"{spelled if accessor else name + '(res, ...)'} reads the response as "
            message += f"sent, but {_integrity.NEVER_ENDED}"
            if accessor:
                message += (
                    f"\n(A handler cannot use {spelled} at all: production's ApiResponse has "
                    f"no {name!r}; {_IN_A_HANDLER.get(name, _KNOWS)}.)"
                )
            raise ResponseNotEndedError(message)
        if accessor and (self._in_handler or _read_by_handler(frame)):
            raise MockAccessorError(
                f"the handler read {spelled}, which production's ApiResponse does not have "
                f"(it would raise AttributeError there): {spelled} is a test-only view of the "
                f"sent response. In the handler, {_IN_A_HANDLER.get(name, _KNOWS)}."
            )
        return _SentView(self, self._mock_sink)

    def _should_have_ended(self) -> bool:
        """Whether the test relied on this response although it never ended (reported once).

        Relying is reading ``status_code`` before the end: Node's default 200 looks like
        success. Pending headers read with ``get_header()`` (a middleware's test) do not count.
        """
        if self.finished or self._reported or not self._read_open:
            return False
        self._reported = True
        return True


_NO_ARGUMENT: t.Any = object()
_api_json = ApiResponse.json
_api_status = ApiResponse.status


def _missing(method: str, param: str, hint: str) -> TypeError:
    return TypeError(
        f"ApiResponse.{method}() missing 1 required positional argument: {param!r}; {hint}"
    )


@functools.wraps(ApiResponse.json)
def _json(self: ApiResponse, value: object = _NO_ARGUMENT) -> None:
    if value is _NO_ARGUMENT:
        raise _missing(
            "json",
            "value",
            "res.json(value) sends value as JSON (the handler's side); to read the JSON the "
            "handler sent, use res.json_data()",
        )
    _api_json(self, value)


@functools.wraps(ApiResponse.status)
def _status(self: ApiResponse, code: int = _NO_ARGUMENT) -> ApiResponse:
    if code is _NO_ARGUMENT:
        raise _missing(
            "status",
            "code",
            "res.status(code) sets the status (the handler's side); to read the status the "
            "handler set, use res.status_code",
        )
    return _api_status(self, code)


# Set after the class so type checkers keep ApiResponse's exact signatures.
setattr(MockResponse, "json", _json)  # noqa: B010
setattr(MockResponse, "status", _status)  # noqa: B010
