"""Siren and light: ``siren_and_light.cgi`` profiles, activities and maintenance."""

from __future__ import annotations

from axisctl.transport.flow import API, ModeT


class SirenLightAPI(API[ModeT]):
    """Siren and light of a strobe speaker (work in progress)."""
