"""Loading route files: import by path, validate the exports, share one loader per root.

:mod:`.importer` imports a file once per process under a stable module name (with the
``sys.modules`` bookkeeping of :mod:`._modules`); :mod:`._config_parse` validates a module's
``config`` and segment config exports.
"""

from __future__ import annotations

from .importer import LoadedKind, LoadedRoute, Loader, get_loader, load_handler

__all__ = ["LoadedKind", "LoadedRoute", "Loader", "get_loader", "load_handler"]
