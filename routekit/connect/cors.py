"""``cors()``: the npm ``cors`` package (2.8) as a connect-style middleware."""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable, Iterable, Sequence

from ._types import Middleware, Next

__all__ = ["OriginSpec", "cors"]

OriginSpec = t.Union[str, bool, "re.Pattern[str]", Sequence[t.Union[str, "re.Pattern[str]"]]]
_DEFAULT_METHODS = ("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE")


def _join(value: str | Iterable[str]) -> str:
    return value if isinstance(value, str) else ",".join(value)


def _origin_allowed(origin: str | None, allowed: object) -> bool:
    if isinstance(allowed, (list, tuple)):
        return any(_origin_allowed(origin, item) for item in allowed)
    if isinstance(allowed, str):
        return origin == allowed
    if isinstance(allowed, re.Pattern):
        return origin is not None and allowed.search(origin) is not None
    return bool(allowed)


def _vary(res: t.Any, field: str) -> None:
    # The npm `vary` package: append to Vary once, case-insensitively; `*` absorbs all.
    current = res.get_header("Vary")
    if isinstance(current, (list, tuple)):
        current = ", ".join(current)
    if not current:
        res.set_header("Vary", field)
        return
    values = [v.strip() for v in str(current).split(",") if v.strip()]
    if "*" in values:
        if current != "*":
            res.set_header("Vary", "*")
    elif field.lower() not in (v.lower() for v in values):
        res.set_header("Vary", f"{current}, {field}")


def cors(
    origins: OriginSpec | Callable[[str | None], object] = "*",
    methods: str | Sequence[str] = _DEFAULT_METHODS,
    allowed_headers: str | Sequence[str] | None = None,
    exposed_headers: str | Sequence[str] | None = None,
    credentials: bool = False,
    max_age: int | None = None,
    preflight_continue: bool = False,
    options_success_status: int = 204,
) -> Middleware:
    """A CORS middleware with the npm ``cors`` package's behaviour, for :func:`run_middleware`.

    :param origins: ``"*"`` (any origin, the default); one origin string (always sent, with
        ``Vary: Origin``); a list of strings and compiled regexes, or one regex, or ``True``
        (reflect the request's ``Origin`` when it matches, with ``Vary: Origin``); ``False``
        disables CORS. A callable receives the request's origin and returns any of these.
    :param methods: ``Access-Control-Allow-Methods`` for preflights.
    :param allowed_headers: ``Access-Control-Allow-Headers``; ``None`` reflects the
        preflight's ``Access-Control-Request-Headers`` (with ``Vary``).
    :param exposed_headers: ``Access-Control-Expose-Headers``.
    :param credentials: send ``Access-Control-Allow-Credentials: true``.
    :param max_age: ``Access-Control-Max-Age`` in seconds, for preflights.
    :param preflight_continue: pass preflights on to the handler instead of answering them.
    :param options_success_status: the preflight answer's status (204; some legacy
        browsers need 200).
    """

    def middleware(req: t.Any, res: t.Any, next: Next) -> None:
        allowed = origins(req.headers.get("origin")) if callable(origins) else origins
        if not allowed:
            next()
            return
        preflight = str(req.method).upper() == "OPTIONS"
        headers: list[tuple[str, str | None]] = []
        request_origin = req.headers.get("origin")
        if allowed == "*":
            headers.append(("Access-Control-Allow-Origin", "*"))
        elif isinstance(allowed, str):
            headers += [("Access-Control-Allow-Origin", allowed), ("Vary", "Origin")]
        else:
            reflected = request_origin if _origin_allowed(request_origin, allowed) else None
            headers += [("Access-Control-Allow-Origin", reflected), ("Vary", "Origin")]
        if credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if preflight:
            headers.append(("Access-Control-Allow-Methods", _join(methods)))
            if not allowed_headers and isinstance(allowed_headers, (str, type(None))):
                reflected_headers = req.headers.get("access-control-request-headers")
                headers.append(("Vary", "Access-Control-Request-Headers"))
                headers.append(("Access-Control-Allow-Headers", reflected_headers))
            else:
                headers.append(("Access-Control-Allow-Headers", _join(allowed_headers)))
            if max_age is not None:
                headers.append(("Access-Control-Max-Age", str(max_age)))
        if exposed_headers is not None:
            headers.append(("Access-Control-Expose-Headers", _join(exposed_headers)))
        for name, value in headers:
            if not value:
                continue
            if name == "Vary":
                _vary(res, value)
            else:
                res.set_header(name, value)
        if preflight and not preflight_continue:
            # The cors package: Safari waits for a body on 204 without Content-Length: 0.
            res.status(options_success_status)
            res.set_header("Content-Length", "0")
            res.end()
            return
        next()

    return middleware
