"""Node.js and JavaScript semantics that both routers (and middleware) share.

Pure functions and small value types, importing nothing of routekit but :mod:`routekit.errors`:

* :mod:`.strings`: ``String.prototype.trim``'s whitespace, ``decodeURIComponent`` and
  ``encodeURIComponent`` (one of each, for routing, cookies and query strings);
* :mod:`.query`: the ``URLSearchParams`` and Node ``querystring`` grammars;
* :mod:`.headers`: Node's folding of repeated request header lines (``req.headers``);
* :mod:`.cookies`: the npm ``cookie`` package (``Cookie`` parsing, ``Set-Cookie`` building);
* :mod:`.jsonenc`: ``JSON.stringify`` and JavaScript's number formatting;
* :mod:`.sizes`: the npm ``bytes`` package (``"1mb"``);
* :mod:`.status`: Node's reason phrases.

Each module says where it follows Node or the npm package rather than werkzeug, and why.
"""
