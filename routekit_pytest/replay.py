"""Replay the same HTTP cases against a Next.js app and its Python port, and diff them.

For people porting: list the requests that matter (a JSON file of ``{method, url, headers,
body}``), run them against the running Next.js app (``next start``, a base URL) and against
the port (the in-process ``client``, ``live_server`` or any URL), and read one unified
diff per case that differs: status, the headers that matter, the body pretty-printed.
"""

from __future__ import annotations

import difflib
import json
import typing as t
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from routekit.errors import ReplayError

from ._record import NOISY_HEADERS, ResponseRecord

if t.TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Sequence

    from .client import Client
    from .live_server import LiveServer

__all__ = [
    "REPLAY_IGNORED_HEADERS",
    "CaseResult",
    "ClientTarget",
    "HTTPTarget",
    "ReplayCase",
    "ReplayError",
    "ReplayReport",
    "Target",
    "assert_same_responses",
    "compare_case",
    "load_cases",
    "replay_cases",
]

#: Left out of the comparison: the snapshots' noisy headers (``Date``; ``ETag`` and
#: ``Content-Length``, which follow the body, compared on its own) and Next.js'
#: ``X-Powered-By``. Pass ``ignore_headers=...`` to compare some of them too.
REPLAY_IGNORED_HEADERS: frozenset[str] = NOISY_HEADERS | {"x-powered-by"}
_KEYS = ("method", "url", "headers", "body", "name")


@dataclass(frozen=True, slots=True)
class ReplayCase:
    """One request to replay.

    :param method: the method, ``GET`` by default.
    :param url: the path and query (``/api/users?page=2``).
    :param headers: request headers.
    :param body: ``None`` for none, a string sent as text, any other JSON value sent as
        JSON; the same bytes go to both sides.
    :param name: a label for the report.
    """

    method: str = "GET"
    url: str = "/"
    headers: dict[str, str] = field(default_factory=dict)
    body: t.Any = None
    name: str = ""

    @classmethod
    def from_dict(cls, data: t.Any, where: str = "case") -> ReplayCase:
        """Validate one case read from JSON; errors name *where* and the key."""
        if not isinstance(data, dict):
            raise ReplayError(
                f'{where}: a case is an object like {{"url": "/api/x"}}; got {data!r}.'
            )
        for key in data:
            if key not in _KEYS:
                close = difflib.get_close_matches(key, _KEYS, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ReplayError(
                    f"{where}: unknown key {key!r}.{hint} Keys are: {', '.join(_KEYS)}."
                )
        method = data.get("method", "GET")
        url = data.get("url")
        headers = data.get("headers", {})
        name = data.get("name", "")
        if not isinstance(method, str) or not method:
            raise ReplayError(f"{where}: 'method' must be a string like \"GET\"; got {method!r}.")
        if not isinstance(url, str) or not url.startswith("/"):
            raise ReplayError(f"{where}: 'url' must be a path like \"/api/users\"; got {url!r}.")
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ReplayError(
                f"{where}: 'headers' must map names to strings, like "
                f'{{"authorization": "Bearer x"}}; got {headers!r}.'
            )
        if not isinstance(name, str):
            raise ReplayError(f"{where}: 'name' must be a string; got {name!r}.")
        return cls(method, url, dict(headers), data.get("body"), name)

    def encoded_body(self) -> tuple[bytes | None, str | None]:
        """The body bytes and the ``Content-Type`` they go with (unless a header gives one)."""
        if self.body is None:
            return None, None
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode("utf-8"), "application/json"

    def wire_headers(self) -> dict[str, str]:
        """:attr:`headers` plus the body's ``Content-Type`` when none is given."""
        headers = dict(self.headers)
        _, ctype = self.encoded_body()
        if ctype is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = ctype
        return headers

    def __str__(self) -> str:
        label = f"{self.name!r}: " if self.name else ""
        return f"{label}{self.method} {self.url}"


def load_cases(path: str | os.PathLike[str]) -> list[ReplayCase]:
    """Read a JSON file holding a list of cases (``[{"method": "GET", "url": "/api/x"}]``).

    :raises ReplayError: for a file that is not such a list, naming the file and the case.
    """
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReplayError(f"{source}: cannot read the cases: {exc.strerror}.") from None
    except ValueError as exc:
        raise ReplayError(f"{source}: not JSON: {exc}.") from None
    if not isinstance(data, list):
        raise ReplayError(
            f"{source}: the cases are a JSON list of objects; got {type(data).__name__}."
        )
    return [ReplayCase.from_dict(item, f"{source}[{i}]") for i, item in enumerate(data)]


# -- targets ------------------------------------------------------------------------------


class Target(t.Protocol):
    """Something that answers a :class:`ReplayCase`: a base URL or an in-process client."""

    name: str

    def send(self, case: ReplayCase) -> ResponseRecord:
        """Answer *case*."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: t.Any, **kwargs: t.Any) -> None:
        return None  # a redirect is an answer to compare, not to follow


class HTTPTarget:
    """A server at *base_url* (``http://127.0.0.1:3000``), spoken to with ``urllib``.

    Redirects are not followed and proxies from the environment are not used.

    :param base_url: scheme, host and port.
    :param name: how the report names it (default: the URL).
    :param timeout: seconds to wait for each answer.
    """

    def __init__(self, base_url: str, *, name: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name or self.base_url
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)

    def send(self, case: ReplayCase) -> ResponseRecord:
        """Send *case* over HTTP and record the answer, error statuses included."""
        body, _ = case.encoded_body()
        request = urllib.request.Request(
            self.base_url + case.url, data=body, headers=case.wire_headers(), method=case.method
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as res:
                return ResponseRecord(res.status, res.reason, list(res.headers.items()), res.read())
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            with exc:
                return ResponseRecord(exc.code, exc.reason, list(exc.headers.items()), exc.read())
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ReplayError(
                f"cannot reach {self.name} for {case}: {reason}; is the server running at "
                f"{self.base_url}?"
            ) from None

    def __repr__(self) -> str:
        return f"<HTTPTarget {self.name}>"


class ClientTarget:
    """The in-process :class:`~routekit_pytest.Client`; handler errors become their 500."""

    def __init__(self, client: Client, *, name: str | None = None) -> None:
        self.client = client
        self.name = name or f"routekit client ({client.app.root.name})"

    def send(self, case: ReplayCase) -> ResponseRecord:
        """Send *case* through the app and record the answer."""
        body, _ = case.encoded_body()
        headers = case.wire_headers()
        if body is None:
            res = self.client.request(case.method, case.url, headers=headers, raise_errors=False)
        else:  # the client labels the bytes itself: the type goes as content_type=
            ctype = next(v for k, v in headers.items() if k.lower() == "content-type")
            others = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            res = self.client.request(
                case.method,
                case.url,
                headers=others,
                data=body,
                content_type=ctype,
                raise_errors=False,
            )
        return ResponseRecord.of(res)

    def __repr__(self) -> str:
        return f"<ClientTarget {self.name}>"


def _target(value: Target | Client | LiveServer | str) -> Target:
    if isinstance(value, str):
        return HTTPTarget(value)
    from .client import Client
    from .live_server import LiveServer

    if isinstance(value, Client):
        return ClientTarget(value)
    if isinstance(value, LiveServer):
        return HTTPTarget(value.url, name=f"live server {value.url}")
    return value


# -- comparing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One case's two answers and their diff (empty when they agree)."""

    case: ReplayCase
    expected: ResponseRecord
    actual: ResponseRecord
    diff: list[str]
    expected_name: str = "expected"
    actual_name: str = "actual"

    @property
    def ok(self) -> bool:
        """Whether both answers agree on everything compared."""
        return not self.diff

    def __str__(self) -> str:
        if self.ok:
            return f"{self.case}: same answer ({self.expected.status})"
        return f"{self.case}\n" + "\n".join(f"  {line}" for line in self.diff)


def compare_case(
    case: ReplayCase,
    expected: Target | Client | LiveServer | str,
    actual: Target | Client | LiveServer | str,
    *,
    ignore_headers: Iterable[str] = REPLAY_IGNORED_HEADERS,
    sort_json_keys: bool = True,
) -> CaseResult:
    """Send *case* to both sides and diff their answers.

    :param expected: the reference (the Next.js app's base URL); a URL, a client, a
        live server or a :class:`Target`.
    :param actual: the port, in the same forms.
    :param ignore_headers: header names left out of the comparison.
    :param sort_json_keys: compare JSON bodies regardless of key order.
    """
    reference, port = _target(expected), _target(actual)
    ignore = frozenset(name.lower() for name in ignore_headers)
    want, got = reference.send(case), port.send(case)
    diff = list(
        difflib.unified_diff(
            want.render(ignore=ignore, sort_keys=sort_json_keys).splitlines(),
            got.render(ignore=ignore, sort_keys=sort_json_keys).splitlines(),
            fromfile=reference.name,
            tofile=port.name,
            lineterm="",
        )
    )
    return CaseResult(case, want, got, diff, reference.name, port.name)


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """Every case's :class:`CaseResult`, and a readable summary (``str(report)``)."""

    results: list[CaseResult]

    @property
    def differences(self) -> list[CaseResult]:
        """The cases whose answers differ."""
        return [result for result in self.results if not result.ok]

    @property
    def ok(self) -> bool:
        """Whether every case got the same answer from both sides."""
        return not self.differences

    def __str__(self) -> str:
        if not self.results:
            return "replay: no cases."
        first = self.results[0]
        sides = f"{first.expected_name} vs {first.actual_name}"
        differing = self.differences
        lines = [f"replay: {len(self.results)} case(s), {len(differing)} differ ({sides})"]
        for number, result in enumerate(self.results, 1):
            if not result.ok:
                lines.extend(["", f"case {number} {result}"])
        return "\n".join(lines)


def replay_cases(
    cases: Sequence[ReplayCase | dict[str, t.Any]],
    expected: Target | Client | LiveServer | str,
    actual: Target | Client | LiveServer | str,
    **options: t.Any,
) -> ReplayReport:
    """Run every case against both sides (see :func:`compare_case` for *options*)."""
    reference, port = _target(expected), _target(actual)
    results = []
    for i, case in enumerate(cases):
        if not isinstance(case, ReplayCase):
            case = ReplayCase.from_dict(case, f"cases[{i}]")
        results.append(compare_case(case, reference, port, **options))
    return ReplayReport(results)


def assert_same_responses(
    cases: Sequence[ReplayCase | dict[str, t.Any]],
    expected: Target | Client | LiveServer | str,
    actual: Target | Client | LiveServer | str,
    **options: t.Any,
) -> ReplayReport:
    """:func:`replay_cases`, failing the test with the report when any case differs."""
    __tracebackhide__ = True
    report = replay_cases(cases, expected, actual, **options)
    if not report.ok:
        raise AssertionError(str(report))
    return report
