"""Hypothesis strategies for requests to a route (``pip install 'routekit[hypothesis]'``).

``routekit_requests("/api/users/[id]")`` draws a method, a value for each param of the
pattern (``[id]``: one segment, ``[...slug]``: one or more, ``[[...slug]]``: zero or more),
percent-encoded as a browser would send it, and optionally a query and a JSON body, so a
property such as "never a 500" can be checked over inputs nobody thought of::

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case=routekit_requests("/api/users/[id]", json=True))
    def test_never_500(client, case):
        assert case.send(client).status_code < 500

Hypothesis is imported when a strategy is built, so the plugin works without it.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

if t.TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from hypothesis.strategies import DrawFn, SearchStrategy

    from routekit.routing.segments import Segment

    from .client import Client
    from .response import ClientResponse

__all__ = ["DEFAULT_METHODS", "RouteRequest", "json_values", "routekit_requests"]

#: The methods drawn when none are given.
DEFAULT_METHODS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


class _NoJSON:
    def __repr__(self) -> str:
        return "(no body)"


_NO_JSON: t.Final = _NoJSON()

ParamValue: t.TypeAlias = "str | list[str]"


@dataclass(frozen=True)
class RouteRequest:
    """One drawn request: what to send, and the params the route should receive.

    :param method: the method.
    :param url: the path, percent-encoded, with the query string.
    :param params: the decoded params the route sees when it answers (``{"id": "é/x"}``);
        an optional catch-all that matched nothing has no key, as in Next.js.
    :param query: the query parameters, decoded.
    :param json: the JSON body; absent (see :attr:`has_json`) for GET, HEAD and OPTIONS.
    :param headers: extra request headers.
    """

    method: str
    url: str
    params: dict[str, ParamValue] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: t.Any = _NO_JSON
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def has_json(self) -> bool:
        """Whether the request carries a JSON body."""
        return self.json is not _NO_JSON

    def send(self, client: Client, **keywords: t.Any) -> ClientResponse:
        """Send the request with *client* (extra *keywords* as in ``client.request``)."""
        if self.has_json:
            keywords.setdefault("json", self.json)
        if self.headers:
            keywords.setdefault("headers", self.headers)
        return client.request(self.method, self.url, **keywords)

    def __repr__(self) -> str:
        # What Hypothesis prints for a falsifying example: the request as a client call.
        extra = f", json={self.json!r}" if self.has_json else ""
        extra += f", headers={self.headers!r}" if self.headers else ""
        return f"RouteRequest({self.method} {self.url}{extra}; params={self.params!r})"

    def _repr_pretty_(self, printer: t.Any, cycle: bool) -> None:
        printer.text(repr(self))  # Hypothesis' (IPython's) pretty printer: the one-line form


def _hypothesis() -> t.Any:
    try:
        from hypothesis import strategies
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "routekit_requests() needs hypothesis: pip install 'routekit[hypothesis]' "
            "(or hypothesis).",
            name=exc.name,
        ) from exc
    return strategies


def _text(min_size: int = 0, max_size: int = 10) -> SearchStrategy[str]:
    """Any text without surrogates (they cannot be sent as UTF-8), ASCII drawn most.

    Built from code points rather than Unicode categories: category alphabets make
    Hypothesis load its Unicode tables during the first draw, which is slow enough on a
    fresh checkout to fail the test's "input generation is slow" health check.
    """
    st = _hypothesis()
    chars = st.one_of(
        st.integers(0x20, 0x7E), st.integers(0, 0xD7FF), st.integers(0xE000, 0x10FFFF)
    ).map(chr)
    return t.cast("SearchStrategy[str]", st.text(chars, min_size=min_size, max_size=max_size))


def json_values(max_leaves: int = 8) -> SearchStrategy[t.Any]:
    """Any JSON value: null, booleans, numbers, text, and lists and objects of them."""
    st = _hypothesis()
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | _text()
    )
    return t.cast(
        "SearchStrategy[t.Any]",
        st.recursive(
            scalars,
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(_text(max_size=6), inner, max_size=3)
            ),
            max_leaves=max_leaves,
        ),
    )


_DOT_SEGMENTS = frozenset({".", ".."})


def _encode(value: str) -> str:
    """One path segment as a browser sends it (percent-encoded).

    :raises ValueError: for ``.`` and ``..``: every URL parser resolves them (escaped as
        ``%2E`` too), so no request can carry them as a param, in Next.js either.
    """
    if value in _DOT_SEGMENTS:
        raise ValueError(
            f"{value!r} cannot be a path param: URLs resolve '.' and '..' segments (also "
            "when escaped as %2E), so no request can carry it; leave it out of params=."
        )
    return quote(value, safe="")


def _segment_text() -> SearchStrategy[str]:
    """A non-empty path segment value that is not a dot segment."""
    return _text(min_size=1).filter(lambda value: value not in _DOT_SEGMENTS)


def _param_strategy(segment: Segment, given: SearchStrategy[t.Any] | None) -> SearchStrategy[t.Any]:
    from routekit.routing.segments import SegmentKind

    st = _hypothesis()
    if given is not None:
        return given
    if segment.kind is SegmentKind.DYNAMIC:
        return _segment_text()
    low = 1 if segment.kind is SegmentKind.CATCH_ALL else 0
    return t.cast("SearchStrategy[t.Any]", st.lists(_segment_text(), min_size=low, max_size=4))


def _query_strategy(query: t.Any) -> SearchStrategy[dict[str, str]]:
    st = _hypothesis()
    if query is None:
        return t.cast("SearchStrategy[dict[str, str]]", st.just({}))
    if query is True:
        key = _text(min_size=1, max_size=6)
        return t.cast(
            "SearchStrategy[dict[str, str]]",
            st.dictionaries(key, _text(min_size=1) | st.just(""), max_size=3),
        )
    if isinstance(query, t.Mapping):
        return t.cast("SearchStrategy[dict[str, str]]", st.fixed_dictionaries(dict(query)))
    return t.cast("SearchStrategy[dict[str, str]]", query)


def routekit_requests(
    pattern: str,
    *,
    methods: Sequence[str] = DEFAULT_METHODS,
    params: Mapping[str, SearchStrategy[t.Any]] | None = None,
    query: bool | Mapping[str, SearchStrategy[str]] | SearchStrategy[dict[str, str]] | None = None,
    json: bool | SearchStrategy[t.Any] | None = None,
    headers: SearchStrategy[dict[str, str]] | None = None,
) -> SearchStrategy[RouteRequest]:
    """A strategy of :class:`RouteRequest` for the route *pattern* (``/api/users/[id]``).

    :param methods: the methods to draw from.
    :param params: a strategy per param name, replacing the default (any non-empty text
        for ``[id]``; lists of it for catch-alls), e.g. ``{"id": st.integers().map(str)}``.
    :param query: ``True`` for any small query, a strategy per name, or a strategy of
        dicts; ``None`` (default) for none.
    :param json: ``True`` for any JSON body (:func:`json_values`), or a strategy of
        values; sent with every method but GET, HEAD and OPTIONS.
    :param headers: a strategy of header dicts.
    :raises RouteDefinitionError: for a pattern Next.js would reject (``[[id]]``...).
    :raises ValueError: for a pattern without a leading ``/`` or a ``params`` key that is
        not one of its params.
    """
    from routekit.routing.segments import SegmentKind, parse_pattern

    st = _hypothesis()
    if not pattern.startswith("/"):
        raise ValueError(f"route patterns start with '/', like '/api/users/[id]'; got {pattern!r}.")
    segments = parse_pattern([part for part in pattern.split("/") if part], (pattern,))
    names = [s.name for s in segments if s.kind is not SegmentKind.STATIC]
    unknown = sorted(set(params or {}) - set(names))
    if unknown:
        listed = ", ".join(names) or "none"
        raise ValueError(
            f"params names {', '.join(map(repr, unknown))}, but {pattern} has no such segment; "
            f"its params are: {listed}."
        )
    if not methods:
        raise ValueError("methods must name at least one method, e.g. methods=['GET'].")
    given = dict(params or {})
    body = json_values() if json is True else None if json is None or json is False else json
    query_values = _query_strategy(query)
    header_values = headers if headers is not None else st.just({})

    @st.composite  # type: ignore[untyped-decorator]
    def draw_request(draw: DrawFn) -> RouteRequest:
        method = draw(st.sampled_from(list(methods)))
        path: list[str] = []
        drawn: dict[str, ParamValue] = {}
        for segment in segments:
            if segment.kind is SegmentKind.STATIC:
                path.append(segment.raw)
                continue
            value = draw(_param_strategy(segment, given.get(segment.name)))
            if segment.kind is SegmentKind.DYNAMIC:
                path.append(_encode(str(value)))
                drawn[segment.name] = str(value)
            elif value:
                path.extend(_encode(str(part)) for part in value)
                drawn[segment.name] = [str(part) for part in value]
        url = "/" + "/".join(path)
        query_dict = draw(query_values)
        if query_dict:
            url += "?" + urlencode(query_dict, quote_via=quote)
        payload = draw(body) if body is not None and method.upper() not in _BODYLESS else _NO_JSON
        return RouteRequest(method, url, drawn, dict(query_dict), payload, draw(header_values))

    return t.cast("SearchStrategy[RouteRequest]", draw_request())
