"""The I/O port models and the port numbering of an Axis I/O relay module.

:class:`Port` is one port as the device reports it, :class:`PortChange` one entry of
setPorts, :class:`PortFailure` one per-port failure of it and :class:`SequenceStep` one
step of setStateSequence. Numbers count from 1 (port.cgi, the manuals); ``index`` counts
from 0 (portmanagement.cgi).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from axisctl.apis._fields import require_str
from axisctl.codecs import port_action
from axisctl.codecs.port_action import CircuitState, Direction
from axisctl.errors import ConfigurationError, MalformedResponseError, ParseError

PORT_API = "port.cgi"
MANAGEMENT_API = "portmanagement.cgi"

#: Longest step of a state sequence, in milliseconds.
MAX_STEP_MS = 65535

#: An Axis I/O relay module has 8 inputs and 8 relays; relay n is port 8 + n (the LPR
#: manual: "relay ports 1 to 8 ... correspond to ports 9 to 16").
MODULE_INPUTS = 8
MODULE_RELAYS = 8


def relay_port(relay: int) -> int:
    """The port number (9..16) of relay ``relay`` (1..8) of an Axis I/O relay module."""
    _check_module_number(relay, "relay")
    return MODULE_INPUTS + relay


def module_input_port(input_number: int) -> int:
    """The port number (1..8) of input ``input_number`` (1..8) of an Axis I/O relay module."""
    _check_module_number(input_number, "input")
    return input_number


def _check_module_number(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise ValueError(f"a relay module has {what}s 1 to 8, got {value!r}")


def port_index(port_id: object) -> int | None:
    """The 0-based index a portmanagement.cgi port id (``"0"``) names; ``None`` for no index.

    The id comes from the device: ``int()`` alone would let a plain ``ValueError`` out of
    the parsers for ids past its 4300-digit limit, where they promise typed errors.
    """
    if not isinstance(port_id, str) or not port_id.isascii() or not port_id.isdigit():
        return None
    try:
        return int(port_id)
    except ValueError:
        return None


def _check_number(number: int) -> int:
    try:
        return port_action.check_port(number)
    except ParseError as exc:
        raise ConfigurationError(exc.message) from None


@dataclass(frozen=True)
class Port:
    """One I/O port.

    ``number`` counts from 1 (port.cgi, the manuals, every method here); ``index`` from 0
    (portmanagement.cgi, ``IOPort.I<index>``). ``state`` is the circuit right now.
    """

    index: int
    name: str
    direction: Direction
    state: CircuitState
    normal_state: CircuitState
    configurable: bool = False
    readonly: bool = False
    usage: str = ""

    @property
    def number(self) -> int:
        """The 1-based port number of port.cgi and of the manuals."""
        return self.index + 1

    @property
    def active(self) -> bool:
        """Whether the port is activated: its circuit differs from its normal state."""
        return self.state != self.normal_state

    @property
    def is_output(self) -> bool:
        return self.direction is Direction.OUTPUT

    @classmethod
    def from_json(cls, item: Any, position: int) -> Port:
        """One entry of getPorts' ``items``."""
        where = f"getPorts: items[{position}]"
        if not isinstance(item, dict):
            raise MalformedResponseError(f"{where} is not an object", api=MANAGEMENT_API)
        port_id = require_str(item, "port", api=MANAGEMENT_API, where=where)
        index = port_index(port_id)
        if index is None:
            raise MalformedResponseError(
                f"{where}: port id {port_id[:40]!r} is not a number", api=MANAGEMENT_API
            )
        name = item.get("name", "")
        usage = item.get("usage", "")
        return cls(
            index=index,
            name=name if isinstance(name, str) else "",
            direction=_enum(Direction, item, "direction", where),
            state=_enum(CircuitState, item, "state", where),
            normal_state=_enum(CircuitState, item, "normalState", where),
            configurable=item.get("configurable") is True,
            readonly=item.get("readonly") is True,
            usage=usage if isinstance(usage, str) else "",
        )


def _enum(kind: type[Any], item: Mapping[str, Any], key: str, where: str) -> Any:
    raw = require_str(item, key, api=MANAGEMENT_API, where=where)
    try:
        return kind(raw)
    except ValueError:
        choices = "/".join(member.value for member in kind)
        raise MalformedResponseError(
            f"{where}: {key} is {raw!r}, expected {choices}", api=MANAGEMENT_API
        ) from None


@dataclass(frozen=True)
class PortChange:
    """What to change on one port with :meth:`IOPortsAPI.set_ports`; ``None`` keeps a value.

    ``state`` applies to outputs only and is applied after ``normal_state``.
    """

    number: int
    name: str | None = None
    usage: str | None = None
    direction: Direction | str | None = None
    normal_state: CircuitState | str | None = None
    state: CircuitState | str | None = None

    def to_json(self) -> dict[str, str]:
        entry = {"port": str(_check_number(self.number) - 1)}
        for key, value in (("name", self.name), ("usage", self.usage)):
            if value is not None:
                if not isinstance(value, str):
                    raise ConfigurationError(f"port {self.number}: {key} must be text")
                entry[key] = value
        if self.direction is not None:
            entry["direction"] = _coerce(Direction, self.direction, "direction").value
        for key, state in (("normalState", self.normal_state), ("state", self.state)):
            if state is not None:
                entry[key] = _coerce(CircuitState, state, key).value
        return entry


def _coerce(kind: type[Any], value: Any, what: str) -> Any:
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        choices = " or ".join(member.value for member in kind)
        raise ConfigurationError(f"{what} must be {choices}, got {value!r}") from None


@dataclass(frozen=True)
class PortFailure:
    """One per-port failure of a setPorts call.

    ``number`` is the 1-based port (``None`` when the device did not say which),
    ``property_name`` the portmanagement property (``"direction"``) when it named one.
    """

    code: int
    message: str
    number: int | None
    property_name: str | None = None


@dataclass(frozen=True)
class SequenceStep:
    """One step of a state sequence: set the circuit to ``state``, then wait ``ms``."""

    state: CircuitState
    ms: int

    @classmethod
    def parse(cls, text: str) -> SequenceStep:
        """``"open:1000"`` -> ``SequenceStep(CircuitState.OPEN, 1000)``."""
        state, sep, ms = text.partition(":")
        if not sep or not ms.isascii() or not ms.isdigit():
            raise ConfigurationError(f"step {text!r}: expected STATE:MS, e.g. open:1000")
        try:
            number = int(ms)
        except ValueError:
            # Past int()'s 4300-digit limit; the range check would refuse it anyway.
            raise ConfigurationError(
                f"step {text[:40]!r}...: a step lasts 0..{MAX_STEP_MS} ms"
            ) from None
        return cls(_coerce(CircuitState, state.strip().lower(), f"step {text!r}: state"), number)

    def to_json(self) -> dict[str, Any]:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int):
            raise ConfigurationError("a sequence step's time is a whole number of milliseconds")
        if not 0 <= self.ms <= MAX_STEP_MS:
            raise ConfigurationError(f"a step lasts 0..{MAX_STEP_MS} ms, got {self.ms}")
        state = _coerce(CircuitState, self.state, "state")
        return {"state": state.value, "time": self.ms}
