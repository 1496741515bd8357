"""Door: a card on the intercom's reader, by Wiegand and by OSDP, opens relay 1 for the door
open time; a card that is not on the entry list does not.

The door open time is set to :data:`OPEN_S` and the relay's pulse, sensed on the
``door-relay`` wire, must last that long within :data:`TOLERANCE_S`. What each test needs
and measures: docs/hil-scenarios.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from axisctl.apis.access import CardData
from axisctl.device import Device
from axisctl.drivers.wiegand import WiegandFormat
from axisctl.hil.bench import Bench
from axisctl.hil.setup_checks import record_chain, wait_for_entry
from axisctl.hil.setup_door import card_holder, prepare_door

pytestmark = pytest.mark.rig_requires("device:intercom", "wire:door-relay")

FACILITY = 12
GRANTED_NUMBER, DENIED_NUMBER = 3456, 3457


def card(number: int) -> CardData:
    """The 26-bit card (H10301, "Wiegand26") with number ``number`` of FACILITY."""
    return CardData.wiegand("Wiegand26", facility=FACILITY, number=number)


GRANTED, DENIED = card(GRANTED_NUMBER), card(DENIED_NUMBER)
#: The door open time the scenario configures: short, so that a run stays quick.
OPEN_S = 2
#: How far the measured pulse may be from OPEN_S. Each edge of the pulse is timestamped when
#: the Pi sees it, so the width is off by the difference of the two edges' delays (relay
#: bounce and optocoupler on a physical rig, the bridges' random delay of up to 4 ms on the
#: virtual one), the device's timer granularity and the Pi's scheduling of the edge callbacks.
#: 0.15 s plus 5 % of the configured time bounds all of that with a wide margin while still
#: telling 2 s from the factory default of 7 s or a stuck relay.
TOLERANCE_S = 0.15 + 0.05 * OPEN_S
#: A refused card must not have opened the door this long after its denial event: a grant
#: pulses the relay at the moment of the decision.
GRACE_S = 0.5
TIMEOUT_S = 5.0
GRANTED_TOPIC = "tns1:AccessControl/AccessGranted"
DENIED_TOPIC = "tns1:AccessControl/Denied"

Present = Callable[[Bench, int], tuple[float, float]]


def by_wiegand(bench: Bench, number: int) -> tuple[float, float]:
    """The Pi sends the card as a 26-bit (H10301) frame on D0/D1: (first pulse, frame sent)."""
    t0 = bench.wiegand("door-wiegand").send_card(WiegandFormat.H10301, FACILITY, number)
    return t0, bench.timeline.now()


def by_osdp(bench: Bench, number: int) -> tuple[float, float]:
    """The Pi's OSDP reader reports the card: (card presented, RAW reply taken by a POLL)."""
    t0 = bench.timeline.now()
    bench.osdp_reader("door-osdp").present_card(card(number).bits)
    t1 = wait_for_entry(bench.timeline, "osdp", "door-osdp", "RAW", after=t0, timeout=TIMEOUT_S)
    return t0, t1


READERS = [
    pytest.param(
        by_wiegand,
        "wiegand frame",
        marks=pytest.mark.rig_requires("wiegand:door-wiegand"),
        id="wiegand",
    ),
    pytest.param(
        by_osdp, "osdp card report", marks=pytest.mark.rig_requires("osdp:door-osdp"), id="osdp"
    ),
]


@pytest.fixture
def door(bench: Bench) -> Iterator[Device]:
    """The intercom with GRANTED on its entry list, DENIED not, door open time OPEN_S."""
    intercom = bench.device("intercom")
    osdp = bench.rig.osdp
    address = osdp.readers["door-osdp"].address if osdp and "door-osdp" in osdp.readers else None
    undo = prepare_door(
        intercom,
        holders=[card_holder("HILGranted", GRANTED)],
        unknown_cards=[DENIED],
        door_open_time_s=OPEN_S,
        external_reader=True,
        osdp_address=address,
    )
    yield intercom
    undo()


@pytest.mark.parametrize(("present", "sent"), READERS)
def test_a_known_card_opens_the_door_for_the_open_time(
    bench: Bench, door: Device, present: Present, sent: str
) -> None:
    relay = bench.input("door-relay")
    t0, t1 = present(bench, GRANTED_NUMBER)
    t2 = bench.events("intercom").wait_for(GRANTED_TOPIC, after=t0, timeout=TIMEOUT_S)
    t3 = relay.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(
        bench.timeline,
        [("card presented", t0), (sent, t1), ("access granted", t2), ("door relay on", t3)],
    )
    t4 = relay.wait_for(False, after=t3, timeout=OPEN_S + TIMEOUT_S)
    bench.timeline.latency("door relay pulse", t3, t4)
    width = t4 - t3
    assert abs(width - OPEN_S) <= TOLERANCE_S, (
        f"relay 1 was on for {width:.3f} s; the door open time is {OPEN_S} s "
        f"(tolerance {TOLERANCE_S:.2f} s)"
    )


@pytest.mark.parametrize(("present", "sent"), READERS)
def test_an_unknown_card_is_denied_and_the_door_stays_shut(
    bench: Bench, door: Device, present: Present, sent: str
) -> None:
    relay = bench.input("door-relay")
    t0, t1 = present(bench, DENIED_NUMBER)
    t2 = bench.events("intercom").wait_for(DENIED_TOPIC, after=t0, timeout=TIMEOUT_S)
    record_chain(bench.timeline, [("card presented", t0), (sent, t1), ("access denied", t2)])
    time.sleep(max(0.0, GRACE_S - (bench.timeline.now() - t2)))
    assert relay.edges(since=t0) == [], "the door relay moved for a card not on the entry list"
    assert not relay.is_active
