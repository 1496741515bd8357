"""``axisctl events``: watch the event stream, list declared topics (being filled in)."""

from __future__ import annotations
