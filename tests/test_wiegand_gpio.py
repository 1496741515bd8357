"""Transmitter and receiver on gpiozero mock pins, the transmitter's outputs wired to the
receiver's inputs with MockConnectedPin (hil-ecosystem.md §3.2).

Timings are the shortest the SIA allows (20 us pulses 200 us apart) and short frame gaps, so a
37-bit frame takes 7 ms; nothing here asserts how fast anything ran.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import gpiozero.pins.mock
import pytest
from gpiozero.pins.mock import MockFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axisctl.drivers.wiegand import (
    KEYS,
    KeypressFormat,
    SignalProblem,
    WiegandError,
    WiegandFormat,
    WiegandFrame,
    WiegandLengthError,
    WiegandSignalError,
    decode,
    decode_keys,
    encode,
    encode_keys,
)
from axisctl.drivers.wiegand.mock import connect_mock_lines
from axisctl.drivers.wiegand.receiver import ReceivedFrame, WiegandReceiver
from axisctl.drivers.wiegand.transmitter import WiegandTransmitter
from axisctl.errors import ConfigurationError, InvalidSettingValueError

TX = (22, 23)
RX = (17, 27)
FAST: dict[str, Any] = {"pulse_us": 20, "interval_us": 200, "frame_gap_ms": 60}
RX_GAP_MS = 50

link_settings = settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    factory = MockFactory()
    connect_mock_lines(factory, outputs=TX, inputs=RX)
    yield factory
    factory.reset()


@dataclass
class Link:
    tx: WiegandTransmitter
    rx: WiegandReceiver
    errors: list[WiegandError] = field(default_factory=list)


@pytest.fixture
def link(factory: MockFactory) -> Iterator[Link]:
    errors: list[WiegandError] = []
    with (
        WiegandReceiver(
            *RX, frame_gap_ms=RX_GAP_MS, on_error=errors.append, pin_factory=factory
        ) as rx,
        WiegandTransmitter(*TX, pin_factory=factory, **FAST) as tx,
    ):
        yield Link(tx, rx, errors)


# --- round trips ----------------------------------------------------------------------------


@st.composite
def card_frames(draw: st.DrawFn) -> tuple[WiegandFormat, WiegandFrame]:
    fmt = draw(st.sampled_from(list(WiegandFormat)))
    layout = fmt.layout
    if layout is None:  # raw: the receiver accepts its lengths only
        count = draw(st.sampled_from([4, 8, 26, 34, 37]))
        return fmt, encode(fmt, card=draw(st.integers(0, 2**count - 1)), bit_count=count)
    facility = draw(st.integers(0, layout.facility.maximum)) if layout.facility else None
    card = draw(st.integers(0, layout.card.maximum))
    return fmt, encode(fmt, facility=facility, card=card)


@link_settings
@given(card_frames())
def test_every_format_round_trips_over_wired_mock_pins(
    link: Link, card: tuple[WiegandFormat, WiegandFrame]
) -> None:
    fmt, frame = card
    report = link.tx.send(frame)
    assert report.backend == "software"
    assert not report.hardware_timed
    assert report.bit_count == frame.bit_count
    received = link.rx.get(timeout=5)
    assert received.frame == frame
    assert received.decode(fmt) == decode(frame, fmt)
    assert link.errors == []


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=KEYS, min_size=1, max_size=6), st.sampled_from(list(KeypressFormat)))
def test_a_pin_round_trips_in_every_keypress_format(
    link: Link, keys: str, fmt: KeypressFormat
) -> None:
    if not fmt.per_key:
        # Digits only, and at most 4 of them: every 4-digit PIN fits every card format.
        keys = "".join(k for k in keys if k.isdigit())[:4] or "0"
    link.tx.send_frames(encode_keys(keys, fmt))
    received = [link.rx.get(timeout=5).frame for _ in range(len(encode_keys(keys, fmt)))]
    assert decode_keys(received, fmt, pin_length=len(keys)) == keys


def test_the_receiver_measures_the_pulses(link: Link) -> None:
    frame = encode(WiegandFormat.H10306, facility=1, card=2)
    sent = link.tx.send(frame)
    received = link.rx.get(timeout=5)
    assert received.timing is not None
    # On mock pins the receiver sees the edges the transmitter made, so it cannot measure
    # a pulse shorter than the transmitter held it.
    assert received.timing.pulse_min_us >= 20
    assert sent.timing.pulse_min_us >= 20
    assert sent.timing.interval_min_us is not None
    assert sent.timing.interval_min_us >= 200


def test_frames_go_to_on_frame_on_the_receivers_thread(factory: MockFactory) -> None:
    got: list[tuple[ReceivedFrame, str]] = []
    done = threading.Event()

    def on_frame(frame: ReceivedFrame) -> None:
        got.append((frame, threading.current_thread().name))
        done.set()

    with (
        WiegandReceiver(*RX, frame_gap_ms=RX_GAP_MS, on_frame=on_frame, pin_factory=factory) as rx,
        WiegandTransmitter(*TX, pin_factory=factory, **FAST) as tx,
    ):
        tx.send(encode(WiegandFormat.H10301, facility=3, card=4))
        assert done.wait(5)
        with pytest.raises(ConfigurationError, match="on_frame"):
            rx.get(timeout=0)
    ((frame, thread),) = got
    assert frame.decode().card == 4
    # Mock pins call back in the sending thread; the frame still ends on the receiver's own.
    assert thread == "wiegand-receiver"


def test_edges_from_another_thread_as_on_real_pins(factory: MockFactory) -> None:
    """Real backends call back from their own thread; drive the input pins from one."""
    frame = encode(WiegandFormat.H10301, facility=9, card=99)
    with WiegandReceiver(*RX, frame_gap_ms=RX_GAP_MS, pin_factory=factory) as rx:
        d0, d1 = factory.pin(RX[0]), factory.pin(RX[1])

        def reader() -> None:
            for bit in frame:
                line = d1 if bit else d0
                line.drive_low()
                time.sleep(0.0001)  # at least 100 us: far above the 10 us glitch filter
                line.drive_high()
                time.sleep(0.0005)

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join()
        assert rx.get(timeout=5).frame == frame


def test_inverted_output_and_input_stages(factory: MockFactory) -> None:
    frame = encode(WiegandFormat.H10304, facility=5, card=6)
    with (
        WiegandReceiver(*RX, frame_gap_ms=RX_GAP_MS, inverted=True, pin_factory=factory) as rx,
        WiegandTransmitter(*TX, inverted=True, pin_factory=factory, **FAST) as tx,
    ):
        assert factory.pin(TX[0]).state == 0  # idle: the transistor is off
        tx.send(frame)
        assert rx.get(timeout=5).frame == frame


# --- what goes wrong on the wire ------------------------------------------------------------


def test_a_truncated_frame_is_reported_not_delivered(
    link: Link, wait_until: Callable[..., None]
) -> None:
    card = encode(WiegandFormat.H10301, facility=0, card=10213)
    link.tx.send(WiegandFrame(card.value >> 6, 20))  # the last 6 bits never arrive
    wait_until(lambda: link.errors, what="a length error")
    (error,) = link.errors
    assert isinstance(error, WiegandLengthError)
    assert error.got == 20
    assert link.rx.stats.length_errors == 1
    assert link.rx.last_error is error
    # The receiver carries on.
    link.tx.send(card)
    assert link.rx.get(timeout=5).frame == card


def test_glitches_are_dropped_and_counted(
    link: Link,
    factory: MockFactory,
    monkeypatch: pytest.MonkeyPatch,
    wait_until: Callable[..., None],
) -> None:
    # Mock pins timestamp edges with gpiozero.pins.mock.monotonic; pin the spike's two edges
    # 2 us apart, as noise on a cable makes them (a real sleep could stretch it past 10 us).
    now = time.monotonic()
    ticks = iter([now, now + 2e-6])
    with monkeypatch.context() as patch:
        patch.setattr(gpiozero.pins.mock, "monotonic", lambda: next(ticks))
        d1 = factory.pin(RX[1])
        d1.drive_low()
        d1.drive_high()
    wait_until(lambda: link.rx.stats.glitches == 1, what="the glitch counted")
    frame = encode(WiegandFormat.H10301, facility=1, card=1)
    link.tx.send(frame)
    assert link.rx.get(timeout=5).frame == frame
    assert link.errors == []


def test_a_line_held_low_is_a_signal_error(
    link: Link, factory: MockFactory, wait_until: Callable[..., None]
) -> None:
    factory.pin(RX[0]).drive_low()
    wait_until(lambda: link.errors, what="a stuck-line error")
    (error,) = link.errors
    assert isinstance(error, WiegandSignalError)
    assert error.problem is SignalProblem.STUCK_LOW
    factory.pin(RX[0]).drive_high()
    frame = encode(WiegandFormat.H10301, facility=1, card=1)
    link.tx.send(frame)
    assert link.rx.get(timeout=5).frame == frame
    assert link.rx.stats.signal_errors == 1


def test_a_failing_callback_does_not_stop_the_receiver(
    factory: MockFactory, wait_until: Callable[..., None]
) -> None:
    calls: list[int] = []

    def on_frame(frame: ReceivedFrame) -> None:
        calls.append(frame.frame.bit_count)
        raise RuntimeError("user code failed")

    with (
        WiegandReceiver(*RX, frame_gap_ms=RX_GAP_MS, on_frame=on_frame, pin_factory=factory) as rx,
        WiegandTransmitter(*TX, pin_factory=factory, **FAST) as tx,
    ):
        tx.send(encode(WiegandFormat.H10301, facility=1, card=1))
        tx.send(encode(WiegandFormat.H10306, facility=1, card=1))
        wait_until(lambda: rx.stats.callback_errors == 2, what="both callbacks")
        assert calls == [26, 34]
        assert rx.stats.frames == 2


def test_get_times_out(link: Link) -> None:
    with pytest.raises(TimeoutError, match=r"no Wiegand frame within 0\.05 s"):
        link.rx.get(timeout=0.05)


# --- life cycle and settings ----------------------------------------------------------------


def test_close_releases_the_pins(factory: MockFactory) -> None:
    rx = WiegandReceiver(*RX, pin_factory=factory)
    tx = WiegandTransmitter(*TX, pin_factory=factory)
    rx.close()
    tx.close()
    rx.close()  # closing twice is fine
    assert rx.closed
    assert tx.closed
    with pytest.raises(ConfigurationError, match="closed"):
        tx.send("1")
    with pytest.raises(ConfigurationError, match="closed"):
        rx.get(timeout=0)
    # The pins are free again.
    with WiegandReceiver(*RX, pin_factory=factory), WiegandTransmitter(*TX, pin_factory=factory):
        pass


def test_a_pin_in_use_fails_cleanly(factory: MockFactory) -> None:
    with WiegandReceiver(*RX, pin_factory=factory):
        with pytest.raises(Exception, match=r"already in use|reserved"):
            WiegandReceiver(RX[1], 5, pin_factory=factory)
        with pytest.raises(Exception, match=r"already in use|reserved"):
            WiegandTransmitter(5, RX[0], pin_factory=factory)
    # The half-made devices released pin 5.
    with WiegandTransmitter(5, 6, pin_factory=factory):
        pass


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"pulse_us": 19}, "pulse_us"),
        ({"pulse_us": 101}, "pulse_us"),
        ({"interval_us": 199}, "interval_us"),
        ({"interval_us": 20_001}, "interval_us"),
        ({"frame_gap_ms": 0.5}, "frame_gap_ms"),
        ({"interval_us": 20_000, "frame_gap_ms": 20}, "frame_gap_ms"),
        ({"backend": "lgpio"}, "backend"),
        ({"backend": "pigpio"}, "backend"),
    ],
)
def test_transmitter_settings_are_checked(
    factory: MockFactory, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidSettingValueError) as caught:
        WiegandTransmitter(*TX, pin_factory=factory, **kwargs)
    assert caught.value.field == field
    # Nothing was left claimed.
    WiegandTransmitter(*TX, pin_factory=factory).close()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"frame_gap_ms": 0}, "frame_gap_ms"),
        ({"frame_gap_ms": 20_000}, "frame_gap_ms"),
        ({"min_pulse_us": -1}, "min_pulse_us"),
        ({"max_bits": 0}, "max_bits"),
    ],
)
def test_receiver_settings_are_checked(
    factory: MockFactory, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidSettingValueError) as caught:
        WiegandReceiver(*RX, pin_factory=factory, **kwargs)
    assert caught.value.field == field


def test_the_same_pin_twice_is_refused(factory: MockFactory) -> None:
    with pytest.raises(InvalidSettingValueError, match="different pins"):
        WiegandTransmitter(22, 22, pin_factory=factory)
    with pytest.raises(InvalidSettingValueError, match="different pins"):
        WiegandReceiver(17, 17, pin_factory=factory)


def test_wiring_after_the_pins_exist_is_refused() -> None:
    factory = MockFactory()
    factory.pin(TX[0])
    with pytest.raises(ConfigurationError, match="already exists unwired"):
        connect_mock_lines(factory, outputs=TX, inputs=RX)


def test_reprs_name_pins_and_timing(link: Link) -> None:
    assert repr(link.rx) == "WiegandReceiver(d0=GPIO17, d1=GPIO27, frame_gap_ms=50)"
    assert repr(link.tx) == (
        "WiegandTransmitter(d0=GPIO22, d1=GPIO23, pulse_us=20, interval_us=200, backend='software')"
    )


def test_wait_idle_waits_for_a_frame_being_sent_and_no_longer(factory: MockFactory) -> None:
    tx = WiegandTransmitter(22, 23, pin_factory=factory)
    try:
        assert tx.wait_idle(0.1)
        # A frame in flight holds the transmitter (as send() does while pulsing).
        with tx._lock:
            assert not tx.wait_idle(0.05)
        assert tx.wait_idle(0.1)
        tx.send(encode(WiegandFormat.H10301, facility=1, card=2))
        assert tx.wait_idle(0.1)
    finally:
        tx.close()
