"""Loading route files: import by path, validate the exports, hand out typed routes.

* :mod:`.importer`: :class:`Loader` imports a file once per process under a stable module
  name (with the ``sys.modules`` bookkeeping of :mod:`._modules`);
* :mod:`.exports`: a module's exports checked and turned into a typed route
  (:mod:`._config_parse` validates ``config`` and segment config exports);
* :mod:`.routes`: :class:`PagesRoute`, :class:`EdgeRoute`, :class:`AppRoute`, each with
  ``run(exchange, sink, params)``;
* :mod:`.registry`: one loader per project root, and :func:`load_handler`.
"""

from __future__ import annotations

from .importer import Loader
from .registry import get_loader, load_handler
from .routes import AppRoute, EdgeRoute, LoadedKind, LoadedRoute, PagesRoute

__all__ = [
    "AppRoute",
    "EdgeRoute",
    "LoadedKind",
    "LoadedRoute",
    "Loader",
    "PagesRoute",
    "get_loader",
    "load_handler",
]
