"""Reason phrases as Node's ``http.STATUS_CODES`` spells them (the ``statusMessage`` default).

Built on werkzeug's table; Node differs for a handful of codes, lacks 306 and 449, adds 509,
and answers ``unknown`` for a code it has no phrase for.
"""

from __future__ import annotations

from werkzeug.http import HTTP_STATUS_CODES

__all__ = ["reason_phrase"]

# Node 20 `http.STATUS_CODES` where it differs from werkzeug (checked against node -e).
_NODE_OVERRIDES = {
    203: "Non-Authoritative Information",
    207: "Multi-Status",
    413: "Payload Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    418: "I'm a Teapot",
    509: "Bandwidth Limit Exceeded",
    511: "Network Authentication Required",
}
_NOT_IN_NODE = (306, 449)

_PHRASES: dict[int, str] = {
    code: phrase for code, phrase in HTTP_STATUS_CODES.items() if code not in _NOT_IN_NODE
}
_PHRASES.update(_NODE_OVERRIDES)


def reason_phrase(status: int) -> str:
    """Node's reason phrase for *status*: ``404`` -> ``Not Found``, ``299`` -> ``unknown``."""
    return _PHRASES.get(status, "unknown")
