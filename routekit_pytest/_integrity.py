"""What keeps a green test honest: the per-test record behind its errors and warnings.

Three slips make a handler test pass while the handler is broken: an ``async def`` handler
called without ``await`` (it never runs), a handler that returns without sending (the mock
still says Node's default 200), and ``from lib.user import get_user`` in a route, which
``monkeypatch.setattr("lib.user.get_user", ...)`` never reaches. The plugin records each
test (:class:`Tracker`), and reports them as :class:`RoutekitTestWarning` subclasses, which
it turns into errors unless ``routekit_strict = false``. The error and warning classes
live in :mod:`routekit.errors`, with the rest of the family.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import sys
import typing as t
import warnings

import _pytest
import pluggy

from routekit.errors import (
    MockAccessorError,
    ResponseNotEndedError,
    RoutekitError,
    RoutekitTestWarning,
    StaleImportWarning,
    UnawaitedCoroutineWarning,
    UnsentResponseWarning,
)

if t.TYPE_CHECKING:
    import types
    from collections.abc import Iterator

    from .mocks import MockResponse

__all__ = [
    "MockAccessorError",
    "ResponseNotEndedError",
    "RoutekitTestWarning",
    "StaleImportWarning",
    "Tracker",
    "UnawaitedCoroutineWarning",
    "UnsentResponseWarning",
    "current",
    "guard",
    "tracking",
    "user_location",
    "warn_in_test",
    "watching",
]

#: The fix routekit suggests whenever a response turns out never ended.
FORGOT = "did you forget `await`, or to call `res.end()`?"
NEVER_ENDED = f"the response was never ended: {FORGOT}"
_END_IT = (
    "end it in every branch of the handler: res.end(), res.json(...), res.send(...) or "
    "res.redirect(...)"
)
_UNAWAITED = re.compile(r"coroutine '.*' was never awaited")
#: Module names the loader gives route files (dotted paths, or synthetic under routekit.routes).
_ROUTE_MODULES = ("pages.", "api.", "app.", "routekit.routes.")
_OWN = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (__file__, inspect.getfile(RoutekitError))
)
#: Frames from here up are pytest's own: a stack walk for the handler stops there.
_STOP = tuple(
    os.path.dirname(os.path.abspath(inspect.getfile(module))) + os.sep
    for module in (_pytest, pluggy)
)


class Tracker:
    """What one test did that the checks need: the mock responses made, the route modules
    run (through mocks or the client), the coroutines dropped without ``await``."""

    def __init__(self) -> None:
        self.responses: list[MockResponse] = []
        #: Route module globals by file, for the stale-import check.
        self.route_globals: dict[str, dict[str, t.Any]] = {}
        #: Route files whose handler ended a mock response (route coverage).
        self.mock_route_files: set[str] = set()
        self.unawaited: list[tuple[UnawaitedCoroutineWarning, str, int]] = []

    def mock_finished(self) -> None:
        """A mock response ended: note the route modules on the stack (the handler's)."""
        frame: types.FrameType | None = sys._getframe(1)
        while frame is not None and not _stops(frame.f_code.co_filename):
            file = _route_file(frame.f_globals)
            if file is not None:
                self.route_globals[file] = frame.f_globals
                self.mock_route_files.add(os.path.realpath(file))
            frame = frame.f_back

    def route_ran(self, module: types.ModuleType) -> None:
        """The client dispatched to *module*."""
        file = getattr(module, "__file__", None)
        if isinstance(file, str):
            self.route_globals[file] = vars(module)

    def explain(self, error: BaseException) -> list[RoutekitTestWarning]:
        """For a failed test: the un-awaited coroutines and escaped patches behind *error*
        (the routes in its traceback count as run)."""
        tb = error.__traceback__
        while tb is not None:
            file = _route_file(tb.tb_frame.f_globals)
            if file is not None:
                self.route_globals.setdefault(file, tb.tb_frame.f_globals)
            tb = tb.tb_next
        found: list[RoutekitTestWarning] = [warning for warning, _, _ in self.unawaited]
        for module_globals in self.route_globals.values():
            found.extend(warning for warning, _, _ in stale_imports(module_globals))
        return found

    def problems(self) -> list[tuple[RoutekitTestWarning, str, int]]:
        """Everything to report once the test function returned: (warning, file, line)."""
        found: list[tuple[RoutekitTestWarning, str, int]] = list(self.unawaited)
        for res in self.responses:
            problem = unsent_mock(res)
            if problem is not None:
                found.append(problem)
        for module_globals in self.route_globals.values():
            found.extend(stale_imports(module_globals))
        return found


_current: Tracker | None = None


def current() -> Tracker | None:
    """The running test's tracker, or ``None`` outside a test the plugin watches."""
    return _current


@contextlib.contextmanager
def tracking(tracker: Tracker | None) -> Iterator[None]:
    """Make *tracker* the current one (nested pytester runs stack)."""
    global _current
    previous, _current = _current, tracker
    try:
        yield
    finally:
        _current = previous


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _is_ours(file: str) -> bool:
    return file.startswith(_OWN)


def _stops(file: str) -> bool:
    return file.startswith(_STOP)


def user_location(depth: int = 1) -> tuple[str, int]:
    """The file and line of the first caller outside routekit (for messages and warnings)."""
    frame: types.FrameType | None = sys._getframe(depth)
    while frame is not None and _is_ours(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:  # pragma: no cover - routekit never calls itself from the top
        return "<unknown>", 0
    return frame.f_code.co_filename, frame.f_lineno


def warn_in_test(warning: RoutekitTestWarning) -> None:
    """Issue *warning* at the user's line (an error under the plugin's strict default)."""
    level = 1  # warnings.warn's stacklevel=1 is this function
    frame: types.FrameType | None = sys._getframe(0)
    while frame is not None and _is_ours(frame.f_code.co_filename):
        level += 1
        frame = frame.f_back
    warnings.warn(warning, stacklevel=level)


def _route_file(module_globals: dict[str, t.Any]) -> str | None:
    """The file of a route module: one the loader named (``pages.api.x``, ``app.*``,
    ``routekit.routes.*``), whichever way it was imported."""
    name, file = module_globals.get("__name__"), module_globals.get("__file__")
    if isinstance(name, str) and name.startswith(_ROUTE_MODULES) and isinstance(file, str):
        return None if _is_ours(file) else file
    return None


# -- the checks ----------------------------------------------------------------------------


def unsent_mock(res: MockResponse) -> tuple[RoutekitTestWarning, str, int] | None:
    """The warning for a mock response the test used but that never ended, if so."""
    if not res._should_have_ended():
        return None
    file, line = res._origin
    warning = UnsentResponseWarning(
        f"the response made by create_mocks() at {_relative(file)}:{line} was never ended: "
        f"{FORGOT}\n"
        "No handler sent it, so it still says Node's default 200 with an empty body; in "
        'production routekit would log "API resolved without sending a response for '
        f'{res.exchange.raw.url}, this may result in stalled requests.". Await an async '
        f"handler, or {_END_IT}."
    )
    return warning, file, line


def unsent_by_handler(res: MockResponse) -> UnsentResponseWarning:
    """The warning for ``call_handler`` when the handler returned without sending."""
    raw = res.exchange.raw
    return UnsentResponseWarning(
        f"the handler returned without sending a response to {raw.method} {raw.url} "
        f'(Next.js: "API resolved without sending a response for {raw.url}, this may result '
        f'in stalled requests."): {_END_IT}.'
    )


def unsent_by_route(method: str, url: str, route: str, notice: str) -> UnsentResponseWarning:
    """The warning for a route the client called that sent nothing."""
    return UnsentResponseWarning(
        f"{method} {url} ({route}): {notice}\nroutekit ended it with an empty response, so "
        f"a test would pass against a route that answers nothing: {_END_IT}."
    )


def _unawaited(
    coro: types.CoroutineType[t.Any, t.Any, t.Any],
) -> tuple[UnawaitedCoroutineWarning, str, int]:
    code = coro.cr_code
    defined = f"{_relative(code.co_filename)}:{code.co_firstlineno}"
    origin = coro.cr_origin
    file, line = (origin[0][0], origin[0][1]) if origin else (code.co_filename, code.co_firstlineno)
    where = f"{_relative(file)}:{line}"
    frame = coro.cr_frame
    local_values = list(frame.f_locals.values()) if frame is not None else []
    from routekit.pages.response import ApiResponse

    name = coro.__qualname__
    responses = [value for value in local_values if isinstance(value, ApiResponse)]
    for res in responses:  # the un-awaited call is the news, not its un-sent response
        if hasattr(res, "_reported"):
            res._reported = True
    if responses:
        warning = UnawaitedCoroutineWarning(
            f"{name}(req, res) returned a coroutine that was never awaited ({where}):\n"
            f"{name!r} in {defined} is `async def`, so it did not run: the response is still "
            "Node's default 200 with nothing sent.\n"
            f"Fix: write `await {name}(req, res)` in an async test, or "
            f"`call_handler({name}, req, res)` in a sync one."
        )
    else:
        warning = UnawaitedCoroutineWarning(
            f"coroutine {name!r} ({defined}) was never awaited ({where}), so it never ran: "
            "add `await`, or run it with asyncio.run(...) in a sync test."
        )
    return warning, file, line


def stale_imports(module_globals: dict[str, t.Any]) -> list[tuple[RoutekitTestWarning, str, int]]:
    """Functions *module_globals* imported by name whose home-module attribute now holds
    something else (``monkeypatch.setattr("lib.user.get_user", fake)``)."""
    found: list[tuple[RoutekitTestWarning, str, int]] = []
    module_name = module_globals.get("__name__")
    file = module_globals.get("__file__") or "<route>"
    for name, value in list(module_globals.items()):
        if name.startswith("__") or not inspect.isfunction(value):
            continue
        home_name, attr = value.__module__, value.__name__
        if not isinstance(home_name, str) or home_name == module_name:
            continue
        home = sys.modules.get(home_name)
        # The module of that name must be the file the function came from: with two project
        # roots in one process, the other root's `lib.http` may hold the name meanwhile.
        home_file = getattr(home, "__file__", None)
        if not isinstance(home_file, str) or not _same_path(home_file, value.__code__.co_filename):
            continue
        now = vars(home).get(attr, value)
        if now is value:
            continue
        found.append((_stale(str(module_name), file, name, home_name, attr), file, 1))
    return found


def _same_path(a: str, b: str) -> bool:
    return a == b or os.path.realpath(a) == os.path.realpath(b)


def _stale(module_name: str, file: str, name: str, home: str, attr: str) -> StaleImportWarning:
    imported = f"from {home} import {attr}" + (f" as {name}" if name != attr else "")
    parent, _, leaf = home.rpartition(".")
    module_import = f"from {parent} import {leaf}" if parent else f"import {home}"
    if module_name.startswith("routekit.routes."):
        target = f'load_handler("{_relative(file)}"), "{name}"'
    else:
        target = f'"{module_name}.{name}"'
    return StaleImportWarning(
        f"{_relative(file)} did `{imported}`, so it still calls the original: {home}.{attr} "
        "was replaced during the test, but this route holds its own reference.\n"
        f"Fix: patch the name where it is used, monkeypatch.setattr({target}, ...), or import "
        f"the module in the route (`{module_import}`, then `{leaf}.{attr}(...)`) so one patch "
        "reaches every caller."
    )


# -- the guard around each test phase ------------------------------------------------------


@contextlib.contextmanager
def watching(tracker: Tracker, *, strict: bool) -> Iterator[None]:
    """One test phase under :func:`guard`, with *tracker* the current one."""
    with tracking(tracker), guard(tracker, strict=strict):
        yield


@contextlib.contextmanager
def guard(tracker: Tracker, *, strict: bool) -> Iterator[None]:
    """Around one test phase: un-awaited coroutines are recorded on *tracker*, and
    :class:`RoutekitTestWarning` are errors when *strict* (the user's filters still win).

    The "never awaited" ``RuntimeWarning`` is raised while the coroutine is finalised, so
    Python hands it to ``sys.unraisablehook``: the guard takes those, passes the rest on.
    """
    previous_hook = sys.unraisablehook
    depth = sys.get_coroutine_origin_tracking_depth()

    def hook(unraisable: t.Any) -> None:
        coro = unraisable.object
        if (
            isinstance(unraisable.exc_value, RuntimeWarning)
            and inspect.iscoroutine(coro)
            and _UNAWAITED.match(str(unraisable.exc_value))
        ):
            tracker.unawaited.append(_unawaited(coro))
            return
        previous_hook(unraisable)

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=_UNAWAITED.pattern, category=RuntimeWarning)
        if strict:
            warnings.filterwarnings("error", category=RoutekitTestWarning, append=True)
        sys.unraisablehook = hook
        sys.set_coroutine_origin_tracking_depth(max(depth, 1))
        try:
            yield
        finally:
            sys.set_coroutine_origin_tracking_depth(depth)
            sys.unraisablehook = previous_hook
