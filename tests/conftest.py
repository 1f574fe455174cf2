"""Suite-wide set-up: the suite never writes into the checkout, and property tests are bounded.

The hypothesis profile: ``max_examples`` is small, examples are derived from the test
(``derandomize``) so a failure reproduces everywhere, no deadline (CI machines are shared),
and no example database. Hypothesis keeps its caches (Unicode tables, constants) in
``./.hypothesis``; they go to a temporary folder instead, for the subprocesses the tests
start too.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "routekit",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("routekit")

_HYPOTHESIS_HOME = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.mkdtemp(prefix="routekit-hypothesis-")
    config.stash[_HYPOTHESIS_HOME] = home
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = home
    set_hypothesis_home_dir(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HYPOTHESIS_HOME, None)
    if home is not None:
        if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") == home:
            del os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]
        shutil.rmtree(home, ignore_errors=True)
