"""The I/O ports of a simulated device: circuits, normal states, pulses and sequences.

CONTRACT (other components rely on these names):

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

Behaviour, from the manuals (D4200-VE L2283-L2298, P1455-LE L2011-L2038):

- A port is active when its circuit differs from its normal state. The parameters are the
  source of truth for configuration: ``IOPort.I<n>.Input.Trig`` names the circuit in which
  an input is active (so ``Trig=closed`` means normal state open) and ``Output.Active`` the
  circuit in which an output is active.
- An input reads open when floating or driven above 1 V, closed when tied to pin 1.
- Outputs open during a restart and go back to their normal state afterwards.
- Changing any I/O setting (``IOPort.*`` through param.cgi, or setPorts) returns every
  output to its normal state and cancels running sequences and pulses.

Besides the contract's events, inputs also publish ``TOPIC_DIGITAL_INPUT`` (``InputToken``,
``LogicalState`` ``true``/``false``) and relays ``TOPIC_RELAY`` (``RelayToken``,
``LogicalState`` ``active``/``inactive``); tokens are the 0-based port index. The state of
every port is published once at power-up, so ``bus.current()`` always holds it.

Every method takes the device lock (the clock's re-entrant lock); timers fire under it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from axisctl.codecs import param_text
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
from axisctl.sim.clock import SimClock, Timer
from axisctl.sim.paramstore import ParamStore

OPEN = "open"
CLOSED = "closed"
INPUT = "input"
OUTPUT = "output"

#: Above this many volts an input reads open (the manuals: "a voltage above 1 V DC").
OPEN_ABOVE_VOLTS = 1.0

#: Longest step of a state sequence (portmanagement.cgi setStateSequence), in ms.
MAX_SEQUENCE_STEP_MS = 65535

#: Longest name or usage setPorts accepts; matches the IOPort parameters' limit.
MAX_TEXT = 64

#: The general error codes of portmanagement.cgi that setPorts reports per port.
INVALID_VALUE = 2104

_SETTABLE = ("port", "name", "usage", "direction", "normalState", "state")


class SequenceOngoingError(Exception):
    """A state sequence already runs on the port (portmanagement.cgi error 2200)."""


def _other(state: str) -> str:
    return CLOSED if state == OPEN else OPEN


@dataclass
class _Program:
    """Timed steps on one output: a port.cgi action or a setStateSequence."""

    steps: Sequence[tuple[Callable[[], None], float]]  # (apply, seconds until the next)
    timer: Timer | None = None
    done: bool = False

    def cancel(self) -> None:
        self.done = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


@dataclass(frozen=True)
class PortSettingError:
    """One failure of setPorts, in the shape of the documented ``details``."""

    code: int
    message: str
    port: str | None = None
    property_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        details: dict[str, str] = {}
        if self.port is not None:
            details["port"] = self.port
        if self.property_name is not None:
            details["propertyName"] = self.property_name
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if details:
            body["details"] = details
        return body


@dataclass
class _PortPlan:
    """The validated part of one setPorts entry."""

    index: int
    updates: dict[str, str] = field(default_factory=dict)
    state: str | None = None


class IOBank:
    """The digital I/O ports of one simulated device (see the module docstring)."""

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
        self._actions: dict[int, _Program] = {}
        self._sequences: dict[int, _Program] = {}
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
            program = self._sequences.get(self._index(port))
            return program is not None and not program.done

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
            previous = self._actions.pop(index, None)
            if previous is not None:
                previous.cancel()
            waits = [ms / 1000 for ms in action.waits_ms] + [0.0]
            steps = [
                (self._step_active(index, active), wait)
                for active, wait in zip(action.states, waits, strict=True)
            ]
            program = _Program(steps)
            self._actions[index] = program
            self._run(program, 0, self._actions, index)

    def start_sequence(self, port: int, steps: Iterable[tuple[str, int]]) -> None:
        """Run setStateSequence steps ``(circuit, ms)`` on output ``port``.

        Each step sets the circuit and waits its milliseconds before the next; the last
        state stays. Raises :class:`SequenceOngoingError` while one runs on the port and
        ``ValueError`` for a bad step or an input port.
        """
        checked: list[tuple[str, int]] = []
        for state, ms in steps:
            if state not in (OPEN, CLOSED):
                raise ValueError(f"a step's state is open or closed, not {state!r}")
            if isinstance(ms, bool) or not isinstance(ms, int):
                raise ValueError("a step's time is a whole number of milliseconds")
            if not 0 <= ms <= MAX_SEQUENCE_STEP_MS:
                raise ValueError(f"a step lasts 0..{MAX_SEQUENCE_STEP_MS} ms, not {ms}")
            checked.append((state, ms))
        if not checked:
            raise ValueError("a sequence needs at least one step")
        with self.lock:
            index = self._index(port)
            self._require_output(index)
            if self.sequence_running(port):
                raise SequenceOngoingError("State sequence already ongoing.")
            program = _Program(
                [(self._step_circuit(index, state), ms / 1000) for state, ms in checked]
            )
            self._sequences[index] = program
            self._run(program, 0, self._sequences, index)

    def _run(self, program: _Program, step: int, owner: dict[int, _Program], index: int) -> None:
        if program.done:
            return
        apply, wait = program.steps[step]
        apply()
        if step + 1 >= len(program.steps):
            program.done = True
            program.timer = None
            if owner.get(index) is program:
                del owner[index]
            return
        program.timer = self.clock.call_later(
            wait, lambda: self._run(program, step + 1, owner, index)
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
            errors: list[PortSettingError] = []
            plans: list[_PortPlan] = []
            changed: list[str] = []
            for entry in entries:
                plan = self._plan(entry, errors)
                if plan is None:
                    continue
                plans.append(plan)
                if len(entry) > 1:
                    changed.append(str(plan.index))
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
                    errors.append(self._invalid(plan.index, "state"))
                    continue
                self._set_closed(plan.index, plan.state == CLOSED)
            return list(dict.fromkeys(changed)), errors

    def _plan(self, entry: Any, errors: list[PortSettingError]) -> _PortPlan | None:
        if not isinstance(entry, dict):
            errors.append(PortSettingError(INVALID_VALUE, "Invalid parameter value specified"))
            return None
        port_id = entry.get("port")
        if (
            not isinstance(port_id, str)
            or not port_id.isascii()
            or not port_id.isdigit()
            or len(port_id) > 4
            or int(port_id) >= self.count
        ):
            errors.append(
                PortSettingError(
                    INVALID_VALUE,
                    "Invalid parameter value specified",
                    port=port_id if isinstance(port_id, str) else None,
                    property_name="port",
                )
            )
            return None
        index = int(port_id)
        spec = self.spec.io_ports[index]
        plan = _PortPlan(index)
        for key in entry:
            if key not in _SETTABLE:
                errors.append(self._invalid(index, key))
        direction = self._direction(index)
        wanted = entry.get("direction")
        if wanted is not None:
            if wanted not in (INPUT, OUTPUT) or (wanted != direction and not spec.configurable):
                errors.append(self._invalid(index, "direction"))
            else:
                direction = wanted
                plan.updates[self._name(index, "Direction")] = wanted
        group = "Input" if direction == INPUT else "Output"
        for key, param in (("name", f"{group}.Name"), ("usage", "Usage")):
            value = entry.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not _text_ok(value):
                errors.append(self._invalid(index, key))
            else:
                plan.updates[self._name(index, param)] = value
        normal = entry.get("normalState")
        if normal is not None:
            if normal not in (OPEN, CLOSED):
                errors.append(self._invalid(index, "normalState"))
            else:
                trigger = "Input.Trig" if direction == INPUT else "Output.Active"
                plan.updates[self._name(index, trigger)] = _other(normal)
        state = entry.get("state")
        if state is not None:
            if state not in (OPEN, CLOSED) or direction != OUTPUT:
                errors.append(self._invalid(index, "state"))
            else:
                plan.state = state
        return plan

    @staticmethod
    def _invalid(index: int, prop: str) -> PortSettingError:
        return PortSettingError(
            INVALID_VALUE, "Invalid parameter value specified", port=str(index), property_name=prop
        )

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

    def _name(self, index: int, leaf: str) -> str:
        return f"IOPort.I{index}.{leaf}"

    def _param(self, index: int, leaf: str, default: str) -> str:
        name = self._name(index, leaf)
        return self.params.value(name) if name in self.params else default

    def _direction(self, index: int) -> str:
        value = self._param(index, "Direction", self.spec.io_ports[index].direction)
        return OUTPUT if value == OUTPUT else INPUT

    def _normal(self, index: int) -> str:
        if self._direction(index) == INPUT:
            return _other(self._param(index, "Input.Trig", CLOSED))
        return _other(self._param(index, "Output.Active", CLOSED))

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
        self._set_closed(index, (_other(normal) if active else normal) == CLOSED)

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
        for programs in (self._actions, self._sequences):
            for program in programs.values():
                program.cancel()
            programs.clear()

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


def _text_ok(value: str) -> bool:
    if len(value) > MAX_TEXT:
        return False
    try:
        param_text.check_value("", value)
    except ValueError:
        return False
    return True
