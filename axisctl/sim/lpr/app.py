"""The simulated AXIS License Plate Verifier app (``fflprapp``) on a gate camera.

Placeholder composition, filled in by the LPR engine: vehicles, matching, barrier, pushes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from axisctl.sim.lpr.state import LprState

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice


class LprApp:
    """The app on one simulated camera. ``state`` is what its HTTP endpoints read and change."""

    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self.state = LprState()

    def image(self, name: str) -> bytes | None:
        """The stored image ``tools.cgi?action=getImage&name=<name>`` serves, if any."""
        for event in self.state.events:
            if event.image_name == name:
                return event.image
        return None

    def clear_events(self) -> None:
        """Settings > Maintenance > "Clear all recognition results"."""
        self.state.events.clear()

    def power_cycle(self) -> None:
        """The camera restarts: vehicles in view are forgotten; lists and settings stay."""

    def factory_default(self) -> None:
        self.state = LprState()

    def close(self) -> None:
        """Let go of outbound connections and worker threads."""
