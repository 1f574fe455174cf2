"""routekit's benchmark suite: ratios against peers measured in the same run.

Run ``python -m benchmarks`` (or ``nox -s bench``); ``python -m benchmarks routing`` runs one
group; ``--quick`` is the few-seconds smoke mode the test suite uses. Results go to
``docs/benchmarks.md`` with a chart in ``docs/benchmarks.svg``.
"""
