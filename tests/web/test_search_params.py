"""``URLSearchParams`` parsing is the stdlib's WHATWG form parser (issue 13, point 4).

routekit parsed query strings by hand; ``parse_qsl(..., keep_blank_values=True,
errors="replace")`` does the same. The hand-written parser stays here as the oracle.
"""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from routekit._js.query import parse_search_params
from routekit.web import URLSearchParams

# Query strings built from the characters that matter to the grammar (separators, escapes,
# hex digits, "+") plus arbitrary text, so broken escapes and invalid UTF-8 come up often.
_PIECES = st.sampled_from(["&", "=", "+", "%", "%2", "%20", "%zz", "%C3", "%A9", "%FF", "a", "é"])
_QUERIES = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=12).map("".join)


def _whatwg_pairs(query: str) -> list[tuple[str, str]]:
    """The WHATWG urlencoded parser, step by step (routekit's former hand-written one)."""
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append(
            (
                unquote(name.replace("+", " "), errors="replace"),
                unquote(value.replace("+", " "), errors="replace"),
            )
        )
    return pairs


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_QUERIES)
def test_search_params_parse_as_the_whatwg_urlencoded_parser(query: str) -> None:
    expected = _whatwg_pairs(query)
    assert URLSearchParams(query).items() == expected
    assert URLSearchParams("?" + query).items() == expected
    grouped: dict[str, list[str]] = {}
    for key, value in expected:
        grouped.setdefault(key, []).append(value)
    folded = {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}
    assert parse_search_params(query) == folded
