"""``axisctl siren``: light and siren profiles, activities, maintenance (work in progress)."""

from __future__ import annotations
