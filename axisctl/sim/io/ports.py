"""The words the I/O bank describes ports in: circuits, directions and parameter names."""

from __future__ import annotations

OPEN = "open"
CLOSED = "closed"
INPUT = "input"
OUTPUT = "output"


def other(state: str) -> str:
    """The other circuit: ``"closed"`` for ``"open"`` and the reverse."""
    return CLOSED if state == OPEN else OPEN


def param_name(index: int, leaf: str) -> str:
    """The parameter ``leaf`` of the port with 0-based ``index``: ``IOPort.I<index>.<leaf>``."""
    return f"IOPort.I{index}.{leaf}"
