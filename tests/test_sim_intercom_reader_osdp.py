"""An external OSDP reader on the simulated intercom's reader connector, a real pty.

The intercom runs our OSDP control panel on the pty's controlling end; our reader emulator
opens the other end by its path, as ``axisctl osdp reader --port`` would. The door's 7 s are
on the device's manual clock; what crosses threads is awaited with ``wait_until``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from axisctl.apis.access import CardData, CredentialHolder, DenyReason
from axisctl.drivers.osdp import (
    Command,
    CommandReceived,
    CpTimings,
    LedColor,
    ReaderConfig,
    ReaderEmulator,
)
from axisctl.sim import SimulatedDevice
from axisctl.sim.access.connector import ConnectorStatus
from axisctl.sim.access.decisions import AccessResult, Decision, Presented
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.clock import SimClock

WaitUntil = Callable[..., None]

DOOR = 3  # relay 1, "Door"
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)
SITE_KEY = bytes.fromhex("8899aabbccddeeff0011223344556677")
OTHER_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.fixture
def intercom() -> Iterator[SimulatedDevice]:
    device = SimulatedDevice("intercom", serial="B8A44F0000D1", clock=SimClock(manual=True))
    # Probe a missing reader every 0.2 s instead of 1 s, so reconnecting is quick.
    access_of(device).reader_connector.timings = CpTimings(offline_retry=0.2)
    yield device
    device.close()


def access_of(device: SimulatedDevice) -> IntercomAccess:
    assert device.access is not None
    return device.access


def add(device: SimulatedDevice, *holders: CredentialHolder) -> None:
    access = access_of(device)
    access.entry_list.add(holders, pin_length=access.settings.pin_length, now=device.clock.wall())


def use_external_reader(device: SimulatedDevice, **changes: object) -> str:
    """Turn "Use external OSDP reader" on (with ``changes``); the connector's pty path."""
    access = access_of(device)
    access.set_settings(access.settings.replace({"external_reader": True, **changes}))
    path = access.connector_path
    assert path is not None
    return path


class Reader:
    """Our reader emulator on the connector, and the commands it accepted."""

    def __init__(self, emulator: ReaderEmulator) -> None:
        self.emulator = emulator
        self.commands: list[CommandReceived] = []
        self._lock = threading.Lock()

    def record(self, command: CommandReceived) -> None:
        with self._lock:
            self.commands.append(command)

    def count(self, code: Command) -> int:
        with self._lock:
            return sum(1 for command in self.commands if command.command is code)


@contextmanager
def reader_on(path: str, config: ReaderConfig | None = None) -> Iterator[Reader]:
    holder: list[Reader] = []
    emulator = ReaderEmulator.open(
        path, config or ReaderConfig(), on_command=lambda c: holder[0].record(c)
    )
    holder.append(Reader(emulator))
    with emulator:
        yield holder[0]


def present(device: SimulatedDevice, reader: Reader, bits: str, wait_until: WaitUntil) -> Decision:
    """A card at the external reader; the intercom's decision once it made one."""
    access = access_of(device)
    before = len(access.decisions())
    reader.emulator.present_card(bits)
    wait_until(lambda: len(access.decisions()) > before, what="the intercom's decision")
    return access.decisions()[-1]


def door_active(device: SimulatedDevice) -> bool:
    return device.io.is_active(DOOR)


def connected(device: SimulatedDevice, wait_until: WaitUntil) -> None:
    connector = access_of(device).reader_connector
    wait_until(lambda: connector.status is ConnectorStatus.CONNECTED, what="reader connected")


# --- the acceptance ---------------------------------------------------------------------


def test_a_card_at_the_external_reader_opens_relay_1_for_exactly_seven_seconds(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", "Freeman", card=GORDON_CARD))
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        decision = present(intercom, reader, GORDON_CARD.bits, wait_until)
        assert decision.result is AccessResult.GRANTED
        assert decision.holder == "Gordon Freeman"
        assert decision.card == GORDON_CARD
        assert door_active(intercom)
        intercom.clock.advance(6.999)
        assert door_active(intercom)
        intercom.clock.advance(0.001)
        assert not door_active(intercom)
        # Shown on the reader: green for the door open time and one short beep.
        emulator = reader.emulator
        wait_until(lambda: emulator.led().on_color is LedColor.GREEN, what="a green LED")
        led = emulator.led()
        assert led.off_time == 0  # steady
        assert led.temporary
        assert led.remaining is not None
        assert 5 < led.remaining <= 7
        wait_until(lambda: reader.count(Command.BUZ) == 1, what="a beep")
        buzzer = emulator.buzzer()
        assert (buzzer.on_time, buzzer.count) == (0.2, 1)


@pytest.mark.parametrize("why", ["suspended", "expired"])
def test_a_suspended_or_expired_credential_at_the_external_reader_leaves_the_door_shut(
    intercom: SimulatedDevice, wait_until: WaitUntil, why: str
) -> None:
    now = dt.datetime.fromtimestamp(intercom.clock.wall(), dt.timezone.utc)
    holder = CredentialHolder("Gordon", card=GORDON_CARD)
    if why == "suspended":
        holder = replace(holder, suspended=True)
    else:
        holder = replace(holder, valid_to=now + dt.timedelta(hours=1))
    add(intercom, holder)
    intercom.clock.advance(3600)
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        decision = present(intercom, reader, GORDON_CARD.bits, wait_until)
        assert decision.result is AccessResult.DENIED
        expected = {
            "suspended": DenyReason.CREDENTIAL_NOT_ENABLED,
            "expired": DenyReason.CREDENTIAL_EXPIRED,
        }[why]
        assert decision.reason is expected
        assert not door_active(intercom)
        intercom.clock.advance(7)
        assert not door_active(intercom)
        # Shown on the reader: red and one long beep.
        emulator = reader.emulator
        wait_until(lambda: emulator.led().on_color is LedColor.RED, what="a red LED")
        wait_until(lambda: reader.count(Command.BUZ) == 1, what="a beep")
        buzzer = emulator.buzzer()
        assert (buzzer.on_time, buzzer.count) == (1.0, 1)


def test_an_unknown_card_is_refused_at_the_reader(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        decision = present(intercom, reader, "1" * 35, wait_until)
    assert decision.result is AccessResult.DENIED
    assert decision.reason is DenyReason.CREDENTIAL_NOT_FOUND
    assert decision.card == CardData.from_bits("1" * 35)
    assert access_of(intercom).last_card == CardData.from_bits("1" * 35)


# --- the secure channel -------------------------------------------------------------------------


def test_with_a_site_key_the_reader_connects_over_the_secure_channel(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    connector = access_of(intercom).reader_connector
    connector.set_osdp_key(SITE_KEY)
    with reader_on(use_external_reader(intercom), ReaderConfig(scbk=SITE_KEY)) as reader:
        connected(intercom, wait_until)
        assert connector.secure
        assert reader.emulator.secure
        assert present(intercom, reader, GORDON_CARD.bits, wait_until).granted
        assert door_active(intercom)
        wait_until(lambda: reader.emulator.led().on_color is LedColor.GREEN, what="green")
        assert all(command.secure for command in reader.commands if command.command is Command.LED)


def test_install_mode_gives_a_new_reader_the_site_key(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    connector = access_of(intercom).reader_connector
    connector.set_osdp_key(SITE_KEY, install_mode=True)
    keys: list[bytes] = []
    path = use_external_reader(intercom)
    with ReaderEmulator.open(path, ReaderConfig(), on_key_change=keys.append) as emulator:
        connected(intercom, wait_until)
        assert connector.secure
        assert emulator.secure
    assert keys == [SITE_KEY]


def test_a_reader_with_another_key_is_never_connected_in_plaintext(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    connector = access_of(intercom).reader_connector
    connector.set_osdp_key(SITE_KEY)
    with reader_on(use_external_reader(intercom), ReaderConfig(scbk=OTHER_KEY)) as reader:
        wait_until(lambda: connector.last_error is not None, what="a failed handshake")
        reader.emulator.present_card(GORDON_CARD.bits)
        assert connector.status is ConnectorStatus.CONNECTING
        assert "cryptogram" in (connector.last_error or "")
        assert SITE_KEY.hex() not in (connector.last_error or "")
        assert access_of(intercom).decisions() == []


# --- the keypad ---------------------------------------------------------------------------------


def test_a_pin_typed_on_the_external_reader_opens_the_door(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Alyx", pin="2468"))
    access = access_of(intercom)
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        reader.emulator.press_keys("24")
        reader.emulator.press_keys("68")
        wait_until(lambda: door_active(intercom), what="the door open")
        (decision,) = access.decisions()
        assert decision.result is AccessResult.GRANTED
        assert decision.presented is Presented.PIN
        assert decision.holder == "Alyx"
        wait_until(lambda: reader.emulator.led().on_color is LedColor.GREEN, what="green")


def test_card_then_pin_at_the_external_reader(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1357"))
    access = access_of(intercom)
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        emulator = reader.emulator
        emulator.present_card(GORDON_CARD.bits)
        # Waiting for the PIN, not decided yet: amber, blinking.
        wait_until(lambda: emulator.led().on_color is LedColor.AMBER, what="amber")
        assert emulator.led().off_time == 0.5
        assert access.decisions() == []
        emulator.press_keys("9*1357")  # a slip, cleared with *, then the PIN
        wait_until(lambda: door_active(intercom), what="the door open")
        decision = access.decisions()[-1]
        assert decision.presented is Presented.CARD_AND_PIN
        assert decision.granted


def test_a_wrong_pin_after_the_card_is_refused(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1357"))
    access = access_of(intercom)
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        reader.emulator.present_card(GORDON_CARD.bits)
        wait_until(lambda: reader.emulator.led().on_color is LedColor.AMBER, what="amber")
        reader.emulator.press_keys("1358")
        wait_until(lambda: len(access.decisions()) == 1, what="the PIN's decision")
        assert access.decisions()[-1].reason is DenyReason.INVALID_PIN
        assert not door_active(intercom)
        wait_until(lambda: reader.emulator.led().on_color is LedColor.RED, what="red")


# --- following the settings and the power state --------------------------------------------------


def test_the_intercom_polls_the_configured_osdp_address(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    path = use_external_reader(intercom, osdp_address=5)
    with reader_on(path, ReaderConfig(address=5)):
        connected(intercom, wait_until)
    access = access_of(intercom)
    access.set_settings(access.settings.replace({"osdp_address": 6}))
    with reader_on(path, ReaderConfig(address=5)) as reader:
        connector = access.reader_connector
        wait_until(lambda: connector.last_error is not None, what="no answer at address 6")
        assert connector.status is ConnectorStatus.CONNECTING
        assert reader.count(Command.ID) == 0


def test_turning_the_external_reader_off_stops_polling_and_keeps_the_pty(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access = access_of(intercom)
    connector = access.reader_connector
    path = use_external_reader(intercom)
    with reader_on(path) as reader:
        connected(intercom, wait_until)
        access.set_settings(access.settings.replace({"external_reader": False}))
        assert connector.status is ConnectorStatus.NOT_CONNECTED
        assert access.connector_path == path
        identified = reader.count(Command.ID)
        # Back on: a new control panel identifies the same, still attached reader.
        use_external_reader(intercom)
        connected(intercom, wait_until)
        assert reader.count(Command.ID) > identified
        assert present(intercom, reader, GORDON_CARD.bits, wait_until).granted


def test_a_restart_takes_the_reader_offline_and_back(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    connector = access_of(intercom).reader_connector
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        identified = reader.count(Command.ID)
        intercom.restart()
        assert connector.status is ConnectorStatus.NOT_CONNECTED
        intercom.clock.advance(5)  # the restart ends
        connected(intercom, wait_until)
        assert reader.count(Command.ID) > identified
        assert present(intercom, reader, GORDON_CARD.bits, wait_until).granted
        assert door_active(intercom)


def test_settings_that_do_not_concern_the_reader_leave_it_connected(
    intercom: SimulatedDevice, wait_until: WaitUntil
) -> None:
    access = access_of(intercom)
    with reader_on(use_external_reader(intercom)) as reader:
        connected(intercom, wait_until)
        identified = reader.count(Command.ID)
        access.set_settings(access.settings.replace({"pin_length": 6, "door_open_time_s": 3}))
        assert access.reader_connector.status is ConnectorStatus.CONNECTED
        assert reader.count(Command.ID) == identified
