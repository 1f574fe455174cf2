"""The parts of the ``routekit`` command (see :mod:`routekit.cli`): output styling, the route
table, the development server."""
