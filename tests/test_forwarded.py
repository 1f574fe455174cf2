"""Next.js' ``x-forwarded-*`` request headers (``routekit._forwarded``), as ``next start``
16.4.6 adds them (recorded: ``base-server.ts`` ``handleRequestImpl``)."""

from __future__ import annotations

import pytest

from routekit._forwarded import add_forwarded_headers
from routekit._wire import RawRequest


def _raw(
    headers: list[tuple[str, str]],
    *,
    remote_addr: str = "127.0.0.1",
    server_port: int | None = None,
) -> RawRequest:
    lines = [("host", "localhost:3456"), *headers]
    return RawRequest(
        "GET",
        "/api/hello",
        "",
        lines,
        host="localhost:3456",
        remote_addr=remote_addr,
        server_port=server_port,
    )


def test_added_after_the_request_lines_in_next_js_order() -> None:
    raw = _raw([("accept", "*/*")], remote_addr="127.0.0.1", server_port=3456)
    add_forwarded_headers(raw)
    assert raw.headers == [
        ("host", "localhost:3456"),
        ("accept", "*/*"),
        ("x-forwarded-host", "localhost:3456"),
        ("x-forwarded-port", "3456"),
        ("x-forwarded-proto", "http"),
        ("x-forwarded-for", "127.0.0.1"),
    ]


def test_port_is_the_servers_not_the_hosts() -> None:
    raw = _raw([], server_port=8000)
    add_forwarded_headers(raw)
    assert ("x-forwarded-port", "8000") in raw.headers


@pytest.mark.parametrize(
    ("host", "scheme", "port"),
    [
        ("localhost:3000", "http", "3000"),
        ("example.com", "http", "80"),
        ("example.com", "https", "443"),
    ],
)
def test_port_without_a_server_port(host: str, scheme: str, port: str) -> None:
    raw = RawRequest("GET", "/", headers=[("host", host)], host=host, scheme=scheme)
    add_forwarded_headers(raw)
    assert dict(raw.headers)["x-forwarded-port"] == port
    assert dict(raw.headers)["x-forwarded-proto"] == scheme


def test_client_values_are_kept_and_https_read_from_proto() -> None:
    sent = [
        ("X-Forwarded-For", "1.2.3.4"),
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Port", "8443"),
    ]
    raw = _raw(sent, server_port=3456)
    add_forwarded_headers(raw)
    assert raw.headers == [("host", "localhost:3456"), *sent]
    assert raw.scheme == "https"


def test_only_the_missing_ones_are_added() -> None:
    raw = _raw([("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https, http")])
    add_forwarded_headers(raw)
    assert [name for name, _ in raw.headers] == [
        "host",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-forwarded-port",
    ]
    assert raw.scheme == "https"  # Next.js: x-forwarded-proto.includes("https")


def test_untrusted_values_are_replaced_by_the_connections() -> None:
    sent = [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Proto", "https"), ("x-a", "1")]
    raw = _raw(sent, remote_addr="10.0.0.9", server_port=3456)
    add_forwarded_headers(raw, trust=False)
    assert raw.headers == [
        ("host", "localhost:3456"),
        ("x-a", "1"),
        ("x-forwarded-host", "localhost:3456"),
        ("x-forwarded-port", "3456"),
        ("x-forwarded-proto", "http"),
        ("x-forwarded-for", "10.0.0.9"),
    ]
    assert raw.scheme == "http"


def test_no_peer_address_no_x_forwarded_for() -> None:
    raw = _raw([], remote_addr="")
    add_forwarded_headers(raw)
    assert "x-forwarded-for" not in dict(raw.headers)
