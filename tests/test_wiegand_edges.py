"""The receiver's edge decoder, fed synthetic D0/D1 edges (no pins, no threads)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.wiegand import (
    SignalProblem,
    WiegandError,
    WiegandFormat,
    WiegandFrame,
    WiegandLengthError,
    WiegandSignalError,
    encode,
)
from axisctl.drivers.wiegand.edges import EdgeDecoder, Outcome, ReceivedFrame

US = 1e-6


def pulses(
    frame: WiegandFrame | str, *, start: float = 0.0, width: float = 50 * US, interval: float = 2e-3
) -> list[tuple[int, bool, float]]:
    """The edges a reader makes for ``frame``: (line, active, time) per edge."""
    if isinstance(frame, str):
        frame = WiegandFrame.from_text(frame)
    edges = []
    for n, bit in enumerate(frame):
        began = start + n * interval
        edges += [(bit, True, began), (bit, False, began + width)]
    return edges


def feed(decoder: EdgeDecoder, edges: list[tuple[int, bool, float]]) -> list[Outcome]:
    out: list[Outcome] = []
    for line, active, tick in edges:
        out += decoder.edge(line, active, tick)
    return out


def test_a_frame_ends_on_silence_with_its_measured_timing() -> None:
    decoder = EdgeDecoder()
    card = encode(WiegandFormat.H10301, facility=0, card=10213)
    assert feed(decoder, pulses(card)) == []
    assert decoder.busy
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame == card
    assert received.decode().card == 10213
    assert received.timing is not None
    assert received.timing.pulse_min_us == pytest.approx(50)
    assert received.timing.interval_max_us == pytest.approx(2000)
    assert received.timing.within_sia
    assert not decoder.busy
    assert decoder.silence() == []


def test_the_next_frames_first_edge_ends_a_frame_whose_silence_was_not_noticed() -> None:
    """Edges can queue up: a gap between two edges' timestamps is enough to end a frame."""
    decoder = EdgeDecoder(frame_gap_s=0.025)
    first = encode(WiegandFormat.H10301, facility=1, card=1)
    second = encode(WiegandFormat.H10301, facility=2, card=2)
    out = feed(decoder, pulses(first) + pulses(second, start=1.0))
    assert [o.frame for o in out if isinstance(o, ReceivedFrame)] == [first]
    (last,) = decoder.silence()
    assert isinstance(last, ReceivedFrame)
    assert last.frame == second


def test_a_short_pulse_is_a_glitch_and_the_frame_survives() -> None:
    decoder = EdgeDecoder(min_pulse_s=10 * US)
    edges = pulses("1010")
    edges[2:2] = [(0, True, 1e-3), (0, False, 1e-3 + 2 * US)]  # a 2 us spike between bits
    feed(decoder, edges)
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame == WiegandFrame.from_text("1010")
    assert received.glitches == 1
    assert decoder.glitches == 1


def test_glitches_alone_report_nothing_but_are_counted() -> None:
    decoder = EdgeDecoder()
    feed(decoder, [(1, True, 0.0), (1, False, 1 * US)])
    assert decoder.silence() == []
    assert decoder.glitches == 1


def test_a_truncated_frame_is_a_length_error() -> None:
    decoder = EdgeDecoder()
    card = encode(WiegandFormat.H10301, facility=0, card=10213)
    feed(decoder, pulses(card)[:-12])  # the last 6 bits lost
    (error,) = decoder.silence()
    assert isinstance(error, WiegandLengthError)
    assert error.got == 20
    assert error.expected == (4, 8, 26, 34, 37)


def test_any_length_is_accepted_without_bit_counts() -> None:
    decoder = EdgeDecoder(bit_counts=None)
    feed(decoder, pulses("1" * 20))
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame.bit_count == 20


def test_overlapping_pulses_drop_the_frame() -> None:
    decoder = EdgeDecoder()
    edges = pulses("0000")
    edges.insert(1, (1, True, 10 * US))  # D1 falls while D0 is still low
    edges.insert(3, (1, False, 80 * US))
    feed(decoder, edges)
    (error,) = decoder.silence()
    assert isinstance(error, WiegandSignalError)
    assert error.problem is SignalProblem.OVERLAP
    assert error.bit_count == 0


def test_a_line_stuck_low_is_reported_and_its_late_rise_ignored() -> None:
    decoder = EdgeDecoder()
    feed(decoder, [*pulses("1111"), (0, True, 0.01)])
    (error,) = decoder.silence()
    assert isinstance(error, WiegandSignalError)
    assert error.problem is SignalProblem.STUCK_LOW
    assert error.bit_count == 4
    assert feed(decoder, [(0, False, 5.0)]) == []
    assert not decoder.busy


def test_too_many_bits_drop_the_frame() -> None:
    decoder = EdgeDecoder(max_bits=8, bit_counts=None)
    feed(decoder, pulses("1" * 12))
    (error,) = decoder.silence()
    assert isinstance(error, WiegandSignalError)
    assert error.problem is SignalProblem.TOO_LONG
    assert error.bit_count == 8


def test_a_missed_end_edge_still_counts_the_pulse() -> None:
    """Some backends lose an edge under load; the next start on the line proves the pulse."""
    decoder = EdgeDecoder()
    edges = pulses("0000")
    del edges[3]  # the end of the second pulse
    feed(decoder, edges)
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame == WiegandFrame.from_text("0000")


def test_wrapping_backend_ticks() -> None:
    """pigpio ticks are 32-bit microseconds that wrap; the factory's ticks_diff handles it."""

    def ticks_diff(later: float, earlier: float) -> float:
        return ((later - earlier) % 2**32) / 1e6

    decoder = EdgeDecoder(ticks_diff=ticks_diff)
    edges = [(line, active, (2**32 - 3000 + t * 1e6) % 2**32) for line, active, t in pulses("1010")]
    feed(decoder, edges)
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame == WiegandFrame.from_text("1010")
    assert received.timing is not None
    assert received.timing.interval_min_us == pytest.approx(2000)


edge_events = st.lists(st.tuples(st.integers(0, 1), st.booleans(), st.floats(0, 0.1)), max_size=200)


@given(edge_events, st.booleans())
def test_any_edges_give_frames_or_typed_errors(
    events: list[tuple[int, bool, float]], sort: bool
) -> None:
    decoder = EdgeDecoder(max_bits=64)
    if sort:
        events = sorted(events, key=lambda e: e[2])
    out = feed(decoder, events) + decoder.silence()
    assert all(isinstance(o, (ReceivedFrame, WiegandError)) for o in out)
    assert not decoder.busy


@given(st.integers(1, 64).flatmap(lambda n: st.integers(0, 2**n - 1).map(lambda v: (v, n))))
def test_any_clean_pulse_train_decodes_to_its_bits(value_and_count: tuple[int, int]) -> None:
    frame = WiegandFrame(*value_and_count)
    decoder = EdgeDecoder(bit_counts=None, max_bits=64)
    feed(decoder, pulses(frame, width=20 * US, interval=200 * US))
    (received,) = decoder.silence()
    assert isinstance(received, ReceivedFrame)
    assert received.frame == frame
