"""The pages blog's ``lib/`` (``examples/blog/lib``), imported here as the package ``blog``.

Both routers serve one API, so they share one data layer, one auth, one set of messages and
checks: ``from blog import db, messages`` runs ``examples/blog/lib/db.py`` and
``messages.py``. Only the HTTP side differs, and it is this project's own ``lib/http.py``.

A package's ``__path__`` lists the folders its submodules are found in; this one's is the
blog's ``lib/``. (Not ``lib``: this project's ``lib`` and the blog's would then be two modules
of one name in a process that serves both, as the test suite does.)
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parents[2] / "blog" / "lib")]
