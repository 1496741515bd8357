"""The ``axisctl`` command line."""

from axisctl.cli.app import cli, main

__all__ = ["cli", "main"]
