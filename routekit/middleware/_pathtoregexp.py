"""path-to-regexp 6.3.0, the version Next.js bundles, ported to Python regex syntax.

Only what the middleware matcher needs: :func:`parse` a source into text and parameter
tokens, then :func:`tokens_to_regex` in the non-strict, end-anchored mode Next.js uses (one
optional trailing delimiter). Errors carry path-to-regexp's own messages, positions included.
Parameter patterns are JavaScript regex text: :func:`js_to_python` respells named groups
and :func:`compile_js` compiles with JavaScript's ASCII classes.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..errors import PathSyntaxError

__all__ = ["Token", "compile_js", "js_to_python", "parse", "tokens_to_regex"]

_DELIMITER = "/#?"
_PREFIXES = "./"


@dataclass(slots=True)
class Token:
    """A parameter: ``{prefix}(pattern){suffix}modifier``, named or numbered."""

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
                raise PathSyntaxError(f"Missing parameter name at {i}")
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
        raise PathSyntaxError(f'Pattern cannot start with "?" at {j}')
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
                raise PathSyntaxError(f"Capturing groups are not allowed at {j}")
        pattern += source[j]
        j += 1
    if count:
        raise PathSyntaxError(f"Unbalanced pattern at {start}")
    if not pattern:
        raise PathSyntaxError(f"Missing pattern at {start}")
    tokens.append(("PATTERN", start, pattern))
    return j


def _escape(text: str) -> str:
    return re.sub(r"([.+*?=^!:${}()\[\]|/\\])", r"\\\1", text)


def parse(source: str) -> list[str | Token]:
    """path-to-regexp's ``parse``: *source* as literal text and parameter tokens."""
    tokens = _lex(source)
    result: list[str | Token] = []
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
            name = prev.name if isinstance(prev, Token) else prev
            raise PathSyntaxError(
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
                Token(
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
                raise PathSyntaxError(f"Unexpected {kind} at {index}, expected CLOSE")
            group_name: str | int = name or (key if pattern else "")
            if not name and pattern:
                key += 1
            result.append(
                Token(
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
            raise PathSyntaxError(f"Unexpected {kind} at {index}, expected END")
    return result


def tokens_to_regex(tokens: list[str | Token]) -> str:
    """``tokensToRegexp`` with Next.js' options (``strict: false``, ``end: true``)."""
    route = "^"
    for token in tokens:
        if isinstance(token, str):
            route += _escape(token)
            continue
        prefix, suffix = _escape(token.prefix), _escape(token.suffix)
        pattern = js_to_python(token.pattern)
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
            raise PathSyntaxError(f'Can not repeat "{token.name}" without a prefix and suffix')
        else:
            route += f"({pattern}){token.modifier}"
    # Non-strict, end-anchored: one optional trailing delimiter. \Z is JS's `$` (Python's `$`
    # also matches before a final newline).
    return route + f"[{_escape(_DELIMITER)}]?\\Z"


def js_to_python(pattern: str) -> str:
    """*pattern* with JavaScript's named groups ``(?<name>...)`` spelt ``(?P<name>...)``."""
    return re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)


def compile_js(regex: str) -> re.Pattern[str]:
    """Compile regex text written for JavaScript (ASCII classes, no set-syntax warnings)."""
    # Python warns about set syntax it may adopt later ("[[", "--"); JavaScript has none of it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(regex, re.ASCII)
