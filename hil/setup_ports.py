"""I/O port set-up: which ports of a device are inputs and which are outputs.

A rig wires a device's port in one direction: a pi-to-device wire needs the port to be an
input, a device-to-pi wire an output. :func:`configure_ports` makes it so through
``portmanagement.cgi`` (``device.io``), with normal state "open": an input is active while
the rig ties it to pin 1, an output is active while it ties its pin to pin 1.

Changing a port setting puts every output of the device back to its normal state (the
manuals), so only ports that differ are changed, and a second call changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from axisctl.apis.io import CircuitState, Direction, Port, PortChange
from axisctl.device import Device
from axisctl.errors import ConfigurationError
from axisctl.hil.setup_common import Undo

__all__ = ["configure_ports"]


def configure_ports(
    device: Device,
    *,
    inputs: Iterable[int] = (),
    outputs: Iterable[int] = (),
    normal_state: CircuitState = CircuitState.OPEN,
) -> Undo:
    """Make ports ``inputs`` inputs and ``outputs`` outputs, each with ``normal_state``.

    Ports already so are left alone. A port that is not configurable and points the other
    way raises :class:`~axisctl.errors.ConfigurationError` before anything is changed.
    """
    wanted = dict.fromkeys(inputs, Direction.INPUT)
    for number in outputs:
        if wanted.get(number) is Direction.INPUT:
            raise ConfigurationError(f"port {number} cannot be both an input and an output")
        wanted[number] = Direction.OUTPUT
    undo = Undo(f"ports of {device.url}")
    if not wanted:
        return undo
    ports = {port.number: port for port in device.io.list()}
    changes: list[PortChange] = []
    restore: list[PortChange] = []
    for number, direction in sorted(wanted.items()):
        port = ports.get(number)
        if port is None:
            raise ConfigurationError(f"{device.url} has no port {number} ({len(ports)} ports)")
        if port.direction is direction and port.normal_state is normal_state:
            continue
        if port.direction is not direction and not port.configurable:
            raise ConfigurationError(
                f"port {number} of {device.url} is a fixed {port.direction.value}; "
                f"the rig needs an {direction.value}"
            )
        changes.append(PortChange(number, direction=direction, normal_state=normal_state))
        restore.append(_as_it_was(port))
    if changes:
        device.io.set_ports(changes)
        undo.add(f"ports {', '.join(str(c.number) for c in restore)}", _setter(device, restore))
    return undo


def _as_it_was(port: Port) -> PortChange:
    return PortChange(port.number, direction=port.direction, normal_state=port.normal_state)


def _setter(device: Device, changes: list[PortChange]) -> Callable[[], object]:
    def put_back() -> None:
        device.io.set_ports(changes)

    return put_back
