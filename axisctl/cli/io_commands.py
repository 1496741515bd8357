"""``axisctl io``: I/O ports (work in progress)."""

from __future__ import annotations
