"""``axisctl osdp``: talk to OSDP readers on an RS-485 port, or be one.

``id``, ``cap``, ``led``, ``buzz`` and ``watch`` run a control panel for one reader (or a
few, for ``watch``) on the serial port, bring it online (with the secure channel if a key
or install mode is given), do their one thing and stop. ``reader`` is the reader emulator:
it answers a control panel on the port, prints what it is told to show, and presents the
cards and key presses typed on standard input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from axisctl.cli.app import cli
from axisctl.cli.output import print_json, print_table
from axisctl.drivers.osdp import (
    BAUD_RATES,
    BuzzerCommand,
    CapabilityFunction,
    ControlPanel,
    CpEvent,
    CpTimings,
    LedColor,
    LedCommand,
    PdConfig,
    PermanentLedControl,
    ReaderConfig,
    ReaderEmulator,
    Rs485Settings,
    SerialLink,
    TemporaryLedControl,
    ToneCode,
    parse_scbk,
)
from axisctl.drivers.osdp.cp_console import describe_event, event_record
from axisctl.drivers.osdp.pd import CommandReceived, KeyChanged, PdEvent, SecureChannelChanged
from axisctl.drivers.osdp.pd_console import (
    CardInput,
    KeysInput,
    QuitInput,
    ReaderInputError,
    TamperInput,
    command_record,
    describe_command,
    parse_reader_line,
)
from axisctl.errors import ConfigurationError

__all__ = ["osdp"]

#: Where the secure channel key may come from instead of the command line.
SCBK_ENV = "AXISCTL_OSDP_SCBK"
F = TypeVar("F", bound=Callable[..., Any])


@cli.group()
def osdp() -> None:
    """OSDP readers on an RS-485 port: a control panel, and a reader emulator.

    The port is a serial device (a USB RS-485 adapter, the Pi's UART with a transceiver) or
    any pyserial URL. Keys (SCBK, 32 hex digits) are best passed in AXISCTL_OSDP_SCBK so
    they stay out of shell history; they are never printed.

    \b
    Examples:
      axisctl osdp id --port /dev/ttyUSB0 --address 1
      AXISCTL_OSDP_SCBK=... axisctl osdp led --port /dev/ttyUSB0 --address 1 --color green
      axisctl osdp led --port /dev/ttyUSB0 --address 1 --install-mode --scbk ...   # set a key
      axisctl osdp watch --port /dev/ttyUSB0 --address 1 --address 2 --json
      axisctl osdp reader --port /dev/ttyUSB1 --address 1     # then type: card h10301:1:42
    """


# --- options --------------------------------------------------------------------------------


def _scbk(ctx: click.Context, param: click.Parameter, value: str | None) -> bytes | None:
    if value is None or value == "":
        return None
    try:
        return parse_scbk(value)
    except ConfigurationError as error:
        raise click.BadParameter(error.message) from None


def _port_options(function: F) -> F:
    options = [
        click.option("--port", required=True, metavar="TTY", help="Serial port or pyserial URL."),
        click.option(
            "--baud",
            type=click.Choice([str(rate) for rate in BAUD_RATES]),
            default="9600",
            show_default=True,
            help="Line speed.",
        ),
        click.option(
            "--scbk",
            envvar=SCBK_ENV,
            callback=_scbk,
            metavar="HEX",
            help=f"Secure channel base key, 32 hex digits. [env: {SCBK_ENV}]",
        ),
        click.option(
            "--install-mode",
            is_flag=True,
            help="Use the install-mode key SCBK-D; with --scbk, give a new reader that key.",
        ),
        click.option(
            "--no-rs485",
            "no_rs485",
            is_flag=True,
            help="Do not ask the driver for kernel RS-485 mode (adapters with automatic "
            "direction control do not need it).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _panel_options(function: F) -> F:
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=5.0,
        show_default=True,
        help="Seconds to wait for the reader to come online.",
    )(function)
    function = click.option("--address", type=click.IntRange(0, 126), default=0, show_default=True)(
        function
    )
    return _port_options(function)


@contextlib.contextmanager
def _control_panel(
    port: str,
    baud: str,
    no_rs485: bool,
    configs: list[PdConfig],
    on_event: Callable[[CpEvent], object] | None = None,
) -> Iterator[ControlPanel]:
    rate = int(baud)
    link = SerialLink(port, rate, rs485=None if no_rs485 else Rs485Settings())
    try:
        panel = ControlPanel(link, configs, timings=CpTimings(baud_rate=rate), on_event=on_event)
        with panel:
            yield panel
    finally:
        link.close()


@contextlib.contextmanager
def _online(
    *,
    port: str,
    baud: str,
    no_rs485: bool,
    address: int,
    scbk: bytes | None,
    install_mode: bool,
    timeout: float,
) -> Iterator[ControlPanel]:
    """A control panel with the reader at ``address`` online (or PdOfflineError why not)."""
    config = PdConfig(address, scbk=scbk, install_mode=install_mode)
    with _control_panel(port, baud, no_rs485, [config]) as panel:
        panel.wait_online(address, timeout)
        yield panel


def _tenths(name: str, seconds: float, maximum: int = 0xFF) -> int:
    tenths = round(seconds * 10)
    if not 0 <= tenths <= maximum:
        raise click.BadParameter(f"{seconds:g} s is outside 0..{maximum / 10:g} s", param_hint=name)
    return tenths


# --- one-shot commands ----------------------------------------------------------------------


@osdp.command("id")
@_panel_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def osdp_id(as_json: bool, **bus: Any) -> None:
    """The reader's identity: vendor code, model, version, serial number, firmware."""
    with _online(**bus) as panel:
        identity = panel.identify(bus["address"])
        secure = panel.reader(bus["address"]).secure
    if as_json:
        print_json({**dataclasses.asdict(identity), "secure": secure})
        return
    click.echo(f"vendor code  {identity.vendor_code:06X}")
    click.echo(f"model        {identity.model}")
    click.echo(f"version      {identity.version}")
    click.echo(f"serial       {identity.serial_number:08X}")
    click.echo(f"firmware     {identity.firmware_version}")
    click.echo(f"secure       {'yes' if secure else 'no'}")


@osdp.command("cap")
@_panel_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def osdp_cap(as_json: bool, **bus: Any) -> None:
    """What the reader can do (its PDCAP report)."""
    with _online(**bus) as panel:
        capabilities = panel.capabilities(bus["address"])
    rows = []
    for function, compliance, items in capabilities.capabilities:
        try:
            name = CapabilityFunction(function).name.lower().replace("_", " ")
        except ValueError:
            name = f"function {function}"
        rows.append((function, name, compliance, items))
    if as_json:
        keys = ("function", "name", "compliance", "items")
        print_json([dict(zip(keys, row, strict=True)) for row in rows])
    else:
        print_table(None, ["Function", "Name", "Compliance", "Items"], rows)


_COLORS = [color.name.lower() for color in LedColor]


@osdp.command("led")
@_panel_options
@click.option(
    "--led",
    "led_number",
    type=click.IntRange(0, 255),
    default=0,
    show_default=True,
    help="LED number on the reader.",
)
@click.option(
    "--reader",
    type=click.IntRange(0, 255),
    default=0,
    show_default=True,
    help="Reader number behind the address (0: the reader itself).",
)
@click.option("--color", type=click.Choice(_COLORS), default="green", show_default=True)
@click.option("--off-color", type=click.Choice(_COLORS), default="black", show_default=True)
@click.option("--on-time", type=float, default=0.0, help="Seconds on per flash (0: steady).")
@click.option("--off-time", type=float, default=0.0, help="Seconds off per flash (0: steady).")
@click.option(
    "--temporary",
    type=float,
    metavar="SECONDS",
    help="Show this for SECONDS, then return to the permanent setting.",
)
def osdp_led(
    led_number: int,
    reader: int,
    color: str,
    off_color: str,
    on_time: float,
    off_time: float,
    temporary: float | None,
    **bus: Any,
) -> None:
    """Set a reader LED: steady or flashing, permanently or for a while."""
    on, off = _tenths("--on-time", on_time), _tenths("--off-time", off_time)
    if on == 0 and off == 0:
        on = 1  # steady: libosdp readers refuse an LED that is neither on nor off
    colors = LedColor[color.upper()], LedColor[off_color.upper()]
    if temporary is not None:
        record = LedCommand(
            reader,
            led_number,
            temporary_control=TemporaryLedControl.SET,
            temporary_on_time=on,
            temporary_off_time=off,
            temporary_on_color=colors[0],
            temporary_off_color=colors[1],
            temporary_timer=_tenths("--temporary", temporary, 0xFFFF),
        )
    else:
        record = LedCommand(
            reader,
            led_number,
            permanent_control=PermanentLedControl.SET,
            permanent_on_time=on,
            permanent_off_time=off,
            permanent_on_color=colors[0],
            permanent_off_color=colors[1],
        )
    with _online(**bus) as panel:
        panel.led(bus["address"], record)


@osdp.command("buzz")
@_panel_options
@click.option("--reader", type=click.IntRange(0, 255), default=0, show_default=True)
@click.option("--on-time", type=float, default=0.2, show_default=True, help="Seconds per beep.")
@click.option("--off-time", type=float, default=0.2, show_default=True, help="Seconds between.")
@click.option(
    "--count", type=click.IntRange(0, 255), default=1, show_default=True, help="0: until stopped."
)
@click.option("--stop", is_flag=True, help="Silence the buzzer.")
def osdp_buzz(
    reader: int, on_time: float, off_time: float, count: int, stop: bool, **bus: Any
) -> None:
    """Beep the reader's buzzer."""
    if stop:
        record = BuzzerCommand(reader, ToneCode.OFF, 0, 0, 0)
    else:
        on = _tenths("--on-time", on_time)
        if on == 0:
            raise click.BadParameter("a beep needs some time on", param_hint="--on-time")
        record = BuzzerCommand(reader, ToneCode.DEFAULT, on, _tenths("--off-time", off_time), count)
    with _online(**bus) as panel:
        panel.buzzer(bus["address"], record)


# --- watch ----------------------------------------------------------------------------------


@osdp.command("watch")
@_port_options
@click.option(
    "--address",
    "addresses",
    type=click.IntRange(0, 126),
    multiple=True,
    help="Reader address; repeat for several readers on the bus. [default: 0]",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--duration", type=click.FloatRange(min=0), help="Stop after this many seconds.")
def osdp_watch(
    port: str,
    baud: str,
    scbk: bytes | None,
    install_mode: bool,
    no_rs485: bool,
    addresses: tuple[int, ...],
    as_json: bool,
    duration: float | None,
) -> None:
    """Print card reads, key presses, status and online/offline changes as they happen.

    Runs until Ctrl-C (or --duration). Lines go to standard output as they come.
    """
    configs = [
        PdConfig(address, scbk=scbk, install_mode=install_mode) for address in addresses or (0,)
    ]
    with (
        contextlib.suppress(KeyboardInterrupt),
        _control_panel(port, baud, no_rs485, configs) as panel,
    ):
        deadline = None if duration is None else time.monotonic() + duration
        hint_at = time.monotonic() + _WATCH_HINT
        while deadline is None or time.monotonic() < deadline:
            wait = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            event = panel.next_event(wait)
            if hint_at and time.monotonic() > hint_at:
                hint_at = 0.0
                _hint_offline(panel)
            if event is None:
                continue
            if as_json:
                click.echo(json.dumps({**event_record(event), "time": time.time()}))
            else:
                click.echo(f"{_clock()} {describe_event(event)}")


#: Seconds after which ``watch`` says on standard error which readers are not online yet.
_WATCH_HINT = 5.0


def _hint_offline(panel: ControlPanel) -> None:
    for address in panel.addresses:
        info = panel.reader(address)
        if not info.online:
            why = info.last_error or "no answer yet"
            click.echo(f"reader {address} is not online yet: {why}", err=True)


def _clock() -> str:
    return datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]


# --- the reader emulator --------------------------------------------------------------------


@osdp.command("reader")
@_port_options
@click.option(
    "--address",
    type=click.IntRange(0, 126),
    default=0,
    show_default=True,
    help="The address to answer on.",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the SCBK in this file: read at start, rewritten when a control panel sets a "
    "new key (KEYSET), as a real reader keeps its key.",
)
@click.option("--outputs", type=click.IntRange(0, 16), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print received commands as JSON lines.")
def osdp_reader(
    port: str,
    baud: str,
    scbk: bytes | None,
    install_mode: bool,
    no_rs485: bool,
    address: int,
    key_file: Path | None,
    outputs: int,
    as_json: bool,
) -> None:
    """Emulate an OSDP reader on the port.

    Prints the LED, buzzer, text and output commands a control panel sends. Type on
    standard input to present credentials:

    \b
      card 10111101100010001110101110   bits as sent, first bit first
      card 26:02f623ae                  bit count and hex value
      card h10301:123:4567              format, facility code, card number
      keys 1234#                        key presses
      tamper on|off                     the tamper switch
      quit                              stop (so does Ctrl-C)

    Without a key the reader is in install mode and accepts the default key SCBK-D, until a
    control panel sets one with KEYSET.
    """
    if scbk is None and key_file is not None and key_file.exists():
        scbk = parse_scbk(key_file.read_text())
    config = ReaderConfig(address, scbk=scbk, install_mode=install_mode, outputs=outputs)
    out = _ReaderOutput(as_json, key_file)
    rate = int(baud)
    link = SerialLink(port, rate, rs485=None if no_rs485 else Rs485Settings())
    emulator = ReaderEmulator(link, config, on_event=out.event)
    out.state = emulator.state
    keying = "key set" if scbk is not None else "install mode"
    out.status(f"reader {address} on {port} at {rate} baud ({keying}); type card or keys lines")
    try:
        with emulator, contextlib.suppress(KeyboardInterrupt):
            _read_input(emulator, out)
    finally:
        link.close()


class _ReaderOutput:
    """Prints what the emulated reader is told, as lines or JSON; saves new keys."""

    def __init__(self, as_json: bool, key_file: Path | None) -> None:
        self.as_json = as_json
        self.key_file = key_file
        self.state: Any = None
        self._lock = threading.Lock()

    def status(self, text: str) -> None:
        with self._lock:
            click.echo(text, err=self.as_json)

    def event(self, event: PdEvent) -> None:
        if isinstance(event, CommandReceived) and self.state is not None:
            if self.as_json:
                with self._lock:
                    click.echo(json.dumps({"time": time.time(), **command_record(event)}))
            else:
                for line in describe_command(event, self.state):
                    self.status(f"{_clock()} {line}")
        elif isinstance(event, SecureChannelChanged):
            what = "secure channel up" if event.active else f"secure channel down: {event.reason}"
            if event.active and event.default_key:
                what += " (install-mode key)"
            self.status(f"{_clock()} {what}")
        if self.key_file is not None and isinstance(event, KeyChanged):
            _save_key(self.key_file, event.scbk)
            self.status(f"{_clock()} new key saved to {self.key_file}")


def _save_key(path: Path, key: bytes) -> None:
    # Written owner-only before the key goes in, so it is never readable by others.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key.hex() + "\n")


def _read_input(emulator: ReaderEmulator, out: _ReaderOutput) -> None:
    for line in sys.stdin:
        try:
            action = parse_reader_line(line)
        except ReaderInputError as error:
            click.echo(f"error: {error}", err=True)
            continue
        try:
            if isinstance(action, QuitInput):
                return
            if isinstance(action, CardInput):
                emulator.present_card(action.bits)
                out.status(f"{_clock()} card {len(action.bits)} bits {action.bits} queued")
            elif isinstance(action, KeysInput):
                emulator.press_keys(action.keys)
                out.status(f"{_clock()} keys {action.keys} queued")
            elif isinstance(action, TamperInput):
                emulator.state.set_tamper(action.tamper)
        except ValueError as error:
            click.echo(f"error: {error}", err=True)
    # Standard input closed (a pipe, or a service): keep answering until stopped.
    while True:
        time.sleep(0.5)
