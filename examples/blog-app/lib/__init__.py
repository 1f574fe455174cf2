"""This project's own code: the App Router's side of a handler (``lib/http.py``).

Everything else comes from the pages blog's ``lib/``, imported as ``blog`` (see
``blog/__init__.py``): ``from blog import db, messages``.
"""
