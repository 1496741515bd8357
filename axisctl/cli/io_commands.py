"""``axisctl io``: list, read and drive the digital I/O ports of a device."""

from __future__ import annotations

from typing import Any

import click

from axisctl.apis.io import (
    Port,
    SequenceStep,
    module_input_port,
    relay_port,
)
from axisctl.cli.app import Connection, cli
from axisctl.cli.device_commands import json_option, pass_connection
from axisctl.cli.output import console, print_json, print_table
from axisctl.codecs.port_action import MAX_STATES
from axisctl.device import Device
from axisctl.errors import ConfigurationError, UnsupportedAPIError

_STATES = {"active": True, "on": True, "inactive": False, "off": False}


# ParamType is generic only in newer click; subscripting it would break click 8.1.
class PortNumber(click.ParamType):  # type: ignore[type-arg]
    """A port number from 1, or ``relayN`` / ``inputN`` of an Axis I/O relay module."""

    name = "PORT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        try:
            for prefix, convert in (("relay", relay_port), ("input", module_input_port)):
                if text.startswith(prefix):
                    return convert(int(text[len(prefix) :]))
            number = int(text)
        except ValueError as exc:
            self.fail(f"{value!r} is not a port: {exc}", param, ctx)
        if number < 1:
            self.fail(f"ports are numbered from 1, got {number}", param, ctx)
        return number


PORT = PortNumber()


@cli.group("io")
def io() -> None:
    """Digital I/O ports (port.cgi, portmanagement.cgi).

    Ports are numbered from 1, as in the manuals ("Port 1"). A port is active when its
    circuit differs from its normal state. On an Axis I/O relay module, inputs 1-8 are
    ports 1-8 and relays 1-8 are ports 9-16; write relay3 or input5 for those.

    \b
    Examples:
      axisctl io ports                                # every port and its state
      axisctl io read 1 2 --json                      # circuit and active state
      axisctl io set 2 active                         # or: on, inactive, off
      axisctl io pulse 2 --ms 300 --count 2 --gap-ms 500
      axisctl io sequence 2 closed:1000 open:2000 closed:0
      axisctl io set relay3 on                        # port 11 of a relay module
    """


def _ports(device: Device, from_params: bool) -> list[Port]:
    if not from_params:
        try:
            return device.io.list()
        except UnsupportedAPIError:
            pass  # Older firmware: no portmanagement.cgi, but IOPort parameters.
    return device.io.list_from_params()


@io.command("ports")
@json_option
@click.option(
    "--params",
    "from_params",
    is_flag=True,
    help="Read the IOPort parameters instead of portmanagement.cgi (older firmware).",
)
@pass_connection
def io_ports(conn: Connection, as_json: bool, from_params: bool) -> None:
    """List every port: name, direction, normal and current state.

    \b
    Example:
      axisctl io ports --json
    """
    with conn.device() as device:
        ports = _ports(device, from_params)
    if as_json:
        print_json([{"number": p.number, **_jsonable(p), "active": p.active} for p in ports])
        return
    print_table(
        None,
        ("port", "name", "direction", "normal", "circuit", "active", "configurable", "usage"),
        [
            (
                p.number,
                p.name,
                p.direction.value,
                p.normal_state.value,
                p.state.value,
                "yes" if p.active else "no",
                "yes" if p.configurable else "no",
                p.usage,
            )
            for p in ports
        ],
    )


def _jsonable(port: Port) -> dict[str, Any]:
    return {
        "index": port.index,
        "name": port.name,
        "direction": port.direction.value,
        "normal_state": port.normal_state.value,
        "state": port.state.value,
        "configurable": port.configurable,
        "readonly": port.readonly,
        "usage": port.usage,
    }


@io.command("read")
@click.argument("ports", nargs=-1, type=PORT)
@json_option
@pass_connection
def io_read(conn: Connection, ports: tuple[int, ...], as_json: bool) -> None:
    """Read the circuit of PORTs (default: all) and whether each is active.

    \b
    Example:
      axisctl io read 1 2
    """
    with conn.device() as device:
        numbers = list(ports) or [p.number for p in _ports(device, from_params=False)]
        if not numbers:
            raise click.ClickException("the device has no I/O ports")
        circuits = device.io.check(*numbers)
        active = device.io.check_active(*numbers)
    rows = [(n, circuits[n].value, active[n]) for n in numbers]
    if as_json:
        print_json([{"port": n, "circuit": c, "active": a} for n, c, a in rows])
        return
    print_table(
        None, ("port", "circuit", "active"), [(n, c, "yes" if a else "no") for n, c, a in rows]
    )


@io.command("set")
@click.argument("port", type=PORT)
@click.argument("state", type=click.Choice(sorted(_STATES), case_sensitive=False))
@pass_connection
def io_set(conn: Connection, port: int, state: str) -> None:
    """Make output PORT active or inactive (on/off) and leave it so.

    Active is the opposite of the port's normal state: on a normally open output it
    closes the circuit.

    \b
    Examples:
      axisctl io set 2 active
      axisctl io set relay1 off
    """
    active = _STATES[state.lower()]
    with conn.device() as device:
        device.io.set_output(port, active)
    console.print(f"port {port}: {'active' if active else 'inactive'}")


@io.command("pulse")
@click.argument("port", type=PORT)
@click.option(
    "--ms",
    type=click.IntRange(1, 65535),
    required=True,
    help="How long each pulse keeps the output active, in milliseconds.",
)
@click.option(
    "--count",
    type=click.IntRange(1, MAX_STATES // 2),
    default=1,
    show_default=True,
    help="Number of pulses.",
)
@click.option(
    "--gap-ms",
    type=click.IntRange(1, 65535),
    help="Milliseconds between pulses. [default: same as --ms]",
)
@pass_connection
def io_pulse(conn: Connection, port: int, ms: int, count: int, gap_ms: int | None) -> None:
    """Activate output PORT for --ms milliseconds, --count times; the device times it.

    \b
    Examples:
      axisctl io pulse 2 --ms 300                     # one 300 ms pulse
      axisctl io pulse 2 --ms 300 --count 2 --gap-ms 500
    """
    with conn.device() as device:
        device.io.pulse(port, ms, count=count, gap_ms=gap_ms)
    plural = "s" if count != 1 else ""
    console.print(f"port {port}: {count} pulse{plural} of {ms} ms")


@io.command("sequence")
@click.argument("port", type=PORT)
@click.argument("steps", nargs=-1, required=True, metavar="STATE:MS...")
@pass_connection
def io_sequence(conn: Connection, port: int, steps: tuple[str, ...]) -> None:
    """Run a state sequence on output PORT (portmanagement setStateSequence).

    Each STATE:MS step sets the circuit to open or closed, then waits MS milliseconds
    (0 to 65535) before the next step. The last state stays. Fails with exit code 6 while
    another sequence runs on the port.

    \b
    Example:
      axisctl io sequence 2 closed:1000 open:2000 closed:1000 open:0
    """
    parsed: list[SequenceStep] = []
    for text in steps:
        try:
            step = SequenceStep.parse(text)
            step.to_json()  # range check now, so that a typo is a usage error (exit 2)
        except ConfigurationError as exc:
            raise click.BadParameter(exc.message, param_hint="STATE:MS") from None
        parsed.append(step)
    with conn.device() as device:
        device.io.sequence(port, parsed)
    total = sum(step.ms for step in parsed)
    console.print(f"port {port}: sequence of {len(parsed)} steps started ({total} ms)")
