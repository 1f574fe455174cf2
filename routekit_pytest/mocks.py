"""``create_mocks()``: a handler's ``req`` and ``res`` for unit tests, built on the runtime's
own classes, so a handler cannot tell a mock from a routed request.

``req`` is a real :class:`~routekit.pages.request.ApiRequest` from the runtime's
``build_request`` (the body goes through the real parser unless ``body=`` gives it as the
handler should see it). ``res`` is a :class:`MockResponse`: production's
:class:`~routekit.pages.response.ApiResponse` with no public name added. The test accessors
(``res.headers``, ``res.json_data()``...) are read-only views of what was sent: they exist
once the response ended, and the handler itself never sees them.
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing as t

from routekit._aio import call_maybe_async
from routekit._config_parse import parse_pages_config
from routekit._wire import BufferSink, Exchange
from routekit.config import DEFAULT_RESPONSE_LIMIT, PagesConfig
from routekit.pages.request import ApiRequest, build_request
from routekit.pages.response import ApiResponse

from . import _integrity
from ._accessors import ResponseAccessors
from ._hints import attribute_error
from ._integrity import MockAccessorError, ResponseNotEndedError
from ._reqspec import MISSING, NO_BODY, build_raw, check_conflicts, encode_body

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Headers

    from routekit._wire import Notice, RawRequest

    from ._reqspec import FileValue, HeadersArg, QueryArg
    from .cookies import ResponseCookie

__all__ = [
    "OVERRIDES",
    "TEST_ACCESSORS",
    "MockResponse",
    "Mocks",
    "call_handler",
    "create_mocks",
    "create_request",
    "create_response",
]

_MOCK_FILE = "<create_mocks config>"
_UNSET: t.Any = object()

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
        return t.cast("int", _API_STATUS.__get__(self))

    @status_code.setter
    def status_code(self, code: int) -> None:
        _API_STATUS.__set__(self, code)

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
        def cookies(self) -> dict[str, ResponseCookie]: ...
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


def _hinting(method: t.Callable[..., t.Any], hint: str) -> t.Callable[..., t.Any]:
    """*method* of ApiResponse, saying *hint* when called without its argument."""
    param = list(inspect.signature(method).parameters)[1]  # after self

    @functools.wraps(method)
    def wrapper(self: ApiResponse, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not args and not kwargs:
            raise TypeError(
                f"ApiResponse.{method.__name__}() missing 1 required positional argument: "
                f"{param!r}; {hint}"
            )
        return method(self, *args, **kwargs)

    return wrapper


# Set after the class so type checkers keep ApiResponse's exact signatures.
setattr(  # noqa: B010
    MockResponse,
    "json",
    _hinting(
        ApiResponse.json,
        "res.json(value) sends value as JSON (the handler's side); to read the JSON the "
        "handler sent, use res.json_data()",
    ),
)
setattr(  # noqa: B010
    MockResponse,
    "status",
    _hinting(
        ApiResponse.status,
        "res.status(code) sets the status (the handler's side); to read the status the "
        "handler set, use res.status_code",
    ),
)


class Mocks(t.NamedTuple):
    """What :func:`create_mocks` returns: ``req, res = create_mocks(...)``."""

    req: ApiRequest
    res: MockResponse


def _exchange_for(
    caller: str,
    *,
    method: str,
    url: str,
    query: QueryArg,
    headers: HeadersArg,
    cookies: t.Mapping[str, str] | None,
    json: object,
    form: t.Any,
    data: bytes | str | None,
    files: t.Any,
    content_type: str | None,
    auth: str | tuple[str, str] | None,
    body: object,
) -> Exchange:
    has_body = json is not MISSING or form is not None or data is not None or files is not None
    given: dict[str, object] = {}
    if query is not None:
        given["query"] = query
    if headers is not None:
        given["headers"] = headers
    if cookies is not None:
        given["cookies"] = cookies
    if has_body:
        for name, value in (("json", json), ("form", form), ("data", data), ("files", files)):
            if value is not None and value is not MISSING:
                given[name] = value
    if content_type is not None:
        given["content_type"] = content_type
    if auth is not None:
        given["auth"] = auth
    if body is not None and body is not _UNSET:
        given["body"] = body
    check_conflicts(caller, url, given)
    raw: RawRequest = build_raw(
        method,
        url,
        query=query,
        headers=headers,
        cookies=cookies,
        body=encode_body(json=json, form=form, data=data, files=files) if has_body else NO_BODY,
        content_type=content_type,
        auth=auth,
    )
    return Exchange(raw, mode="test")


def _config(config: t.Mapping[str, t.Any] | PagesConfig | None) -> PagesConfig:
    if isinstance(config, PagesConfig):
        return config
    return parse_pages_config(config, _MOCK_FILE)


def create_request(
    *,
    method: str = "GET",
    url: str = "/",
    query: QueryArg = None,
    params: t.Mapping[str, str | list[str]] | None = None,
    headers: HeadersArg = None,
    cookies: t.Mapping[str, str] | None = None,
    body: object = _UNSET,
    json: object = MISSING,
    form: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
    data: bytes | str | None = None,
    files: t.Mapping[str, FileValue | list[FileValue]] | None = None,
    content_type: str | None = None,
    auth: str | tuple[str, str] | None = None,
    config: t.Mapping[str, t.Any] | PagesConfig | None = None,
) -> ApiRequest:
    """Build a handler's ``req`` (see :func:`create_mocks` for the keywords)."""
    return create_mocks(
        method=method,
        url=url,
        query=query,
        params=params,
        headers=headers,
        cookies=cookies,
        body=body,
        json=json,
        form=form,
        data=data,
        files=files,
        content_type=content_type,
        auth=auth,
        config=config,
    ).req


def create_response(
    req: ApiRequest | None = None, *, config: t.Mapping[str, t.Any] | PagesConfig | None = None
) -> MockResponse:
    """Build a :class:`MockResponse` answering *req* (a bare ``GET /`` when not given)."""
    if req is None:
        return create_mocks(config=config).res
    exchange = Exchange(req.raw, mode="test")
    return MockResponse(exchange, response_limit=_config(config).response_limit)


def create_mocks(
    *,
    method: str = "GET",
    url: str = "/",
    query: QueryArg = None,
    params: t.Mapping[str, str | list[str]] | None = None,
    headers: HeadersArg = None,
    cookies: t.Mapping[str, str] | None = None,
    body: object = _UNSET,
    json: object = MISSING,
    form: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
    data: bytes | str | None = None,
    files: t.Mapping[str, FileValue | list[FileValue]] | None = None,
    content_type: str | None = None,
    auth: str | tuple[str, str] | None = None,
    config: t.Mapping[str, t.Any] | PagesConfig | None = None,
) -> Mocks:
    """Build a linked ``(req, res)`` pair for calling a ``pages/api`` handler directly.

    :param method: the method (``GET``).
    :param url: the request target; its query string fills ``req.query`` unless *query*.
    :param query: query parameters (mapping, pairs or string); not with ``?`` in *url*.
    :param params: route params, merged over the query as the router does.
    :param headers: request headers (mapping or pairs).
    :param cookies: request cookies (sent as the ``Cookie`` header).
    :param body: ``req.body`` exactly as the handler should see it (no parsing).
    :param json: a value sent as JSON, parsed by the real body parser.
    :param form: fields sent URL-encoded (or multipart with *files*), parsed for real.
    :param data: raw body bytes or text; with a JSON *content_type* an invalid body raises
        ``RequestError`` (``400 Invalid JSON``) here.
    :param files: multipart files, ``{"field": content | (filename, content[, type])}``.
    :param content_type: the ``Content-Type`` of the body.
    :param auth: a bearer token, or a ``(user, password)`` pair for Basic auth.
    :param config: the route's ``config`` dict (``{"api": {"bodyParser": False}}`` gives
        ``req.stream``), or a ``PagesConfig``.
    :raises TypeError: for contradictory keywords, naming the one to drop.
    :raises RequestError: when the real body parser rejects the body.
    """
    exchange = _exchange_for(
        "create_mocks",
        method=method,
        url=url,
        query=query,
        headers=headers,
        cookies=cookies,
        json=json,
        form=form,
        data=data,
        files=files,
        content_type=content_type,
        auth=auth,
        body=body,
    )
    parsed = _config(config)
    req = build_request(
        exchange, params or {}, parsed, **({} if body is _UNSET else {"body": body})
    )
    res = MockResponse(exchange, response_limit=parsed.response_limit)
    return Mocks(req, res)


def call_handler(handler: t.Callable[..., t.Any], req: t.Any, res: t.Any) -> t.Any:
    """Call a sync or async handler to completion and return what it returned.

    Works from sync tests and from inside a running event loop (an ``async def`` test
    should rather ``await handler(req, res)``). While it runs, the handler reading a test
    accessor of *res* raises :class:`~routekit_pytest.MockAccessorError`; a handler that
    returns without sending issues :class:`~routekit_pytest.UnsentResponseWarning` (an
    error under the plugin's default ``routekit_strict``).
    """
    if not isinstance(res, MockResponse):
        return call_maybe_async(handler, req, res)
    res._in_handler = True
    try:
        result = call_maybe_async(handler, req, res)
    finally:
        res._in_handler = False
    if not res.finished and not res._reported:
        res._reported = True
        _integrity.warn_in_test(_integrity.unsent_by_handler(res))
    return result
