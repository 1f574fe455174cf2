"""``arity()``: the one reading of a handler's signature (issue 13, point 4)."""

from __future__ import annotations

import functools
import inspect
import sys
import typing as t

import pytest

from routekit._aio import Arity, arity


def _none() -> None: ...
def _req(request: object) -> None: ...
def _req_ctx(request: object, ctx: object = None) -> None: ...
def _three(req: object, res: object, nxt: object) -> None: ...
def _star(*args: object) -> None: ...
def _keyword(request: object, *, flag: str) -> None: ...
def _keyword_default(request: object, *, flag: str = "x") -> None: ...
def _posonly(req: object, res: object, /) -> None: ...


class _Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __call__(self, req: object, res: object) -> None: ...


class _NoSignature:
    __signature__ = "not a signature"  # inspect.signature raises TypeError

    def __call__(self, *args: object) -> None: ...


CASES: list[tuple[t.Callable[..., object], Arity | None]] = [
    (_none, Arity(0, 0, False)),
    (_req, Arity(1, 1, False)),
    (_req_ctx, Arity(1, 2, False)),
    (_three, Arity(3, 3, False)),
    (_star, Arity(0, sys.maxsize, False)),
    (_keyword, Arity(1, 1, True)),
    (_keyword_default, Arity(1, 1, False)),
    (_posonly, Arity(2, 2, False)),
    (functools.partial(_three, 1), Arity(2, 2, False)),
    (_Unhashable(), Arity(2, 2, False)),
    (_NoSignature(), None),
]


@pytest.mark.parametrize(("func", "expected"), CASES)
def test_arity_reads_the_signature(func: t.Callable[..., object], expected: Arity | None) -> None:
    assert arity(func) == expected


@pytest.mark.parametrize(("func", "expected"), [case for case in CASES if case[1] is not None])
@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_arity_accepts_exactly_what_signature_bind_accepts(
    func: t.Callable[..., object], expected: Arity, count: int
) -> None:
    try:
        inspect.signature(func).bind(*[None] * count)
    except TypeError:
        binds = False
    else:
        binds = True
    assert expected.accepts(count) is binds
