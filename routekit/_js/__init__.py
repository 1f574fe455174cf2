"""Node.js and JavaScript semantics that both routers (and middleware) share.

Pure functions and small value types, importing nothing of routekit but :mod:`routekit.errors`:
``JSON.stringify`` (:mod:`.jsonenc`), Node's reason phrases (:mod:`.status`), Node's folding
of request header lines (:mod:`.headers`), the query-string grammars (:mod:`.query`) and the
npm ``cookie`` package (:mod:`.cookies`). Each module says where it follows Node or the npm
package rather than werkzeug, and why.
"""
