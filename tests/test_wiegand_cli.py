"""``axisctl wiegand``, run as a real process."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

AXIS_EXAMPLE = "10000000000100111111001011"  # vapix-wire-formats §8.5: FC 0, card 10213


def test_encode_prints_bits_and_both_hex_forms(axisctl_cli: Run) -> None:
    result = axisctl_cli(
        "wiegand", "encode", "--format", "H10301", "--facility", "0", "--card", "10213"
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines() if line.strip())
    assert lines["bits"].strip() == "1 0000 0000 0010 0111 1110 0101 1"
    assert lines["hex"].startswith("02004fcb")
    assert "80 13 f2 c0" in result.stdout


def test_encode_json(axisctl_cli: Run) -> None:
    result = axisctl_cli(
        "wiegand",
        "encode",
        "--format",
        "Wiegand37FacilityCode",
        "--facility",
        "123",
        "--card",
        "4567",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document == {
        "format": "H10304",
        "axis_name": "Wiegand37FacilityCode",
        "facility": 123,
        "card": 4567,
        "bit_count": 37,
        "bits": "0000000000111101100000010001110101111",
        "hex": "0007b023af",
        "osdp_hex": "003d811d78",
        "parity": [
            {"kind": "even", "bit": 1, "window": "2-19", "value": 0, "ok": True},
            {"kind": "odd", "bit": 37, "window": "19-36", "value": 1, "ok": True},
        ],
    }


def test_encode_raw_needs_a_bit_count(axisctl_cli: Run) -> None:
    ok = axisctl_cli(
        "wiegand", "encode", "--format", "raw", "--bit-count", "32", "--card", "305419896", "--json"
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["hex"] == "12345678"
    missing = axisctl_cli("wiegand", "encode", "--format", "raw", "--card", "1")
    assert missing.returncode == 9
    assert "raw frames need a bit_count" in missing.stderr


def test_decode_the_axis_example(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", AXIS_EXAMPLE, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["format"], document["facility"], document["card"]) == ("H10301", 0, 10213)
    assert document["hex"] == "02004fcb"
    assert [p["ok"] for p in document["parity"]] == [True, True]
    assert document["also_valid_as"] == []


def test_decode_text_shows_the_parity_check(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", "1", "0000 0000", "0010 0111 1110 0101", "1")
    assert result.returncode == 0, result.stderr
    assert "card       10213" in result.stdout
    assert "even parity in bit 1 over bits 2-13: ok" in result.stdout
    assert "odd parity in bit 26 over bits 14-25: ok" in result.stdout


@pytest.mark.parametrize(
    "source",
    [
        ("--hex", "02004fcb", "--bit-count", "26"),
        ("--osdp-hex", "80 13 f2 c0", "--bit-count", "26"),
    ],
)
def test_decode_hex_forms(axisctl_cli: Run, source: tuple[str, ...]) -> None:
    result = axisctl_cli("wiegand", "decode", *source, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["card"] == 10213


def test_decode_37_bits_shows_both_readings(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", "--hex", "0007b023af", "--bit-count", "37", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "H10302"
    assert document["also_valid_as"] == [{"format": "H10304", "facility": 123, "card": 4567}]
    forced = axisctl_cli("wiegand", "decode", document["bits"], "--format", "H10304")
    assert "facility   123" in forced.stdout


def test_a_parity_error_says_which_and_exits_9(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", AXIS_EXAMPLE[:-1] + "0")
    assert result.returncode == 9
    assert result.stdout == ""
    assert "odd parity bit 26 does not match bits 14-25" in result.stderr


def test_a_wrong_length_says_so_and_exits_9(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", AXIS_EXAMPLE[:-1])
    assert result.returncode == 9
    assert "no card format has 25 bits" in result.stderr
    forced = axisctl_cli("wiegand", "decode", AXIS_EXAMPLE, "--format", "34")
    assert forced.returncode == 9
    assert "H10306 frames have 34 bits, got 26" in forced.stderr


def test_an_out_of_range_value_names_the_field_and_range(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "encode", "--format", "26", "--facility", "256", "--card", "1")
    assert result.returncode == 9
    assert "facility 256 is out of range 0-255" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("decode",), "give BITS, --hex or --osdp-hex"),
        (("decode", "1", "--hex", "01", "--bit-count", "1"), "exactly one"),
        (("decode", "--hex", "01"), "need --bit-count"),
        (("decode", "1", "--bit-count", "1"), "--bit-count goes with"),
        (("decode", "--osdp-hex", "zz", "--bit-count", "8"), "not hex bytes"),
        (("encode", "--format", "37", "--card", "1"), "ambiguous"),
        (("encode", "--format", "H999", "--card", "1"), "unknown Wiegand format"),
    ],
)
def test_usage_errors_exit_2(axisctl_cli: Run, args: tuple[str, ...], message: str) -> None:
    result = axisctl_cli("wiegand", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_bad_bits_are_invalid_input(axisctl_cli: Run) -> None:
    result = axisctl_cli("wiegand", "decode", "10x1")
    assert result.returncode == 9
    assert "character 'x' at position 3" in result.stderr


def test_formats(axisctl_cli: Run) -> None:
    table = axisctl_cli("wiegand", "formats")
    assert table.returncode == 0, table.stderr
    assert "Wiegand37FacilityCode" in table.stdout
    assert "0xE1 0xD2 0xC3 0xB4" in table.stdout  # the manual's EightBitInvertPadded example
    document = json.loads(axisctl_cli("wiegand", "formats", "--json").stdout)
    assert [f["format"] for f in document["card_formats"]] == [
        "H10301",
        "H10306",
        "H10302",
        "H10304",
        "raw",
    ]
    h10304 = document["card_formats"][3]
    assert (h10304["facility_max"], h10304["card_max"]) == (65535, 524287)
    assert [k["format"] for k in document["keypress_formats"]][:3] == [
        "FourBit",
        "EightBitZeroPadded",
        "EightBitInvertPadded",
    ]


def test_help_has_examples(axisctl_cli: Run) -> None:
    for command in ((), ("encode",), ("decode",), ("formats",)):
        result = axisctl_cli("wiegand", *command, "--help")
        assert result.returncode == 0, result.stderr
        assert "axisctl wiegand" in result.stdout
