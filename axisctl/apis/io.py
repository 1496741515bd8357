"""I/O ports: ``io/port.cgi``, ``io/portmanagement.cgi`` and the ``IOPort`` parameters.

Every method takes and returns port **numbers counted from 1**, as the manuals ("Port 1")
and port.cgi do. portmanagement.cgi names ports by 0-based index strings (``"0"``) and
param.cgi by ``IOPort.I<index>``; this module converts, and :class:`Port` carries both
``number`` and ``index``.

A port is *active* when its circuit state differs from its *normal state*: an input whose
normal state is open becomes active when its circuit is closed (tied to pin 1).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from axisctl.apis._fields import require_list, require_str
from axisctl.codecs import param_text, port_action
from axisctl.codecs.port_action import CircuitState, Direction, PortAction
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, HttpRequest, HttpResponse, ModeT, operation
from axisctl.transport.jsonrpc import build_envelope, parse_envelope, supported_versions

__all__ = [
    "MANAGEMENT_API",
    "MODULE_INPUTS",
    "MODULE_RELAYS",
    "PORT_API",
    "CircuitState",
    "Direction",
    "IOPortsAPI",
    "Port",
    "PortAction",
    "PortChange",
    "PortConfigurationError",
    "PortFailure",
    "SequenceOngoingError",
    "SequenceStep",
    "module_input_port",
    "relay_port",
]

PORT_PATH = "/axis-cgi/io/port.cgi"
PORT_API = "port.cgi"
MANAGEMENT_PATH = "/axis-cgi/io/portmanagement.cgi"
MANAGEMENT_API = "portmanagement.cgi"
PARAM_PATH = "/axis-cgi/param.cgi"

V = TypeVar("V")

#: The error code of setStateSequence while another sequence runs on the port.
SEQUENCE_ONGOING = 2200
#: Longest step of a state sequence, in milliseconds.
MAX_STEP_MS = 65535
#: Most ports one setPorts request may carry.
MAX_PORTS_PER_REQUEST = 256

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


def _check_number(number: int) -> int:
    try:
        return port_action.check_port(number)
    except ParseError as exc:
        raise ConfigurationError(exc.message) from None


def _check_numbers(numbers: Iterable[int]) -> builtins.list[int]:
    checked = [_check_number(n) for n in numbers]
    if not checked:
        raise ConfigurationError("give at least one port number")
    return checked


def _normal_from_trigger(trigger: str, where: str) -> CircuitState:
    """``Input.Trig`` / ``Output.Active`` name the *active* circuit; normal is the other one."""
    try:
        return CircuitState(trigger).opposite
    except ValueError:
        raise MalformedResponseError(
            f"{where} is {trigger!r}, expected open or closed", api="param.cgi"
        ) from None


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
        if not port_id.isascii() or not port_id.isdigit():
            raise MalformedResponseError(
                f"{where}: port id {port_id!r} is not a number", api=MANAGEMENT_API
            )
        name = item.get("name", "")
        usage = item.get("usage", "")
        return cls(
            index=int(port_id),
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


class PortConfigurationError(DeviceError):
    """setPorts failed for some ports or properties; the device applied the rest.

    ``failures`` lists every failure the device reported, the first one included.
    """

    def __init__(self, message: str, *, code: int, failures: tuple[PortFailure, ...]) -> None:
        super().__init__(message, code=code, method="setPorts", api=MANAGEMENT_API)
        self.failures = failures

    def __str__(self) -> str:
        base = super().__str__()
        parts = []
        for failure in self.failures:
            port = f"port {failure.number}" if failure.number is not None else "a port"
            prop = f" ({failure.property_name})" if failure.property_name else ""
            parts.append(f"{port}{prop}: {failure.message}")
        return f"{base} ({'; '.join(parts)})" if parts else base


class SequenceOngoingError(DeviceError):
    """setStateSequence refused: a sequence already runs on that port (error 2200)."""


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
        return cls(_coerce(CircuitState, state.strip().lower(), f"step {text!r}: state"), int(ms))

    def to_json(self) -> dict[str, Any]:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int):
            raise ConfigurationError("a sequence step's time is a whole number of milliseconds")
        if not 0 <= self.ms <= MAX_STEP_MS:
            raise ConfigurationError(f"a step lasts 0..{MAX_STEP_MS} ms, got {self.ms}")
        state = _coerce(CircuitState, self.state, "state")
        return {"state": state.value, "time": self.ms}


def _failure(item: Any) -> PortFailure | None:
    if not isinstance(item, dict):
        return None
    code = item.get("code")
    message = item.get("message")
    details = item.get("details")
    port = details.get("port") if isinstance(details, dict) else None
    prop = details.get("propertyName") if isinstance(details, dict) else None
    number = int(port) + 1 if isinstance(port, str) and port.isascii() and port.isdigit() else None
    return PortFailure(
        code=code if isinstance(code, int) and not isinstance(code, bool) else 0,
        message=message if isinstance(message, str) else "(no message)",
        number=number,
        property_name=prop if isinstance(prop, str) else None,
    )


def _raise_port_failures(response: HttpResponse) -> None:
    """Turn setPorts' per-port ``details``/``errors`` into :class:`PortConfigurationError`.

    Anything else (success, a whole-request error, a malformed answer) is left to
    :func:`parse_envelope`.
    """
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    code = error.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        return
    failures = [_failure(error)]
    rest = error.get("errors")
    if isinstance(rest, list):
        failures += [_failure(item) for item in rest]
    reported = tuple(f for f in failures if f is not None)
    if not any(f.number is not None for f in reported):
        # A whole-request error such as 2103 with details {"missing_element": "ports"}.
        return
    message = error.get("message")
    raise PortConfigurationError(
        message if isinstance(message, str) else "(no message)", code=code, failures=reported
    )


class IOPortsAPI(API[ModeT]):
    """Digital I/O ports of a device. Port numbers count from 1 ("Port 1")."""

    # --- reading ---------------------------------------------------------------------

    @operation
    def list(self) -> Flow[builtins.list[Port]]:
        """Every port with its configuration and circuit state (portmanagement getPorts).

        Needs AXIS OS 9.70 or later (API discovery id ``io-port-management``); older
        devices: :meth:`list_from_params`.
        """
        data = yield from self._call("getPorts", idempotent=True)
        count = data.get("numberOfPorts")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise MalformedResponseError(
                "getPorts: 'numberOfPorts' is not a number", api=MANAGEMENT_API
            )
        if count == 0 and "items" not in data:
            return []
        items = require_list(data, "items", api=MANAGEMENT_API, where="getPorts")
        ports = [Port.from_json(item, position) for position, item in enumerate(items)]
        return sorted(ports, key=lambda port: port.index)

    @operation
    def get(self, number: int) -> Flow[Port]:
        """One port by number (1-based)."""
        _check_number(number)
        ports = yield from IOPortsAPI.list.flow(self)
        for port in ports:
            if port.number == number:
                return port
        raise DeviceError(
            f"the device has no port {number} ({len(ports)} ports)",
            method="getPorts",
            api=MANAGEMENT_API,
        )

    @operation
    def list_from_params(self) -> Flow[builtins.list[Port]]:
        """Every port from the ``IOPort`` parameters plus port.cgi ``check`` for the state.

        For devices without portmanagement.cgi. Works with a viewer account.
        """
        response = yield HttpRequest(
            "GET",
            PARAM_PATH,
            api="param.cgi",
            params={"action": "list", "group": "IOPort"},
            idempotent=True,
        )
        text = response.text(default_charset=param_text.ENCODING)
        try:
            listing = param_text.parse_list(text)
        except ParseError as exc:
            raise MalformedResponseError(exc.message, api="param.cgi") from None
        if listing.errors:
            if any("IOPort" in error for error in listing.errors) and not listing.values:
                return []  # A device without I/O has no IOPort group at all.
            raise DeviceError("; ".join(listing.errors), method="list", api="param.cgi")
        indexes = sorted(
            {
                int(name.split(".")[1][1:])
                for name in listing.values
                if name.count(".") >= 2 and name.split(".")[1][1:].isdigit()
            }
        )
        if not indexes:
            return []
        states = yield from IOPortsAPI.check.flow(self, *(i + 1 for i in indexes))
        return [_port_from_params(listing.values, index, states) for index in indexes]

    @operation
    def check(self, *numbers: int) -> Flow[dict[int, CircuitState]]:
        """The circuit state of each port (port.cgi ``check``): ``{1: CircuitState.OPEN}``."""
        text = yield from self._port_cgi(
            {"check": port_action.format_port_list(_check_numbers(numbers))}
        )
        return _parsed(port_action.parse_check, text, numbers, "check")

    @operation
    def check_active(self, *numbers: int) -> Flow[dict[int, bool]]:
        """Whether each port is active (port.cgi ``checkactive``): ``{3: True}``."""
        text = yield from self._port_cgi(
            {"checkactive": port_action.format_port_list(_check_numbers(numbers))}
        )
        return _parsed(port_action.parse_check_active, text, numbers, "checkactive")

    @operation
    def directions(self, *numbers: int) -> Flow[dict[int, Direction]]:
        """Whether each port is an input or an output (port.cgi ``checkdirection``)."""
        text = yield from self._port_cgi(
            {"checkdirection": port_action.format_port_list(_check_numbers(numbers))}
        )
        return _parsed(port_action.parse_check_direction, text, numbers, "checkdirection")

    @operation
    def supported_versions(self) -> Flow[builtins.list[str]]:
        """Versions of portmanagement.cgi the device offers, e.g. ``["1.0", "1.1"]``."""
        return (yield from supported_versions(api=MANAGEMENT_API, path=MANAGEMENT_PATH))

    # --- driving outputs -------------------------------------------------------------

    @operation
    def set_output(self, number: int, active: bool) -> Flow[None]:
        """Make output ``number`` active or inactive and leave it so (port.cgi ``action``).

        *Active* means the opposite of the port's normal state: on an output with the usual
        normal state "open", active closes the circuit.
        """
        _check_number(number)
        if not isinstance(active, bool):
            raise ConfigurationError("active must be True or False")
        yield from IOPortsAPI.run_action.flow(self, PortAction.set(number, active))

    @operation
    def activate(self, number: int) -> Flow[None]:
        """Shorthand for ``set_output(number, True)``."""
        yield from IOPortsAPI.set_output.flow(self, number, True)

    @operation
    def deactivate(self, number: int) -> Flow[None]:
        """Shorthand for ``set_output(number, False)``."""
        yield from IOPortsAPI.set_output.flow(self, number, False)

    @operation
    def pulse(self, number: int, ms: int, count: int = 1, gap_ms: int | None = None) -> Flow[None]:
        """Activate output ``number`` for ``ms`` milliseconds, ``count`` times.

        Pulses are ``gap_ms`` apart (default: ``ms``). The call returns at once; the device
        times the pulses. Each time is 1..65535 ms.
        """
        _check_number(number)
        try:
            action = PortAction.pulse(number, ms, count, gap_ms)
        except ParseError as exc:
            raise ConfigurationError(exc.message) from None
        yield from IOPortsAPI.run_action.flow(self, action)

    @operation
    def run_action(self, action: PortAction | str) -> Flow[None]:
        """Send any port.cgi action, as a :class:`PortAction` or as text (``"2:/300\\\\"``)."""
        if isinstance(action, str):
            try:
                action = port_action.parse_action(action)
            except ParseError as exc:
                raise ConfigurationError(exc.message) from None
        text = yield from self._port_cgi({"action": action.format()})
        if text.strip():
            # The documented answer to an action is an empty body; anything else is news.
            raise MalformedResponseError(
                f"action: expected an empty answer, got {text.strip()[:60]!r}", api=PORT_API
            )

    @operation
    def sequence(
        self,
        number: int,
        steps: Sequence[SequenceStep | tuple[CircuitState | str, int]],
    ) -> Flow[None]:
        """Run a state sequence on output ``number`` (portmanagement setStateSequence).

        Each step sets the circuit (``"open"``/``"closed"``, not active/inactive) and waits
        its milliseconds (0..65535) before the next; the last state stays. Returns at once.
        Raises :class:`SequenceOngoingError` while another sequence runs on the port.
        """
        _check_number(number)
        if isinstance(steps, (str, bytes)) or not steps:
            raise ConfigurationError("a sequence needs at least one step")
        sequence = []
        for step in steps:
            if not isinstance(step, SequenceStep):
                if not isinstance(step, tuple) or len(step) != 2:
                    raise ConfigurationError(f"step {step!r}: expected (state, ms)")
                step = SequenceStep(_coerce(CircuitState, step[0], "state"), step[1])
            sequence.append(step.to_json())
        try:
            yield from self._call(
                "setStateSequence", {"port": str(number - 1), "sequence": sequence}
            )
        except DeviceError as exc:
            if exc.code == SEQUENCE_ONGOING:
                raise SequenceOngoingError(
                    exc.message, code=exc.code, method=exc.method, api=exc.api
                ) from None
            raise

    # --- configuring -----------------------------------------------------------------

    @operation
    def set_ports(self, changes: Iterable[PortChange]) -> Flow[builtins.list[int]]:
        """Change name, usage, direction, normal state or output state of several ports.

        Needs an operator account. Returns the numbers of the ports the device changed.
        When some changes fail the device still applies the others and this raises
        :class:`PortConfigurationError` listing the failures. Changing a setting returns
        every output to its normal state and cancels running sequences.
        """
        entries = [change.to_json() for change in changes]
        if not entries:
            raise ConfigurationError("set_ports needs at least one change")
        if len(entries) > MAX_PORTS_PER_REQUEST:
            raise ConfigurationError(f"at most {MAX_PORTS_PER_REQUEST} ports per call")
        response = yield HttpRequest(
            "POST",
            MANAGEMENT_PATH,
            api=MANAGEMENT_API,
            json=build_envelope("setPorts", {"ports": entries}),
        )
        _raise_port_failures(response)
        data = parse_envelope(response, api=MANAGEMENT_API, method="setPorts")
        ids = data.get("ports", [])
        if not isinstance(ids, builtins.list):
            raise MalformedResponseError("setPorts: 'ports' is not a list", api=MANAGEMENT_API)
        numbers = []
        for port_id in ids:
            if not isinstance(port_id, str) or not port_id.isascii() or not port_id.isdigit():
                raise MalformedResponseError(
                    f"setPorts: port id {port_id!r} is not a number", api=MANAGEMENT_API
                )
            numbers.append(int(port_id) + 1)
        return numbers

    @operation
    def configure(
        self,
        number: int,
        *,
        name: str | None = None,
        usage: str | None = None,
        direction: Direction | str | None = None,
        normal_state: CircuitState | str | None = None,
    ) -> Flow[None]:
        """Change the settings of one port (see :meth:`set_ports`)."""
        change = PortChange(
            number, name=name, usage=usage, direction=direction, normal_state=normal_state
        )
        if len(change.to_json()) == 1:
            raise ConfigurationError("configure: give at least one setting to change")
        yield from IOPortsAPI.set_ports.flow(self, [change])

    # --- plumbing --------------------------------------------------------------------

    def _call(
        self, method: str, params: Mapping[str, Any] | None = None, *, idempotent: bool = False
    ) -> Flow[dict[str, Any]]:
        response = yield HttpRequest(
            "POST",
            MANAGEMENT_PATH,
            api=MANAGEMENT_API,
            json=build_envelope(method, params),
            idempotent=idempotent,
        )
        return parse_envelope(response, api=MANAGEMENT_API, method=method)

    def _port_cgi(self, params: Mapping[str, str]) -> Flow[str]:
        method = next(iter(params))
        # Reads are safe to repeat; an action with waits is not (it would pulse twice).
        response = yield HttpRequest(
            "GET",
            PORT_PATH,
            api=PORT_API,
            params=params,
            idempotent=method != "action",
            accept_status=frozenset({400}),
        )
        text = response.text(default_charset=param_text.ENCODING)
        message = param_text.error_message(text)
        if message is not None:
            raise DeviceError(message, method=method, api=PORT_API)
        if response.status == 400:
            raise DeviceError(
                text.strip()[:200] or "Bad Request", code=None, method=method, api=PORT_API
            )
        return text


def _parsed(
    parse: Callable[[str], dict[int, V]], text: str, numbers: Sequence[int], method: str
) -> dict[int, V]:
    """Parse a check answer and insist that it covers every port asked about."""
    try:
        values = parse(text)
    except ParseError as exc:
        raise MalformedResponseError(f"{method}: {exc.message}", api=PORT_API) from None
    missing = [n for n in numbers if n not in values]
    if missing:
        raise MalformedResponseError(
            f"{method}: the answer lacks port {', '.join(map(str, missing))}", api=PORT_API
        )
    return {n: values[n] for n in numbers}


def _port_from_params(
    values: Mapping[str, str], index: int, states: Mapping[int, CircuitState]
) -> Port:
    base = f"IOPort.I{index}"

    def get(name: str, default: str | None = None) -> str:
        value = values.get(f"{base}.{name}", default)
        if value is None:
            raise MalformedResponseError(f"{base} lacks {name}", api="param.cgi")
        return value

    raw_direction = get("Direction", "input")
    try:
        direction = Direction(raw_direction)
    except ValueError:
        raise MalformedResponseError(
            f"{base}.Direction is {raw_direction!r}, expected input or output", api="param.cgi"
        ) from None
    if direction is Direction.INPUT:
        name = get("Input.Name", f"Port {index + 1}")
        normal = _normal_from_trigger(get("Input.Trig", "closed"), f"{base}.Input.Trig")
    else:
        name = get("Output.Name", f"Port {index + 1}")
        normal = _normal_from_trigger(get("Output.Active", "closed"), f"{base}.Output.Active")
    return Port(
        index=index,
        name=name,
        direction=direction,
        state=states[index + 1],
        normal_state=normal,
        configurable=get("Configurable", "no").strip().lower() == "yes",
        usage=get("Usage", ""),
    )
