"""The blog's own code: data access, authentication and HTTP helpers shared by the routes.

``db``, ``auth``, ``trivia`` and ``messages`` are copies of ``examples/blog/lib`` (this is a
project of its own); ``http`` holds the Web ``Request``/``NextResponse`` versions of the
pages router's helpers.
"""
