"""A percent-encoded path never skips the middleware (issue 15, point 2).

The site's middleware guards each team's admin area, and only its matcher
(``/team/:team/admin``) selects those paths. The route reads the decoded param
(``/team/acme/%61dmin`` gives ``area == "admin"``), as Next.js' router does. Before the fix
the matcher compared the raw path only, so an escape anywhere in ``admin`` walked around
the guard and the route answered its secret; Next.js (``resolve-routes.ts``) also tries the
decoded path, and so does routekit now -- at gunicorn, at ``routekit serve`` and in the
test client.
"""

from __future__ import annotations

import pytest

#: Spellings of /team/acme/admin that a raw-path matcher would not select.
ESCAPED = [
    "/team/acme/%61dmin",
    "/team/acme/adm%69n",
    "/team/acme/%61%64%6D%69%6E",
    "/team/acme/%61%64%6d%69%6e",
    "/team/%61cme/%61dmin",
    "/team/acme/x/../%61dmin",
    "/team/acme/x/%2e%2e/adm%69n",
]
TOKEN = ("Authorization", "Bearer s3cret")


@pytest.mark.parametrize("target", ["/team/acme/admin", *ESCAPED])
def test_escaped_path_runs_the_middleware(door, target: str) -> None:
    reply = door.request("GET", target)
    assert (reply.status, reply.json()) == (401, {"error": "unauthorized"}), reply
    assert b"secret" not in reply.body


@pytest.mark.parametrize("target", ["/team/acme/admin", *ESCAPED])
def test_escaped_path_runs_the_middleware_in_process(inproc, target: str) -> None:
    res = inproc.get(target)
    assert (res.status_code, res.json_data()) == (401, {"error": "unauthorized"}), target


@pytest.mark.parametrize("target", ESCAPED[:2])
def test_with_the_token_the_route_reads_the_decoded_param(door, target: str) -> None:
    reply = door.request("GET", target, [TOKEN])
    assert (reply.status, reply.json()["secret"]) == (200, "team admin")


@pytest.mark.parametrize(
    "target", ["/team/acme/reports", "/team/acme/%61dmins", "/team/acme/%zzdmin"]
)
def test_paths_outside_the_matcher_still_skip_it(door, inproc, target: str) -> None:
    # A path that decodes to something else (or does not decode) is not the guard's.
    reply = door.request("GET", target)
    assert reply.status in (200, 400), reply
    assert b"secret" not in reply.body
    assert inproc.get(target).status_code == reply.status
