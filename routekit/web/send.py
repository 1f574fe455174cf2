"""Sending a Web ``Response`` through a :class:`~routekit._wire.Sink`: the head (one line
per cookie), then the body chunk by chunk as its iterator produces it.

One coroutine for both doors: under the ASGI door each chunk is awaited out (``drain``),
a sync iterator is stepped in the door's thread pool; under WSGI it all runs inline.
"""

from __future__ import annotations

import contextlib
import logging
import typing as t
from collections.abc import AsyncIterator

from .._aio import acall, enter_loop, run_sync
from .._js.status import reason_phrase
from .._wire import drain
from .cookies import split_cookies_string
from .response import Response, _chunk_bytes

if t.TYPE_CHECKING:
    from .._wire import Exchange, Sink

__all__ = ["fail", "send_web_response", "send_web_response_async", "where"]

logger = logging.getLogger("routekit")


def where(exchange: Exchange, fallback: str) -> str:
    """The route file *exchange* matched, for messages; else *fallback*."""
    return exchange.match.route.relfile if exchange.match is not None else fallback


def fail(exchange: Exchange, exc: BaseException, where: str) -> Response:
    """Record and log *exc*; Next.js answers an empty 500 in every mode."""
    exchange.exception = exc
    logger.error(
        "Error in route handler %s (%s %s)",
        where,
        exchange.raw.method,
        exchange.raw.url,
        exc_info=exc,
    )
    return Response(None, 500)


def _header_lines(response: Response) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for name, value in response.headers:
        if name == "x-middleware-set-cookie":
            continue  # internal: carries middleware cookies to cookies(), never to clients
        if name == "set-cookie":
            lines.extend(("set-cookie", cookie) for cookie in split_cookies_string(value))
        else:
            lines.append((name, value))
    return lines


class _Done:
    pass


_DONE = _Done()


async def _next_chunk(iterator: AsyncIterator[t.Any]) -> t.Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return _DONE


async def _close(source: object) -> None:
    """Close a generator body so its ``finally`` blocks run (the client may have left)."""
    try:
        if hasattr(source, "aclose"):
            await enter_loop()
            await t.cast("t.Any", source).aclose()
        elif hasattr(source, "close"):
            await acall(t.cast("t.Any", source).close)
    except Exception:
        logger.warning("Closing the response body iterator failed", exc_info=True)


def send_web_response(response: Response, exchange: Exchange, sink: Sink) -> None:
    """:func:`send_web_response_async` run from synchronous code (``_aio.run_sync``)."""
    run_sync(send_web_response_async(response, exchange, sink))


async def send_web_response_async(response: Response, exchange: Exchange, sink: Sink) -> None:
    """Write *response* through *sink*: status, headers (one line per cookie), then the body.

    Iterator bodies are written chunk by chunk as produced; HEAD gets no body. When the
    client goes away the iterator is closed, so an endless stream ends. An error raised by
    the iterator mid-stream is logged and kept in ``exchange.exception``, and
    ``exchange.aborted`` tells the door to cut the connection.
    """
    try:
        source = response._take_body()
    except Exception as exc:
        response, source = fail(exchange, exc, where(exchange, exchange.raw.path)), None
    lines = _header_lines(response)
    if (
        source is None
        and exchange.raw.method != "HEAD"
        and response.status >= 200
        and response.status not in (204, 304)
        and not any(name.lower() == "content-length" for name, _ in lines)
    ):
        # Next.js ends a body-less response with res.end(): Node then says Content-Length: 0.
        lines.append(("content-length", "0"))
    sink.start(response.status, response.status_text or reason_phrase(response.status), lines)
    if source is None or isinstance(source, bytes):
        sink.finish(b"" if source is None or exchange.raw.method == "HEAD" else source)
        return
    if exchange.raw.method == "HEAD":
        await _close(source)
        sink.finish()
        return
    is_async = isinstance(source, AsyncIterator)
    if is_async:
        await enter_loop()
    try:
        while not sink.disconnected:
            if is_async:
                chunk = await _next_chunk(t.cast("AsyncIterator[t.Any]", source))
            else:
                chunk = await acall(next, source, _DONE)
            if chunk is _DONE:
                break
            data = _chunk_bytes(chunk)
            if not data:
                continue
            try:
                sink.write(data)
                await drain(sink)
            except OSError:  # ConnectionError from our sinks, broken pipes from servers
                break
    except Exception as exc:
        fail(exchange, exc, where(exchange, exchange.raw.path))
        # The head is out: ending the response normally would pass the cut for complete.
        exchange.aborted = True
    finally:
        await _close(source)
    with contextlib.suppress(OSError):
        sink.finish()
