"""The reader emulator's text interface: input lines and descriptions of commands."""

from __future__ import annotations

import json

import pytest

from axisctl.drivers.osdp import (
    BuzzerCommand,
    Command,
    CommandPayload,
    CommandReceived,
    ComSet,
    EmulatorState,
    KeySet,
    LedColor,
    LedCommand,
    OutputCommand,
    OutputControl,
    PermanentLedControl,
    TextCommand,
)
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

H10301_123_4567 = "10111101100010001110101110"


@pytest.mark.parametrize(
    "line",
    [
        f"card {H10301_123_4567}",
        "card 1011 1101 1000 1000 1110 1011 10",
        "card 26:02f623ae",
        "card 26:0x2F623AE",
        "card h10301:123:4567",
        "  CARD Wiegand26:123:4567  ",
    ],
)
def test_every_way_of_writing_a_card_gives_the_same_bits(line: str) -> None:
    assert parse_reader_line(line) == CardInput(H10301_123_4567)


def test_formats_without_a_facility_code_take_just_the_card_number() -> None:
    parsed = parse_reader_line("card h10302:4567")
    assert isinstance(parsed, CardInput)
    assert len(parsed.bits) == 37


def test_keys_tamper_quit_and_blank_lines() -> None:
    assert parse_reader_line("keys 12 34#") == KeysInput("1234#")
    assert parse_reader_line("tamper on") == TamperInput(True)
    assert parse_reader_line("tamper OFF") == TamperInput(False)
    assert parse_reader_line("quit") == QuitInput()
    assert parse_reader_line("   ") is None
    assert parse_reader_line("# a comment") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello", "unknown input 'hello'"),
        ("card", "give the card"),
        ("card 10102", "not a bit string"),
        ("card 26:xyz", "'xyz' is not a hexadecimal number"),
        ("card 4:ff", "card: value does not fit in 4 bits"),
        ("card h10301:999:1", "facility 999 is out of range"),
        ("card h10301:a:1", "decimal"),
        ("card h10301:1:2:3", "too many fields"),
        ("card nosuchformat:1", "card:"),
        ("keys", "give the keys"),
        ("tamper maybe", "expected 'on' or 'off'"),
    ],
)
def test_bad_lines_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ReaderInputError, match=message):
        parse_reader_line(line)


def test_commands_are_described_as_the_reader_shows_them() -> None:
    state = EmulatorState(outputs=2)
    led = LedCommand(
        led=1,
        permanent_control=PermanentLedControl.SET,
        permanent_on_time=5,
        permanent_off_time=5,
        permanent_on_color=LedColor.AMBER,
    )
    state.apply_leds([led])
    beep = BuzzerCommand(on_time=3, off_time=2, count=2)
    state.apply_buzzer([beep])
    out = OutputCommand(1, OutputControl.TEMPORARY_ON, 70)
    state.apply_outputs([out])
    cases: list[tuple[Command, CommandPayload, list[str]]] = [
        (Command.LED, (led,), ["LED 1: amber 0.5 s / off 0.5 s"]),
        (Command.BUZ, (beep,), ["buzzer: beeping 0.3 s on / 0.2 s off, 2 times"]),
        (Command.OUT, (out,), ["output 1: on (7 s timer) [TEMPORARY_ON]"]),
        (Command.TEXT, TextCommand("HI", row=2), ["text row 2 col 1: HI"]),
        (Command.COMSET, ComSet(5, 38400), ["moved to address 5 at 38400 baud"]),
        (Command.ID, None, ["ID answered"]),
    ]
    for command, payload, expected in cases:
        assert describe_command(CommandReceived(command, payload, False), state) == expected


def test_keyset_is_described_and_recorded_without_the_key() -> None:
    key = bytes(range(16))
    event = CommandReceived(Command.KEYSET, KeySet(key), True)
    assert describe_command(event, EmulatorState()) == [
        "new secure channel key received (not shown)"
    ]
    record = json.dumps(command_record(event))
    assert key.hex() not in record
    assert json.loads(record) == {"command": "KEYSET", "secure": True, "records": [{"key_type": 1}]}


def test_command_records_are_json_ready() -> None:
    led = LedCommand(permanent_control=PermanentLedControl.SET, permanent_on_color=LedColor.RED)
    record = command_record(CommandReceived(Command.LED, (led,), False))
    (fields,) = record["records"]
    assert fields["permanent_on_color"] == 1
    assert json.loads(json.dumps(record)) == record
