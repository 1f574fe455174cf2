"""``URLSearchParams`` parsing is the stdlib's WHATWG form parser (issue 13, point 4)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from routekit.web.url import _parse_query

# Query strings built from the characters that matter to the grammar (separators, escapes,
# hex digits, "+") plus arbitrary text, so broken escapes and invalid UTF-8 come up often.
_PIECES = st.sampled_from(["&", "=", "+", "%", "%2", "%20", "%zz", "%C3", "%A9", "%FF", "a", "é"])
_QUERIES = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_QUERIES)
def test_search_params_parse_is_parse_qsl_with_blank_values_and_replacement(query: str) -> None:
    expected = parse_qsl(query, keep_blank_values=True, errors="replace")
    assert _parse_query(query) == expected
