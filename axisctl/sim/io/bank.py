"""The :class:`IOBank`: the state of a simulated device's ports and the events they publish.

See the package docstring for the contract and the behaviour from the manuals. Timed
programs live in :mod:`~axisctl.sim.io.programs`, setPorts validation in
:mod:`~axisctl.sim.io.setports`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from axisctl.codecs.port_action import PortAction
from axisctl.sim.bus import (
    TOPIC_DIGITAL_INPUT,
    TOPIC_INPUT_PORT,
    TOPIC_OUTPUT_PORT,
    TOPIC_RELAY,
    EventBus,
    SimEvent,
)
from axisctl.sim.catalog import ModelSpec
from axisctl.sim.clock import SimClock
from axisctl.sim.io.ports import CLOSED, INPUT, OPEN, OUTPUT, other, param_name
from axisctl.sim.io.programs import Programs, check_sequence
from axisctl.sim.io.setports import PortSettingError, invalid, plan_ports
from axisctl.sim.paramstore import ParamStore

#: Above this many volts an input reads open (the manuals: "a voltage above 1 V DC").
OPEN_ABOVE_VOLTS = 1.0


class IOBank:
    """The digital I/O ports of one simulated device (see the package docstring)."""

    def __init__(self, spec: ModelSpec, params: ParamStore, clock: SimClock, bus: EventBus) -> None:
        self.spec = spec
        self.params = params
        self.clock = clock
        self.bus = bus
        self.lock = clock.lock
        count = len(spec.io_ports)
        # What the test bench does to each input's wire: closed (tied to pin 1) or not.
        self._input_closed = [False] * count
        # The circuit each output drives; meaningful while the port is an output.
        self._output_closed = [False] * count
        self._programs = Programs(clock)
        self._restarting = False
        self._published: dict[int, tuple[str, bool]] = {}
        with self.lock:
            for index in range(count):
                self._output_closed[index] = self._normal(index) == CLOSED
            self._sync_counts()
            self._publish_changes()
        params.on_change(self._on_params_changed)

    def __repr__(self) -> str:
        return f"<IOBank {self.count} ports of {self.spec.prod_nbr}>"

    # --- reading ---------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Number of ports; valid port numbers are 1..count."""
        return len(self.spec.io_ports)

    def direction(self, port: int) -> str:
        """``"input"`` or ``"output"``, from ``IOPort.I<n-1>.Direction``."""
        with self.lock:
            return self._direction(self._index(port))

    def normal_state(self, port: int) -> str:
        """The circuit in which the port is inactive."""
        with self.lock:
            return self._normal(self._index(port))

    def name(self, port: int) -> str:
        with self.lock:
            index = self._index(port)
            group = "Input" if self._direction(index) == INPUT else "Output"
            return self._param(index, f"{group}.Name", f"Port {port}")

    def circuit(self, port: int) -> str:
        """``"open"`` or ``"closed"``: what a meter across the port would see."""
        with self.lock:
            return self._circuit(self._index(port))

    def is_active(self, port: int) -> bool:
        """Whether the port's circuit differs from its normal state."""
        with self.lock:
            index = self._index(port)
            return self._circuit(index) != self._normal(index)

    def output_active(self, port: int) -> bool:
        """Whether output ``port`` is active; ``ValueError`` for an input."""
        with self.lock:
            self._require_output(self._index(port))
            return self.is_active(port)

    def is_relay(self, port: int) -> bool:
        return self.spec.io_ports[self._index(port)].relay

    def sequence_running(self, port: int) -> bool:
        with self.lock:
            return self._programs.sequence_running(self._index(port))

    def describe(self, port: int) -> dict[str, Any]:
        """The port as the test-control surface shows it."""
        with self.lock:
            index = self._index(port)
            return {
                "port": port,
                "name": self.name(port),
                "direction": self._direction(index),
                "normalState": self._normal(index),
                "circuit": self._circuit(index),
                "active": self._circuit(index) != self._normal(index),
            }

    def port_json(self, port: int) -> dict[str, Any]:
        """The port as portmanagement.cgi getPorts lists it."""
        with self.lock:
            index = self._index(port)
            spec = self.spec.io_ports[index]
            return {
                "port": str(index),
                "state": self._circuit(index),
                "configurable": spec.configurable,
                "usage": self._param(index, "Usage", ""),
                "direction": self._direction(index),
                "name": self.name(port),
                "normalState": self._normal(index),
            }

    # --- the outside world -----------------------------------------------------------

    def press(self, port: int) -> None:
        """Tie input ``port`` to pin 1: its circuit closes."""
        self._drive(port, closed=True)

    def release(self, port: int) -> None:
        """Leave input ``port`` floating: its circuit opens."""
        self._drive(port, closed=False)

    def drive_input(self, port: int, volts: float | None) -> None:
        """Apply ``volts`` to input ``port`` against pin 1; ``None`` leaves it floating.

        Above 1 V the input reads open, at or below it closed. Anything that is not a
        number (NaN) counts as floating.
        """
        floating = volts is None or math.isnan(volts)
        self._drive(port, closed=not floating and volts is not None and volts <= OPEN_ABOVE_VOLTS)

    def _drive(self, port: int, *, closed: bool) -> None:
        with self.lock:
            index = self._index(port)
            if self._direction(index) != INPUT:
                raise ValueError(f"port {port} is an output; only inputs can be driven")
            self._input_closed[index] = closed
            self._publish_changes()

    # --- driving outputs -------------------------------------------------------------

    def set_output(self, port: int, active: bool) -> bool:
        """Make output ``port`` active or inactive; return whether that changed anything.

        Outputs stay open while the device restarts, so this does nothing then.
        """
        with self.lock:
            index = self._index(port)
            self._require_output(index)
            before = self.is_active(port)
            self._set_active(index, active)
            return self.is_active(port) != before

    def set_output_circuit(self, port: int, state: str) -> None:
        """Set output ``port``'s circuit to ``"open"`` or ``"closed"``."""
        if state not in (OPEN, CLOSED):
            raise ValueError(f"a circuit is open or closed, not {state!r}")
        with self.lock:
            index = self._index(port)
            self._require_output(index)
            self._set_closed(index, state == CLOSED)

    def run_action(self, action: PortAction) -> None:
        """Run a port.cgi action; a new action on a port replaces the rest of an older one."""
        with self.lock:
            index = self._index(action.port)
            self._require_output(index)
            waits = [ms / 1000 for ms in action.waits_ms] + [0.0]
            steps = [
                (self._step_active(index, active), wait)
                for active, wait in zip(action.states, waits, strict=True)
            ]
            self._programs.start_action(index, steps)

    def start_sequence(self, port: int, steps: Iterable[tuple[str, int]]) -> None:
        """Run setStateSequence steps ``(circuit, ms)`` on output ``port``.

        Each step sets the circuit and waits its milliseconds before the next; the last
        state stays. Raises :class:`SequenceOngoingError` while one runs on the port and
        ``ValueError`` for a bad step or an input port.
        """
        checked = check_sequence(steps)
        with self.lock:
            index = self._index(port)
            self._require_output(index)
            self._programs.start_sequence(
                index, [(self._step_circuit(index, state), ms / 1000) for state, ms in checked]
            )

    def _step_active(self, index: int, active: bool) -> Callable[[], None]:
        return lambda: self._set_active(index, active)

    def _step_circuit(self, index: int, state: str) -> Callable[[], None]:
        return lambda: self._set_closed(index, state == CLOSED)

    # --- configuration ---------------------------------------------------------------

    def set_ports(self, entries: Sequence[Any]) -> tuple[list[str], list[PortSettingError]]:
        """Apply setPorts entries; return the ids changed and the per-port failures.

        Valid properties are applied even when others fail, as the API documents.
        Settings (name, usage, direction, normal state) go first, as one change; then
        ``state`` of outputs, so that it is read against the new normal state.
        """
        with self.lock:
            plans, changed, errors = plan_ports(entries, self.spec.io_ports, self._direction)
            updates: dict[str, str] = {}
            for plan in plans:
                updates.update(plan.updates)
            real = {n: v for n, v in updates.items() if self.params.value(n) != v}
            if real:
                self.params.apply(real)
            for plan in plans:
                if plan.state is None:
                    continue
                if self._direction(plan.index) != OUTPUT:
                    errors.append(invalid(plan.index, "state"))
                    continue
                self._set_closed(plan.index, plan.state == CLOSED)
            return list(dict.fromkeys(changed)), errors

    def _on_params_changed(self, names: frozenset[str]) -> None:
        if not any(name.startswith("IOPort.") for name in names):
            return
        with self.lock:
            self._cancel_programs()
            self._all_outputs_normal()
            self._sync_counts()
            self._publish_changes()

    # --- power -----------------------------------------------------------------------

    def begin_restart(self) -> None:
        """The device goes down: timed programs stop and every output circuit opens."""
        with self.lock:
            self._restarting = True
            self._cancel_programs()
            for index in range(self.count):
                self._output_closed[index] = False
            self._publish_changes()

    def end_restart(self) -> None:
        """The device is up again: outputs go back to their normal state."""
        with self.lock:
            self._restarting = False
            self._all_outputs_normal()
            self._publish_changes()

    def reset(self) -> None:
        """After a factory default (parameters already reset): inputs float, outputs normal."""
        with self.lock:
            self._cancel_programs()
            for index in range(self.count):
                self._input_closed[index] = False
            self._all_outputs_normal()
            self._sync_counts()
            self._publish_changes()

    # --- internals -------------------------------------------------------------------

    def _index(self, port: int) -> int:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= self.count:
            raise ValueError(f"port must be 1..{self.count}, got {port!r}")
        return port - 1

    def _param(self, index: int, leaf: str, default: str) -> str:
        name = param_name(index, leaf)
        return self.params.value(name) if name in self.params else default

    def _direction(self, index: int) -> str:
        value = self._param(index, "Direction", self.spec.io_ports[index].direction)
        return OUTPUT if value == OUTPUT else INPUT

    def _normal(self, index: int) -> str:
        if self._direction(index) == INPUT:
            return other(self._param(index, "Input.Trig", CLOSED))
        return other(self._param(index, "Output.Active", CLOSED))

    def _circuit(self, index: int) -> str:
        if self._direction(index) == INPUT:
            closed = self._input_closed[index]
        else:
            closed = self._output_closed[index]
        return CLOSED if closed else OPEN

    def _require_output(self, index: int) -> None:
        if self._direction(index) != OUTPUT:
            raise ValueError(f"port {index + 1} is an input; only outputs can be set")

    def _set_active(self, index: int, active: bool) -> None:
        normal = self._normal(index)
        self._set_closed(index, (other(normal) if active else normal) == CLOSED)

    def _set_closed(self, index: int, closed: bool) -> None:
        if self._restarting:
            return
        self._output_closed[index] = closed
        self._publish_changes()

    def _all_outputs_normal(self) -> None:
        if self._restarting:
            return
        for index in range(self.count):
            self._output_closed[index] = self._normal(index) == CLOSED

    def _cancel_programs(self) -> None:
        self._programs.cancel_all()

    def _sync_counts(self) -> None:
        """``Input.NbrOfInputs`` and ``Output.NbrOfOutputs`` follow configurable ports."""
        directions = [self._direction(index) for index in range(self.count)]
        for name, direction in (("Input.NbrOfInputs", INPUT), ("Output.NbrOfOutputs", OUTPUT)):
            if name in self.params:
                self.params.set_value(name, str(directions.count(direction)))

    def _publish_changes(self) -> None:
        for index in range(self.count):
            direction = self._direction(index)
            active = self._circuit(index) != self._normal(index)
            if self._published.get(index) == (direction, active):
                continue
            self._published[index] = (direction, active)
            for topic, source, data in self._events(index, direction, active):
                self.bus.publish(SimEvent(topic, source, data, time=self.clock.now()))

    def _events(
        self, index: int, direction: str, active: bool
    ) -> list[tuple[str, Mapping[str, str], Mapping[str, str]]]:
        token = str(index)
        state = "1" if active else "0"
        if direction == INPUT:
            return [
                (TOPIC_INPUT_PORT, {"port": token}, {"state": state}),
                (
                    TOPIC_DIGITAL_INPUT,
                    {"InputToken": token},
                    {"LogicalState": "true" if active else "false"},
                ),
            ]
        events: list[tuple[str, Mapping[str, str], Mapping[str, str]]] = [
            (TOPIC_OUTPUT_PORT, {"port": token}, {"state": state})
        ]
        if self.spec.io_ports[index].relay:
            events.append(
                (
                    TOPIC_RELAY,
                    {"RelayToken": token},
                    {"LogicalState": "active" if active else "inactive"},
                )
            )
        return events
