"""Text in and out of the reader emulator: input lines that present cards and keys, and
one-line descriptions of what the control panel asked the reader to do.

Input lines (``axisctl osdp reader`` reads them from standard input)::

    card 10111101100010001110101110     the frame's bits, first transmitted first
    card 26:02f623ae                    bit count and the bits as one hex number (Axis style)
    card h10301:123:4567                a format with facility code and card number
    card h10302:4567                    a format without facility code
    keys 1234#                          key presses: 0-9, * and #
    tamper on | tamper off              the tamper switch
    quit                                stop the emulator

Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axisctl.errors import AxisError, ParseError

from .messages import BuzzerCommand, Command, ComSet, KeySet, LedCommand, OutputCommand, TextCommand
from .pd import CommandReceived
from .pd_state import EmulatorState

__all__ = [
    "CardInput",
    "KeysInput",
    "QuitInput",
    "ReaderInput",
    "ReaderInputError",
    "TamperInput",
    "command_record",
    "describe_command",
    "parse_reader_line",
]


class ReaderInputError(ParseError):
    """An input line the reader emulator does not understand; the message says why."""


@dataclass(frozen=True)
class CardInput:
    """Present a card with these bits (``0``/``1``, first transmitted first)."""

    bits: str


@dataclass(frozen=True)
class KeysInput:
    """Press these keys."""

    keys: str


@dataclass(frozen=True)
class TamperInput:
    """Open (``True``) or close the tamper switch."""

    tamper: bool


@dataclass(frozen=True)
class QuitInput:
    """Stop the emulator."""


ReaderInput = CardInput | KeysInput | TamperInput | QuitInput

_USAGE = "expected 'card BITS|COUNT:HEX|FORMAT:[FACILITY:]CARD', 'keys DIGITS', 'tamper on|off'"


def parse_reader_line(line: str) -> ReaderInput | None:
    """The action an input line asks for; None for a blank or comment line."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if word == "quit":
        return QuitInput()
    if word == "keys":
        if not rest:
            raise ReaderInputError("keys: give the keys to press, e.g. 'keys 1234#'")
        return KeysInput(rest.replace(" ", ""))
    if word == "tamper":
        if rest.lower() not in ("on", "off"):
            raise ReaderInputError(f"tamper: expected 'on' or 'off', got {rest!r}")
        return TamperInput(rest.lower() == "on")
    if word == "card":
        if not rest:
            raise ReaderInputError("card: give the card, e.g. 'card h10301:123:4567'")
        return CardInput(_card_bits(rest))
    raise ReaderInputError(f"unknown input {word!r}: {_USAGE}")


def _card_bits(text: str) -> str:
    # The Wiegand codec knows the formats, parity rules and the Axis hex convention.
    from axisctl.drivers.wiegand import WiegandFormat, WiegandFrame, encode

    try:
        if ":" not in text:
            return WiegandFrame.from_text(text).to_text()
        head, _, tail = text.partition(":")
        if head.isdigit():
            digits = tail.lower().removeprefix("0x")
            if not digits or set(digits) - set("0123456789abcdef"):
                raise ReaderInputError(f"card: {tail!r} is not a hexadecimal number")
            return WiegandFrame(int(digits, 16), int(head)).to_text()
        card_format = WiegandFormat.parse(head)
        parts = tail.split(":")
        if not all(part.isdigit() for part in parts):
            raise ReaderInputError(f"card: facility and card numbers are decimal, got {tail!r}")
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return encode(card_format, card=numbers[0]).to_text()
        if len(numbers) == 2:
            return encode(card_format, facility=numbers[0], card=numbers[1]).to_text()
        raise ReaderInputError(f"card: too many fields in {text!r}: {_USAGE}")
    except ReaderInputError:
        raise
    except (AxisError, ValueError) as error:
        raise ReaderInputError(f"card: {error}") from None


def describe_command(event: CommandReceived, state: EmulatorState) -> list[str]:
    """What the reader shows after ``event``, one line per record, for people."""
    payload = event.payload
    records = payload if isinstance(payload, tuple) else (payload,)
    lines = []
    for record in records:
        if isinstance(record, LedCommand):
            shown = state.led(record.led, record.reader).describe()
            lines.append(f"LED {record.led}: {shown}")
        elif isinstance(record, BuzzerCommand):
            lines.append(f"buzzer: {state.buzzer(record.reader).describe()}")
        elif isinstance(record, TextCommand):
            lines.append(f"text row {record.row} col {record.column}: {record.text}")
        elif isinstance(record, OutputCommand):
            level = "on" if state.outputs()[record.output] else "off"
            timed = f" ({record.timer / 10:g} s timer)" if record.timer else ""
            lines.append(f"output {record.output}: {level}{timed} [{record.control.name}]")
        elif isinstance(record, ComSet):
            lines.append(f"moved to address {record.address} at {record.baud_rate} baud")
        elif isinstance(record, KeySet):
            lines.append("new secure channel key received (not shown)")
        elif event.command not in (Command.POLL,):
            lines.append(f"{event.command.name} answered")
    return lines


def command_record(event: CommandReceived) -> dict[str, Any]:
    """A JSON-ready description of an accepted command; keys are never included."""
    payload = event.payload
    records = payload if isinstance(payload, tuple) else (payload,)
    described = []
    for record in records:
        if record is None:
            continue
        if isinstance(record, KeySet):
            described.append({"key_type": int(record.key_type)})
            continue
        fields = {}
        for name in getattr(record, "__dataclass_fields__", {}):
            value = getattr(record, name)
            fields[name] = int(value) if hasattr(value, "value") else value
        described.append(fields)
    return {"command": event.command.name, "secure": event.secure, "records": described}
