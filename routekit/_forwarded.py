"""The ``x-forwarded-*`` request headers Next.js adds to every request it serves.

``next start`` (``base-server.ts``, ``handleRequestImpl``) sets four headers that the
middleware and every route then read, each only when the request has none
(``req.headers[name] ??= value``), appended in this order:

* ``x-forwarded-host``: the ``Host`` header;
* ``x-forwarded-port``: the port the server listens on (else 443 or 80);
* ``x-forwarded-proto``: ``https`` on a TLS connection, else ``http``;
* ``x-forwarded-for``: the peer's address.

A client's (or a proxy's) own values are kept as sent, and an ``x-forwarded-proto``
holding ``https`` makes the URL the middleware and app routes see ``https://``
(``resolve-routes.ts``). That is right behind a proxy that sets them; a server on the open
network can be told anything. With ``trust_proxy_headers = false`` routekit drops what
the client sent and writes all four from the connection itself.
"""

from __future__ import annotations

import typing as t

from ._syntax import parse_host

if t.TYPE_CHECKING:
    from ._wire import RawRequest

__all__ = ["FORWARDED_HEADERS", "add_forwarded_headers"]

#: The headers, in the order Next.js appends them.
FORWARDED_HEADERS = ("x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "x-forwarded-for")
_DEFAULT_PORTS = {"https": "443", "http": "80"}


def _server_port(raw: RawRequest) -> str:
    if raw.server_port:
        return str(raw.server_port)
    parts = parse_host(raw.host)
    if parts is not None and parts[1]:
        return str(parts[1])
    return _DEFAULT_PORTS.get(raw.scheme, "80")


def add_forwarded_headers(raw: RawRequest, *, trust: bool = True) -> None:
    """Add Next.js' ``x-forwarded-*`` lines to *raw* (in place), as ``next start`` does.

    :param trust: keep the values the client sent, as Next.js does, and take the scheme
        from ``x-forwarded-proto``; with ``False`` they are replaced by what the
        connection says (``trust_proxy_headers`` setting).
    """
    headers = raw.headers
    host: str | None = None
    sent: dict[str, str] = {}
    for name, value in headers:
        lname = name.lower()
        if lname == "host":
            host = host or value
        elif lname[:12] == "x-forwarded-" and lname in FORWARDED_HEADERS:
            sent.setdefault(lname, value)
    if sent and not trust:
        headers = raw.headers = [(n, v) for n, v in headers if n.lower() not in FORWARDED_HEADERS]
        sent = {}
    if "https" in sent.get("x-forwarded-proto", ""):
        raw.scheme = "https"
    values = (
        host or raw.host,
        _server_port(raw),
        "https" if raw.scheme == "https" else "http",
        raw.remote_addr,
    )
    for name, value in zip(FORWARDED_HEADERS, values, strict=True):
        if name not in sent and value:
            headers.append((name, value))
