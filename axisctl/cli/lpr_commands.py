"""Placeholder: filled in by the LPR work."""

from axisctl.cli.lpr_group import lpr

__all__ = ["lpr"]
