"""The blog's own code, shared by the routes of both routers.

``database`` and ``db`` hold the data (SQLite, or PostgreSQL with ``DATABASE_URL``), ``auth``
the passwords and tokens, ``messages`` every message the API sends, ``validate`` the input
checks, ``trivia`` the Numbers API client; ``http`` is the pages router's side of a handler.
``examples/blog-app`` imports this package (as ``blog``) for everything but ``http``.

The modules import each other relatively (``from . import messages``), so they work under
either name.
"""
