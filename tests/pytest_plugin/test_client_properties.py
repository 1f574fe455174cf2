"""Property tests of the in-process client: any URL, query, header or body a test passes
either gets an answer or one of the documented errors -- never anything else.

Documented: ``ValueError`` for an absolute URL that cannot be parsed, ``TypeError`` for
contradictory keywords. A request a server would refuse (a bad ``Host``, a control
character, two ``Content-Length``) is answered 400, as at a real door.
"""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from routekit import App
from routekit_pytest import Client

if t.TYPE_CHECKING:
    from pathlib import Path

_ROUTES = {
    "pages/api/[...slug].py": "def handler(req, res):\n    res.json({'q': req.query})\n",
    "app/api/web/[id]/route.py": (
        "from routekit import Response\n\n"
        "async def POST(request, ctx):\n"
        "    return Response(str(len(await request.body())))\n\n"
        "def GET(request, ctx):\n"
        "    return Response(request.next_url.pathname)\n"
    ),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Client]:
    root: Path = tmp_path_factory.mktemp("client-properties")
    for relfile, source in _ROUTES.items():
        path = root / relfile
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    client = Client(App(root, mode="test"), raise_errors=True)
    yield client
    client.close()


_URL_PIECES = st.sampled_from(
    [
        "/",
        "//",
        "/api",
        "/api/web/1",
        "/api/web",
        "?",
        "#",
        "%",
        "%2F",
        "%zz",
        "%E0",
        "[",
        "]",
        "..",
        ".",
        "\\",
        " ",
        "é",
        "\x00",
        "http:",
        "https://",
        "@",
        ":",
        "x",
        "=",
        "&",
    ]
)
_URLS = st.lists(_URL_PIECES, max_size=8).map("".join)
_HEADER_NAMES = st.sampled_from(
    ["Host", "Content-Length", "Transfer-Encoding", "Cookie", "X-A", "bad name", "X-\x01"]
)
_HEADERS = st.lists(st.tuples(_HEADER_NAMES, st.text(max_size=12)), max_size=4)


@given(url=_URLS, headers=_HEADERS, body=st.one_of(st.none(), st.binary(max_size=32)))
@example(url="//[id]", headers=[], body=None)  # a bare ValueError from urlsplit before
@example(url="/api/web/1", headers=[("Host", "x?")], body=None)
def test_client_answers_or_raises_a_documented_error(
    client: Client, url: str, headers: list[tuple[str, str]], body: bytes | None
) -> None:
    method = "GET" if body is None else "POST"
    try:
        res = client.request(method, url, headers=headers, data=body)
    except ValueError as exc:
        assert "is not a path or an absolute http(s) URL" in str(exc)  # noqa: PT017 - a property: raise or answer
        return
    assert 200 <= res.status_code < 500, (url, headers, res.status_code, res.text)


@given(query=st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=6))
def test_client_query_pairs_round_trip_through_the_pages_query(
    client: Client, query: list[tuple[str, str]]
) -> None:
    res = client.get("/api/echo", query=query)
    assert res.status_code == 200
    seen = res.json_data()["q"]
    for key, _ in query:
        if key and key != "slug":
            assert key in seen
