"""The intercom's PIN keypress formats and its card output conversion (facility-code modes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.wiegand import (
    KEYS,
    FacilityCodeMode,
    KeypressFormat,
    WiegandError,
    WiegandFormat,
    WiegandFormatNameError,
    WiegandFrame,
    WiegandKeyError,
    WiegandLengthError,
    WiegandParityError,
    WiegandRangeError,
    convert_card,
    decode,
    decode_key,
    decode_keys,
    encode,
    encode_key,
    encode_keys,
)

PER_KEY = [f for f in KeypressFormat if f.per_key]
WHOLE_PIN = [f for f in KeypressFormat if not f.per_key]


# --- the manual's examples (seed-intercom.md §3.4.2) ------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "codes"),
    [
        (KeypressFormat.FOUR_BIT, [0x1, 0x2, 0x3, 0x4]),
        (KeypressFormat.EIGHT_BIT_ZERO_PADDED, [0x01, 0x02, 0x03, 0x04]),
        (KeypressFormat.EIGHT_BIT_INVERT_PADDED, [0xE1, 0xD2, 0xC3, 0xB4]),
    ],
)
def test_pin_1234_as_the_manual_gives_it(fmt: KeypressFormat, codes: list[int]) -> None:
    frames = encode_keys("1234", fmt)
    assert [f.value for f in frames] == codes
    assert {f.bit_count for f in frames} == {fmt.frame_bits}
    assert decode_keys(frames, fmt) == "1234"


@pytest.mark.parametrize(
    ("fmt", "star", "hash_"),
    [
        (KeypressFormat.FOUR_BIT, 0xA, 0xB),
        (KeypressFormat.EIGHT_BIT_ZERO_PADDED, 0x0A, 0x0B),
        # HID PINpad 8-bit table: * = 0101 1010, # = 0100 1011.
        (KeypressFormat.EIGHT_BIT_INVERT_PADDED, 0x5A, 0x4B),
    ],
)
def test_star_and_hash(fmt: KeypressFormat, star: int, hash_: int) -> None:
    assert encode_key("*", fmt).value == star
    assert encode_key("#", fmt).value == hash_
    assert decode_key(WiegandFrame(star, fmt.frame_bits), fmt) == "*"


def test_a_wiegand26_pin_is_the_card_number_with_the_facility_setting() -> None:
    (frame,) = encode_keys("1234", KeypressFormat.WIEGAND26)
    assert frame.to_axis_hex() == "000009a4"  # HID 26-bit PINpad, facility 0
    (with_facility,) = encode_keys("1234", KeypressFormat.WIEGAND26, facility=42)
    card = decode(with_facility, WiegandFormat.H10301)
    assert (card.facility, card.card) == (42, 1234)


@pytest.mark.parametrize(
    ("fmt", "card_format"),
    [
        (KeypressFormat.WIEGAND26, WiegandFormat.H10301),
        (KeypressFormat.WIEGAND34, WiegandFormat.H10306),
        (KeypressFormat.WIEGAND37, WiegandFormat.H10302),
        (KeypressFormat.WIEGAND37_FACILITY_CODE, WiegandFormat.H10304),
    ],
)
def test_whole_pin_formats_use_their_card_format(
    fmt: KeypressFormat, card_format: WiegandFormat
) -> None:
    assert fmt.card_format is card_format
    assert fmt.frame_bits == card_format.bit_count
    assert fmt.has_facility == card_format.has_facility
    (frame,) = encode_keys("0042", fmt)
    assert decode(frame, card_format).card == 42
    assert decode_keys([frame], fmt) == "42"
    assert decode_keys([frame], fmt, pin_length=4) == "0042"


# --- errors never show the PIN ----------------------------------------------------------------


def test_a_bad_key_is_named_by_position_not_by_value() -> None:
    with pytest.raises(WiegandKeyError, match="key 3 is not a keypad key") as caught:
        encode_keys("12x4", KeypressFormat.FOUR_BIT)
    assert caught.value.position == 3
    assert "12x4" not in str(caught.value)
    with pytest.raises(WiegandKeyError, match="digits only; key 5 is not a digit") as hashed:
        encode_keys("1234#", KeypressFormat.WIEGAND26)
    assert "1234" not in str(hashed.value)


def test_a_pin_too_long_for_the_card_field_is_refused_without_showing_it() -> None:
    with pytest.raises(WiegandRangeError, match="PIN of 6 digits does not fit") as caught:
        encode_keys("987654", KeypressFormat.WIEGAND26)
    assert caught.value.field == "PIN"
    assert caught.value.maximum == 65535
    assert "987654" not in str(caught.value)
    assert encode_keys("65535", KeypressFormat.WIEGAND26)
    with pytest.raises(WiegandRangeError):
        encode_keys("9" * 5000, KeypressFormat.WIEGAND37)


def test_facility_only_where_the_format_has_one() -> None:
    with pytest.raises(WiegandError, match="FourBit sends no facility code"):
        encode_keys("1", KeypressFormat.FOUR_BIT, facility=1)
    with pytest.raises(WiegandError, match="Wiegand37 sends no facility code"):
        encode_keys("1", KeypressFormat.WIEGAND37, facility=1)
    with pytest.raises(WiegandRangeError, match="facility 256 is out of range 0-255"):
        encode_keys("1", KeypressFormat.WIEGAND26, facility=256)


def test_bad_key_frames_are_typed_errors() -> None:
    with pytest.raises(WiegandLengthError, match="key frames have 4 bits; frame 2 has 8") as e:
        decode_keys([WiegandFrame(1, 4), WiegandFrame(1, 8)], KeypressFormat.FOUR_BIT)
    assert e.value.expected == (4,)
    with pytest.raises(WiegandKeyError, match="carries no key"):
        decode_key(WiegandFrame(0xC, 4), KeypressFormat.FOUR_BIT)
    with pytest.raises(WiegandKeyError, match="not the complement"):
        decode_key(WiegandFrame(0xF1, 8), KeypressFormat.EIGHT_BIT_INVERT_PADDED)
    with pytest.raises(WiegandKeyError, match="not zero padding"):
        decode_key(WiegandFrame(0x11, 8), KeypressFormat.EIGHT_BIT_ZERO_PADDED)
    with pytest.raises(WiegandError, match="no key frames"):
        decode_keys([], KeypressFormat.FOUR_BIT)
    with pytest.raises(WiegandError, match="no keys"):
        encode_keys("", KeypressFormat.FOUR_BIT)


def test_whole_pin_frames_are_checked() -> None:
    (frame,) = encode_keys("1234", KeypressFormat.WIEGAND26)
    broken = WiegandFrame(frame.value ^ 1, frame.bit_count)
    with pytest.raises(WiegandParityError):
        decode_keys([broken], KeypressFormat.WIEGAND26)
    with pytest.raises(WiegandError, match="one frame, got 2"):
        decode_keys([frame, frame], KeypressFormat.WIEGAND26)
    with pytest.raises(WiegandRangeError, match="more than 3 digits"):
        decode_keys([frame], KeypressFormat.WIEGAND26, pin_length=3)
    with pytest.raises(WiegandError, match="use encode_keys"):
        encode_key("1", KeypressFormat.WIEGAND26)
    with pytest.raises(WiegandError, match="use decode_keys"):
        decode_key(frame, KeypressFormat.WIEGAND26)


def test_keypress_format_names() -> None:
    assert KeypressFormat.parse("fourbit") is KeypressFormat.FOUR_BIT
    assert KeypressFormat.parse("WIEGAND37_FACILITY_CODE") is KeypressFormat.WIEGAND37_FACILITY_CODE
    with pytest.raises(WiegandFormatNameError, match="known: FourBit, "):
        KeypressFormat.parse("5bit")


@given(st.text(alphabet=KEYS, min_size=1, max_size=32), st.sampled_from(PER_KEY))
def test_per_key_formats_round_trip_any_keys(keys: str, fmt: KeypressFormat) -> None:
    frames = encode_keys(keys, fmt)
    assert len(frames) == len(keys)
    assert decode_keys(frames, fmt) == keys


@given(st.data(), st.sampled_from(WHOLE_PIN))
def test_whole_pin_formats_round_trip_any_pin_that_fits(
    data: st.DataObject, fmt: KeypressFormat
) -> None:
    assert fmt.card_format is not None
    layout = fmt.card_format.layout
    assert layout is not None
    digits = len(str(layout.card.maximum)) - 1  # every PIN of this many digits fits
    pin = data.draw(st.text(alphabet="0123456789", min_size=1, max_size=digits))
    facility = data.draw(st.integers(0, layout.facility.maximum)) if layout.facility else None
    frames = encode_keys(pin, fmt, facility=facility)
    assert decode_keys(frames, fmt, pin_length=len(pin)) == pin


# --- card output format and facility-code override mode (seed-intercom.md §3.4.3) -------------

W26 = WiegandFormat.H10301
W34 = WiegandFormat.H10306
W37 = WiegandFormat.H10302
W37FC = WiegandFormat.H10304
UID = decode(WiegandFrame(0x12345678, 32), WiegandFormat.RAW)  # a 32-bit card UID
CARD26 = decode(encode(W26, facility=12, card=3456))


def test_raw_output_sends_the_card_data_as_it_is() -> None:
    for card in (UID, CARD26):
        out = convert_card(card, WiegandFormat.RAW, mode=FacilityCodeMode.OVERRIDE, facility=9)
        assert out.frame == card.frame


def test_auto_keeps_the_cards_facility_code() -> None:
    out = convert_card(CARD26, W34, mode=FacilityCodeMode.AUTO, facility=99)
    assert (out.format, out.facility, out.card) == (W34, 12, 3456)
    assert decode(out.frame, W34) == out


def test_auto_forges_a_facility_code_from_the_excess_bits() -> None:
    out = convert_card(UID, W26)
    # 0x12345678: low 16 bits 0x5678 are the card; the excess 0x1234 keeps its low 8 bits.
    assert (out.facility, out.card) == (0x34, 0x5678)
    out34 = convert_card(UID, W34)
    assert (out34.facility, out34.card) == (0x1234, 0x5678)


def test_optional_uses_the_cards_facility_code_else_the_configured_one() -> None:
    kept = convert_card(CARD26, W26, mode=FacilityCodeMode.OPTIONAL, facility=7)
    assert kept.facility == 12
    filled = convert_card(UID, W26, mode=FacilityCodeMode.OPTIONAL, facility=7)
    assert (filled.facility, filled.card) == (7, 0x5678)
    forged = convert_card(UID, W26, mode=FacilityCodeMode.OPTIONAL)
    assert forged.facility == 0x34


def test_override_always_uses_the_configured_facility_code() -> None:
    out = convert_card(CARD26, W37FC, mode=FacilityCodeMode.OVERRIDE, facility=500)
    assert (out.facility, out.card) == (500, 3456)
    with pytest.raises(WiegandError, match="Override needs a configured facility code"):
        convert_card(CARD26, W26, mode=FacilityCodeMode.OVERRIDE)
    with pytest.raises(WiegandRangeError, match="facility 256 is out of range 0-255"):
        convert_card(CARD26, W26, mode=FacilityCodeMode.OVERRIDE, facility=256)


def test_an_output_without_facility_carries_facility_and_card_side_by_side() -> None:
    out = convert_card(CARD26, W37, mode=FacilityCodeMode.OVERRIDE, facility=1)
    assert (out.facility, out.card) == (None, (12 << 16) | 3456)
    assert convert_card(UID, W37).card == 0x12345678


def test_facility_mode_names() -> None:
    assert FacilityCodeMode.parse("override") is FacilityCodeMode.OVERRIDE
    with pytest.raises(WiegandFormatNameError, match="known: Auto, Optional, Override"):
        FacilityCodeMode.parse("Always")
