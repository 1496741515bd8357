"""``axisctl vinput``: virtual inputs (work in progress)."""

from __future__ import annotations
