"""The simulated intercom's access decisions: the entry list, relay 1 and the events.

The device runs without HTTP on a manual clock, so the door's 7 seconds are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from axisctl.apis.access import (
    TOPIC_ACCESS_GRANTED,
    TOPIC_CARD_READ,
    TOPIC_DENIED,
    TOPIC_DENIED_CARD_NOT_FOUND,
    TOPIC_DENIED_INVALID_PIN,
    TOPIC_DENIED_PIN_NOT_FOUND,
    CardData,
    CredentialHolder,
    DenyReason,
    InvalidCardError,
    OutputFormat,
    ReaderSettings,
)
from axisctl.sim import SimulatedDevice
from axisctl.sim.access.decisions import LOG_LIMIT, AccessResult, Decision, Presented
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.bus import SimEvent
from axisctl.sim.clock import SimClock

DOOR = 3  # relay 1, "Door", is I/O port 3 of the I8116-E
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)  # the reference's worked example
GORDON_BITS = "10000000000100111111001011"


@pytest.fixture
def intercom() -> Iterator[SimulatedDevice]:
    device = SimulatedDevice("intercom", serial="B8A44F0000C1", clock=SimClock(manual=True))
    yield device
    device.close()


def access_of(device: SimulatedDevice) -> IntercomAccess:
    assert device.access is not None
    return device.access


def now(device: SimulatedDevice) -> dt.datetime:
    return dt.datetime.fromtimestamp(device.clock.wall(), dt.timezone.utc)


def add(device: SimulatedDevice, *holders: CredentialHolder) -> list[str]:
    access = access_of(device)
    return access.entry_list.add(
        holders, pin_length=access.settings.pin_length, now=device.clock.wall()
    )


def access_events(device: SimulatedDevice) -> list[SimEvent]:
    return [e for e in device.bus.events() if e.topic.startswith("tns1:AccessControl/")]


def door_active(device: SimulatedDevice) -> bool:
    return device.io.is_active(DOOR)


def assert_denied(decision: Decision, reason: DenyReason, device: SimulatedDevice) -> None:
    assert decision.result is AccessResult.DENIED
    assert decision.reason is reason
    assert not door_active(device)


# --- the manual's recipe ------------------------------------------------------------------------


def test_a_valid_card_opens_relay_1_for_exactly_seven_seconds(intercom: SimulatedDevice) -> None:
    (token,) = add(intercom, CredentialHolder("Gordon", "Freeman", card=GORDON_CARD))
    decision = access_of(intercom).present_card(GORDON_BITS)
    assert decision.granted
    assert (decision.token, decision.holder, decision.card) == (
        token,
        "Gordon Freeman",
        GORDON_CARD,
    )
    assert door_active(intercom)
    intercom.clock.advance(6.999)
    assert door_active(intercom)
    intercom.clock.advance(0.001)
    assert not door_active(intercom)
    (granted,) = access_events(intercom)
    assert granted.topic == TOPIC_ACCESS_GRANTED
    assert dict(granted.source) == {"AccessPointToken": "Door"}
    assert dict(granted.data) == {
        "CredentialToken": token,
        "CredentialHolderName": "Gordon Freeman",
    }
    assert not granted.stateful


def test_the_relay_pulse_shows_as_relay_and_output_events(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access_of(intercom).present_card(GORDON_CARD)
    intercom.clock.advance(7)
    relay = [e.data["LogicalState"] for e in intercom.bus.events("tns1:Device/Trigger/Relay")]
    assert relay[-2:] == ["active", "inactive"]


def test_the_door_open_time_setting_is_used(intercom: SimulatedDevice) -> None:
    access = access_of(intercom)
    access.set_settings(replace(access.settings, door_open_time_s=3))
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access.present_card(GORDON_CARD)
    intercom.clock.advance(2.9)
    assert door_active(intercom)
    intercom.clock.advance(0.1)
    assert not door_active(intercom)


def test_a_second_grant_keeps_the_door_open_from_then_on(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access = access_of(intercom)
    access.present_card(GORDON_CARD)
    intercom.clock.advance(5)
    access.present_card(GORDON_CARD)
    intercom.clock.advance(6.5)
    assert door_active(intercom)
    intercom.clock.advance(0.5)
    assert not door_active(intercom)


def test_a_card_read_event_carries_the_decoded_fields(intercom: SimulatedDevice) -> None:
    access_of(intercom).present_card(GORDON_BITS)
    (read,) = intercom.bus.events(TOPIC_CARD_READ)
    assert dict(read.source) == {"IdPointToken": "Reader"}
    assert dict(read.data) == {
        "Card": "02004fcb",
        "BitCount": "26",
        "FacilityCode": "0",
        "CardNr": "10213",
    }
    assert access_of(intercom).last_card == GORDON_CARD


# --- the same card, presented every way a reader delivers it ------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"card": GORDON_BITS},
        {"card": GORDON_CARD},
        {"data": bytes.fromhex("8013f2c0"), "bit_count": 26},
        {"number": 10213, "facility": 0, "bit_count": 26},
    ],
    ids=["wiegand-bits", "card-data", "osdp-raw", "number"],
)
def test_every_form_of_a_card_finds_the_holder(
    intercom: SimulatedDevice, kwargs: dict[str, object]
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    assert access_of(intercom).present_card(**kwargs).granted  # type: ignore[arg-type]


def test_37_bit_numbers_follow_the_output_format(intercom: SimulatedDevice) -> None:
    access = access_of(intercom)
    h10302 = CardData.wiegand("Wiegand37", 0, 4567)
    h10304 = CardData.wiegand("Wiegand37FacilityCode", 123, 4567)
    add(intercom, CredentialHolder("Eli", card=h10302), CredentialHolder("Isaac", card=h10304))
    assert access.present_card(number=4567, bit_count=37).holder == "Eli"
    assert access.present_card(number=4567, facility=123, bit_count=37).holder == "Isaac"
    # With the H10304 output format, a bare 37-bit number is read as H10304 too.
    access.set_settings(
        replace(access.settings, output_format=OutputFormat.WIEGAND37_FACILITY_CODE)
    )
    card = access.present_card(number=4567, bit_count=37).card
    assert card == CardData.wiegand("Wiegand37FacilityCode", 0, 4567)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one"),
        ({"card": "10x1"}, "other than 0/1"),
        ({"data": b"\x80", "bit_count": 26}, "has 1 bytes; 26 bits need 4"),
        ({"number": 70000, "facility": 0, "bit_count": 26}, "card number 70000 is out of range"),
        ({"number": 5, "bit_count": 30}, "no Wiegand format has 30 bits"),
        ({"card": GORDON_BITS, "facility": 3}, "carries its own"),
    ],
)
def test_bad_card_input_is_a_typed_error(
    intercom: SimulatedDevice, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidCardError, match=message):
        access_of(intercom).present_card(**kwargs)  # type: ignore[arg-type]
    assert access_of(intercom).decisions() == []


# --- denials ------------------------------------------------------------------------------------


def test_an_unknown_card_is_denied_and_named(intercom: SimulatedDevice) -> None:
    decision = access_of(intercom).present_card(GORDON_BITS)
    assert_denied(decision, DenyReason.CREDENTIAL_NOT_FOUND, intercom)
    (event,) = access_events(intercom)
    assert event.topic == TOPIC_DENIED_CARD_NOT_FOUND
    assert dict(event.data) == {"Card": "02004fcb", "BitCount": "26"}


def test_a_suspended_credential_is_denied(intercom: SimulatedDevice) -> None:
    (token,) = add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, suspended=True))
    decision = access_of(intercom).present_card(GORDON_CARD)
    assert_denied(decision, DenyReason.CREDENTIAL_NOT_ENABLED, intercom)
    (event,) = access_events(intercom)
    assert event.topic == TOPIC_DENIED
    assert dict(event.data) == {
        "CredentialToken": token,
        "CredentialHolderName": "Gordon",
        "Reason": "CredentialNotEnabled",
    }


def test_an_expired_credential_is_denied_from_its_end_on(intercom: SimulatedDevice) -> None:
    end = now(intercom) + dt.timedelta(hours=1)
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, valid_to=end))
    access = access_of(intercom)
    intercom.clock.advance(3599)
    assert access.present_card(GORDON_CARD).granted
    intercom.clock.advance(7)  # the door closes; the end passes
    assert_denied(access.present_card(GORDON_CARD), DenyReason.CREDENTIAL_EXPIRED, intercom)


def test_a_credential_is_denied_before_it_is_valid(intercom: SimulatedDevice) -> None:
    start = now(intercom) + dt.timedelta(days=1)
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, valid_from=start))
    access = access_of(intercom)
    assert_denied(access.present_card(GORDON_CARD), DenyReason.CREDENTIAL_NOT_ACTIVE, intercom)
    intercom.clock.advance(24 * 3600)
    assert access.present_card(GORDON_CARD).granted


def test_the_tenth_use_is_granted_and_the_eleventh_is_not(intercom: SimulatedDevice) -> None:
    (token,) = add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, remaining_uses=10))
    access = access_of(intercom)
    for left in range(9, -1, -1):
        assert access.present_card(GORDON_CARD).granted
        holder = access.entry_list.get(token)
        assert holder is not None
        assert holder.remaining_uses == left
        intercom.clock.advance(10)
    assert_denied(access.present_card(GORDON_CARD), DenyReason.NO_USES_LEFT, intercom)


def test_a_denied_use_does_not_count(intercom: SimulatedDevice) -> None:
    (token,) = add(
        intercom, CredentialHolder("Gordon", card=GORDON_CARD, remaining_uses=2, suspended=True)
    )
    access_of(intercom).present_card(GORDON_CARD)
    holder = access_of(intercom).entry_list.get(token)
    assert holder is not None
    assert holder.remaining_uses == 2


# --- PINs ---------------------------------------------------------------------------------------


def test_a_pin_only_credential_opens_the_door(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", "Vance", pin="1234"))
    decision = access_of(intercom).present_pin("1234")
    assert decision.granted
    assert decision.presented is Presented.PIN
    assert door_active(intercom)


def test_an_unknown_pin_is_denied_without_saying_the_pin(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", pin="1234"))
    assert_denied(
        access_of(intercom).present_pin("4321"), DenyReason.CREDENTIAL_NOT_FOUND, intercom
    )
    (event,) = access_events(intercom)
    assert event.topic == TOPIC_DENIED_PIN_NOT_FOUND
    assert dict(event.data) == {}


def test_card_and_pin_needs_both_in_that_order(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1234"))
    access = access_of(intercom)
    pending = access.present_card(GORDON_CARD)
    assert pending.result is AccessResult.PIN_REQUIRED
    assert not door_active(intercom)
    decision = access.present_pin("1234")
    assert decision.granted
    assert decision.presented is Presented.CARD_AND_PIN
    # The PIN alone is no credential: the holder starts with the card.
    intercom.clock.advance(7)
    assert_denied(access.present_pin("1234"), DenyReason.CREDENTIAL_NOT_FOUND, intercom)


def test_a_wrong_pin_after_the_card_is_invalid_pin(intercom: SimulatedDevice) -> None:
    (token,) = add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1234"))
    access = access_of(intercom)
    access.present_card(GORDON_CARD)
    assert_denied(access.present_pin("9999"), DenyReason.INVALID_PIN, intercom)
    event = access_events(intercom)[-1]
    assert event.topic == TOPIC_DENIED_INVALID_PIN
    assert event.data["CredentialToken"] == token


def test_no_pin_within_the_timeout_is_denied(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1234"))
    access = access_of(intercom)
    access.set_settings(replace(access.settings, pin_timeout_s=5))
    access.present_card(GORDON_CARD)
    intercom.clock.advance(4.9)
    assert access.decisions() == []
    intercom.clock.advance(0.1)
    (decision,) = access.decisions()
    assert decision.reason is DenyReason.PIN_TIMEOUT
    assert access_events(intercom)[-1].data["Reason"] == "PINTimeout"
    # Back to idle: the PIN alone is not taken for the card any more.
    assert_denied(access.present_pin("1234"), DenyReason.CREDENTIAL_NOT_FOUND, intercom)


def test_pin_length_zero_needs_no_pin_after_the_card(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1234"))
    access = access_of(intercom)
    access.set_settings(replace(access.settings, pin_length=0))
    assert access.present_card(GORDON_CARD).granted


def test_keys_complete_a_pin_at_the_pin_length(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", pin="1234"))
    access = access_of(intercom)
    assert access.press_keys("12") is None
    decision = access.press_keys("34")
    assert decision is not None
    assert decision.granted


def test_star_clears_and_hash_enters(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", pin="1234"))
    access = access_of(intercom)
    access.set_settings(replace(access.settings, pin_length=0))
    assert access.press_keys("99*123") is None
    decision = access.press_keys("4#")
    assert decision is not None
    assert decision.granted


def test_digits_are_dropped_when_keys_stop_for_the_timeout(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", pin="1234"))
    access = access_of(intercom)
    access.press_keys("12")
    intercom.clock.advance(access.settings.pin_timeout_s)
    decision = access.press_keys("34")
    assert decision is None  # "34" is only the start of a new PIN


def test_keys_after_a_card_give_its_pin(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD, pin="1234"))
    access = access_of(intercom)
    access.present_card(GORDON_CARD)
    intercom.clock.advance(9)
    access.press_keys("1")  # each key restarts the 10 s wait
    intercom.clock.advance(9)
    decision = access.press_keys("234")
    assert decision is not None
    assert decision.granted


@pytest.mark.parametrize("bad", ["12a4", "", " 1234", "\uff11\uff12\uff13\uff14"])
def test_a_pin_is_digits(intercom: SimulatedDevice, bad: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        access_of(intercom).present_pin(bad)


def test_unknown_keys_are_refused_before_any_is_taken(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Alyx", pin="1234"))
    access = access_of(intercom)
    with pytest.raises(ValueError, match="keys are digits"):
        access.press_keys("1234A")
    assert access.decisions() == []


# --- switches, restart, factory default ---------------------------------------------------------


def test_with_the_entry_list_off_nothing_is_decided(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access = access_of(intercom)
    access.set_settings(replace(access.settings, entry_list=False))
    decision = access.present_card(GORDON_CARD)
    assert decision.result is AccessResult.NOT_CHECKED
    assert not door_active(intercom)
    assert access_events(intercom) == []


def test_a_restarting_intercom_decides_nothing_and_keeps_its_list(
    intercom: SimulatedDevice,
) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access = access_of(intercom)
    intercom.restart(5)
    assert access.present_card(GORDON_CARD).result is AccessResult.NOT_CHECKED
    intercom.clock.advance(5)
    assert access.present_card(GORDON_CARD).granted


def test_a_restart_closes_the_open_door(intercom: SimulatedDevice) -> None:
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access_of(intercom).present_card(GORDON_CARD)
    intercom.restart(1)
    intercom.clock.advance(1)
    assert not door_active(intercom)


def test_factory_default_empties_the_list_and_resets_settings(intercom: SimulatedDevice) -> None:
    access = access_of(intercom)
    add(intercom, CredentialHolder("Gordon", card=GORDON_CARD))
    access.set_settings(replace(access.settings, pin_length=6))
    access.present_card(GORDON_CARD)
    intercom.factory_default()
    assert access.entry_list.holders() == []
    assert access.settings == ReaderSettings()
    assert access.decisions() == []
    assert access.last_card is None


def test_the_log_keeps_the_most_recent_decisions(intercom: SimulatedDevice) -> None:
    access = access_of(intercom)
    for number in range(LOG_LIMIT + 5):
        access.present_card(number=number % 65536, facility=1, bit_count=26)
    decisions = access.decisions()
    assert len(decisions) == LOG_LIMIT
    assert decisions[-1].card == CardData.wiegand("Wiegand26", 1, (LOG_LIMIT + 4) % 65536)
    assert len(access.decisions(3)) == 3


def test_models_without_a_reader_have_no_access_side() -> None:
    device = SimulatedDevice("d4200-ve", serial="B8A44F0000C2", clock=SimClock(manual=True))
    assert device.access is None
