"""``create_web_request()``: a real ``NextRequest`` for calling an app-route handler in a test.

It takes the same keywords as ``routekit_pytest``'s ``create_mocks()`` and the test client,
and builds the request through the same code path the server uses, so a handler sees in a
unit test exactly what it sees behind ``routekit serve``.
"""

from __future__ import annotations

import typing as t

from routekit.web.request import NextRequest, request_from_raw

from ._reqspec import MISSING, RequestSpec, SpecKeywords

__all__ = ["create_web_request"]


def create_web_request(
    method: str = "GET",
    url: str = "/",
    *,
    query: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | str | None = None,
    headers: t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None = None,
    cookies: t.Mapping[str, str] | None = None,
    json: object = MISSING,
    form: t.Mapping[str, t.Any] | t.Iterable[tuple[str, t.Any]] | None = None,
    data: bytes | str | None = None,
    files: t.Mapping[str, t.Any] | None = None,
    content_type: str | None = None,
    auth: str | tuple[str, str] | None = None,
) -> NextRequest:
    """Build the :class:`~routekit.NextRequest` a route handler would receive.

    :param method: the method (``GET``).
    :param url: a path (``/api/items/1?q=x``, served from ``http://localhost:3000``) or an
        absolute URL.
    :param query: query parameters (mapping, pairs or string); not with ``?`` in *url*.
    :param headers: request headers (mapping or pairs).
    :param cookies: request cookies, sent as the ``Cookie`` header.
    :param json: a value sent as JSON (``None`` sends ``null``).
    :param form: fields sent URL-encoded (or multipart, with *files*).
    :param data: the raw body, bytes or text.
    :param files: multipart files, ``{"field": content | (filename, content[, type])}``.
    :param content_type: the body's ``Content-Type``.
    :param auth: a bearer token, or a ``(user, password)`` pair for Basic auth.
    :raises TypeError: contradictory keywords (naming the one to drop), or a body on GET/HEAD.
    """
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
    spec = RequestSpec.build("create_web_request", method, url, keywords)
    if spec.body_keyword is not None and method.upper() in ("GET", "HEAD"):
        sent = spec.body_keyword
        raise TypeError(
            f"create_web_request() got {sent}= with method={method!r}, but a GET or HEAD "
            'request cannot have a body; pass method="POST" (or PUT, PATCH...) or drop '
            f"{sent}=."
        )
    raw = spec.to_raw()
    return request_from_raw(raw)
