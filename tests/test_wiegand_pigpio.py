"""The transmitter's pigpio wave backend, against a stand-in for the pigpio daemon.

There is no Raspberry Pi here. The stand-in records the wave the transmitter builds and, to
check what that wave means, plays it onto gpiozero mock pins wired to a real receiver: the
pulse list must come out as the frame. That the daemon's DMA keeps the delays is pigpio's
promise, not something this test can show.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from gpiozero.pins.mock import MockFactory

from axisctl.drivers.wiegand import WiegandFormat, WiegandFrame, encode
from axisctl.drivers.wiegand.mock import connect_mock_lines
from axisctl.drivers.wiegand.receiver import WiegandReceiver
from axisctl.drivers.wiegand.transmitter import WiegandTransmitter

TX = (22, 23)
RX = (17, 27)


class FakePigpio:
    """The subset of ``pigpio.pi`` the transmitter uses; plays waves onto mock pins."""

    def __init__(self, factory: MockFactory) -> None:
        self._factory = factory
        self._pending: list[Any] = []
        self.waves: dict[int, list[Any]] = {}
        self.sent: list[list[tuple[int, int, int]]] = []
        self.deleted: list[int] = []

    def wave_add_new(self) -> int:
        self._pending = []
        return 0

    def wave_add_generic(self, pulses: list[Any]) -> int:
        self._pending.extend(pulses)
        return len(self._pending)

    def wave_create(self) -> int:
        wave = len(self.waves)
        self.waves[wave] = self._pending
        self._pending = []
        return wave

    def wave_send_once(self, wave: int) -> int:
        pulses = [(p.gpio_on, p.gpio_off, p.delay) for p in self.waves[wave]]
        self.sent.append(pulses)
        for gpio_on, gpio_off, delay in pulses:
            for gpio in range(32):
                if gpio_on >> gpio & 1:
                    self._factory.pin(gpio).state = 1
                if gpio_off >> gpio & 1:
                    self._factory.pin(gpio).state = 0
            deadline = time.perf_counter() + delay / 1e6
            while time.perf_counter() < deadline:
                pass
        return len(pulses)

    def wave_tx_busy(self) -> int:
        return 0

    def wave_delete(self, wave: int) -> int:
        self.deleted.append(wave)
        return 0


class FakePiGPIOFactory(MockFactory):  # type: ignore[misc]
    """A mock factory with a ``connection``, as gpiozero's PiGPIOFactory has."""

    def __init__(self) -> None:
        super().__init__()
        self.connection = FakePigpio(self)


@pytest.fixture
def factory() -> Iterator[FakePiGPIOFactory]:
    factory = FakePiGPIOFactory()
    connect_mock_lines(factory, outputs=TX, inputs=RX)
    yield factory
    factory.reset()


def test_a_frame_is_one_dma_wave(factory: FakePiGPIOFactory) -> None:
    with WiegandTransmitter(*TX, pulse_us=50, interval_us=2000, pin_factory=factory) as tx:
        assert tx.backend == "pigpio-wave"
        report = tx.send("01")
    d0, d1 = 1 << TX[0], 1 << TX[1]
    # Active low: switch the line's GPIO off for the pulse, on again for the rest of the interval.
    assert factory.connection.sent == [[(0, d0, 50), (d0, 0, 1950), (0, d1, 50), (d1, 0, 1950)]]
    assert factory.connection.deleted == [0]
    assert report.hardware_timed
    assert report.backend == "pigpio-wave"
    assert (report.timing.pulse_min_us, report.timing.pulse_max_us) == (50, 50)
    assert (report.timing.interval_min_us, report.timing.interval_max_us) == (2000, 2000)
    assert report.timing.within_sia


def test_an_inverting_output_stage_swaps_the_levels(factory: FakePiGPIOFactory) -> None:
    with WiegandTransmitter(*TX, inverted=True, pin_factory=factory) as tx:
        tx.send("1")
    d1 = 1 << TX[1]
    assert factory.connection.sent == [[(d1, 0, 50), (0, d1, 1950)]]


def test_the_wave_decodes_at_a_receiver(factory: FakePiGPIOFactory) -> None:
    frame = encode(WiegandFormat.H10304, facility=4660, card=300000)
    with (
        WiegandReceiver(*RX, frame_gap_ms=30, pin_factory=factory) as rx,
        WiegandTransmitter(
            *TX, pulse_us=20, interval_us=200, frame_gap_ms=40, pin_factory=factory
        ) as tx,
    ):
        tx.send(frame)
        assert rx.get(timeout=5).frame == frame


def test_software_timing_can_be_chosen_on_pigpio(factory: FakePiGPIOFactory) -> None:
    with WiegandTransmitter(*TX, backend="software", pin_factory=factory) as tx:
        report = tx.send(WiegandFrame(1, 1))
    assert report.backend == "software"
    assert factory.connection.sent == []
