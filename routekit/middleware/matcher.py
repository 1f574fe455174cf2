"""Which requests run ``middleware.py``: Next.js' ``config = {"matcher": ...}``, compiled.

A matcher is a string, or a list of strings and ``{source, has?, missing?, locale?}`` dicts,
each ``source`` in path-to-regexp v6 syntax (``:name``, ``:name*``, ``:name+``, ``:name?``,
``(regex)`` groups). Next.js wraps every source so that the ``/_next/data/<id>/…json`` form
of the path matches too, then tests the regex anchored, case-sensitive, with an optional
trailing slash; ``has``/``missing`` conditions look at headers, cookies, the query and the
host. Without a matcher, every path runs middleware except Next.js internals under
``/_next/`` (``/_next/data/`` included).

The matcher is pure: it sees a raw path, header lines and a query string, never HTTP objects.
"""

from __future__ import annotations

import difflib
import re
import typing as t
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..errors import ConfigError
from ..pages.cookies import parse_cookie_header

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
_DELIMITER = "/#?"
_PREFIXES = "./"


class _PathSyntaxError(ValueError):
    """path-to-regexp's own ``TypeError`` text, re-raised by the caller as a ConfigError."""


# --- path-to-regexp v6.3.0 (the version Next.js bundles), ported to Python regex syntax ---


@dataclass(slots=True)
class _Token:
    name: str | int
    prefix: str
    suffix: str
    pattern: str
    modifier: str


def _lex(source: str) -> list[tuple[str, int, str]]:
    tokens: list[tuple[str, int, str]] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char in "*+?":
            tokens.append(("MODIFIER", i, char))
            i += 1
        elif char == "\\":
            tokens.append(("ESCAPED_CHAR", i, source[i + 1 : i + 2]))
            i += 2
        elif char == "{":
            tokens.append(("OPEN", i, char))
            i += 1
        elif char == "}":
            tokens.append(("CLOSE", i, char))
            i += 1
        elif char == ":":
            j = i + 1
            while j < n and (source[j].isascii() and (source[j].isalnum() or source[j] == "_")):
                j += 1
            if j == i + 1:
                raise _PathSyntaxError(f"Missing parameter name at {i}")
            tokens.append(("NAME", i, source[i + 1 : j]))
            i = j
        elif char == "(":
            i = _lex_group(source, i, tokens)
        else:
            tokens.append(("CHAR", i, char))
            i += 1
    tokens.append(("END", i, ""))
    return tokens


def _lex_group(source: str, start: int, tokens: list[tuple[str, int, str]]) -> int:
    count = 1
    pattern = ""
    j = start + 1
    if source[j : j + 1] == "?":
        raise _PathSyntaxError(f'Pattern cannot start with "?" at {j}')
    while j < len(source):
        if source[j] == "\\":
            pattern += source[j : j + 2]
            j += 2
            continue
        if source[j] == ")":
            count -= 1
            if count == 0:
                j += 1
                break
        elif source[j] == "(":
            count += 1
            if source[j + 1 : j + 2] != "?":
                raise _PathSyntaxError(f"Capturing groups are not allowed at {j}")
        pattern += source[j]
        j += 1
    if count:
        raise _PathSyntaxError(f"Unbalanced pattern at {start}")
    if not pattern:
        raise _PathSyntaxError(f"Missing pattern at {start}")
    tokens.append(("PATTERN", start, pattern))
    return j


def _escape(text: str) -> str:
    return re.sub(r"([.+*?=^!:${}()\[\]|/\\])", r"\\\1", text)


def _parse(source: str) -> list[str | _Token]:
    tokens = _lex(source)
    result: list[str | _Token] = []
    key = 0
    i = 0
    path = ""

    def take(kind: str) -> str | None:
        nonlocal i
        if i < len(tokens) and tokens[i][0] == kind:
            i += 1
            return tokens[i - 1][2]
        return None

    def text() -> str:
        out = ""
        while value := (take("CHAR") or take("ESCAPED_CHAR")):
            out += value
        return out

    def safe_pattern(prefix: str) -> str:
        prev = result[-1] if result else None
        prev_text = prefix or (prev if isinstance(prev, str) else "")
        if prev is not None and not prev_text:
            name = prev.name if isinstance(prev, _Token) else prev
            raise _PathSyntaxError(
                f'Must have text between two parameters, missing text after "{name}"'
            )
        if not prev_text or any(d in prev_text for d in _DELIMITER):
            return f"[^{_escape(_DELIMITER)}]+?"
        return f"(?:(?!{_escape(prev_text)})[^{_escape(_DELIMITER)}])+?"

    while i < len(tokens):
        char = take("CHAR")
        name = take("NAME")
        pattern = take("PATTERN")
        if name or pattern:
            prefix = char or ""
            if prefix not in _PREFIXES:
                path += prefix
                prefix = ""
            if path:
                result.append(path)
                path = ""
            token_name: str | int = name or key
            if not name:
                key += 1
            result.append(
                _Token(
                    token_name, prefix, "", pattern or safe_pattern(prefix), take("MODIFIER") or ""
                )
            )
            continue
        value = char or take("ESCAPED_CHAR")
        if value:
            path += value
            continue
        if path:
            result.append(path)
            path = ""
        if take("OPEN") is not None:
            prefix = text()
            name = take("NAME") or ""
            pattern = take("PATTERN") or ""
            suffix = text()
            if take("CLOSE") is None:
                kind, index, _ = tokens[i]
                raise _PathSyntaxError(f"Unexpected {kind} at {index}, expected CLOSE")
            group_name: str | int = name or (key if pattern else "")
            if not name and pattern:
                key += 1
            result.append(
                _Token(
                    group_name,
                    prefix,
                    suffix,
                    safe_pattern(prefix) if name and not pattern else pattern,
                    take("MODIFIER") or "",
                )
            )
            continue
        if take("END") is None:
            kind, index, _ = tokens[i]
            raise _PathSyntaxError(f"Unexpected {kind} at {index}, expected END")
    return result


def _tokens_to_regex(tokens: list[str | _Token]) -> str:
    route = "^"
    for token in tokens:
        if isinstance(token, str):
            route += _escape(token)
            continue
        prefix, suffix = _escape(token.prefix), _escape(token.suffix)
        pattern = _js_to_python(token.pattern)
        if not token.pattern:
            route += f"(?:{prefix}{suffix}){token.modifier}"
        elif prefix or suffix:
            if token.modifier in ("+", "*"):
                mod = "?" if token.modifier == "*" else ""
                route += (
                    f"(?:{prefix}((?:{pattern})(?:{suffix}{prefix}(?:{pattern}))*){suffix}){mod}"
                )
            else:
                route += f"(?:{prefix}({pattern}){suffix}){token.modifier}"
        elif token.modifier in ("+", "*"):
            raise _PathSyntaxError(f'Can not repeat "{token.name}" without a prefix and suffix')
        else:
            route += f"({pattern}){token.modifier}"
    # Non-strict, end-anchored: one optional trailing delimiter. \Z is JS's `$` (Python's `$`
    # also matches before a final newline).
    return route + f"[{_escape(_DELIMITER)}]?\\Z"


def _js_to_python(pattern: str) -> str:
    # JavaScript spells named groups (?<name>...); Python wants (?P<name>...).
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)


def _compile(regex: str) -> re.Pattern[str]:
    # Python warns about set syntax it may adopt later ("[[", "--"); JavaScript has none of it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(regex, re.ASCII)


def source_to_regex(source: str) -> str:
    """The Python regex Next.js builds for the middleware matcher *source*.

    The source is wrapped as Next.js wraps it, so ``/_next/data/<id>/x.json`` matches the
    source ``/x``: ``/:nextData(_next/data/[^/]{1,})?`` before it, ``{(\\.json)}?`` after it
    (the root ``/`` gets ``(/?index|/?index\\.json)?``). Raises ``ValueError`` with
    path-to-regexp's message for a malformed source.
    """
    # Validate the source as written first, so error positions point into it (as Next.js).
    _tokens_to_regex(_parse(source))
    if source == "/":
        wrapped = "/:nextData(_next/data/[^/]{1,})?/(/?index|/?index\\.json)?"
    else:
        wrapped = f"/:nextData(_next/data/[^/]{{1,}})?{source}{{(\\.json)}}?"
    return _tokens_to_regex(_parse(wrapped))


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
        self, headers: Mapping[str, str], cookies: Mapping[str, str], query: Mapping[str, list[str]]
    ) -> bool:
        """Whether this condition holds for the lower-cased *headers*, *cookies* and *query*."""
        found: str | list[str] | None
        if self.type == "header":
            found = headers.get((self.key or "").lower())
        elif self.type == "cookie":
            found = cookies.get(self.key or "")
        elif self.type == "query":
            values = query.get(self.key or "")
            # One value is a string, several an array (last one tested), as Node's query object.
            found = None if not values else values[0] if len(values) == 1 else values
        else:
            host = headers.get("host")
            found = host.split(":", 1)[0].lower() if host is not None else None
        if not found:
            return False
        if self.regex is None:
            return True
        text = found[-1] if isinstance(found, list) else found
        return self.regex.search(text) is not None


# --- rules and the matcher ---


@dataclass(frozen=True, slots=True)
class MatcherRule:
    """One compiled matcher entry: the source as written, its regex and its conditions."""

    source: str
    regex: re.Pattern[str]
    has: tuple[HasCondition, ...] = ()
    missing: tuple[HasCondition, ...] = ()


# Node keeps the first of these when a client repeats them; other headers are joined.
_SINGLE = "age authorization content-length content-type etag expires from host if-modified-since"
_SINGLE += " if-unmodified-since last-modified location max-forwards proxy-authorization referer"
_SINGLE_HEADERS = frozenset((_SINGLE + " retry-after server user-agent").split())


def _node_headers(lines: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in lines:
        key = name.lower()
        if key not in out:
            out[key] = value
        elif key not in _SINGLE_HEADERS:
            out[key] += ("; " if key == "cookie" else ", ") + value
    return out


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
        """Whether middleware runs for the raw (percent-encoded) *path*.

        :param headers: the request's header lines, for ``has``/``missing`` conditions.
        :param query_string: the raw query string without ``?``, for ``query`` conditions.
        """
        lazy: dict[str, t.Any] = {}
        for rule in self.rules:
            if not rule.regex.match(path):
                continue
            if not rule.has and not rule.missing:
                return True
            if not lazy:
                lazy["headers"] = _node_headers(headers)
                lazy["cookies"] = parse_cookie_header(lazy["headers"].get("cookie", ""))
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
        return _compile(source_to_regex(source))
    except _PathSyntaxError as exc:
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
            regex = _compile(f"^{_js_to_python(value)}\\Z")
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
