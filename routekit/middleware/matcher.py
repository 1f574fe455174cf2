"""Which requests run ``middleware.py``: Next.js' ``config = {"matcher": ...}``, compiled.

A matcher is a string, or a list of strings and ``{source, has?, missing?, locale?}`` dicts,
each ``source`` in path-to-regexp v6 syntax (``:name``, ``:name*``, ``:name+``, ``:name?``,
``(regex)`` groups). Next.js wraps every source so that the ``/_next/data/<id>/…json`` form
of the path matches too, then tests the regex anchored, case-sensitive, with an optional
trailing slash; ``has``/``missing`` conditions look at headers, cookies, the query and the
host. Without a matcher, every path runs middleware except Next.js internals under
``/_next/`` (``/_next/data/`` included).

The matcher is pure: it sees a raw path, header lines and a query string, never HTTP objects.
The path-to-regexp port it compiles sources with is :mod:`routekit.middleware._pathtoregexp`.
"""

from __future__ import annotations

import difflib
import re
import typing as t
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from .._js.cookies import parse_cookie_header
from .._js.headers import HeaderValue, IncomingHeaders
from .._js.strings import decode_uri_component
from ..errors import ConfigError, PathSyntaxError
from ._pathtoregexp import compile_js, js_to_python, parse, tokens_to_regex

__all__ = [
    "DEFAULT_MATCHER",
    "HasCondition",
    "MatcherRule",
    "MiddlewareMatcher",
    "compile_matcher",
    "matcher_from_config",
    "source_to_regex",
]

HasType = t.Literal["header", "cookie", "query", "host"]

_MAX_SOURCE = 4096
_RULE_KEYS = ("source", "has", "missing", "locale")
_SYNTAX_HINT = (
    "use path-to-regexp v6 syntax: '/about/:path*', '/api/:id', '/((?!api|_next).*)'; "
    "groups inside (...) must be non-capturing ((?:...), (?!...))"
)


def source_to_regex(source: str) -> str:
    """The Python regex Next.js builds for the middleware matcher *source*.

    The source is wrapped as Next.js wraps it, so ``/_next/data/<id>/x.json`` matches the
    source ``/x``: ``/:nextData(_next/data/[^/]{1,})?`` before it, ``{(\\.json)}?`` after it
    (the root ``/`` gets ``(/?index|/?index\\.json)?``). Raises ``ValueError`` with
    path-to-regexp's message for a malformed source.
    """
    # Validate the source as written first, so error positions point into it (as Next.js).
    tokens_to_regex(parse(source))
    if source == "/":
        wrapped = "/:nextData(_next/data/[^/]{1,})?/(/?index|/?index\\.json)?"
    else:
        wrapped = f"/:nextData(_next/data/[^/]{{1,}})?{source}{{(\\.json)}}?"
    return tokens_to_regex(parse(wrapped))


# --- has / missing ---


@dataclass(frozen=True, slots=True)
class HasCondition:
    """One ``has``/``missing`` item: ``{type, key, value?}`` or ``{type: "host", value}``.

    Without ``value`` the condition is a presence test (a non-empty value, as in Next.js);
    with ``value`` it is the regex ``'^' + value + '$'`` searched in the value.
    """

    type: HasType
    key: str | None
    value: str | None
    regex: re.Pattern[str] | None = field(default=None, compare=False)

    def test(
        self,
        headers: Mapping[str, HeaderValue],
        cookies: Mapping[str, str],
        query: Mapping[str, list[str]],
    ) -> bool:
        """Whether this condition holds for the request's (Node-folded) *headers*, *cookies*
        and *query*."""
        found: HeaderValue | None
        if self.type == "header":
            found = headers.get((self.key or "").lower())
            if isinstance(found, list):  # Set-Cookie lines, read as one comma-joined value
                found = ", ".join(found)
        elif self.type == "cookie":
            found = cookies.get(self.key or "")
        elif self.type == "query":
            values = query.get(self.key or "")
            # One value is a string, several an array (last one tested), as Node's query object.
            found = None if not values else values[0] if len(values) == 1 else values
        else:
            host = headers.get("host")
            found = host.split(":", 1)[0].lower() if isinstance(host, str) else None
        if not found:
            return False
        if self.regex is None:
            return True
        text = found[-1] if isinstance(found, list) else found
        return self.regex.search(text) is not None


# --- rules and the matcher ---


def _decoded(path: str) -> str | None:
    """*path* through ``decodeURIComponent``, or ``None`` when that changes nothing or fails."""
    if "%" not in path:
        return None
    try:
        decoded = decode_uri_component(path)
    except ValueError:
        return None  # Next.js: "non-fatal we can't decode so can't match it"
    return decoded if decoded != path else None


@dataclass(frozen=True, slots=True)
class MatcherRule:
    """One compiled matcher entry: the source as written, its regex and its conditions."""

    source: str
    regex: re.Pattern[str]
    has: tuple[HasCondition, ...] = ()
    missing: tuple[HasCondition, ...] = ()


class MiddlewareMatcher:
    """The compiled ``config["matcher"]`` of a ``middleware.py``: which requests run it.

    :param rules: the compiled entries; a request matches if any entry does.
    """

    __slots__ = ("rules",)

    def __init__(self, rules: Iterable[MatcherRule]) -> None:
        self.rules: tuple[MatcherRule, ...] = tuple(rules)

    def __repr__(self) -> str:
        return f"MiddlewareMatcher({[rule.source for rule in self.rules]!r})"

    def matches(
        self,
        path: str,
        headers: Iterable[tuple[str, str]] = (),
        query_string: str = "",
    ) -> bool:
        """Whether middleware runs for *path* (percent-encoded, dot segments resolved).

        As in Next.js (``resolve-routes.ts``), a rule also matches when it matches the
        decoded path, so ``/api/m%77/x`` runs a middleware for ``/api/mw/:path*``: an
        escape cannot walk around a guard. A path that does not decode is tried as is.

        :param headers: the request's header lines, for ``has``/``missing`` conditions.
        :param query_string: the raw query string without ``?``, for ``query`` conditions.
        """
        lazy: dict[str, t.Any] = {}
        decoded = _decoded(path)
        for rule in self.rules:
            if not rule.regex.match(path) and (decoded is None or not rule.regex.match(decoded)):
                continue
            if not rule.has and not rule.missing:
                return True
            if not lazy:
                folded = IncomingHeaders(list(headers))
                lazy["headers"] = folded
                cookie = folded.get("cookie")  # Node joins repeated Cookie lines with "; "
                lazy["cookies"] = parse_cookie_header(cookie if isinstance(cookie, str) else "")
                query: dict[str, list[str]] = {}
                for key, value in parse_qsl(query_string, keep_blank_values=True):
                    query.setdefault(key, []).append(value)
                lazy["query"] = query
            args = (lazy["headers"], lazy["cookies"], lazy["query"])
            if all(c.test(*args) for c in rule.has) and not any(
                c.test(*args) for c in rule.missing
            ):
                return True
        return False


#: Used when ``middleware.py`` has no matcher: every path but Next.js' ``/_next/`` internals
#: (``/_next/data/`` still runs middleware), as the newest Next.js builds do.
DEFAULT_MATCHER = MiddlewareMatcher(
    [MatcherRule("/:path*", re.compile(r"^(?!.*/_next/(?!data/)).*"))]
)


# --- validation (Next.js' zod schema for the middleware config, same messages) ---

_EXAMPLE_HAS = "{'type': 'header', 'key': 'x-flag'} or {'type': 'host', 'value': 'example.com'}"
_EXAMPLE_RULE = "a path string or {'source': '/api/:path*', 'has': [...]}"


class _Invalid(Exception):
    def __init__(self, message: str, value: object, hint: str, where: str = "") -> None:
        super().__init__(message)
        self.message, self.value, self.hint, self.where = message, value, hint, where


def _compile_source(source: object) -> re.Pattern[str]:
    if not isinstance(source, str):
        raise _Invalid("source is required", source, "write a path such as '/api/:path*'")
    if len(source) > _MAX_SOURCE:
        message = f"exceeds max built length of {_MAX_SOURCE} for route ({len(source)} chars)"
        raise _Invalid(message, source[:40] + "...", "split it into several shorter matchers")
    if not source.startswith("/"):
        raise _Invalid("source must start with /", source, f"write {'/' + source!r}")
    try:
        return compile_js(source_to_regex(source))
    except PathSyntaxError as exc:
        raise _Invalid(f"Invalid source '{source}': {exc}", source, _SYNTAX_HINT) from None
    except re.error as exc:
        message = f"Invalid source '{source}': the regex does not compile in Python ({exc})"
        raise _Invalid(message, source, "use regex syntax JavaScript and Python share") from None


def _compile_conditions(items: object, where: str) -> tuple[HasCondition, ...]:
    if items is None:
        return ()
    if not isinstance(items, (list, tuple)):
        raise _Invalid("must be a list of conditions", items, f"write [{_EXAMPLE_HAS}]", where)
    out = []
    for n, item in enumerate(items):
        try:
            out.append(_compile_condition(item))
        except _Invalid as exc:
            exc.where = f"{where}[{n}]"
            raise
    return tuple(out)


def _compile_condition(item: object) -> HasCondition:
    if not isinstance(item, Mapping):
        raise _Invalid("a condition must be a dict", item, f"write {_EXAMPLE_HAS}")
    kind = item.get("type")
    if kind not in ("header", "cookie", "query", "host"):
        message = "Invalid discriminator value. Expected 'header' | 'query' | 'cookie' | 'host'"
        raise _Invalid(message, kind, f"write {_EXAMPLE_HAS}")
    _reject_unknown(item, ("type", "value") if kind == "host" else ("type", "key", "value"))
    key, value = item.get("key"), item.get("value")
    if kind == "host" and not isinstance(value, str):
        raise _Invalid("host must have a value", value, "add 'value': 'example.com'")
    if kind != "host" and not isinstance(key, str):
        message = "key is required when type is header, query or cookie"
        raise _Invalid(message, key, f"write {_EXAMPLE_HAS}")
    if value is not None and not isinstance(value, str):
        raise _Invalid("value must be a string", value, "write a regex string, e.g. 'yes|true'")
    regex = None
    if value is not None:
        try:
            regex = compile_js(f"^{js_to_python(value)}\\Z")
        except re.error as exc:
            raise _Invalid(f"value is not a valid regex ({exc})", value, "fix the regex") from None
    return HasCondition(t.cast("HasType", kind), key, value, regex)


def _reject_unknown(item: Mapping[t.Any, object], allowed: tuple[str, ...]) -> None:
    for name in item:
        if name not in allowed:
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            raise _Invalid(f"unknown key {name!r}", dict(item), hint)


def _compile_rule(entry: object, where: str) -> MatcherRule:
    if isinstance(entry, str):
        return MatcherRule(entry, _compile_source(entry))
    if not isinstance(entry, Mapping):
        message = "must be an array of strings or middleware matchers"
        raise _Invalid(message, entry, f"write {_EXAMPLE_RULE}")
    _reject_unknown(entry, _RULE_KEYS)
    if entry.get("locale", False) is not False:
        raise _Invalid("locale must be False or absent", entry["locale"], "remove 'locale'")
    try:
        regex = _compile_source(entry.get("source"))
    except _Invalid as exc:
        exc.where = f"{where}.source"
        raise
    has = _compile_conditions(entry.get("has"), f"{where}.has")
    missing = _compile_conditions(entry.get("missing"), f"{where}.missing")
    return MatcherRule(entry["source"], regex, has, missing)


def _rules(matcher: object) -> t.Iterator[MatcherRule]:
    if isinstance(matcher, str):
        yield _compile_rule(matcher, "matcher")
        return
    if isinstance(matcher, Mapping):
        # Next.js' schema takes a string or an array, never a lone object.
        message = "must be a string or an array of strings or middleware matchers"
        raise _Invalid(message, dict(matcher), "wrap the dict in a list: [{...}]", "matcher")
    if not isinstance(matcher, (list, tuple)):
        message = "must be a string or a list"
        raise _Invalid(message, matcher, "write 'matcher': ['/api/:path*']", "matcher")
    for n, entry in enumerate(matcher):
        try:
            yield _compile_rule(entry, f"matcher[{n}]")
        except _Invalid as exc:
            exc.where = exc.where or f"matcher[{n}]"
            raise


def compile_matcher(matcher: object, *, file: str = "middleware.py") -> MiddlewareMatcher:
    """Compile a ``config["matcher"]`` value; ``None`` gives :data:`DEFAULT_MATCHER`.

    :param matcher: a source string, or a list of source strings and
        ``{"source", "has", "missing", "locale"}`` dicts.
    :param file: the middleware file, named in errors.
    :raises ConfigError: for a malformed matcher, naming the entry, the value and the fix.
    """
    if matcher is None:
        return DEFAULT_MATCHER
    try:
        return MiddlewareMatcher(list(_rules(matcher)))
    except _Invalid as exc:
        where = exc.where or "matcher"
        raise ConfigError(
            f"invalid middleware config: {where}: {exc.message} (got {exc.value!r})",
            file,
            key=where,
            value=exc.value,
            hint=exc.hint,
        ) from None


def matcher_from_config(config: object, *, file: str = "middleware.py") -> MiddlewareMatcher:
    """The matcher of a middleware module's ``config`` export (``None`` when it has none).

    Keys other than ``matcher`` (``regions``, ``runtime``...) are accepted and ignored, as
    Next.js' schema for this object is not strict.
    """
    if config is None:
        return DEFAULT_MATCHER
    if not isinstance(config, Mapping):
        message = f"invalid middleware config: config must be a dict (got {config!r})"
        hint = "write config = {'matcher': ['/api/:path*']}"
        raise ConfigError(message, file, key="config", value=config, hint=hint)
    return compile_matcher(config.get("matcher"), file=file)
