"""The root ``middleware.py`` (``proxy.py``): Next.js' matcher and the runner the app calls.

:mod:`.matcher` compiles ``config = {"matcher": ...}``; :mod:`.runner` runs the module before
routing and reports a :class:`~routekit.middleware.runner.MiddlewareOutcome`. The modules are
imported directly (``routekit.middleware.runner``) so that importing the matcher stays light.
"""
