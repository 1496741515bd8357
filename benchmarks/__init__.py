"""Measured performance; run with ``nox -s benchmarks``. Prints ratios, asserts nothing."""
