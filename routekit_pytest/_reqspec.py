"""The request keywords shared by ``create_mocks()`` and the test client, turned into bytes.

One signature everywhere (as werkzeug's ``EnvironBuilder`` does for its client): ``method``,
``url``, and the :class:`SpecKeywords` ``query``, ``headers``, ``cookies``,
``json``/``form``/``data``/``files``, ``content_type`` and ``auth``. :meth:`RequestSpec.build`
checks them once (contradictory keywords fail at once with a ``TypeError`` naming what to
drop) and encodes the body once; the frozen :class:`RequestSpec` then gives the
:class:`~routekit._wire.RawRequest`, built directly (no WSGI environ on the hot path), and
the next request of a redirect chain (the idea of httpx's ``_build_redirect_request``).
"""

from __future__ import annotations

import base64
import io
import json as _json
import typing as t
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from routekit._wire import RawRequest

__all__ = [
    "MISSING",
    "NO_BODY",
    "BodySpec",
    "HeadersArg",
    "RequestSpec",
    "SpecKeywords",
    "build_raw",
    "check_conflicts",
    "encode_body",
    "split_url",
]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: The default of ``json=`` (where ``None`` means the JSON ``null``).
MISSING: t.Final = _Missing()

HeadersArg = t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None
QueryArg = t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | str | None
FileValue = t.Any  # bytes | str | a binary file | (filename, content[, content_type])
FormArg = t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None
FilesArg = t.Mapping[str, FileValue | list[FileValue]] | None
AuthArg = str | tuple[str, str] | None


class SpecKeywords(t.TypedDict, total=False):
    """The request keywords of ``create_mocks()``, ``create_web_request()`` and the client.

    The names are :class:`RequestSpec`'s fields (a test holds the two lists equal).
    """

    query: QueryArg
    headers: HeadersArg
    cookies: t.Mapping[str, str] | None
    json: object
    form: FormArg
    data: bytes | str | None
    files: FilesArg
    content_type: str | None
    auth: AuthArg


# Characters kept as they are when quoting a path typed by a test (existing escapes included).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_BODY_KEYWORDS = ("json", "form", "data", "files")


class BodySpec(t.NamedTuple):
    """An encoded request body: the bytes and the ``Content-Type`` they need (if any)."""

    content: bytes | None
    content_type: str | None


#: No body at all.
NO_BODY: t.Final = BodySpec(None, None)


def check_conflicts(caller: str, url: str, given: t.Mapping[str, object]) -> None:
    """Raise ``TypeError`` for keyword combinations a single request cannot have.

    :param caller: the function name shown in the message (``create_mocks``, ``client.post``).
    :param given: the keywords the caller received that are not ``None``/``MISSING``.
    """
    if len(given) < 2 and "query" not in given:
        return  # every conflict needs two keywords, or query= with a "?" in the url
    bodies = [k for k in ("body", *_BODY_KEYWORDS) if k in given]
    if "form" in bodies and "files" in bodies:  # form fields travel with the files
        bodies.remove("form")
    if len(bodies) > 1:
        names = " and ".join(f"{k}=" for k in bodies)
        raise TypeError(
            f"{caller}() got {names}, but a request has one body; drop all but one "
            "(form= may go with files=, the fields then travel in the multipart body)."
        )
    if "query" in given and "?" in url:
        raise TypeError(
            f"{caller}() got query= and a query string in url={url!r}; drop one of them."
        )
    header_names = {name.lower() for name, _ in _header_items(given.get("headers"))}  # type: ignore[arg-type]
    if "content_type" in given and "content-type" in header_names:
        raise TypeError(
            f"{caller}() got content_type= and a Content-Type header; drop one of them."
        )
    if "auth" in given and "authorization" in header_names:
        raise TypeError(f"{caller}() got auth= and an Authorization header; drop one of them.")
    if "cookies" in given and "cookie" in header_names:
        raise TypeError(f"{caller}() got cookies= and a Cookie header; drop one of them.")


def _header_items(headers: HeadersArg) -> list[tuple[str, str]]:
    if not headers:
        return []
    if isinstance(headers, t.Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def _file_storage(name: str, value: FileValue) -> FileStorage:
    filename: str | None = None
    content_type: str | None = None
    content: t.Any = value
    if isinstance(value, tuple):
        if len(value) == 2:
            filename, content = value
        elif len(value) == 3:
            filename, content, content_type = value
        else:
            raise TypeError(
                f"files[{name!r}] must be content or (filename, content[, content_type]); "
                f"got a tuple of {len(value)} items."
            )
    if isinstance(content, str):
        content = content.encode()
    if isinstance(content, (bytes, bytearray)):
        data = bytes(content)
    elif hasattr(content, "read"):
        if filename is None and isinstance(getattr(content, "name", None), str):
            filename = content.name
        data = _read_all(content)
    else:
        raise TypeError(
            f"files[{name!r}] must be bytes, str, a binary file or a (filename, content) tuple; "
            f"got {type(content).__name__}."
        )
    filename = name if filename is None else filename.replace("\\", "/").rsplit("/", 1)[-1]
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


def _read_all(file: t.Any) -> bytes:
    data = file.read()
    return data.encode() if isinstance(data, str) else bytes(data)


def encode_body(
    *,
    json: object = MISSING,
    form: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
    data: bytes | str | None = None,
    files: t.Mapping[str, FileValue | list[FileValue]] | None = None,
) -> BodySpec:
    """Encode the one body keyword given, with the ``Content-Type`` it implies."""
    if json is not MISSING:
        text = _json.dumps(json, ensure_ascii=False, separators=(",", ":"))
        return BodySpec(text.encode(), "application/json")
    if files is not None:
        fields: MultiDict[str, t.Any] = MultiDict()
        for key, value in _pairs(form):
            fields.add(key, str(value))
        for key, given in files.items():
            for item in given if isinstance(given, list) else [given]:
                fields.add(key, _file_storage(key, item))
        boundary, content = encode_multipart(fields)
        return BodySpec(content, f"multipart/form-data; boundary={boundary}")
    if form is not None:
        return BodySpec(urlencode(_pairs(form)).encode(), "application/x-www-form-urlencoded")
    if data is not None:
        return BodySpec(data.encode() if isinstance(data, str) else bytes(data), None)
    return BodySpec(None, None)


def _pairs(
    values: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None,
) -> list[tuple[str, str]]:
    if values is None:
        return []
    items = values.items() if isinstance(values, t.Mapping) else values
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((str(key), str(item)))
    return pairs


def _auth_header(auth: str | tuple[str, str]) -> str:
    if isinstance(auth, str):
        return f"Bearer {auth}"
    user, password = auth
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _cookie_header(cookies: t.Mapping[str, str]) -> str:
    # The `cookie` package's serialize: encodeURIComponent on the value.
    return "; ".join(f"{k}={quote(str(v), safe='')}" for k, v in cookies.items())


def split_url(url: str, scheme: str, host: str) -> tuple[str, str, str, str]:
    """(scheme, host, path, query) of *url*: a path keeps the base scheme and host."""
    if url.startswith("/") or "://" not in url.partition("?")[0]:
        target = url.partition("#")[0]
        path, _, query = target.partition("?")
        return scheme, host, path, query
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise ValueError(
            f"{url!r} is not a path or an absolute http(s) URL the client can send ({exc}); "
            "pass a path such as '/api/users/1', or a URL such as 'http://localhost:3000/x'."
        ) from None
    return parts.scheme or scheme, parts.netloc or host, parts.path, parts.query


def build_raw(
    method: str,
    url: str,
    *,
    base_scheme: str = "http",
    base_host: str = "localhost:3000",
    query: QueryArg = None,
    headers: HeadersArg = None,
    cookies: t.Mapping[str, str] | None = None,
    jar_cookie: str | None = None,
    body: BodySpec = NO_BODY,
    content_type: str | None = None,
    auth: str | tuple[str, str] | None = None,
) -> RawRequest:
    """Build the :class:`RawRequest` a browser would send for these keywords.

    *url* may be a path (``/api/x?a=1``) or an absolute URL, whose scheme and host then
    replace the base ones. A path is always a path, as on the wire: ``//api//x`` is the
    request target ``//api//x`` (answered 308, as a real server does), not the host ``api``.
    Non-ASCII path characters are percent-encoded; existing escapes are kept, so
    ``/api/a%2Fb`` reaches the router still encoded.

    A ``Host``, ``Content-Length`` or ``Transfer-Encoding`` header passed in *headers* is
    honoured, as a server would read it: a forged ``Host`` or a body shorter than its
    declared length gets the answer it would get over a socket.

    :raises ValueError: *url* is an absolute URL that cannot be parsed (a bad IPv6 host,
        a port that is not a number), with a message naming it.
    """
    scheme, host, raw_path, url_query = split_url(url, base_scheme, base_host)
    path = quote(raw_path or "/", safe=_PATH_SAFE)
    if query is None:
        query_string = url_query
    elif isinstance(query, str):
        query_string = query.lstrip("?")
    else:
        query_string = urlencode(_pairs(query))
    given = _header_items(headers)
    names = {name.lower() for name, _ in given} if given else frozenset()
    declared: str | None = None
    if names:
        host = next((v for k, v in given if k.lower() == "host"), host)
        declared = next((v for k, v in given if k.lower() == "content-length"), None)
    lines: list[tuple[str, str]] = [] if "host" in names else [("host", host)]
    lines.extend(given)
    if auth is not None:
        lines.append(("authorization", _auth_header(auth)))
    if jar_cookie or cookies:
        cookie_parts = [c for c in (jar_cookie, _cookie_header(cookies) if cookies else None) if c]
        lines.append(("cookie", "; ".join(cookie_parts)))
    ctype = content_type or body.content_type
    if ctype and "content-type" not in names:
        lines.append(("content-type", ctype))
    content_length: int | None = None
    if declared is not None:
        # The test's own Content-Length: a server believes it (the guard refuses a bad one).
        content_length = int(declared) if declared.strip().isdigit() else None
    elif body.content is not None and "transfer-encoding" not in names:
        content_length = len(body.content)
        lines.append(("content-length", str(content_length)))
    return RawRequest(
        method,
        path,
        query_string,
        lines,
        io.BytesIO(body.content or b""),
        content_length,
        scheme,
        host,
    )


_REDIRECT_TO_GET = frozenset({303})
_REDIRECT_POST_TO_GET = frozenset({301, 302})


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One request as a test describes it: keywords checked once, the body encoded once.

    Build it with :meth:`build`; :meth:`to_raw` gives the request a browser would send and
    :meth:`redirected` the next request of a redirect chain.

    :param method: the method, sent as given.
    :param url: a path with an optional query, or an absolute URL.
    :param headers: the header lines (default headers first, then the request's own).
    :param body: the encoded body; *body_keyword* names the keyword it came from.
    """

    method: str
    url: str
    query: QueryArg = None
    headers: tuple[tuple[str, str], ...] = ()
    cookies: t.Mapping[str, str] | None = None
    content_type: str | None = None
    auth: AuthArg = None
    body: BodySpec = NO_BODY
    body_keyword: str | None = None

    @classmethod
    def build(
        cls,
        caller: str,
        method: str,
        url: str,
        keywords: SpecKeywords,
        *,
        default_headers: t.Iterable[tuple[str, str]] = (),
        also: t.Mapping[str, object] | None = None,
    ) -> RequestSpec:
        """Check *keywords* for one request and encode its body.

        :param caller: the function named in errors (``create_mocks``, ``client.post``).
        :param default_headers: headers sent before the request's own (a client's).
        :param also: other keywords of the caller that take part in the checks
            (``create_mocks(body=...)`` is a body too).
        :raises TypeError: contradictory keywords, naming the one to drop.
        """
        if keywords or also:  # a bare get(url) is the common case: nothing to check
            given = {k: v for k, v in keywords.items() if v is not None and v is not MISSING}
            check_conflicts(caller, url, {**given, **(also or {})})
        body, body_keyword = NO_BODY, None
        for name in _BODY_KEYWORDS:
            value = keywords.get(name, MISSING)
            if value is not MISSING and (value is not None or name == "json"):  # json=None: null
                body_keyword = name
                body = encode_body(
                    json=keywords.get("json", MISSING),
                    form=keywords.get("form"),
                    data=keywords.get("data"),
                    files=keywords.get("files"),
                )
                break
        return cls(
            method,
            url,
            keywords.get("query"),
            (*default_headers, *_header_items(keywords.get("headers"))),
            keywords.get("cookies"),
            keywords.get("content_type"),
            keywords.get("auth"),
            body,
            body_keyword,
        )

    def to_raw(
        self,
        *,
        base_scheme: str = "http",
        base_host: str = "localhost:3000",
        jar_cookie: str | None = None,
    ) -> RawRequest:
        """The :class:`RawRequest` a browser would send (see :func:`build_raw`)."""
        return build_raw(
            self.method,
            self.url,
            base_scheme=base_scheme,
            base_host=base_host,
            query=self.query,
            headers=self.headers,
            cookies=self.cookies,
            jar_cookie=jar_cookie,
            body=self.body,
            content_type=self.content_type,
            auth=self.auth,
        )

    def redirected(self, status: int, url: str) -> RequestSpec:
        """The request that follows a *status* redirect to *url*, as browsers send it.

        A 303, and a 301/302 answering a POST, become a GET (a HEAD stays a HEAD) without
        the body and its ``Content-*`` headers; the query and the per-request cookies go
        with the first request only.
        """
        method = self.method
        spec = replace(self, url=url, query=None, cookies=None)
        if status in _REDIRECT_TO_GET or (
            status in _REDIRECT_POST_TO_GET and method.upper() == "POST"
        ):
            spec = replace(
                spec,
                method="GET" if method.upper() != "HEAD" else method,
                headers=tuple(
                    (k, v) for k, v in self.headers if not k.lower().startswith("content-")
                ),
                content_type=None,
                body=NO_BODY,
                body_keyword=None,
            )
        return spec
