"""``req``: the request a ``pages/api`` handler receives, as Next.js' ``apiResolver`` builds it.

:class:`ApiRequest` mirrors Node's ``IncomingMessage`` plus Next.js' additions: ``method``
and ``url`` as sent, ``headers`` with Node's folding rules, ``query`` (query string, then
route params on top), lazy ``cookies``, the parsed ``body`` and the raw ``stream``.
Headers, query and cookies are computed on first access, so a handler pays only for what
it reads.
"""

from __future__ import annotations

import typing as t

from .._js.cookies import parse_cookie_header
from .._js.headers import IncomingHeaders
from .._js.query import QueryDict, parse_search_params
from .._js.url import normalise_query
from .._wire import BodyReader
from .body import ConsumedBodyStream, parse_body

if t.TYPE_CHECKING:
    import io

    from .._wire import Exchange, RawRequest
    from ..config import PagesConfig
    from ..routing.route import Route

__all__ = ["ApiRequest", "build_request"]

# Next.js strips its internal query keys (normalizeNextQueryParam): "nxtP<name>" route
# params and "nxtI<name>" interception markers; the bare prefixes themselves are kept.
_INTERNAL_PREFIXES = ("nxtP", "nxtI")
_INTERNAL_KEYS = frozenset({"nextInternalLocale"})


def _drop_internal_keys(query: QueryDict) -> None:
    for key in [k for k in query if k[:4] in _INTERNAL_PREFIXES or k in _INTERNAL_KEYS]:
        if key not in _INTERNAL_PREFIXES:
            del query[key]


class ApiRequest:
    """The request object passed to ``handler(req, res)``.

    :param raw: the request as it came off the wire.
    :param params: the route params (``[id]`` → ``str``, ``[...slug]`` → ``list[str]``);
        they override query-string keys of the same name in :attr:`query`.
    :param body: the parsed body (see :func:`build_request`).
    :param stream: what :attr:`stream` reads; the raw body when not given.
    :param url: what :attr:`url` shows; ``raw.url`` when not given.
    :param query_string: what :attr:`query` is read from; ``raw.query_string`` when not
        given (a middleware rewrite's query).

    Attributes:

    * ``method``: the method as sent (Next.js does not upper-case it).
    * ``url``: the path and ``?query`` as Next.js hands them on (``req.url``): dot segments
      resolved, the query serialised again, a dynamic route's param keys left out of it;
      after a middleware rewrite, still the request's own URL.
    * ``body``: ``""`` for no body, a ``dict``/``list``/... for JSON, a ``dict`` for forms,
      the decoded text otherwise, ``None`` with ``bodyParser: False``.
    * ``stream``: a binary file; with ``bodyParser: False`` it reads the raw body, otherwise
      reading it raises :class:`~routekit.pages.body.BodyConsumedError`.
    * ``raw``: the :class:`~routekit._wire.RawRequest` underneath.
    """

    __slots__ = (
        "_cookies",
        "_headers",
        "_params",
        "_query",
        "_query_string",
        "body",
        "method",
        "raw",
        "stream",
        "url",
    )

    def __init__(
        self,
        raw: RawRequest,
        params: t.Mapping[str, str | list[str]] | None = None,
        *,
        body: object = None,
        stream: io.RawIOBase | None = None,
        url: str | None = None,
        query_string: str | None = None,
    ) -> None:
        self.raw = raw
        self.method: str = raw.method
        self.url: str = raw.url if url is None else url
        self._query_string = raw.query_string if query_string is None else query_string
        self.body: t.Any = body
        self.stream: io.RawIOBase = (
            stream if stream is not None else BodyReader(raw.body, raw.content_length)
        )
        self._params = params
        self._headers: IncomingHeaders | None = None
        self._query: QueryDict | None = None
        self._cookies: dict[str, str] | None = None

    @property
    def headers(self) -> IncomingHeaders:
        """The headers: lower-case names, Node's rules for repeated lines (case-insensitive)."""
        if self._headers is None:
            self._headers = IncomingHeaders(self.raw.headers)
        return self._headers

    @property
    def query(self) -> QueryDict:
        """The query string (``URLSearchParams`` rules) with the route params on top.

        A repeated key gives a ``list[str]``; an optional catch-all that matched nothing has
        no key, so a same-named query value shows through. Assignable, as in Next.js.
        """
        if self._query is None:
            query = parse_search_params(self._query_string)
            if query:
                _drop_internal_keys(query)
            if self._params:
                for name, value in self._params.items():
                    query[name] = list(value) if isinstance(value, list) else value
            self._query = query
        return self._query

    @query.setter
    def query(self, value: QueryDict) -> None:
        self._query = value

    @property
    def cookies(self) -> dict[str, str]:
        """The ``Cookie`` header as ``{name: value}`` (first occurrence wins); ``{}`` without one.

        Parsed on first access and cached; assignable, as in Next.js.
        """
        if self._cookies is None:
            header = self.headers.get("cookie")
            if isinstance(header, list):
                header = "; ".join(header)
            self._cookies = parse_cookie_header(header) if header else {}
        return self._cookies

    @cookies.setter
    def cookies(self, value: dict[str, str]) -> None:
        self._cookies = value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method} {self.url!r}>"


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: t.Final = _Unset()


def build_request(
    exchange: Exchange,
    params: t.Mapping[str, str | list[str]],
    config: PagesConfig,
    *,
    body: object = _UNSET,
) -> ApiRequest:
    """Build the ``req`` for one call of a pages handler, parsing the body per *config*.

    With ``bodyParser`` on, the body is read and parsed now (before the handler runs, as
    Next.js awaits it) and ``req.stream`` refuses reads; with it off, ``req.body`` is
    ``None`` and ``req.stream`` gives the raw bytes. A *body* argument is taken as the
    body the handler should see and skips the parser (Next.js skips parsing when
    ``req.body`` is already set, e.g. by a unit-test mock).

    :raises RequestError: ``400 Invalid JSON``, ``413 Body exceeded <limit> limit`` or
        ``400 Invalid body``.
    """
    raw = exchange.raw
    rewrite = exchange.rewrite
    query_string = None if rewrite is None else rewrite[1]
    url = _shown_url(raw, exchange.match.route if exchange.match is not None else None)
    stream: io.RawIOBase
    if config.body_parser:
        match = exchange.match
        stream = ConsumedBodyStream(match.route.relfile if match is not None else None)
        parsed = parse_body(raw, config) if body is _UNSET else body
    else:
        stream = BodyReader(raw.body, raw.content_length)
        parsed = None if body is _UNSET else body
    return ApiRequest(raw, params, body=parsed, stream=stream, url=url, query_string=query_string)


def _shown_url(raw: RawRequest, route: Route | None) -> str | None:
    """``req.url`` when it differs from ``raw.url``: Next.js' ``normalizeCdnUrl`` leaves a
    dynamic route's param keys out of the query (``/api/users/7?id=7`` -> ``/api/users/7``).
    """
    if not raw.query_string or route is None:
        return None
    names = [
        segment.strip("[]").removeprefix("...") for segment in route.segments if segment[:1] == "["
    ]
    if not names:
        return None
    query = normalise_query(raw.query_string, names)
    return f"{raw.path}?{query}" if query else raw.path
