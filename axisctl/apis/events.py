"""Event declarations (Event1 ``GetEventInstances``) and websocket session tokens."""

from __future__ import annotations

from axisctl.transport.flow import API, ModeT


class EventsAPI(API[ModeT]):
    """Events of a device (being filled in)."""
