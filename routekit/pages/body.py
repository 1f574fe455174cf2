"""``req.body``: Next.js' ``parseBody`` (``api-utils/node/parse-body.ts``), read within a limit.

The body is read in bounded chunks and never past ``sizeLimit`` + 1 bytes, decoded with
the ``charset`` of the ``Content-Type`` (UTF-8 by default, BOM stripped as iconv-lite
does), then:

* ``application/json`` / ``application/ld+json``: ``JSON.parse`` (an empty body is ``{}``);
* ``application/x-www-form-urlencoded``: Node's ``querystring.decode``;
* anything else (``text/plain``, ``multipart/form-data``, none...): the decoded string.

Errors are Next.js' own: ``400 Invalid JSON``, ``413 Body exceeded <limit> limit``,
``400 Invalid body``. With ``bodyParser: false`` nothing is read and ``req.stream`` gives
the raw bytes (:class:`~routekit._wire.BodyReader`).
"""

from __future__ import annotations

import codecs
import functools
import io
import json
import re
import typing as t

from .._js.query import parse_querystring
from .._js.strings import JS_WHITESPACE
from .._wire import BodyReader
from ..errors import BodyConsumedError, RequestError

if t.TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from .._wire import RawRequest
    from ..config import PagesConfig

__all__ = [
    "CHUNK_SIZE",
    "ConsumedBodyStream",
    "parse_body",
    "parse_content_type",
    "read_limited",
]

#: How much of the body is read at a time.
CHUNK_SIZE = 64 * 1024

# The `content-type` npm package's grammar (RFC 7231 media type, RFC 7230 tokens/quotes).
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}")
_PARAM = re.compile(
    rf"; *({_TOKEN}) *= *"
    r'("(?:[\x0b\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\x0b\x20-\xff])*"'
    rf"|{_TOKEN}) *"
)
_QUOTED_PAIR = re.compile(r"\\([\x0b\x20-\xff])")


@functools.lru_cache(maxsize=64)
def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """Parse a ``Content-Type`` value strictly, as the npm ``content-type`` package does.

    Returns the lower-cased media type and the parameters (lower-cased names, unquoted
    values). Treat the result as read-only: it is cached.

    :raises ValueError: for a malformed media type or parameter, e.g. a trailing ``;``.
    """
    index = value.find(";")
    media_type = (value if index == -1 else value[:index]).strip(JS_WHITESPACE)
    if not _MEDIA_TYPE.fullmatch(media_type):
        raise ValueError(f"invalid media type: {value!r}")
    parameters: dict[str, str] = {}
    if index != -1:
        # Each parameter must start exactly where the previous match ended (at a ';').
        position = index
        while position < len(value):
            match = _PARAM.match(value, position)
            if match is None:
                raise ValueError(f"invalid parameter format: {value!r}")
            position = match.end()
            param = match.group(2)
            if param.startswith('"'):
                param = _QUOTED_PAIR.sub(r"\1", param[1:-1])
            parameters[match.group(1).lower()] = param
    return media_type.lower(), parameters


# iconv-lite spellings Python's codec registry does not know.
_ICONV_ALIASES = {
    "binary": "latin-1",
    "ucs2": "utf-16-le",
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf32le": "utf-32-le",
    "utf32be": "utf-32-be",
}
# Text codecs Python has but iconv-lite does not: they would accept garbage.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode_escape", "raw_unicode_escape", "undefined", "mbcs", "oem"}
)


@functools.lru_cache(maxsize=64)
def _codec(charset: str) -> str | None:
    # iconv-lite normalises names by lower-casing and dropping everything but [0-9a-z].
    squashed = re.sub(r":\d{4}$|[^0-9a-z]", "", charset.lower())
    alias = _ICONV_ALIASES.get(squashed)
    if alias is None and squashed.startswith("win") and squashed[3:].isdigit():
        alias = f"cp{squashed[3:]}"
    for candidate in (alias, charset, squashed):
        if not candidate:
            continue
        try:
            info = codecs.lookup(candidate)
        except LookupError:
            continue
        if info._is_text_encoding and info.name not in _NOT_CHARSETS:
            return info.name
        return None
    return None


def read_limited(
    stream: t.Any, *, limit: int, limit_text: str, content_length: int | None = None
) -> bytes:
    """Read *stream* to its end in :data:`CHUNK_SIZE` chunks, refusing more than *limit* bytes.

    Reads stop at a declared *content_length*, and never ask for more than one byte past
    the limit, so an oversized upload is not buffered.

    :raises BodyTooLargeError: ``413 Body exceeded <limit_text> limit`` once more than *limit*
        bytes arrive (or are declared; deliberately earlier than raw-body, which counts
        received bytes: same answer).
    :raises IncompleteBodyError: ``400 Invalid body`` when the stream fails or ends before
        the declared length (raw-body's ``request size did not match content length``).
    """
    reader = BodyReader(stream, content_length, limit, limit_text)
    chunks: list[bytes] = []
    while chunk := reader.read(CHUNK_SIZE):
        chunks.append(chunk)
    return b"".join(chunks)


def _has_no_body(raw: RawRequest) -> bool:
    """Whether *raw* certainly carries no body, so the stream need not be read at all."""
    body = raw.body
    if body is None or raw.content_length == 0:
        return True
    if raw.content_length is None and type(body) is io.BytesIO:
        # An in-memory body (the test client, create_mocks) already at its end: nothing to read.
        position = body.tell()
        if body.seek(0, io.SEEK_END) == position:
            return True
        body.seek(position)
    return False


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not JSON")


def _parse_big_int(text: str) -> int | float:
    # JavaScript reads every number as a double: a 5000-digit integer is Infinity, not an error.
    try:
        return int(text)
    except ValueError:
        return float(text)


def _parse_json(text: str) -> object:
    if not text:
        # Next.js: "special-case empty json body, as it's a common client-side mistake".
        return {}
    try:
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            if "digits" not in str(exc):
                raise
            return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_big_int)
    except (ValueError, RecursionError) as exc:
        raise RequestError(400, "Invalid JSON") from exc


def parse_body(raw: RawRequest, config: PagesConfig) -> object:
    """Read and parse *raw*'s body as Next.js' ``parseBody`` does; see the module docs.

    :raises RequestError: ``400 Invalid JSON``, ``413 Body exceeded <limit> limit`` or
        ``400 Invalid body`` (also for an unknown ``charset``).
    """
    header = raw.header("content-type")
    parameters: dict[str, str]
    no_body = _has_no_body(raw)
    if not header:
        if no_body:
            return ""
        media_type, parameters = "text/plain", {}
    else:
        try:
            media_type, parameters = parse_content_type(header)
        except ValueError:
            # A malformed header counts as text/plain: the body stays a string.
            media_type, parameters = "text/plain", {}
    codec = _codec(parameters.get("charset") or "utf-8")
    if codec is None:
        raise RequestError(400, "Invalid body")
    data = b""
    if not no_body:
        data = read_limited(
            raw.body,
            limit=config.size_limit,
            limit_text=config.size_limit_text,
            content_length=raw.content_length,
        )
    try:
        text = data.decode(codec, "replace")
    except (UnicodeError, LookupError) as exc:
        raise RequestError(400, "Invalid body") from exc
    if text[:1] == "\ufeff":
        text = text[1:]
    if media_type in ("application/json", "application/ld+json"):
        return _parse_json(text)
    if media_type == "application/x-www-form-urlencoded":
        return parse_querystring(text)
    return text


class ConsumedBodyStream(io.RawIOBase):
    """``req.stream`` while the body parser is on: any read raises :class:`BodyConsumedError`."""

    def __init__(self, file: str | None = None) -> None:
        super().__init__()
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        raise BodyConsumedError(self._file)
