"""I/O ports: ``io/port.cgi``, ``io/portmanagement.cgi`` and the ``IOPort`` parameters."""

from __future__ import annotations

from axisctl.transport.flow import API, ModeT


class IOPortsAPI(API[ModeT]):
    """I/O ports of a device (filled in by the I/O work)."""
