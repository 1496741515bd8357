"""The Wiegand card codec: formats, parity, lengths, ranges, text/hex/OSDP byte forms."""

from __future__ import annotations

import subprocess
import sys

import pytest

from axisctl.drivers.wiegand import (
    AUTO_DETECTED,
    Credential,
    WiegandBitsError,
    WiegandError,
    WiegandFormat,
    WiegandFormatNameError,
    WiegandFrame,
    WiegandLengthError,
    WiegandParityError,
    WiegandRangeError,
    axis_id_data,
    candidates,
    decode,
    encode,
)
from axisctl.errors import ParseError

H10301 = WiegandFormat.H10301
H10306 = WiegandFormat.H10306
H10302 = WiegandFormat.H10302
H10304 = WiegandFormat.H10304
RAW = WiegandFormat.RAW


def flip(frame: WiegandFrame, position: int) -> WiegandFrame:
    return WiegandFrame(frame.value ^ (1 << (frame.bit_count - position)), frame.bit_count)


# --- the reference's worked examples -------------------------------------------------------


def test_the_axis_worked_h10301_example() -> None:
    """vapix-wire-formats §8.5: these 26 bits are Card 02004fcb, FC 0, CardNr 10213."""
    credential = decode("1 0000 0000 0010 0111 1110 0101 1")
    assert credential.format is H10301
    assert credential.facility == 0
    assert credential.card == 10213
    assert credential.bit_count == 26
    assert credential.frame.to_axis_hex() == "02004fcb"
    assert encode(H10301, facility=0, card=10213) == credential.frame
    # The IdData of axtid:GetLastCredential in the reference, name for name.
    assert axis_id_data(credential) == {
        "FullCard": "02004fcb",
        "ParityEven": "1",
        "FacilityCode": "0",
        "CardNr": "10213",
        "CardNrHex": "27e5",
        "ParityOdd": "1",
        "Card": "02004fcb",
        "BitCount": "26",
    }


# Golden vectors, checked against Proxmark3's Wiegand packers.
GOLDEN = [
    (H10301, 123, 4567, "1 0111 1011 0001 0001 1101 0111 0", "02f623ae", "bd88eb80"),
    (H10301, 1, 1, "1 0000 0001 0000 0000 0000 0001 0", "02020002", "80800080"),
    (H10306, 123, 4567, "0 0000 0000 0111 1011 0001 0001 1101 0111 1", "0000f623af", "003d88ebc0"),
    (H10302, None, 4567, "0" + format(4567, "035b") + "1", "00000023af", "0000011d78"),
    (
        H10302,
        None,
        12345678901,
        "1 0101 1011 1111 1011 1000 0011 1000 0110 101 0",
        "15bfb8386a",
        "adfdc1c350",
    ),
    (
        H10304,
        123,
        4567,
        "0 0000 0000 0111 1011 0000 0010 0011 1010 111 1",
        "0007b023af",
        "003d811d78",
    ),
    (H10304, 65535, 524287, "0" + "1" * 35 + "1", "0fffffffff", "7ffffffff8"),
]


@pytest.mark.parametrize(("fmt", "facility", "card", "bits", "axis_hex", "osdp_hex"), GOLDEN)
def test_golden_vectors(
    fmt: WiegandFormat,
    facility: int | None,
    card: int,
    bits: str,
    axis_hex: str,
    osdp_hex: str,
) -> None:
    frame = encode(fmt, facility=facility, card=card)
    assert frame == WiegandFrame.from_text(bits)
    assert frame.to_axis_hex() == axis_hex
    assert frame.to_osdp_bytes() == bytes.fromhex(osdp_hex)
    assert decode(frame, fmt) == Credential(fmt, facility, card, frame)
    assert WiegandFrame.from_axis_hex(axis_hex, frame.bit_count) == frame
    assert WiegandFrame.from_osdp_bytes(bytes.fromhex(osdp_hex), frame.bit_count) == frame


# --- detection by length, and the 37-bit ambiguity -------------------------------------------


def test_auto_detection_by_length() -> None:
    assert decode(encode(H10301, facility=5, card=6)).format is H10301
    assert decode(encode(H10306, facility=5, card=6)).format is H10306
    assert AUTO_DETECTED[37] is H10302


def test_a_37_bit_frame_decodes_as_h10302_and_both_interpretations_are_offered() -> None:
    frame = encode(H10304, facility=123, card=4567)
    auto = decode(frame)
    assert auto.format is H10302
    assert auto.card == (123 << 19) | 4567  # lossless: facility and card side by side
    found = {c.format: c for c in candidates(frame)}
    assert set(found) == {H10302, H10304}
    assert (found[H10304].facility, found[H10304].card) == (123, 4567)


def test_candidates_of_a_bad_frame_are_empty() -> None:
    assert candidates(flip(encode(H10301, facility=1, card=2), 5)) == ()
    assert candidates("0101") == ()


def test_an_unknown_length_needs_raw() -> None:
    with pytest.raises(WiegandLengthError, match="raw") as caught:
        decode("1" * 32)
    assert caught.value.got == 32
    assert caught.value.expected == (26, 34, 37)
    assert caught.value.format is None
    raw = decode("1" * 32, RAW)
    assert raw == Credential(RAW, None, 2**32 - 1, WiegandFrame(2**32 - 1, 32))


def test_a_wrong_length_for_a_given_format_says_so() -> None:
    with pytest.raises(WiegandLengthError, match="H10306 frames have 34 bits, got 26") as caught:
        decode(encode(H10301, facility=1, card=1), H10306)
    assert caught.value.expected == (34,)
    assert caught.value.format == "H10306"


# --- parity ---------------------------------------------------------------------------------


def test_a_wrong_leading_bit_is_an_even_parity_error() -> None:
    frame = encode(H10301, facility=0, card=10213)
    with pytest.raises(WiegandParityError, match="even parity bit 1 does not match bits 2-13") as e:
        decode(flip(frame, 1))
    assert e.value.which == "even"
    assert e.value.format == "H10301"


def test_a_wrong_trailing_bit_is_an_odd_parity_error() -> None:
    frame = encode(H10306, facility=7, card=9)
    with pytest.raises(
        WiegandParityError, match="odd parity bit 34 does not match bits 18-33"
    ) as e:
        decode(flip(frame, 34))
    assert e.value.which == "odd"


def test_a_flipped_data_bit_names_the_window_it_is_in() -> None:
    frame = encode(H10301, facility=0, card=10213)
    with pytest.raises(WiegandParityError) as first_half:
        decode(flip(frame, 3))
    assert first_half.value.which == "even"
    with pytest.raises(WiegandParityError) as second_half:
        decode(flip(frame, 20))
    assert second_half.value.which == "odd"


def test_bit_19_of_a_37_bit_frame_is_in_both_windows() -> None:
    frame = encode(H10304, facility=1, card=2)
    with pytest.raises(WiegandParityError, match="both parity bits") as caught:
        decode(flip(frame, 19), H10304)
    assert caught.value.which == "both"


# --- ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "field", "facility", "card", "maximum"),
    [
        (H10301, "facility", 256, 0, 255),
        (H10301, "card", 0, 65536, 65535),
        (H10306, "facility", 65536, 0, 65535),
        (H10306, "card", 0, 65536, 65535),
        (H10302, "card", None, 2**35, 2**35 - 1),
        (H10304, "facility", 65536, 0, 65535),
        (H10304, "card", 0, 524288, 524287),
        (H10301, "card", 0, -1, 65535),
    ],
)
def test_values_out_of_range_name_the_field_and_range(
    fmt: WiegandFormat, field: str, facility: int | None, card: int, maximum: int
) -> None:
    with pytest.raises(WiegandRangeError, match=f"{field} .* out of range 0-{maximum}") as caught:
        encode(fmt, facility=facility, card=card)
    assert caught.value.field == field
    assert (caught.value.minimum, caught.value.maximum) == (0, maximum)
    assert caught.value.format == fmt.value


def test_facility_defaults_to_zero_and_is_refused_where_there_is_none() -> None:
    assert encode(H10301, card=10213) == encode(H10301, facility=0, card=10213)
    with pytest.raises(WiegandError, match="H10302 has no facility code"):
        encode(H10302, facility=1, card=1)


def test_a_bit_count_that_contradicts_the_format_is_refused() -> None:
    assert encode(H10301, card=1, bit_count=26).bit_count == 26
    with pytest.raises(WiegandLengthError, match="H10301 frames have 26 bits, not 25"):
        encode(H10301, card=1, bit_count=25)


def test_raw_frames() -> None:
    frame = encode(RAW, card=0xDEADBEEF, bit_count=32)
    assert frame.to_axis_hex() == "deadbeef"
    assert decode(frame, RAW).card == 0xDEADBEEF
    with pytest.raises(WiegandError, match="need a bit_count"):
        encode(RAW, card=1)
    with pytest.raises(WiegandError, match="no facility code"):
        encode(RAW, card=1, bit_count=8, facility=0)
    with pytest.raises(WiegandRangeError, match="card 256 is out of range 0-255"):
        encode(RAW, card=256, bit_count=8)
    with pytest.raises(WiegandRangeError, match="bit_count 0 is out of range 1-65535"):
        encode(RAW, card=0, bit_count=0)


def test_non_integer_values_are_refused() -> None:
    with pytest.raises(WiegandError, match="must be an integer"):
        encode(H10301, card=True)
    with pytest.raises(WiegandError, match="must be an integer"):
        encode(H10301, card="12")  # type: ignore[arg-type]


# --- the frame's byte and text forms ---------------------------------------------------------


def test_text_accepts_separators_and_names_a_bad_character() -> None:
    assert WiegandFrame.from_text("1_0 1\t1") == WiegandFrame(0b1011, 4)
    with pytest.raises(WiegandBitsError, match="character '2' at position 3"):
        WiegandFrame.from_text("012")
    with pytest.raises(WiegandBitsError, match="no bits"):
        WiegandFrame.from_text("  ")


def test_text_forms() -> None:
    frame = WiegandFrame.from_text("0000011")
    assert str(frame) == "0000011"
    assert frame.to_text(group=4) == "0000 011"
    assert repr(frame) == "WiegandFrame.from_text('0000011')"
    assert list(frame) == [0, 0, 0, 0, 0, 1, 1]
    assert len(frame) == 7
    assert frame.bit(7) == 1
    assert frame.field(5, 7) == 3
    with pytest.raises(IndexError):
        frame.field(0, 3)


def test_axis_hex_is_right_aligned_and_osdp_bytes_left_aligned() -> None:
    frame = WiegandFrame.from_text("1" * 9)
    assert frame.to_axis_hex() == "01ff"
    assert frame.to_osdp_bytes() == b"\xff\x80"
    assert WiegandFrame.from_axis_hex("0x01FF", 9) == frame


def test_bad_axis_hex_is_refused() -> None:
    with pytest.raises(WiegandBitsError, match="not hex"):
        WiegandFrame.from_axis_hex("02g0", 26)
    with pytest.raises(WiegandBitsError, match="not hex"):
        WiegandFrame.from_axis_hex("", 26)
    with pytest.raises(WiegandBitsError, match="bits set above bit count 8"):
        WiegandFrame.from_axis_hex("1ff", 8)


def test_osdp_bytes_must_match_the_bit_count_and_padding_is_ignored() -> None:
    with pytest.raises(WiegandBitsError, match="26 bits needs 4 bytes, got 3"):
        WiegandFrame.from_osdp_bytes(b"\x80\x13\xf2", 26)
    with pytest.raises(WiegandRangeError, match="at least 1"):
        WiegandFrame.from_osdp_bytes(b"", 0)
    # A reader that leaves ones in the 6 padding bits still gives the same card.
    padded = WiegandFrame.from_osdp_bytes(bytes.fromhex("8013f2ff"), 26)
    assert decode(padded).card == 10213


def test_frame_invariants() -> None:
    with pytest.raises(WiegandRangeError, match="at least 1 bit"):
        WiegandFrame(0, 0)
    with pytest.raises(WiegandRangeError, match="does not fit in 4 bits"):
        WiegandFrame(16, 4)


def test_every_error_is_a_parse_error() -> None:
    """The CLI maps ParseError (a ValueError) to exit code 9, "invalid input"."""
    with pytest.raises(ParseError):
        decode("2")
    with pytest.raises(ValueError, match="out of range"):
        encode(H10301, card=70000)


# --- format names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("H10301", H10301),
        ("h10301", H10301),
        ("Wiegand26", H10301),
        ("26", H10301),
        ("wiegand34", H10306),
        ("34", H10306),
        ("Wiegand37", H10302),
        ("Wiegand37FacilityCode", H10304),
        ("RAW", RAW),
    ],
)
def test_format_names(name: str, fmt: WiegandFormat) -> None:
    assert WiegandFormat.parse(name) is fmt


def test_37_alone_is_ambiguous_and_unknown_names_list_the_choices() -> None:
    with pytest.raises(WiegandFormatNameError, match=r"ambiguous: H10302 .* or H10304"):
        WiegandFormat.parse("37")
    with pytest.raises(WiegandFormatNameError, match="unknown Wiegand format 'H1'") as caught:
        WiegandFormat.parse("H1")
    assert "Wiegand26" in caught.value.choices


def test_format_properties() -> None:
    assert H10301.bit_count == 26
    assert RAW.bit_count is None
    assert H10304.has_facility
    assert not H10302.has_facility
    assert H10304.axis_name == "Wiegand37FacilityCode"
    assert "19-bit card" in H10304.description
    layout = H10302.layout
    assert layout is not None
    assert [str(rule) for rule in layout.parity] == [
        "even parity in bit 1 over bits 2-19",
        "odd parity in bit 37 over bits 19-36",
    ]


def test_the_codec_does_not_need_gpiozero() -> None:
    """gpiozero is the optional ``pi`` extra; the simulator and CLI import the codec."""
    check = "import sys, axisctl.drivers.wiegand; assert 'gpiozero' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
