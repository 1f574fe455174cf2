"""``create_mocks()``: a handler's ``req`` and ``res`` for unit tests, built on the runtime's
own classes, so a handler cannot tell a mock from a routed request.

``req`` is a real :class:`~routekit.pages.request.ApiRequest` from the runtime's
``build_request`` (the body goes through the real parser unless ``body=`` gives it as the
handler should see it). ``res`` is a :class:`~routekit_pytest.MockResponse`: production's
:class:`~routekit.pages.response.ApiResponse` with no public name added, whose sent response
the test reads back (``res.json_data()``...).
"""

from __future__ import annotations

import typing as t

from routekit._aio import call_maybe_async
from routekit._wire import Exchange
from routekit.config import PagesConfig
from routekit.loader._config_parse import parse_pages_config
from routekit.pages.request import ApiRequest, build_request

from . import _integrity
from ._mockres import OVERRIDES, TEST_ACCESSORS, MockResponse
from ._reqspec import MISSING, RequestSpec, SpecKeywords

if t.TYPE_CHECKING:
    from routekit._wire import RawRequest

    from ._reqspec import FileValue, HeadersArg, QueryArg

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
    keywords: SpecKeywords = {
        "query": query,
        "headers": headers,
        "cookies": cookies,
        "json": json,
        "form": form,
        "data": data,
        "files": files,
        "content_type": content_type,
        "auth": auth,
    }
    also = None if body is None or body is _UNSET else {"body": body}
    raw: RawRequest = RequestSpec.build(caller, method, url, keywords, also=also).to_raw()
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
