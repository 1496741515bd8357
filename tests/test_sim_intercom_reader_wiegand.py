"""A Wiegand reader on the simulated intercom's reader connector: gpiozero mock pins, wired.

Our Wiegand transmitter drives mock output pins connected to the intercom's D0/D1 input
pins, where the intercom's receiver decodes the pulses on its own thread. The door's 7 s
are on the device's manual clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from gpiozero.pins.mock import MockFactory

from axisctl.apis.access import CardData, CredentialHolder, DenyReason
from axisctl.drivers.wiegand import (
    KeypressFormat,
    WiegandFrame,
    WiegandTransmitter,
    connect_mock_lines,
    encode_keys,
)
from axisctl.errors import ConfigurationError
from axisctl.sim import SimulatedDevice
from axisctl.sim.access.connector_wiegand import DEFAULT_WIEGAND_PINS, WiegandPins, key_of
from axisctl.sim.access.decisions import AccessResult, Decision, Presented
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.clock import SimClock

WaitUntil = Callable[..., None]

DOOR = 3
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)
READER_PINS = (22, 23)  # the transmitter's D0, D1: the "reader" on the bench
# Short frames and long gaps: a software-timed transmitter preempted on a busy machine must
# not split a frame in two.
TX_PULSE_US, TX_INTERVAL_US, TX_GAP_MS = 20, 200, 150
RX_GAP_MS = 100


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pin_factory = MockFactory()
    yield pin_factory
    pin_factory.close()


@pytest.fixture
def intercom() -> Iterator[SimulatedDevice]:
    device = SimulatedDevice("intercom", serial="B8A44F0000E1", clock=SimClock(manual=True))
    access = access_of(device)
    access.set_settings(replace(access.settings, external_reader=True))
    yield device
    device.close()


@pytest.fixture
def transmitter(intercom: SimulatedDevice, factory: MockFactory) -> Iterator[WiegandTransmitter]:
    connector = access_of(intercom).reader_connector
    pins = connector.attach_wiegand(pin_factory=factory, frame_gap_ms=RX_GAP_MS)
    connect_mock_lines(factory, outputs=READER_PINS, inputs=pins)
    with WiegandTransmitter(
        *READER_PINS,
        pulse_us=TX_PULSE_US,
        interval_us=TX_INTERVAL_US,
        frame_gap_ms=TX_GAP_MS,
        pin_factory=factory,
    ) as sender:
        yield sender


def access_of(device: SimulatedDevice) -> IntercomAccess:
    assert device.access is not None
    return device.access


def add(device: SimulatedDevice, *holders: CredentialHolder) -> None:
    access = access_of(device)
    access.entry_list.add(holders, pin_length=access.settings.pin_length, now=device.clock.wall())


def send(
    device: SimulatedDevice,
    transmitter: WiegandTransmitter,
    frames: list[WiegandFrame],
    wait_until: WaitUntil,
) -> Decision:
    """Frames on the lines; the intercom's decision once it made one."""
    access = access_of(device)
    before = len(access.decisions())
    for frame in frames:
        transmitter.send(frame)
    wait_until(lambda: len(access.decisions()) > before, what="the intercom's decision")
    return access.decisions()[-1]


def card_frame(card: CardData) -> WiegandFrame:
    return WiegandFrame(card.value, card.bit_count)


def door_active(device: SimulatedDevice) -> bool:
    return device.io.is_active(DOOR)


def test_a_card_on_the_wiegand_lines_opens_relay_1_for_exactly_seven_seconds(
    intercom: SimulatedDevice, transmitter: WiegandTransmitter, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", "Freeman", card=GORDON_CARD))
    decision = send(intercom, transmitter, [card_frame(GORDON_CARD)], wait_until)
    assert decision.result is AccessResult.GRANTED
    assert decision.card == GORDON_CARD
    assert door_active(intercom)
    intercom.clock.advance(6.999)
    assert door_active(intercom)
    intercom.clock.advance(0.001)
    assert not door_active(intercom)


@pytest.mark.parametrize("why", ["suspended", "expired"])
def test_a_suspended_or_expired_card_on_the_wiegand_lines_leaves_the_door_shut(
    intercom: SimulatedDevice, transmitter: WiegandTransmitter, wait_until: WaitUntil, why: str
) -> None:
    now = dt.datetime.fromtimestamp(intercom.clock.wall(), dt.timezone.utc)
    holder = CredentialHolder("Gordon", card=GORDON_CARD)
    if why == "suspended":
        holder = replace(holder, suspended=True)
    else:
        holder = replace(holder, valid_to=now + dt.timedelta(minutes=1))
    add(intercom, holder)
    intercom.clock.advance(60)
    decision = send(intercom, transmitter, [card_frame(GORDON_CARD)], wait_until)
    assert decision.result is AccessResult.DENIED
    assert (
        decision.reason
        is {
            "suspended": DenyReason.CREDENTIAL_NOT_ENABLED,
            "expired": DenyReason.CREDENTIAL_EXPIRED,
        }[why]
    )
    assert not door_active(intercom)


@pytest.mark.parametrize(
    "key_format",
    [
        KeypressFormat.FOUR_BIT,
        KeypressFormat.EIGHT_BIT_INVERT_PADDED,
        KeypressFormat.EIGHT_BIT_ZERO_PADDED,
    ],
)
def test_keypad_frames_on_the_wiegand_lines_enter_a_pin(
    intercom: SimulatedDevice,
    transmitter: WiegandTransmitter,
    wait_until: WaitUntil,
    key_format: KeypressFormat,
) -> None:
    add(intercom, CredentialHolder("Alyx", pin="2468"))
    frames = list(encode_keys("9*2468", key_format))  # a slip cleared with *, then the PIN
    decision = send(intercom, transmitter, frames, wait_until)
    assert decision.result is AccessResult.GRANTED
    assert decision.presented is Presented.PIN
    assert door_active(intercom)


def test_card_then_pin_on_the_wiegand_lines(
    intercom: SimulatedDevice, transmitter: WiegandTransmitter, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1357"))
    frames = [card_frame(GORDON_CARD), *encode_keys("1357", KeypressFormat.FOUR_BIT)]
    decision = send(intercom, transmitter, frames, wait_until)
    assert decision.presented is Presented.CARD_AND_PIN
    assert decision.granted


def test_frames_are_ignored_while_the_external_reader_is_off(
    intercom: SimulatedDevice, transmitter: WiegandTransmitter, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access = access_of(intercom)
    access.set_settings(replace(access.settings, external_reader=False))
    transmitter.send(card_frame(GORDON_CARD))
    wiegand = access.reader_connector.wiegand
    assert wiegand is not None
    wait_until(lambda: wiegand.ignored == 1, what="the frame ignored")
    assert wiegand.stats.frames == 1
    assert access.decisions() == []
    assert access.last_card is None


def test_the_lines_are_attached_once_and_released_on_detach(
    intercom: SimulatedDevice, factory: MockFactory
) -> None:
    connector = access_of(intercom).reader_connector
    assert connector.wiegand_pins is None
    pins = connector.attach_wiegand(pin_factory=factory)
    assert pins == DEFAULT_WIEGAND_PINS
    assert connector.wiegand_pins == pins
    with pytest.raises(ConfigurationError, match="attached on"):
        connector.attach_wiegand((5, 6), pin_factory=factory)
    connector.detach_wiegand()
    assert connector.wiegand_pins is None
    # The pins are free again.
    assert connector.attach_wiegand(pins, pin_factory=factory) == WiegandPins(17, 27)


def test_closing_the_device_releases_the_pins(factory: MockFactory) -> None:
    device = SimulatedDevice("intercom", serial="B8A44F0000E2", clock=SimClock(manual=True))
    access_of(device).reader_connector.attach_wiegand((5, 6), pin_factory=factory)
    device.close()
    other = SimulatedDevice("intercom", serial="B8A44F0000E3", clock=SimClock(manual=True))
    try:
        assert other.access is not None
        assert other.access.reader_connector.attach_wiegand((5, 6), pin_factory=factory)
    finally:
        other.close()


@pytest.mark.parametrize(
    ("bits", "key"),
    [
        ("0000", "0"),
        ("1010", "*"),
        ("1011", "#"),
        ("11100001", "1"),
        ("00000111", "7"),
        ("1111", None),  # code 15 is no key
        ("11110001", None),  # neither padding
        ("10000000000100111111001011", None),  # a card
    ],
)
def test_short_frames_are_keys(bits: str, key: str | None) -> None:
    assert key_of(WiegandFrame.from_text(bits)) == key
