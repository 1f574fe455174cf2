"""Turn a pyinstrument profile into a short Markdown summary: where the time goes.

Two tables: functions by *self* time (the hot spots) and routekit's own functions by
*inclusive* time (which stage of the pipeline costs what), each as a share of the total.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict

if t.TYPE_CHECKING:
    from pyinstrument import Profiler
    from pyinstrument.frame import Frame

__all__ = ["summarise"]

_TOP = 12
_OURS = ("routekit/", "routekit_pytest/")


def _key(frame: Frame) -> tuple[str, str]:
    path = (frame.file_path or "").replace("\\", "/")
    for marker in _OURS:
        at = path.rfind("/" + marker)
        if at >= 0:
            path = path[at + 1 :]
            break
    else:
        path = frame.file_path_short or path
    return (frame.function or "?", f"{path}:{frame.line_no}")


def _walk(
    frame: Frame,
    active: set[tuple[str, str]],
    self_time: dict[tuple[str, str], float],
    inclusive: dict[tuple[str, str], float],
) -> None:
    key = _key(frame)
    if not frame.is_synthetic:
        self_time[key] += frame.total_self_time
        if key not in active:  # recursion: count a function's time once
            inclusive[key] += frame.time
    entered = key not in active and not frame.is_synthetic
    if entered:
        active.add(key)
    for child in frame.children:
        _walk(child, active, self_time, inclusive)
    if entered:
        active.discard(key)


def _table(items: list[tuple[tuple[str, str], float]], total: float) -> list[str]:
    lines = ["| % of time | function | where |", "| ---: | --- | --- |"]
    for (function, where), seconds in items[:_TOP]:
        lines.append(f"| {100 * seconds / total:.1f} % | `{function}` | `{where}` |")
    return lines


def summarise(profiler: Profiler, title: str) -> str:
    """Markdown: the top frames of *profiler*'s last session by self and inclusive time."""
    session = profiler.last_session
    root = session.root_frame() if session is not None else None
    if root is None or root.time <= 0:
        return ""
    self_time: dict[tuple[str, str], float] = defaultdict(float)
    inclusive: dict[tuple[str, str], float] = defaultdict(float)
    _walk(root, set(), self_time, inclusive)
    total = root.time
    by_self = sorted(self_time.items(), key=lambda kv: kv[1], reverse=True)
    ours = sorted(
        ((k, v) for k, v in inclusive.items() if k[1].startswith(_OURS)),
        key=lambda kv: kv[1],
        reverse=True,
    )
    lines = [
        "## Profile",
        "",
        f"pyinstrument over {title}, {total:.1f} s sampled.",
        "",
        "### Hot spots (self time)",
        "",
        *_table(by_self, total),
        "",
        "### routekit's own functions (inclusive time)",
        "",
        *_table(ours, total),
    ]
    return "\n".join(lines)
