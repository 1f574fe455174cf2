"""A response rendered as text for snapshots and replay diffs."""

from __future__ import annotations

import pytest

from routekit_pytest import create_mocks
from routekit_pytest._record import NOISY_HEADERS, ResponseRecord

JSON = [("Content-Type", "application/json; charset=utf-8")]


def test_record_renders_status_sorted_headers_and_pretty_json() -> None:
    record = ResponseRecord(
        201,
        "Created",
        [
            ("X-B", "2"),
            ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
            ("Set-Cookie", "b=2"),
            ("ETag", '"abc"'),
            ("Content-Length", "9"),
            ("Set-Cookie", "a=1"),
            *JSON,
        ],
        b'{"z":1,"a":["\xc3\xa9"]}',
    )
    assert record.render() == (
        "status: 201 Created\n"
        "headers:\n"
        "  content-type: application/json; charset=utf-8\n"
        "  set-cookie: b=2\n"  # repeated headers keep the order they were sent in
        "  set-cookie: a=1\n"
        "  x-b: 2\n"
        "body:\n"
        '  {\n    "z": 1,\n    "a": [\n      "é"\n    ]\n  }'
    )
    assert record.body_text(sort_keys=True).startswith('{\n  "a"')
    assert "  date: Mon" in record.render(ignore=())
    assert ResponseRecord(204).render() == "status: 204\nheaders: (none)\nbody: (empty)"
    assert {"date", "etag", "content-length"} <= NOISY_HEADERS


@pytest.mark.parametrize(
    ("headers", "body", "text"),
    [
        ([], b"", "(empty)"),
        (JSON, b"{not json", "{not json"),  # labelled JSON but not: shown as text
        ([("Content-Type", "text/plain; charset=latin-1")], "café".encode("latin-1"), "café"),
        ([("Content-Type", "application/x-ndjson")], b'{"a":1}\n', '{"a":1}\n'),
        ([("Content-Type", "image/svg+xml")], b"<svg/>", "<svg/>"),
        ([], b"no type", "no type"),
        (
            [("Content-Type", "image/png")],
            b"\x89PNG",
            "(4 bytes of image/png, sha256 0f4636c78f65d363...)",
        ),
        ([], b"\xff\xfe", "(2 bytes of binary data, sha256 b3d510ef04275ca8...)"),
        (
            [("Content-Type", "text/plain; charset=klingon")],
            b"x",
            "(1 bytes of text/plain, sha256 2d711642b726b044...)",
        ),
    ],
)
def test_record_body_text(headers: list[tuple[str, str]], body: bytes, text: str) -> None:
    assert ResponseRecord(200, "OK", headers, body).body_text() == text


def test_record_of_a_mock_response() -> None:
    _, res = create_mocks()
    res.status(404).json({"error": "nope"})
    assert ResponseRecord.of(res).render().splitlines() == [
        "status: 404 Not Found",
        "headers:",
        "  content-type: application/json; charset=utf-8",
        "body:",
        "  {",
        '    "error": "nope"',
        "  }",
    ]
