"""The checks App.handle makes before routing (routekit/_guard.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routekit._guard import framing_problem, request_problem
from routekit._wire import RawRequest


def _raw(path: str = "/api/x", host: str = "localhost:3000", headers=None) -> RawRequest:
    lines = [("host", host), *(headers or [])]
    return RawRequest("GET", path, headers=lines, host=host)


def test_a_plain_request_has_no_problem() -> None:
    assert request_problem(_raw()) is None


@pytest.mark.parametrize(
    ("host", "reason"),
    [("x?", "Host 'x?' is not a valid host"), ("x:99999", "Host 'x:99999' is not a valid host")],
)
def test_bad_host(host: str, reason: str) -> None:
    assert request_problem(_raw(host=host)) == (reason, False)


@pytest.mark.parametrize("path", ["/api/a b", "/api/a\x00", "/api/a\x7f", "/api/x#y", "/api/\tx"])
def test_target_with_control_characters_space_or_hash(path: str) -> None:
    problem = request_problem(_raw(path))
    assert problem is not None
    assert problem.reason.endswith("holds a control character, space or '#'")


@pytest.mark.parametrize(
    "path",
    ["/.", "/..", "/api/./x", "/api/../x", "/api/%2e/x", "/api/%2E%2e/x", "/api/.%2e", "/x/%2e."],
)
def test_dot_segments_are_not_refused(path: str) -> None:
    # Resolved by routekit._target before routing, as Next.js does (issue 15).
    assert request_problem(_raw(path)) is None


@pytest.mark.parametrize(
    "path", ["/api/.env", "/api/a..b", "/api/...", "/api/%2e%2e%2e", "/a.b/c."]
)
def test_dots_inside_a_segment_are_fine(path: str) -> None:
    assert request_problem(_raw(path)) is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (("bad name", "v"), "the header name 'bad name' is not a token"),
        (("x-a", "a\x01b"), "the x-a header holds a control character"),
        (("host", "localhost:3000"), "more than one Host header"),
    ],
)
def test_bad_header_lines(line: tuple[str, str], reason: str) -> None:
    assert request_problem(_raw(headers=[line])) == (reason, False)


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([("Content-Length", "4"), ("content-length", "5")], "2 Content-Length headers (4, 5)"),
        ([("content-length", "+4")], "Content-Length '+4' is not a number of bytes"),
        (
            [("content-length", "4"), ("transfer-encoding", "chunked")],
            "both Content-Length and Transfer-Encoding",
        ),
        ([("transfer-encoding", "gzip")], "Transfer-Encoding 'gzip' is not 'chunked'"),
        (
            [("transfer-encoding", "chunked"), ("transfer-encoding", "chunked")],
            "Transfer-Encoding 'chunked, chunked' is not 'chunked'",
        ),
    ],
)
def test_ambiguous_framing_closes_the_connection(lines, reason: str) -> None:
    assert framing_problem(lines) == (reason, True)
    assert request_problem(_raw(headers=lines)) == (reason, True)


@pytest.mark.parametrize(
    "lines", [[], [("content-length", "12")], [("Transfer-Encoding", " Chunked ")]]
)
def test_clear_framing(lines) -> None:
    assert framing_problem(lines) is None


@given(st.text(max_size=40), st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12))))
def test_request_problem_never_raises(path: str, headers: list[tuple[str, str]]) -> None:
    problem = request_problem(_raw(path, headers=headers))
    assert problem is None or problem.reason
