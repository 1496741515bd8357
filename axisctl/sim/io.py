"""The I/O ports of a simulated device: circuits, normal states, pulses and sequences.

CONTRACT (filled in by the I/O work; other components rely on these names):

- ``IOBank(spec, params, clock, bus)``; ports are numbered 1..N as in port.cgi
  (``IOPort.I<n-1>`` in param.cgi, ``"n-1"`` in portmanagement.cgi).
- ``press(port)`` / ``release(port)``: tie an input to pin 1 (closed) or leave it floating.
- ``drive_input(port, volts)``: ``None`` floating, above 1 V reads open, else closed.
- ``circuit(port) -> "open" | "closed"``, ``is_active(port) -> bool`` (state != normal state).
- ``set_output(port, active)``; ``output_active(port)``.
- ``count``: number of ports; ``describe(port) -> dict`` for the test-control surface:
  ``{"port": n, "name", "direction", "normalState", "circuit", "active"}``.
- ``begin_restart()`` / ``end_restart()``: outputs open during a restart, then normal.
- ``reset()``: after a factory default (parameters already reset): inputs floating,
  outputs at their normal state, sequences cancelled.
- Changes publish ``TOPIC_INPUT_PORT`` / ``TOPIC_OUTPUT_PORT`` on the bus, with source
  ``{"port": "<0-based index>"}`` and data ``{"state": "1" | "0"}`` (active or not).
"""

from __future__ import annotations

from axisctl.sim.bus import EventBus
from axisctl.sim.catalog import ModelSpec
from axisctl.sim.clock import SimClock
from axisctl.sim.paramstore import ParamStore


class IOBank:
    def __init__(self, spec: ModelSpec, params: ParamStore, clock: SimClock, bus: EventBus) -> None:
        self.spec = spec
        self.params = params
        self.clock = clock
        self.bus = bus

    def reset(self) -> None:
        raise NotImplementedError

    def begin_restart(self) -> None:
        raise NotImplementedError

    def end_restart(self) -> None:
        raise NotImplementedError
