from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)]


def _ci_commands() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [
        line.strip()
        for line in lines
        if line.strip()
        and not line.lstrip().startswith("#")
        and not line.startswith(("set ", "cd "))
    ]


def test_readme_has_two_commands() -> None:
    assert len(_readme_commands()) == 2


def test_readme_second_command_is_what_ci_runs() -> None:
    assert _ci_commands() == [_readme_commands()[1]]


def test_readme_first_command_serves_the_blog_example() -> None:
    first = _readme_commands()[0]
    assert "routekit serve examples/blog" in first
    assert (ROOT / "examples" / "blog").is_dir()
