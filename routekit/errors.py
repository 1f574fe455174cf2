"""The routekit error family (and the plugin's warnings), in one module, and the navigation signals.

Every error routekit raises on purpose derives from :class:`RoutekitError`; the intermediate
bases are exported so a caller can catch one family::

    RoutekitError
    ├── SettingsError                    project settings (App(...), [tool.routekit], .env)
    ├── RouteDefinitionError             a tree that cannot be served, found when it loads
    │   ├── ModuleDefinitionError        a route module's exports (a missing handler...)
    │   │   └── ConfigError              a route module's config / segment config exports
    │   └── PathSyntaxError              a middleware matcher source (path-to-regexp syntax)
    ├── RouteImportError                 a route file raised while importing (a 500, retried)
    ├── RequestError                     a request answered 4xx before any handler runs
    │   ├── ParamDecodeError             a route param that is not percent-encoded UTF-8
    │   └── RequestBodyError             a body that cannot be used (Connection: close)
    │       ├── IncompleteBodyError      shorter than its Content-Length, or bad chunking: 400
    │       └── BodyTooLargeError        over the route's body size limit: 413
    ├── ResponseAbortedError             the door dropped a response that failed after its head
    ├── HandlerError                     a handler used routekit in a way that cannot work
    │   ├── ResponseStateError           res misused: write after end, header after head...
    │   ├── JSONEncodeError              a value JSON.stringify cannot write
    │   ├── BodyConsumedError            req.stream read after the body parser ran
    │   ├── ResponseObjectReturnedError  a pages handler returned a Web Response
    │   ├── InvalidRouteResponseError    a route or middleware returned no Response
    │   ├── MiddlewareRewriteError       a middleware rewrote to another origin
    │   ├── RequestScopeError            headers()/cookies() outside a request
    │   └── StaticGenerationError        a dynamic = "error" route read request data
    ├── WebAPIError                      a Web API object refused, as the Fetch standard throws
    │   ├── InvalidHeaderError           Headers: a bad name or value
    │   ├── ReadonlyHeadersError         Headers: a mutation of headers()'s sealed copy
    │   ├── MalformedURLError            URL: relative or unparsable where absolute is needed
    │   ├── InvalidStatusError           Response: a status outside 200..599
    │   ├── BodyUsedError                Request/Response: the body read twice
    │   ├── InvalidJSONError             Request/Response: .json() of a body that is not JSON
    │   ├── FormDataError                Request: .form_data() of a body that is not a form
    │   └── FetchError                   fetch(): no response, or its body cut off
    └── PluginError                      raised by routekit_pytest's helpers
        ├── JSONBodyError                res.json_data() of a response that is not JSON
        ├── RedirectLoopError            the test client followed redirects in a circle
        ├── MockAccessorError            a mock res test accessor read where production has none
        │   └── ResponseNotEndedError    ... on a response that never ended
        ├── StreamTimeoutError           a streamed response sent no event/line in time
        ├── NDJSONLineError              a line of an NDJSON body is not JSON
        ├── LiveServerError              the live server answered a 500 during a passing test
        ├── ReplayError                  a replay case file or target that cannot be used
        └── RoutekitTestWarning          a test that would pass with a broken handler (a warning)
            ├── UnsentResponseWarning    the handler returned without sending
            ├── UnawaitedCoroutineWarning  a coroutine never awaited (an un-awaited handler)
            └── StaleImportWarning       a route kept its own reference to a patched function

    NavigationSignal                     control flow, not errors: never a RoutekitError
    ├── RedirectSignal                   redirect() / permanent_redirect()
    └── NotFoundSignal                   not_found()

Where Python code would naturally catch a built-in, it is a second base (``ConfigError`` is
no ``ValueError``, but ``JSONEncodeError`` is a ``TypeError`` and ``PathSyntaxError`` a
``ValueError``). The signals sit outside the root, so ``except RoutekitError`` in a handler
never swallows ``redirect()``.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "BodyConsumedError",
    "BodyTooLargeError",
    "BodyUsedError",
    "ConfigError",
    "FetchError",
    "FormDataError",
    "HandlerError",
    "IncompleteBodyError",
    "InvalidHeaderError",
    "InvalidJSONError",
    "InvalidRouteResponseError",
    "InvalidStatusError",
    "JSONBodyError",
    "JSONEncodeError",
    "LiveServerError",
    "MalformedURLError",
    "MiddlewareRewriteError",
    "MockAccessorError",
    "ModuleDefinitionError",
    "NDJSONLineError",
    "NavigationSignal",
    "NotFoundSignal",
    "ParamDecodeError",
    "PathSyntaxError",
    "PluginError",
    "ReadonlyHeadersError",
    "RedirectLoopError",
    "RedirectSignal",
    "ReplayError",
    "RequestBodyError",
    "RequestError",
    "RequestScopeError",
    "ResponseAbortedError",
    "ResponseNotEndedError",
    "ResponseObjectReturnedError",
    "ResponseStateError",
    "RouteDefinitionError",
    "RouteImportError",
    "RoutekitError",
    "RoutekitTestWarning",
    "SettingsError",
    "StaleImportWarning",
    "StaticGenerationError",
    "StreamTimeoutError",
    "UnawaitedCoroutineWarning",
    "UnsentResponseWarning",
    "WebAPIError",
]


class RoutekitError(Exception):
    """Base class of every error routekit raises on purpose."""


# -- settings ----------------------------------------------------------------------------------


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


# -- definition errors: found when a tree or a module loads ------------------------------------


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


class PathSyntaxError(RouteDefinitionError, ValueError):
    """A malformed middleware matcher source, with path-to-regexp's own ``TypeError`` text.

    The matcher reports it as a :class:`ConfigError` naming ``middleware.py``.
    """


class RouteImportError(RoutekitError):
    """A route file raised while being imported. Served as a 500; retried on the next request.

    :param file: the route file, relative to the project root.
    """

    def __init__(self, file: str, cause: BaseException) -> None:
        self.file = file
        self.cause = cause
        super().__init__(f"{file} failed to import: {type(cause).__name__}: {cause}")


# -- request errors: answered 4xx before a handler runs ----------------------------------------


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


class ParamDecodeError(RequestError):
    """A captured param is not valid percent-encoded UTF-8 (``%zz``, ``%FF``...).

    Next.js' ``DecodeError('failed to decode param')``: the app answers with the 400 page.

    :param value: the raw, still percent-encoded text that failed to decode.
    """

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(400, "Bad Request")
        self.args = (f"failed to decode param {value!r}",)


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


# -- transport: the door gave up on a response -------------------------------------------------


class ResponseAbortedError(RoutekitError, ConnectionAbortedError):
    """Raised by the WSGI door when a handler failed after the response head went out.

    The server then drops the connection instead of ending the response as complete (no
    terminating chunk, no short body under a ``Content-Length``), so the client can tell the
    response was cut. A ``ConnectionError``, so servers treat it as the dropped connection
    it is (werkzeug appends nothing); the handler's exception is the ``__cause__``.
    """


# -- handler errors: routekit used in a way that cannot work (a 500) ---------------------------


class HandlerError(RoutekitError):
    """A handler (or middleware) used routekit in a way that cannot work: the app answers 500.

    A programming error in the project, never the client's fault.
    """


class ResponseStateError(HandlerError, RuntimeError):
    """The handler used the response object in a way HTTP cannot honour.

    Examples: writing after ``res.end()``, setting a header after it was sent, or a status
    code outside 100..999.
    """


class JSONEncodeError(HandlerError, TypeError):
    """A value ``res.json()``/``res.send()`` cannot turn into JSON; the app answers 500.

    :param context: the call that was serialising, e.g. ``res.json()``.
    :param path: where the value sits, e.g. ``$.user.created``.
    :param type_name: the offending value's type name.
    """

    def __init__(self, message: str, *, context: str, path: str, type_name: str) -> None:
        self.context = context
        self.path = path
        self.type_name = type_name
        super().__init__(message)


class BodyConsumedError(HandlerError, RuntimeError):
    """``req.stream`` was read although the body parser already consumed the body.

    :param file: the route file, when known, to name it in the message.
    """

    def __init__(self, file: str | None = None) -> None:
        self.file = file
        where = f"{file}: " if file else ""
        super().__init__(
            f"{where}req.stream cannot be read: the body was already parsed into req.body. "
            'To read the raw body, set config = {"api": {"bodyParser": False}} in the route '
            "module."
        )


class ResponseObjectReturnedError(HandlerError, TypeError):
    """A ``pages/api`` handler returned a Web ``Response`` instead of writing to ``res``.

    Raised in development and test modes, with Next.js' message; the app answers 500.
    """


class InvalidRouteResponseError(HandlerError, TypeError):
    """A route handler, edge handler or middleware returned something other than a ``Response``.

    Also raised for a middleware-only response (``NextResponse.next()``/``rewrite()``)
    returned from an app route.
    """


class MiddlewareRewriteError(HandlerError):
    """The middleware rewrote to another origin: Next.js proxies that, routekit does not."""


class RequestScopeError(HandlerError, RuntimeError):
    """``headers()``/``cookies()``/``draft_mode()`` called where no request is being handled."""

    def __init__(self, helper: str) -> None:
        self.helper = helper
        super().__init__(
            f"`{helper}` was called outside a request scope. Read more: "
            "https://nextjs.org/docs/messages/next-dynamic-api-wrong-context\n"
            f"  fix: call {helper}() inside an app route handler (not at import time, not in an "
            "edge pages handler), or wrap the call in "
            "`with routekit.web.context.request_scope(request):` in a unit test."
        )


class StaticGenerationError(HandlerError, RuntimeError):
    """A ``dynamic = "error"`` route read request data while it was rendered for the cache.

    Next.js' ``StaticGenBailoutError``: the message names the route and what it read.
    """


# -- Web API errors: what the Fetch standard throws --------------------------------------------


class WebAPIError(RoutekitError):
    """A Web API object (``Headers``, ``NextURL``, ``Request``, ``Response``) refused an operation.

    Each child also derives from the built-in matching the JavaScript error Fetch throws
    (``TypeError``, ``RangeError`` as ``ValueError``, ``SyntaxError`` as ``ValueError``).
    """


class InvalidHeaderError(WebAPIError, TypeError):
    """A header name that is not an HTTP token, or a value with a control character or
    non-Latin-1 text.

    A ``TypeError``, as in Fetch. Fetch itself lets the controls other than NUL, CR and LF
    through; routekit refuses them as pages ``res.set_header`` and Node's
    ``res.setHeader`` do, so a value copied from a request cannot smuggle one out.
    """


class ReadonlyHeadersError(WebAPIError, TypeError):
    """A mutation of a sealed ``Headers`` (the object ``routekit.headers()`` returns)."""


class MalformedURLError(WebAPIError, TypeError):
    """A URL that cannot be parsed, or a relative URL where Next.js needs an absolute one."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f'URL is malformed "{url}". Please use only absolute URLs - '
            "https://nextjs.org/docs/messages/middleware-relative-urls"
        )


class InvalidStatusError(WebAPIError, ValueError):
    """A status code Fetch or Next.js rejects (JavaScript's ``RangeError``)."""


class BodyUsedError(WebAPIError, TypeError):
    """The body was already read: read it once and keep the value, or ``clone()`` first."""

    def __init__(self) -> None:
        super().__init__(
            "Body is unusable: Body has already been read. Read it once and keep the value, "
            "or call request.clone() before the first read."
        )


class InvalidJSONError(WebAPIError, ValueError):
    """``request.json()`` on a body that is not JSON (Next.js answers 500 unless caught)."""


class FormDataError(WebAPIError, TypeError):
    """``request.form_data()`` on a body that is not a form."""


class FetchError(WebAPIError, TypeError):
    """A fetch that failed: DNS, connection, TLS, timeout, too many redirects, a cut body.

    A ``TypeError``, as Node's ``TypeError: fetch failed``; the httpx error is the
    ``__cause__``. *message* is Node's: ``"fetch failed"`` before the response, and
    ``"terminated"`` for a body cut off while it was read.
    """

    def __init__(self, message: str, method: str, url: str, reason: str) -> None:
        self.message = message
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f"{message}: {method} {url}: {reason}")


# -- the pytest plugin's errors ----------------------------------------------------------------


class PluginError(RoutekitError):
    """Raised by ``routekit_pytest``'s helpers (the test client, the response accessors)."""


class JSONBodyError(PluginError, ValueError):
    """``res.json_data()`` on a response whose body is not JSON.

    :param status: the response status code.
    :param content_type: the response ``Content-Type`` (``None`` when absent).
    :param excerpt: the start of the body.
    """

    def __init__(self, reason: str, status: int, content_type: str | None, excerpt: str) -> None:
        self.status = status
        self.content_type = content_type
        self.excerpt = excerpt
        ctype = content_type if content_type is not None else "no Content-Type"
        super().__init__(
            f"the response body is not JSON ({reason}): status {status}, {ctype}, "
            f"body {excerpt}; read res.text instead, or make the handler answer with "
            "res.json(...)."
        )


class RedirectLoopError(PluginError):
    """Following redirects came back to a URL already visited, or took too many hops."""


class MockAccessorError(PluginError, AttributeError):
    """A test accessor of the mock ``res`` (``res.headers``, ``res.json_data()``...) was read
    where production has none: by the handler, or before the response ended.

    Also an ``AttributeError``, as in production, where ``ApiResponse`` has no such name.
    """


class ResponseNotEndedError(MockAccessorError):
    """A test accessor was read on a response that never ended: the handler did not run
    (an un-awaited ``async def``) or did not send."""


class RoutekitTestWarning(PluginError, UserWarning):
    """A test that would pass although the handler is broken.

    The plugin turns these into errors (``routekit_strict = true``, the default); silence one
    test with ``@pytest.mark.filterwarnings("ignore::routekit_pytest.RoutekitTestWarning")``.
    """


class UnsentResponseWarning(RoutekitTestWarning):
    """A handler returned without sending a response (a mock, ``call_handler`` or ``client``)."""


class UnawaitedCoroutineWarning(RoutekitTestWarning):
    """A coroutine made during the test was never awaited: an ``async def`` handler (or
    anything else) called without ``await`` never ran."""


class StaleImportWarning(RoutekitTestWarning):
    """A route the test ran holds its own reference (``from lib.user import get_user``) to a
    function the test replaced in its home module, so the route still calls the original."""


class StreamTimeoutError(PluginError, TimeoutError):
    """A streamed response sent no complete item (event, line, value) in time.

    :param url: the request, ``GET http://localhost:3000/api/events``.
    :param what: ``event``, ``line`` or ``NDJSON value``.
    :param timeout: the seconds waited.
    :param received: how many items had been read before.
    """

    def __init__(self, url: str, what: str, timeout: float, received: int) -> None:
        self.url = url
        self.what = what
        self.timeout = timeout
        self.received = received
        super().__init__(
            f"{url} sent no complete {what} within {timeout:g} s ({received} read before); "
            "pass timeout=... to wait longer, or close() the response to stop the handler."
        )


class NDJSONLineError(PluginError, ValueError):
    """A line of an NDJSON body is not JSON.

    :param url: the request.
    :param line_number: the 1-based line number in the body.
    :param line: the line's text.
    """

    def __init__(self, url: str, line_number: int, line: str, reason: str) -> None:
        self.url = url
        self.line_number = line_number
        self.line = line
        super().__init__(
            f"{url}: line {line_number} of the NDJSON body is not JSON ({reason}): {line[:200]!r}"
        )


class LiveServerError(PluginError):
    """Requests the live server answered with an error during a test that did not fail.

    :param errors: the recorded errors (``routekit_pytest.ServerError``), oldest first.
    """

    def __init__(self, url: str, errors: Sequence[t.Any]) -> None:
        self.errors = list(errors)
        listed = "\n\n".join(error.format() for error in errors)
        super().__init__(
            f"the live server at {url} answered {len(errors)} request(s) with a 500 during "
            f"this test:\n\n{listed}\n\nCall live_server.take_errors() in the test when the "
            "errors are expected."
        )


class ReplayError(PluginError):
    """A replay case file or a target that cannot be used; the message says which and why."""


# -- navigation signals: control flow, outside the error root ----------------------------------


class NavigationSignal(Exception):
    """Base of the exceptions ``redirect()`` and ``not_found()`` raise to stop a handler.

    Not a :class:`RoutekitError`: a handler's ``except RoutekitError`` must not swallow them.
    Do not catch them in the handler; routekit turns them into the response.
    """


class RedirectSignal(NavigationSignal):
    """Raised by ``redirect()``/``permanent_redirect()``; becomes a redirect response.

    Do not catch it in the handler: let it propagate to routekit.
    """

    def __init__(self, url: str, status: int) -> None:
        self.url = url
        self.status = status
        super().__init__(f"NEXT_REDIRECT: {status} to {url!r} (let this exception propagate)")


class NotFoundSignal(NavigationSignal):
    """Raised by ``not_found()``; becomes an empty 404. Do not catch it in the handler."""

    def __init__(self) -> None:
        super().__init__("NEXT_NOT_FOUND: not_found() was called (let this exception propagate)")
