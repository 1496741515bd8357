"""Virtual inputs of a simulated device: ports 1..N, high or low, optional auto-deactivate.

CONTRACT (filled in by the virtual-input work):

- ``VirtualInputs(count, clock, bus)``; ``activate(port, duration=None) -> bool`` and
  ``deactivate(port) -> bool`` return whether the state changed; ``is_active(port)``;
  ``reset()`` sets every port low (a restart).
- Changes publish ``TOPIC_VIRTUAL_INPUT`` with source ``{"port": "<1-based>"}`` and data
  ``{"active": "1" | "0"}``.
"""

from __future__ import annotations

from axisctl.sim.bus import EventBus
from axisctl.sim.clock import SimClock


class VirtualInputs:
    def __init__(self, count: int, clock: SimClock, bus: EventBus) -> None:
        self.count = count
        self.clock = clock
        self.bus = bus

    def reset(self) -> None:
        raise NotImplementedError
