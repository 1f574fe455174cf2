"""Group 3, routing at scale: per-match time on trees of 10 to 10,000 route files.

routekit: ``RouteTable(discover(root, Settings())).match(path)``; peer: werkzeug's
``Map.bind("localhost").match(path)`` with equivalent rules (``<id>``, ``<path:rest>``). Both
answer the same fixed mix of paths (every route kind, spread over the tree, and a miss),
timed interleaved round by round.
"""

from __future__ import annotations

import tempfile
import typing as t
from pathlib import Path

from ._harness import Candidate, Config, Row, Target, compare, fmt_seconds, ratio_of
from ._trees import path_mix, werkzeug_rules, write_tree

__all__ = ["run"]

GROUP = "routing"
SIZES_FULL = (10, 100, 1_000, 10_000)
SIZES_QUICK = (10, 100, 1_000)


def _routekit_matcher(root: Path, paths: list[str]) -> t.Callable[[], object]:
    from routekit.routing.discovery import discover
    from routekit.routing.table import RouteTable
    from routekit.settings import Settings

    table = RouteTable(discover(root, Settings()))
    match = table.match
    expected = [table.match(p) is not None for p in paths]
    if expected != [True] * (len(paths) - 1) + [False]:
        raise RuntimeError(f"routekit matched {expected} for {paths}; the tree is not as designed.")

    def run() -> object:
        for path in paths:
            match(path)
        return None

    return run


def _werkzeug_matcher(n: int, paths: list[str]) -> t.Callable[[], object]:
    from werkzeug.exceptions import NotFound
    from werkzeug.routing import Map, Rule

    url_map = Map([Rule(rule, endpoint=endpoint) for rule, endpoint in werkzeug_rules(n)])
    adapter = url_map.bind("localhost")
    match = adapter.match

    def run() -> object:
        for path in paths:
            try:  # noqa: SIM105 - contextlib.suppress would add its own cost to the peer
                match(path)
            except NotFound:
                pass
        return None

    return run


def run(config: Config) -> list[Row]:
    """Measure every tree size; rows: werkzeug/routekit per size, and the 10,000/10 scaling."""
    sizes = SIZES_QUICK if config.quick else SIZES_FULL
    rows: list[Row] = []
    per_match: dict[int, Candidate] = {}
    with tempfile.TemporaryDirectory(prefix="routekit-bench-routing-") as tmp:
        for n in sizes:
            root = write_tree(Path(tmp) / f"tree{n}", n)
            paths = path_mix(n)
            ours = Candidate(f"routekit {n}", _routekit_matcher(root, paths))
            peer = Candidate(f"werkzeug {n}", _werkzeug_matcher(n, paths))
            compare([ours, peer], config)
            per_match[n] = ours
            rows.append(
                Row(
                    GROUP,
                    f"{n:,} routes: werkzeug `Map.match` / routekit `RouteTable.match`",
                    ratio_of(peer, ours),
                    Target(">=", 1.0),
                    context=f"per match: routekit {fmt_seconds(ours.median / len(paths))}, "
                    f"werkzeug {fmt_seconds(peer.median / len(paths))}",
                )
            )
        # The scaling row compares two trees of the same run; re-time them side by side so
        # the ratio is round-paired like every other.
        small, large = sizes[0], sizes[-1]
        again_small = Candidate(f"routekit {small}", per_match[small].func)
        again_large = Candidate(f"routekit {large}", per_match[large].func)
        compare([again_small, again_large], config)
        per_path = len(path_mix(small))
        rows.append(
            Row(
                GROUP,
                f"per-match time, {large:,} routes / {small} routes (routekit)",
                ratio_of(again_large, again_small),
                Target("<=", 1.5),
                context=f"per match: {fmt_seconds(again_large.median / per_path)} at {large:,}, "
                f"{fmt_seconds(again_small.median / per_path)} at {small}",
            )
        )
    return rows
