from __future__ import annotations

import routekit.web


def test_web_all_lists_every_public_name_sorted():
    public = {
        name
        for name in vars(routekit.web)
        if not name.startswith("_")
        and name not in {"annotations"}
        and not isinstance(getattr(routekit.web, name), type(routekit.web))
    }
    assert sorted(public) == routekit.web.__all__
