"""The steps of the demo's story: cars at the gate, cards at the door.

Each step acts as a test bench would (a plate shown to the camera, a card on a reader) and
then watches the far end of the wiring: the barrier contact, the strobe's light sensor, the
door relay, the reader's LED and the devices' events, as a HIL scenario does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from axisctl.cli.demo_checks import Step
from axisctl.cli.demo_site import (
    BARRIER_WIRE,
    DOOR_OPEN_S,
    DOOR_WIRE,
    GATE_CAMERA,
    INTERCOM,
    KNOWN_CAR,
    LIGHT_SENSOR,
    OSDP_HOLDER,
    OSDP_READER,
    SIREN_SENSOR,
    STRANGER,
    UNKNOWN_CAR,
    WIEGAND_HOLDER,
    WIEGAND_LINK,
    Car,
    CardHolder,
    SiteControls,
)
from axisctl.drivers.osdp import LedColor
from axisctl.drivers.wiegand import WiegandFormat

#: How long the strobe flashes before the guard acknowledges the alarm, at most.
ALARM_S = 1.5
#: The light sensor must stay dark this long to count as off: longer than the dark phase
#: of any flashing pattern the alarm profile plays.
DARK_S = 1.0
#: How long a refused card is watched for a door that should stay locked.
REFUSED_WATCH_S = 1.0


@dataclass(frozen=True)
class Scene:
    title: str
    play: Callable[[Step, SiteControls], None]


def car_arrives(step: Step, site: SiteControls, car: Car) -> tuple[float, bool | None]:
    """Show ``car`` to the camera; wait for its read. Returns when, and whether listed."""
    step.note(f"{car.who.capitalize()}, {car.plate}, drives up to the gate")
    shown = float(step.bench.show_plate(GATE_CAMERA, car.plate, direction="in"))
    try:
        when, read = site.plates.wait_for(car.plate, after=shown, timeout=step.left())
    except TimeoutError:
        step.check(f"the camera pushed the read of {car.plate}", False, "no push received")
        return shown, None
    step.check(f"the camera pushed the read of {car.plate}", True)
    step.latency("plate shown -> read pushed", shown, when)
    return shown, read.list_hit is not None


def known_car(step: Step, site: SiteControls) -> None:
    shown, listed = car_arrives(step, site, KNOWN_CAR)
    if listed is not None:
        step.check("the camera found it on the allow list", listed)
    opened = step.edge(BARRIER_WIRE, True, after=shown, what="the barrier opened")
    if opened is None:
        return
    step.latency("plate shown -> barrier open", shown, opened)
    closed = step.edge(BARRIER_WIRE, False, after=opened, what="the barrier closed again")
    if closed is not None:
        step.latency("barrier open", opened, closed)


def unknown_car(step: Step, site: SiteControls) -> None:
    shown, listed = car_arrives(step, site, UNKNOWN_CAR)
    if listed is not None:
        step.check("the camera found it on no list", not listed)
    lit = step.edge(LIGHT_SENSOR, True, after=shown, what="the strobe flashed")
    sounded = step.edge(SIREN_SENSOR, True, after=shown, what="the siren sounded")
    if sounded is not None:
        step.latency("plate shown -> siren", shown, sounded)
    if lit is not None:
        step.latency("plate shown -> strobe light", shown, lit)
        # Let it flash a moment, leaving time to see it go dark before the deadline.
        step.pause_until(min(lit + ALARM_S, step.deadline - DARK_S - 0.5))
    step.no_edge(BARRIER_WIRE, since=shown, until=step.now(), what="the barrier stayed closed")
    acknowledged = step.note("The guard acknowledges the alarm")
    site.silence_alarm()
    if step.quiet(LIGHT_SENSOR, since=acknowledged, quiet_s=DARK_S, what="the strobe went dark"):
        step.note(f"strobe light dark: no flash for {DARK_S:g} s (light sensor)", "info")


def _door_opens(
    step: Step,
    presented: float,
    holder: CardHolder,
    while_open: Callable[[], object] | None = None,
) -> None:
    granted = step.event(
        INTERCOM,
        "AccessControl/AccessGranted",
        after=presented,
        what=f"the intercom granted {holder.first_name} access",
    )
    if granted is not None:
        step.latency("card -> access granted event", presented, granted)
    opened = step.edge(DOOR_WIRE, True, after=presented, what="the door relay opened the door")
    if opened is None:
        return
    step.latency("card -> door relay", presented, opened)
    if while_open is not None:
        while_open()
    closed = step.edge(DOOR_WIRE, False, after=opened, what="the door locked again")
    if closed is not None:
        step.latency(f"door open (set to {DOOR_OPEN_S} s)", opened, closed)


def wiegand_card(step: Step, site: SiteControls) -> None:
    holder = WIEGAND_HOLDER
    step.note(f"{holder.name} badges in on the Wiegand reader")
    presented = step.bench.wiegand(WIEGAND_LINK).send_card(
        WiegandFormat.H10301, holder.facility, holder.number
    )
    _door_opens(step, float(presented), holder)


def _osdp_card(step: Step, holder: CardHolder, who: str) -> float:
    step.note(f"{who} presents a card to the OSDP reader")
    presented = step.now()
    card = holder.card
    step.bench.osdp_reader(OSDP_READER).present_card_number(card.bit_count, card.value)
    return presented


def _reader_shows(step: Step, color: LedColor) -> bool:
    return step.bench.osdp_reader(OSDP_READER).led().on_color is color


def osdp_card(step: Step, site: SiteControls) -> None:
    presented = _osdp_card(step, OSDP_HOLDER, OSDP_HOLDER.name)

    def green() -> None:
        step.until("the reader showed green", lambda: _reader_shows(step, LedColor.GREEN))

    _door_opens(step, presented, OSDP_HOLDER, while_open=green)


def stranger_card(step: Step, site: SiteControls) -> None:
    presented = _osdp_card(step, STRANGER, "A stranger")
    denied = step.event(
        INTERCOM, "AccessControl/Denied", after=presented, what="the intercom refused the card"
    )
    if denied is not None:
        step.latency("card -> access denied event", presented, denied)
    step.until("the reader showed red", lambda: _reader_shows(step, LedColor.RED))
    watched = min(step.now() + REFUSED_WATCH_S, step.deadline)
    step.no_edge(DOOR_WIRE, since=presented, until=watched, what="the door stayed locked")


SCENES = (
    Scene(f"{KNOWN_CAR.who.capitalize()} {KNOWN_CAR.plate} drives in", known_car),
    Scene(f"{UNKNOWN_CAR.who.capitalize()} {UNKNOWN_CAR.plate} sets off the strobe", unknown_car),
    Scene(f"{WIEGAND_HOLDER.name} opens the door (Wiegand)", wiegand_card),
    Scene(f"{OSDP_HOLDER.name} opens the door (OSDP)", osdp_card),
    Scene("A stranger's card is refused (OSDP)", stranger_card),
)
