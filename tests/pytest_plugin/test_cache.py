"""The plugin and the route-handler cache: ``res.cache``, and a cache that starts empty for
each test (the app is built once per session)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

ROUTE = """
import itertools
from routekit import Response
revalidate = 60
_n = itertools.count()
def GET():
    return Response(f"n={next(_n)}")
"""


def test_plugin_cache_is_cleared_between_tests(pytester: pytest.Pytester) -> None:
    route = pytester.path / "site" / "app" / "api" / "t" / "route.py"
    route.parent.mkdir(parents=True)
    route.write_text(ROUTE)
    pytester.makeini("[pytest]\nroutekit_root = site\n")
    pytester.makepyfile(
        """
        def test_first(client):
            assert [client.get("/api/t").cache, client.get("/api/t").cache] == ["MISS", "HIT"]

        def test_second(client):
            res = client.get("/api/t")
            assert (res.cache, res.text) == ("MISS", "n=1")

        def test_uncached(client):
            assert client.get("/api/nothing").cache is None
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
    assert not (pytester.path / "site" / ".routekit").exists()  # memory under the client
