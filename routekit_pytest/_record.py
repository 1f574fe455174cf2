"""A response as plain facts (status, header lines, body), rendered as readable text.

Snapshots (:mod:`routekit_pytest.snapshot`) and traffic replay (:mod:`routekit_pytest.replay`)
both store or compare this text: the status, the headers (sorted, lowercased) and the body
pretty-printed, each under its own label and indented, so no line is blank (editors that trim
trailing spaces cannot damage a stored snapshot) and a header never reads as body.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from dataclasses import dataclass, field

from werkzeug.http import parse_options_header

from ._accessors import is_json_type

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from ._accessors import ResponseAccessors

__all__ = ["NOISY_HEADERS", "ResponseRecord"]

#: Headers that change between two identical runs, or only describe the transport.
NOISY_HEADERS: frozenset[str] = frozenset(
    {"date", "etag", "content-length", "connection", "keep-alive", "transfer-encoding", "server"}
)
_TEXT_TYPES = ("text/", "application/javascript", "application/x-www-form-urlencoded")
_TEXT_SUFFIXES = ("+xml", "/xml", "ndjson", "x-ndjson")


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """What a client received: status, reason phrase, header lines and body bytes."""

    status: int
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def of(cls, response: ResponseAccessors) -> ResponseRecord:
        """The record of a client or mock response (a mock's once it ended)."""
        test_view = getattr(response, "_test_view", None)
        if test_view is not None:  # a MockResponse: read what it sent, never its live state
            response = test_view("snapshot")
        return cls(
            response._view_status(),
            getattr(response, "status_message", "") or "",
            response._view_header_lines(),
            response.body,
        )

    def content_type(self) -> str | None:
        """The first ``Content-Type`` line."""
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None

    def header_lines(self, ignore: Iterable[str] = NOISY_HEADERS) -> list[str]:
        """``name: value`` lines, names lowercased and sorted (repeats kept in order),
        without the *ignore* headers."""
        skip = {name.lower() for name in ignore}
        kept = [(n.lower(), v) for n, v in self.headers if n.lower() not in skip]
        kept.sort(key=lambda line: line[0])  # stable: repeated names keep their order
        return [f"{name}: {value}" for name, value in kept]

    def body_text(self, *, sort_keys: bool = False) -> str:
        """The body for humans: JSON pretty-printed, text as is, other bytes summarised."""
        if not self.body:
            return "(empty)"
        ctype = self.content_type()
        if is_json_type(ctype):
            try:
                value = json.loads(self.body)
            except ValueError:
                pass  # not JSON after all: shown as text below
            else:
                return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
        mimetype, options = parse_options_header(ctype or "")
        if _is_text(mimetype) or not ctype or is_json_type(ctype):
            try:
                return self.body.decode(options.get("charset", "utf-8"))
            except (LookupError, UnicodeDecodeError):
                pass
        digest = hashlib.sha256(self.body).hexdigest()[:16]
        return f"({len(self.body)} bytes of {mimetype or 'binary data'}, sha256 {digest}...)"

    def render(self, *, ignore: Iterable[str] = NOISY_HEADERS, sort_keys: bool = False) -> str:
        """``status:``, ``headers:`` and ``body:``, the last two indented below their label."""
        headers = self.header_lines(ignore)
        body = self.body_text(sort_keys=sort_keys).splitlines() if self.body else []
        return "\n".join(
            [
                f"status: {self.status} {self.reason}".rstrip(),
                "headers:" if headers else "headers: (none)",
                *(f"  {line}" for line in headers),
                "body:" if body else "body: (empty)",
                *(f"  {line}" for line in body),
            ]
        )


def _is_text(mimetype: str) -> bool:
    mimetype = mimetype.lower()
    return mimetype.startswith(_TEXT_TYPES) or mimetype.endswith(_TEXT_SUFFIXES)
