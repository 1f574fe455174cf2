"""``python -m benchmarks [GROUP ...] [--quick] [--output FILE]``: run, then write the page.

With no group, every group runs and the page goes to ``docs/benchmarks.md`` (with
``docs/benchmarks.svg``); a subset goes to ``benchmarks/results/`` so a partial run never
replaces the committed page unless ``--output`` says so. ``ROUTEKIT_BENCH_FULL=0`` (or
``--quick``) selects the quick mode.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
import typing as t
from pathlib import Path

from ._harness import Config, Row, machine, not_measured
from ._report import render_markdown, render_svg

#: Command-line name -> module, in the order of the page.
GROUPS: dict[str, str] = {
    "inprocess": "benchmarks.inprocess",
    "unit": "benchmarks.unit",
    "routing": "benchmarks.routing",
    "startup": "benchmarks.startup",
    "served": "benchmarks.served",
    "served_asgi": "benchmarks.served_asgi",
    "suite": "benchmarks.suite",
    "memory": "benchmarks.memory",
}

_REPO = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure routekit against its peers and write docs/benchmarks.md.",
    )
    parser.add_argument(
        "groups",
        nargs="*",
        metavar="GROUP",
        help=f"groups to run (default: all): {', '.join(GROUPS)}",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (smoke)")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="the Markdown page to write; the SVG goes beside it (default: docs/benchmarks.md "
        "for a full set of groups, benchmarks/results/benchmarks.md for a subset)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile routekit's in-process requests with pyinstrument (inprocess group)",
    )
    return parser


def _methods(groups: t.Iterable[str]) -> dict[str, str]:
    methods = {}
    for group in groups:
        module = sys.modules.get(GROUPS[group])
        if module is not None and module.__doc__:
            methods[group] = module.__doc__.replace("``", "`")
    return methods


def _run_group(group: str, config: Config, profile: bool) -> list[Row]:
    print(f"== {group}", file=sys.stderr, flush=True)
    try:
        module = importlib.import_module(GROUPS[group])
        if group == "inprocess":
            rows: list[Row] = module.run(config, profile=profile)
        else:
            rows = module.run(config)
    except Exception as exc:  # one broken group must not lose the others' figures
        traceback.print_exc()
        return [not_measured(group, "(whole group)", None, f"failed: {type(exc).__name__}: {exc}")]
    for row in rows:
        shown = f"{row.ratio:.3g}x" if row.ratio is not None else "-"
        print(f"   {row.verdict:>12}  {shown:>8}  {row.name}", file=sys.stderr, flush=True)
    return rows


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the selected groups and write the page; exit status 2 for an unknown group."""
    args = _parser().parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        print(
            f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}.",
            file=sys.stderr,
        )
        return 2
    groups = args.groups or list(GROUPS)
    quick = args.quick or os.environ.get("ROUTEKIT_BENCH_FULL", "1") == "0"
    config = Config.make(quick)
    output: Path = args.output or (
        _REPO / "docs" / "benchmarks.md"
        if set(groups) == set(GROUPS)
        else _REPO / "benchmarks" / "results" / "benchmarks.md"
    )
    rows: list[Row] = []
    for group in groups:
        rows += _run_group(group, config, args.profile)
    extra = ""
    profile_text = sys.modules.get("benchmarks.inprocess")
    if profile_text is not None:
        extra = getattr(profile_text, "PROFILE_SUMMARY", "")
    host = machine()
    output.parent.mkdir(parents=True, exist_ok=True)
    svg = output.with_suffix(".svg")
    svg.write_text(render_svg(rows, title="routekit against its peers"), encoding="utf-8")
    output.write_text(
        render_markdown(
            rows,
            machine=host,
            config=config,
            groups=groups,
            svg_name=svg.name,
            methods=_methods(groups),
            extra=extra,
        ),
        encoding="utf-8",
    )
    results = {
        "machine": host.as_dict(),
        "quick": config.quick,
        "rows": [
            {
                "group": r.group,
                "name": r.name,
                "ratio": r.ratio,
                "target": str(r.target) if r.target else None,
                "verdict": r.verdict,
                "context": r.context,
                "note": r.note,
            }
            for r in rows
        ],
    }
    # Machine-readable copy for comparing runs; never committed (benchmarks/results/ is ignored).
    raw = _REPO / "benchmarks" / "results" / "last-run.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {output} and {svg.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
