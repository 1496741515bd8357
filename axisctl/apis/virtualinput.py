"""Virtual inputs: ``virtualinput/activate.cgi``, ``deactivate.cgi``, ``getschemaversions.cgi``."""

from __future__ import annotations

from axisctl.transport.flow import API, ModeT


class VirtualInputAPI(API[ModeT]):
    """Virtual inputs of a device (filled in by the virtual-input work)."""
