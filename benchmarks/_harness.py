"""Timing and result plumbing shared by every benchmark group.

Every figure the suite reports is a *ratio* between two things measured in the same run,
interleaved: these machines are noisy (two shared cores), so an absolute time measured at
one moment says little, while two candidates alternated round by round see the same noise.
Absolute numbers travel along only as context.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import platform
import statistics
import sys
import time
import timeit
import typing as t
from dataclasses import dataclass, field

__all__ = [
    "Candidate",
    "Config",
    "NotMeasured",
    "Row",
    "Target",
    "compare",
    "fmt_seconds",
    "machine",
    "not_measured",
]


@dataclass(frozen=True)
class Config:
    """How hard to measure: ``quick`` is the smoke-test setting, seconds in all."""

    quick: bool = False
    #: Rounds of the interleaved comparison; the median of the per-round ratios is reported.
    repeats: int = 7
    #: Seconds one timed batch of one candidate aims at (``timeit``'s autorange does the rest).
    batch_seconds: float = 0.2

    @classmethod
    def make(cls, quick: bool) -> Config:
        """The quick (smoke) or the full configuration."""
        if quick:
            return cls(quick=True, repeats=3, batch_seconds=0.02)
        return cls()


class NotMeasured(Exception):
    """Raised by a measurement that could not run here (a peer missing, npm unreachable)."""


@dataclass(frozen=True)
class Target:
    """A target on a ratio: ``>= 5`` or ``<= 1.5``."""

    op: t.Literal[">=", "<="]
    value: float

    def met(self, ratio: float) -> bool:
        """Whether *ratio* meets the target."""
        return ratio >= self.value if self.op == ">=" else ratio <= self.value

    def margin(self, ratio: float) -> float:
        """How far past the target *ratio* is: above 1 means met, whatever the direction."""
        if ratio <= 0:
            return 0.0
        return ratio / self.value if self.op == ">=" else self.value / ratio

    def __str__(self) -> str:
        return f"{'≥' if self.op == '>=' else '≤'} {self.value:g}×"


@dataclass
class Row:
    """One line of the results table.

    :param group: the group's command-line name (``routing``).
    :param name: what is compared, e.g. ``GET /api/hello: Flask test client / routekit``.
    :param ratio: the measured ratio, or ``None`` when not measured.
    :param target: the target on the ratio, or ``None`` for a context-only row.
    :param context: absolute numbers behind the ratio, for the reader.
    :param note: why the row was not measured, or a caveat.
    """

    group: str
    name: str
    ratio: float | None
    target: Target | None = None
    context: str = ""
    note: str = ""

    @property
    def met(self) -> bool | None:
        """``True``/``False`` against the target; ``None`` without a target or a ratio."""
        if self.ratio is None or self.target is None:
            return None
        return self.target.met(self.ratio)

    @property
    def verdict(self) -> str:
        """``met``, ``not met``, ``not measured`` or ``context``."""
        if self.ratio is None:
            return "not measured"
        if self.target is None:
            return "context"
        return "met" if self.met else "not met"


def not_measured(group: str, name: str, target: Target | None, reason: str) -> Row:
    """A row for a comparison that could not run, with the reason."""
    return Row(group, name, None, target, note=reason)


@dataclass
class Candidate:
    """One thing to time: *func* is called with no arguments, many times per batch."""

    name: str
    func: t.Callable[[], object]
    #: Calls per timed batch; found by autorange when 0.
    number: int = 0
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median seconds per call over the rounds."""
        return statistics.median(self.samples)


def _calibrate(candidate: Candidate, batch_seconds: float) -> None:
    # timeit's autorange, but aiming at a tenth of the batch instead of a fixed 0.2 s, so
    # the quick mode stays quick.
    timer = timeit.Timer(candidate.func)
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= batch_seconds / 10 or number >= 10**7:
            break
        number *= 10
    per_call = elapsed / number
    candidate.number = max(1, int(batch_seconds / per_call)) if per_call > 0 else number


def compare(candidates: t.Sequence[Candidate], config: Config) -> list[Candidate]:
    """Time *candidates* interleaved: each round times one batch of each, in rotated order.

    Rotating the order means none always runs first (warm caches) or last (a turbo clock
    that has run out). Garbage collection stays on, as in real use, but a collection is
    forced between batches so one candidate's garbage is not collected on another's clock.
    """
    for candidate in candidates:
        candidate.func()  # warm up: imports, first-request caches
        _calibrate(candidate, config.batch_seconds)
    order = list(candidates)
    for round_no in range(config.repeats):
        shift = round_no % len(order)
        for candidate in order[shift:] + order[:shift]:
            gc.collect()
            elapsed = timeit.Timer(candidate.func).timeit(candidate.number)
            candidate.samples.append(elapsed / candidate.number)
    return list(candidates)


def ratio_of(numerator: Candidate, denominator: Candidate) -> float:
    """Median over rounds of ``numerator / denominator`` (round-paired, so drift cancels)."""
    pairs = zip(numerator.samples, denominator.samples, strict=True)
    return statistics.median(a / b for a, b in pairs)


def median_ratio(numerators: t.Sequence[float], denominators: t.Sequence[float]) -> float:
    """Median of the pairwise ratios of two equally long, round-paired series."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def fmt_seconds(seconds: float) -> str:
    """A duration with a unit a person reads at a glance: ``27.1 µs``, ``3.20 ms``, ``1.52 s``."""
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def stopwatch() -> float:
    """A monotonic clock in seconds, for one-shot timings (start-up, whole suites)."""
    return time.perf_counter()


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@dataclass(frozen=True)
class Machine:
    """What the figures were measured on."""

    cpu: str
    cores: int
    python: str
    platform: str

    def as_dict(self) -> dict[str, object]:
        """The fields, for JSON."""
        return dataclasses.asdict(self)


def machine() -> Machine:
    """The CPU model (``/proc/cpuinfo``), usable cores, Python and OS of this run."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return Machine(
        cpu=_cpu_model(),
        cores=cores,
        python=f"{platform.python_implementation()} {sys.version.split()[0]}",
        platform=platform.platform(),
    )
