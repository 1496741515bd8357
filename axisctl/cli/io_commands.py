"""``axisctl io`` and ``axisctl vinput``: I/O ports and virtual inputs (work in progress)."""

from __future__ import annotations
