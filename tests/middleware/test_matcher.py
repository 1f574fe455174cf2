from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routekit.errors import ConfigError
from routekit.middleware.matcher import (
    DEFAULT_MATCHER,
    compile_matcher,
    matcher_from_config,
    source_to_regex,
)

NEGATIVE = "/((?!api|_next/static|_next/image|favicon.ico).*)"


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("/about", "/about", True),
        ("/about", "/about/", True),
        ("/about", "/about/a", False),
        ("/about", "/About", False),
        ("/about/:path*", "/about", True),
        ("/about/:path*", "/about/a/b", True),
        ("/about/:path*", "/aboutx", False),
        ("/about/:path+", "/about", False),
        ("/about/:path+", "/about/a/b", True),
        ("/about/:slug", "/about/a", True),
        ("/about/:slug", "/about/a/b", False),
        ("/about/:slug?", "/about", True),
        ("/about/:slug?", "/about/a", True),
        ("/api/:id.json", "/api/1.json", True),
        ("/files/(.*)", "/files/a/b/c", True),
        ("/(api|trpc)(.*)", "/api", True),
        ("/(api|trpc)(.*)", "/trpc/x", True),
        ("/(api|trpc)(.*)", "/other", False),
        ("/user/:id(\\d+)", "/user/42", True),
        ("/user/:id(\\d+)", "/user/abc", False),
        (NEGATIVE, "/", True),
        (NEGATIVE, "/dashboard", True),
        (NEGATIVE, "/api", False),
        (NEGATIVE, "/api/users", False),
        (NEGATIVE, "/apix", False),
        (NEGATIVE, "/_next/static/chunk.js", False),
        (NEGATIVE, "/favicon.ico", False),
        ("/", "/", True),
        ("/", "/index", True),
        ("/", "/x", False),
        # the /_next/data/<buildId>/...json variant Next.js adds to every source
        ("/about/:path*", "/_next/data/build1/about.json", True),
        ("/about/:path*", "/_next/data/build1/about/team.json", True),
        ("/about", "/_next/data/build1/about.json", True),
        ("/", "/_next/data/build1/index.json", True),
        # the percent-encoded path is matched, and then the decoded one (Next.js)
        ("/caf%C3%A9", "/caf%C3%A9", True),
        ("/a b", "/a%20b", True),
        ("/api/mw/:path*", "/api/m%77/x", True),
        ("/api/mw/:path*", "/api/mw%2Fx", True),
        ("/api/mw/:path*", "/api/m%ZZ/x", False),
        ("/api/mw/:path*", "/api/m%2577/x", False),
    ],
)
def test_compile_matcher_translation_table(source: str, path: str, expected: bool) -> None:
    assert compile_matcher(source).matches(path) is expected


def test_source_to_regex_wraps_like_nextjs() -> None:
    assert source_to_regex("/api/:id") == (
        r"^(?:\/(_next/data/[^/]{1,}))?\/api(?:\/([^\/#\?]+?))(\.json)?[\/#\?]?\Z"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", True),
        ("/api/x", True),
        ("/_next/static/a.js", False),
        ("/_next/image", False),
        ("/_next/data/b/x.json", True),
    ],
)
def test_default_matcher_skips_next_internals(path: str, expected: bool) -> None:
    assert DEFAULT_MATCHER.matches(path) is expected
    assert compile_matcher(None) is DEFAULT_MATCHER
    assert matcher_from_config({"runtime": "nodejs"}).matches(path) is expected


def test_compile_matcher_list_matches_any_entry() -> None:
    matcher = compile_matcher(["/a", {"source": "/b/:p*"}])
    assert matcher.matches("/a")
    assert matcher.matches("/b/c")
    assert not matcher.matches("/c")


def test_matcher_from_config_reads_matcher_key() -> None:
    assert matcher_from_config({"matcher": "/x"}).matches("/x")
    assert not matcher_from_config({"matcher": "/x"}).matches("/y")
    assert matcher_from_config(None) is DEFAULT_MATCHER


HAS_CASES = [
    # (condition, headers, query_string, expected)
    ({"type": "header", "key": "X-Flag"}, [("x-flag", "1")], "", True),
    ({"type": "header", "key": "x-flag"}, [("X-FLAG", "1")], "", True),
    ({"type": "header", "key": "x-flag"}, [], "", False),
    ({"type": "header", "key": "x-flag"}, [("x-flag", "")], "", False),
    ({"type": "header", "key": "x-flag", "value": "yes|true"}, [("x-flag", "true")], "", True),
    ({"type": "header", "key": "x-flag", "value": "yes"}, [("x-flag", "yes!")], "", False),
    ({"type": "header", "key": "x-a", "value": "1, 2"}, [("x-a", "1"), ("x-a", "2")], "", True),
    ({"type": "cookie", "key": "session"}, [("cookie", "a=1; session=abc")], "", True),
    ({"type": "cookie", "key": "session", "value": "a.c"}, [("cookie", "session=abc")], "", True),
    ({"type": "cookie", "key": "session"}, [("cookie", "other=1")], "", False),
    ({"type": "cookie", "key": "s", "value": "a b"}, [("cookie", "s=a%20b")], "", True),
    ({"type": "query", "key": "preview"}, [], "preview=1", True),
    ({"type": "query", "key": "preview"}, [], "preview=", False),
    ({"type": "query", "key": "v", "value": "2"}, [], "v=1&v=2", True),
    ({"type": "query", "key": "v", "value": "1"}, [], "v=1&v=2", False),
    ({"type": "host", "value": "example.com"}, [("host", "Example.com:3000")], "", True),
    ({"type": "host", "value": "example.com"}, [("host", "other.com")], "", False),
    ({"type": "host", "value": "(?<s>[a-z]+).example.com"}, [("host", "a.example.com")], "", True),
]


@pytest.mark.parametrize(("condition", "headers", "query", "expected"), HAS_CASES)
def test_matcher_has_conditions(
    condition: dict[str, str], headers: list[tuple[str, str]], query: str, expected: bool
) -> None:
    matcher = compile_matcher([{"source": "/p", "has": [condition]}])
    assert matcher.matches("/p", headers, query) is expected


@pytest.mark.parametrize(("condition", "headers", "query", "expected"), HAS_CASES)
def test_matcher_missing_conditions_are_the_negation(
    condition: dict[str, str], headers: list[tuple[str, str]], query: str, expected: bool
) -> None:
    matcher = compile_matcher([{"source": "/p", "missing": [condition]}])
    assert matcher.matches("/p", headers, query) is (not expected)


def test_matcher_has_needs_the_path_to_match_too() -> None:
    matcher = compile_matcher([{"source": "/p", "has": [{"type": "query", "key": "a"}]}])
    assert not matcher.matches("/q", [], "a=1")


def test_matcher_has_all_and_missing_none() -> None:
    matcher = compile_matcher(
        [
            {
                "source": "/p",
                "has": [{"type": "header", "key": "a"}, {"type": "header", "key": "b"}],
                "missing": [{"type": "cookie", "key": "done"}],
            }
        ]
    )
    assert matcher.matches("/p", [("a", "1"), ("b", "1")])
    assert not matcher.matches("/p", [("a", "1")])
    assert not matcher.matches("/p", [("a", "1"), ("b", "1"), ("cookie", "done=1")])


@pytest.mark.parametrize(
    ("matcher", "message", "hint"),
    [
        ("about", r"matcher: source must start with / \(got 'about'\)", "write '/about'"),
        (["/ok", "x"], r"matcher\[1\]: source must start with /", "write '/x'"),
        ("/" + "a" * 4096, r"exceeds max built length of 4096", "shorter"),
        ("/a/(b", r"Invalid source '/a/\(b': Unbalanced pattern at 3", "path-to-regexp"),
        ("/a/(?:b)", r"Pattern cannot start with \"\?\" at 4", "path-to-regexp"),
        ("/a/((b))", r"Capturing groups are not allowed at 4", "non-capturing"),
        ("/a/:", r"Missing parameter name at 3", "path-to-regexp"),
        ("/:a:b", r'Must have text between two parameters, missing text after "a"', "v6"),
        ("/a/{b", r"Unexpected END at 5, expected CLOSE", "path-to-regexp"),
        ("/(.*)(.*)*", r'Can not repeat "1" without a prefix and suffix', "path-to-regexp"),
        ({"source": "/a"}, r"matcher: must be a string or an array", r"wrap the dict in a list"),
        (42, r"matcher: must be a string or a list \(got 42\)", "matcher"),
        ([42], r"matcher\[0\]: must be an array of strings or middleware matchers", "source"),
        ([{"sorce": "/a"}], r"matcher\[0\]: unknown key 'sorce'", "did you mean 'source'"),
        ([{"has": []}], r"matcher\[0\].source: source is required", "/api/:path\\*"),
        ([{"source": "/a", "locale": True}], r"locale must be False or absent", "locale"),
        ([{"source": "/a", "has": {"type": "header"}}], r"has: must be a list", "header"),
        (
            [{"source": "/a", "has": [{"type": "body", "key": "x"}]}],
            r"has\[0\]: Invalid discriminator value. Expected 'header' \| 'query' \| 'cookie'",
            "header",
        ),
        (
            [{"source": "/a", "has": [{"type": "header"}]}],
            r"has\[0\]: key is required when type is header, query or cookie",
            "header",
        ),
        (
            [{"source": "/a", "missing": [{"type": "host"}]}],
            r"missing\[0\]: host must have a value",
            "example.com",
        ),
        (
            [{"source": "/a", "has": [{"type": "host", "key": "h", "value": "x"}]}],
            r"has\[0\]: unknown key 'key'",
            "allowed: type, value",
        ),
        (
            [{"source": "/a", "has": [{"type": "query", "key": "q", "value": 1}]}],
            r"has\[0\]: value must be a string",
            "regex",
        ),
        (
            [{"source": "/a", "has": [{"type": "query", "key": "q", "value": "("}]}],
            r"has\[0\]: value is not a valid regex",
            "regex",
        ),
    ],
)
def test_compile_matcher_rejects_invalid_config(matcher: object, message: str, hint: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        compile_matcher(matcher, file="src/middleware.py")
    text = str(info.value)
    assert text.startswith("src/middleware.py: invalid middleware config: ")
    assert "\n  fix: " in text
    assert hint.replace("\\", "") in text.split("\n  fix: ")[1]


def test_config_error_keeps_the_facts() -> None:
    with pytest.raises(ConfigError) as info:
        compile_matcher(["/ok", "bad"])
    assert info.value.file == "middleware.py"
    assert info.value.key == "matcher[1]"
    assert info.value.value == "bad"


def test_matcher_from_config_rejects_non_dict() -> None:
    with pytest.raises(ConfigError, match=r"config must be a dict \(got \['/a'\]\)"):
        matcher_from_config(["/a"])


# Expected values are path-to-regexp 6.3.0's (the version Next.js bundles), run in Node.
@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("/a\\:b", "/a:b", True),
        ("/a\\:b", "/a/b", False),
        ("/a\\(x\\)", "/a(x)", True),
        ("/a\\(x\\)", "/ax", False),
        ("/:a-:b", "/x-y", True),
        ("/:a-:b", "/x-y-z", True),
        ("/:a-:b", "/x", False),
        ("/:a-:b", "/-y", False),
        ("/a-:b", "/a-x", True),
        ("/a-:b", "/a-", False),
        ("/a-:b", "/a-x/y", False),
        ("/file.:ext", "/file.png", True),
        ("/file.:ext", "/file.", False),
        ("/file.:ext", "/file.a.b", False),
        ("/a{-:b}?", "/a", True),
        ("/a{-:b}?", "/a-x", True),
        ("/a{-:b}?", "/a-", False),
        ("/a{-:b(\\d+)}?", "/a", True),
        ("/a{-:b(\\d+)}?", "/a-1", True),
        ("/a{-:b(\\d+)}?", "/a-x", False),
        ("/a{/b}?", "/a", True),
        ("/a{/b}?", "/a/b", True),
        ("/a{/b}?", "/a/c", False),
        ("/a{/b}", "/a/b", True),
        ("/a{/b}", "/a", False),
        ("/:x@:y", "/u@h", True),
        ("/:x@:y", "/u@", False),
        ("/:x@:y", "/@h", False),
    ],
)
def test_compile_matcher_path_to_regexp_v6_grammar(source: str, path: str, expected: bool) -> None:
    assert compile_matcher(source).matches(path) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/a/()", "Missing pattern at 3"),
        ("/a}", "Unexpected CLOSE at 2, expected END"),
        ("/a?", "Unexpected MODIFIER at 2, expected END"),
        ("/a/:b}", "Unexpected CLOSE at 5, expected END"),
    ],
)
def test_compile_matcher_path_to_regexp_v6_errors(source: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        compile_matcher(source)
    assert info.value.message == (
        f"invalid middleware config: matcher: Invalid source '{source}': {message} (got {source!r})"
    )


def test_compile_matcher_regex_python_cannot_compile_is_a_config_error() -> None:
    # JavaScript accepts a variable-width lookbehind; Python's re does not.
    with pytest.raises(ConfigError) as info:
        compile_matcher("/(a(?<=a+))")
    assert "the regex does not compile in Python (look-behind requires fixed-width" in str(
        info.value
    )
    assert info.value.hint == "use regex syntax JavaScript and Python share"


def test_compile_matcher_condition_must_be_a_dict() -> None:
    with pytest.raises(ConfigError) as info:
        compile_matcher([{"source": "/a", "has": ["x-flag"]}])
    assert info.value.key == "matcher[0].has[0]"
    assert "a condition must be a dict (got 'x-flag')" in str(info.value)


def test_matcher_has_host_uses_the_first_of_repeated_host_headers() -> None:
    # Node keeps the first Host; other repeated headers are joined with ", ".
    matcher = compile_matcher([{"source": "/p", "has": [{"type": "host", "value": "a.com"}]}])
    assert matcher.matches("/p", [("host", "a.com"), ("Host", "b.com")])
    assert not matcher.matches("/p", [("host", "b.com"), ("Host", "a.com")])


def test_matcher_conditions_of_several_rules_read_the_request_once() -> None:
    matcher = compile_matcher(
        [
            {"source": "/p", "has": [{"type": "header", "key": "x-a"}]},
            {"source": "/:any", "has": [{"type": "cookie", "key": "b"}]},
        ]
    )
    assert matcher.matches("/p", [("cookie", "a=1"), ("cookie", "b=2")])
    assert not matcher.matches("/p", [("cookie", "a=1")])


def test_middleware_matcher_repr_lists_sources() -> None:
    matcher = compile_matcher(["/a", {"source": "/b/:p*"}])
    assert repr(matcher) == "MiddlewareMatcher(['/a', '/b/:p*'])"


_SEGMENT = st.sampled_from(["a", "mw", "admin", "x-y", "caf\u00e9", "~1"])
#: (matcher source, a path it selects) pairs, built from a segment.
_SELECTED = st.one_of(
    _SEGMENT.map(lambda seg: ("/api/mw/:path*", f"/api/mw/{seg}")),
    _SEGMENT.map(lambda seg: ("/team/:team/admin", f"/team/{seg}/admin")),
    _SEGMENT.map(lambda seg: ("/api/(admin|ops)/:rest+", f"/api/ops/{seg}")),
    st.just(("/exact", "/exact")),
)


def _escape(text: str, mask: list[bool]) -> str:
    # Percent-encode (as UTF-8) the characters the mask selects; "/" too: %2F decodes to it.
    flags = mask + [False] * len(text)
    return "".join(
        "".join(f"%{byte:02X}" for byte in ch.encode()) if flags[i] else ch
        for i, ch in enumerate(text)
    )


@given(_SELECTED, st.lists(st.booleans(), min_size=1, max_size=24))
def test_an_escape_never_skips_the_middleware(selected: tuple[str, str], mask: list[bool]) -> None:
    # issue 15: Next.js also matches the decoded path, so /api/m%77/x runs /api/mw/:path*.
    source, path = selected
    matcher = compile_matcher(source)
    assert matcher.matches(path)
    assert matcher.matches(_escape(path, mask))
