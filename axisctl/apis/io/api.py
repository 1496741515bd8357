"""The :class:`IOPortsAPI`: port.cgi, portmanagement.cgi and the ``IOPort`` parameters."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from axisctl.apis._fields import require_list
from axisctl.apis.io.errors import SEQUENCE_ONGOING, SequenceOngoingError, _raise_port_failures
from axisctl.apis.io.models import (
    MANAGEMENT_API,
    PORT_API,
    Port,
    PortChange,
    SequenceStep,
    _check_number,
    _coerce,
    port_index,
)
from axisctl.codecs import param_text, port_action
from axisctl.codecs.port_action import CircuitState, Direction, PortAction
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, HttpRequest, ModeT, operation
from axisctl.transport.jsonrpc import build_envelope, parse_envelope, supported_versions

PORT_PATH = "/axis-cgi/io/port.cgi"
MANAGEMENT_PATH = "/axis-cgi/io/portmanagement.cgi"
PARAM_PATH = "/axis-cgi/param.cgi"

V = TypeVar("V")

#: Most ports one setPorts request may carry.
MAX_PORTS_PER_REQUEST = 256


def _check_numbers(numbers: Iterable[int]) -> builtins.list[int]:
    checked = [_check_number(n) for n in numbers]
    if not checked:
        raise ConfigurationError("give at least one port number")
    return checked


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
                _param_index(name.split(".")[1][1:])
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
            index = port_index(port_id)
            if index is None:
                shown = port_id[:40] if isinstance(port_id, str) else port_id
                raise MalformedResponseError(
                    f"setPorts: port id {shown!r} is not a number", api=MANAGEMENT_API
                )
            numbers.append(index + 1)
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


def _param_index(digits: str) -> int:
    """The index of ``IOPort.I<digits>``, refused unless its port is one port.cgi can name.

    The next step asks port.cgi about every port found; a number it cannot take would come
    back as the caller's ConfigurationError although the device's answer is at fault.
    """
    index = port_index(digits)
    if index is None or index + 1 > port_action.MAX_PORT:
        raise MalformedResponseError(
            f"IOPort.I{digits[:40]}: not a port number port.cgi can address (1-"
            f"{port_action.MAX_PORT})",
            api="param.cgi",
        )
    return index


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


def _normal_from_trigger(trigger: str, where: str) -> CircuitState:
    """``Input.Trig`` / ``Output.Active`` name the *active* circuit; normal is the other one."""
    try:
        return CircuitState(trigger).opposite
    except ValueError:
        raise MalformedResponseError(
            f"{where} is {trigger!r}, expected open or closed", api="param.cgi"
        ) from None
