"""Suite-wide set-up: the suite never writes into the checkout."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_HYPOTHESIS_HOME = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis keeps its caches (Unicode tables, constants, examples) in ./.hypothesis;
    # point it, and the subprocesses the tests start, at a temporary folder instead.
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
