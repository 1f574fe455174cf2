"""A fact about a number, from the public Numbers API (``numbersapi.com``).

The route calls :func:`fetch_trivia` only through this module, so a test replaces it with
``monkeypatch.setattr(trivia, "fetch_trivia", fake)`` and never touches the network.
"""

from __future__ import annotations

import json
import typing as t
import urllib.error
import urllib.request

__all__ = ["TIMEOUT", "TriviaUnavailable", "fetch_trivia"]

#: Seconds to wait for the service before answering 502.
TIMEOUT = 2.0

_URL = "http://numbersapi.com/{number}/trivia?json"
# The service answers a few hundred bytes; never buffer more than this.
_MAX_BYTES = 64 * 1024


class TriviaUnavailable(Exception):
    """The service could not be reached, or did not answer a JSON object."""


def fetch_trivia(number: int) -> dict[str, t.Any]:
    """The service's answer for *number*, e.g. ``{"text": "42 is ...", "number": 42, ...}``.

    :raises TriviaUnavailable: on a network error, a timeout, an HTTP error or a bad answer.
    """
    try:
        with urllib.request.urlopen(_URL.format(number=number), timeout=TIMEOUT) as response:
            data = json.loads(response.read(_MAX_BYTES))
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
        raise TriviaUnavailable(str(exc)) from exc
    if not isinstance(data, dict):
        raise TriviaUnavailable(f"expected a JSON object, got {type(data).__name__}")
    return data
