"""Property tests of the Wiegand codec: round trips, and arbitrary input -> only typed errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.wiegand import (
    KeypressFormat,
    WiegandError,
    WiegandFormat,
    WiegandFrame,
    WiegandParityError,
    candidates,
    decode,
    decode_keys,
    encode,
)

FIXED = [f for f in WiegandFormat if f.layout is not None]


@st.composite
def cards(draw: st.DrawFn) -> tuple[WiegandFormat, int | None, int]:
    """A fixed format and a facility/card pair that fits it."""
    fmt = draw(st.sampled_from(FIXED))
    layout = fmt.layout
    assert layout is not None
    facility = draw(st.integers(0, layout.facility.maximum)) if layout.facility else None
    return fmt, facility, draw(st.integers(0, layout.card.maximum))


frames = st.integers(1, 80).flatmap(
    lambda n: st.builds(WiegandFrame, st.integers(0, 2**n - 1), st.just(n))
)


@given(cards())
def test_every_card_round_trips(card: tuple[WiegandFormat, int | None, int]) -> None:
    fmt, facility, number = card
    frame = encode(fmt, facility=facility, card=number)
    decoded = decode(frame, fmt)
    assert (decoded.format, decoded.facility, decoded.card) == (fmt, facility, number)
    assert decode(frame.to_text(), fmt) == decoded
    assert decoded in candidates(frame)


@given(cards(), st.data())
def test_every_single_bit_flip_is_a_parity_error(
    card: tuple[WiegandFormat, int | None, int], data: st.DataObject
) -> None:
    fmt, facility, number = card
    frame = encode(fmt, facility=facility, card=number)
    position = data.draw(st.integers(1, frame.bit_count))
    flipped = WiegandFrame(frame.value ^ (1 << (frame.bit_count - position)), frame.bit_count)
    with pytest.raises(WiegandParityError) as caught:
        decode(flipped, fmt)
    assert caught.value.format == fmt.value


@given(frames, st.sampled_from([None, *WiegandFormat]))
def test_any_frame_decodes_or_raises_a_wiegand_error(
    frame: WiegandFrame, fmt: WiegandFormat | None
) -> None:
    try:
        credential = decode(frame, fmt)
    except WiegandError:
        return
    assert credential.frame == frame


@given(st.text(max_size=100))
def test_any_text_is_a_frame_or_a_bits_error(text: str) -> None:
    try:
        frame = WiegandFrame.from_text(text)
    except WiegandError:
        return
    assert WiegandFrame.from_text(frame.to_text(group=4)) == frame


@given(st.binary(max_size=12), st.integers(-2, 100))
def test_any_osdp_bytes_are_a_frame_or_a_wiegand_error(data: bytes, bit_count: int) -> None:
    try:
        frame = WiegandFrame.from_osdp_bytes(data, bit_count)
    except WiegandError:
        return
    assert WiegandFrame.from_osdp_bytes(frame.to_osdp_bytes(), bit_count) == frame


@given(st.text(max_size=20), st.integers(-2, 80))
def test_any_hex_is_a_frame_or_a_wiegand_error(text: str, bit_count: int) -> None:
    try:
        frame = WiegandFrame.from_axis_hex(text, bit_count)
    except WiegandError:
        return
    assert WiegandFrame.from_axis_hex(frame.to_axis_hex(), bit_count) == frame


@given(frames)
def test_byte_forms_round_trip(frame: WiegandFrame) -> None:
    assert WiegandFrame.from_axis_hex(frame.to_axis_hex(), frame.bit_count) == frame
    assert WiegandFrame.from_osdp_bytes(frame.to_osdp_bytes(), frame.bit_count) == frame


@given(st.lists(frames, max_size=5), st.sampled_from(KeypressFormat))
def test_any_frames_decode_as_keys_or_raise_a_wiegand_error(
    received: list[WiegandFrame], fmt: KeypressFormat
) -> None:
    try:
        decode_keys(received, fmt)
    except WiegandError:
        return
