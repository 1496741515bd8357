"""The siren and light of a simulated strobe speaker (work in progress)."""

from __future__ import annotations

from typing import Any

from axisctl.sim.bus import EventBus
from axisctl.sim.clock import SimClock


class SirenLight:
    def __init__(self, clock: SimClock, bus: EventBus, *, poe_class: str = "4") -> None:
        self.clock = clock
        self.bus = bus
        self.poe_class = poe_class

    def power_cycle(self) -> None:
        pass

    def factory_default(self) -> None:
        pass

    def outputs(self) -> dict[str, Any]:
        return {}
