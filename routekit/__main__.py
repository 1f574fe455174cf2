"""``python -m routekit``: the same as the ``routekit`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
