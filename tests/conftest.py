"""Suite-wide set-up: the bounded, reproducible hypothesis profile the property tests use.

``max_examples`` is small, examples are derived from the test (``derandomize``) so a
failure reproduces everywhere, no deadline (CI machines are shared), and no example
database: hypothesis writes nothing into the checkout (its cache goes to a temp folder).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "routekit-hypothesis")
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
