"""Did-you-mean hints for the names people bring from node-mocks-http, fetch/NTARH and Node.

Used by the ``AttributeError`` of the mock ``res`` and of the client's response, so a port
of a Jest test says what to write instead, in the error itself.
"""

from __future__ import annotations

import difflib
import re
import typing as t

__all__ = ["attribute_error"]

#: node-mocks-http's mockResponse inspection methods (1.17) -> the routekit spelling.
NODE_MOCKS_HTTP: dict[str, str] = {
    "_isEndCalled": "res.is_ended()",
    "_getHeaders": "res.headers (the headers as sent)",
    "_getData": "res.text (or res.body for bytes)",
    "_getJSONData": "res.json_data()",
    "_getChunks": "res.chunks",
    "_getBuffer": "res.body",
    "_getLocals": "nothing: pages API routes have no res.locals (an Express feature)",
    "_getStatusCode": "res.status_code",
    "_getStatusMessage": "res.status_message",
    "_isJSON": "res.is_json()",
    "_isUTF8": (
        "nothing: routekit always encodes text as UTF-8; check res.headers['content-type'] "
        "for the charset"
    ),
    "_isDataLengthValid": (
        "nothing: routekit sets Content-Length itself; compare "
        "int(res.headers['content-length']) with len(res.body) if you must"
    ),
    "_getRedirectUrl": "res.redirect_url",
    "_getRenderView": "nothing: pages API routes render no views (Express' res.render())",
    "_getRenderData": "nothing: pages API routes render no views (Express' res.render())",
}

#: Names from Node, fetch (NTARH), httpx/requests and Flask -> the routekit spelling.
OTHER_CLIENTS: dict[str, str] = {
    "statusCode": "res.status_code",
    "statusMessage": "res.status_message",
    "statusText": "res.status_message",
    "headersSent": "res.headers_sent",
    "writableEnded": "res.finished",
    "locals": "nothing: pages API routes have no res.locals (an Express feature)",
    "status": "res.status_code",
    "content": "res.body",
    "data": "res.body",
    "get_data": "res.body",
    "get_json": "res.json_data()",
    "location": "res.redirect_url",
    "ok": "200 <= res.status_code < 300",
}

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _equivalent(source: str, spelling: str) -> str:
    if spelling.startswith("nothing: "):
        return f"{source} has no routekit equivalent: {spelling.removeprefix('nothing: ')}"
    return f"{source} is {spelling} in routekit"


def attribute_error(owner: str, name: str, known: t.Iterable[str]) -> AttributeError:
    """The ``AttributeError`` for ``<owner>.<name>``, with a hint when one applies.

    :param owner: the class name shown (``MockResponse``).
    :param name: the missing attribute.
    :param known: the public names of the object, for near misses and snake_case spellings.
    """
    public = sorted(n for n in set(known) if not n.startswith("_"))
    problem = f"{owner!r} object has no attribute {name!r}"
    hint: str | None = None
    if name in NODE_MOCKS_HTTP:
        hint = _equivalent(f"node-mocks-http's res.{name}()", NODE_MOCKS_HTTP[name])
    elif name == "json" and owner == "ClientResponse":
        hint = (
            "ClientResponse has no json(): read the body with res.json_data() (it raises "
            "JSONBodyError, naming the status and Content-Type, when the body is not JSON)"
        )
    elif name in OTHER_CLIENTS:
        hint = _equivalent(f"res.{name}", OTHER_CLIENTS[name])
    elif _snake(name) != name and _snake(name) in public:
        hint = f"routekit spells Node's names in snake_case: res.{_snake(name)}"
    else:
        close = difflib.get_close_matches(name, public, n=1)
        if close:
            hint = f"did you mean {close[0]!r}?"
    error = AttributeError(f"{problem}; {hint}" if hint else problem)
    error.name = name
    return error
