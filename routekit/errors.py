"""The routekit error family.

One root, :class:`RoutekitError`, and two families:

* **definition errors** (:class:`RouteDefinitionError` and its children) are found when a
  route tree is scanned or a route module is first imported: bad segment names, conflicting
  routes, bad exports, bad ``config``. They name the files involved and say how to fix them.
* **request errors** (:class:`RequestError`) map to a 4xx response with Next.js' exact
  status code and message (``400 Invalid JSON``, ``413 Body exceeded 1mb limit``...).

Misusing the response object (writing after ``end()``, a bad status code) raises
:class:`ResponseStateError`, a programming error in the handler.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BodyTooLargeError",
    "ConfigError",
    "IncompleteBodyError",
    "ModuleDefinitionError",
    "RequestBodyError",
    "RequestError",
    "ResponseAbortedError",
    "ResponseStateError",
    "RouteDefinitionError",
    "RouteImportError",
    "RoutekitError",
    "SettingsError",
]


class RoutekitError(Exception):
    """Base class of every error routekit raises on purpose."""


class SettingsError(RoutekitError):
    """Invalid project settings (``[tool.routekit]``, ``routekit.toml`` or ``App(...)`` arguments).

    :param message: what is wrong and how to fix it.
    :param source: the settings file or argument the problem comes from, if any.
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(message)

    def __str__(self) -> str:
        if self.source:
            return f"{self.source}: {self.message}"
        return self.message


class RouteDefinitionError(RoutekitError):
    """A route tree that cannot be served: found when the tree is scanned, before any import.

    The message is Next.js' own text where Next.js rejects the same tree, followed by the
    files involved.

    :param message: the problem, in Next.js' words where it has some.
    :param files: the route files involved, as paths relative to the project root.
    :param hint: optional advice on how to fix it.
    """

    def __init__(self, message: str, files: Iterable[str] = (), hint: str | None = None) -> None:
        self.message = message
        self.files: tuple[str, ...] = tuple(files)
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        text = self.message
        if self.files:
            text += "\n  files: " + ", ".join(self.files)
        if self.hint:
            text += "\n  fix: " + self.hint
        return text


class ModuleDefinitionError(RouteDefinitionError):
    """A route module that imported but cannot be served: a missing ``handler``, a bad export.

    Raised on the module's first import, and for every module at once by
    ``routekit routes --check``.
    """

    def __init__(self, message: str, file: str, hint: str | None = None) -> None:
        self.file = file
        super().__init__(message, (file,), hint)

    def __str__(self) -> str:
        text = f"{self.file}: {self.message}"
        if self.hint:
            text += "\n  fix: " + self.hint
        return text


class ConfigError(ModuleDefinitionError):
    """A route module's ``config`` (or segment config export) has an unknown key or a bad value.

    :param key: the offending key, as the user wrote it (dotted for nested keys).
    :param value: the offending value, if the problem is the value.
    """

    def __init__(
        self,
        message: str,
        file: str,
        key: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> None:
        self.key = key
        self.value = value
        super().__init__(message, file, hint)


class RouteImportError(RoutekitError):
    """A route file raised while being imported. Served as a 500; retried on the next request.

    :param file: the route file, relative to the project root.
    """

    def __init__(self, file: str, cause: BaseException) -> None:
        self.file = file
        self.cause = cause
        super().__init__(f"{file} failed to import: {type(cause).__name__}: {cause}")


class RequestError(RoutekitError):
    """A request the framework answers with a 4xx before the handler runs.

    The response is Next.js' ``sendError``: the status, the message as reason phrase and as
    plain-text body, and no ``Content-Type``.

    :param status: the HTTP status code (400, 413...).
    :param message: the exact Next.js message (``Invalid JSON``...).
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status} {message}")


class RequestBodyError(RequestError):
    """The request body cannot be used; raised by every body reader, pages and Web alike.

    Raised before a pages handler runs (body parsing) or from the read itself
    (``req.stream``, ``await request.body()``); the pipeline answers its status and message
    with ``Connection: close``, since the rest of the body cannot be trusted or skipped.
    """


class IncompleteBodyError(RequestBodyError):
    """The body ended before its declared ``Content-Length`` (the client closed early), or
    its chunked encoding is malformed: ``400 Invalid body``, the handler never sees it.

    :param declared: the declared ``Content-Length``, ``None`` for a chunked body.
    :param received: the bytes that arrived.
    """

    def __init__(self, declared: int | None, received: int, reason: str | None = None) -> None:
        self.declared = declared
        self.received = received
        self.reason = reason or (
            f"the client declared Content-Length: {declared} but the body ended after "
            f"{received} bytes"
        )
        super().__init__(400, "Invalid body")

    def __str__(self) -> str:
        return f"400 Invalid body: {self.reason}"


class BodyTooLargeError(RequestBodyError):
    """The body is over the route's limit: ``413 Body exceeded <limit> limit``.

    Raised from the declared ``Content-Length`` without reading, or as soon as a chunked
    body passes the limit.

    :param limit: the limit in bytes.
    :param limit_text: the limit as configured (``"10mb"``), echoed in the message.
    """

    def __init__(self, limit: int, limit_text: str) -> None:
        self.limit = limit
        self.limit_text = limit_text
        super().__init__(413, f"Body exceeded {limit_text} limit")


class ResponseAbortedError(RoutekitError, ConnectionAbortedError):
    """Raised by the WSGI door when a handler failed after the response head went out.

    The server then drops the connection instead of ending the response as complete (no
    terminating chunk, no short body under a ``Content-Length``), so the client can tell the
    response was cut. A ``ConnectionError``, so servers treat it as the dropped connection
    it is (werkzeug appends nothing); the handler's exception is the ``__cause__``.
    """


class ResponseStateError(RoutekitError, RuntimeError):
    """The handler used the response object in a way HTTP cannot honour.

    Examples: writing after ``res.end()``, setting a header after it was sent, or a status
    code outside 100..999.
    """
