"""The demo's site on the bundled virtual rig: its names, its people and cars, its set-up.

The names are the virtual rig's (hil/rigs/virtual.yaml). The set-up is the one an
installer would do on real devices, through the library: the gate camera's lists and its
barrier through the relay module, the strobe's alarm profile, the intercom's entry list.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from axisctl.apis.access import CardData
from axisctl.apis.lpr import PushConfig
from axisctl.apis.sirenlight import LightSettings, Profile, SirenSettings
from axisctl.hil.bench import Bench
from axisctl.hil.setup_common import account_of
from axisctl.hil.setup_door import card_holder, prepare_door
from axisctl.hil.setup_gate import RELAY_1_PORT, prepare_gate
from axisctl.hil.setup_rules import block_to_strobe
from axisctl.hil.setup_strobe import prepare_strobe
from axisctl.hil.timeline import Timeline
from axisctl.lpr import PlateRead, PushReceiver

GATE_CAMERA = "gate-camera"
STROBE = "strobe"
INTERCOM = "intercom"
RELAY_MODULE = "relay-module"
#: The relay module's relay 1 (port 9) contact, sensed by the Pi.
BARRIER_WIRE = "barrier"
#: The intercom's door relay (COM/NO), sensed as a dry contact.
DOOR_WIRE = "door-relay"
LIGHT_SENSOR = "strobe-light"
SIREN_SENSOR = "strobe-siren"
WIEGAND_LINK = "door-wiegand"
OSDP_READER = "door-osdp"
#: ``source`` of the story's own timeline ``note`` entries, and of the push receiver's.
DEMO = "demo"
RECEIVER = "lpr-receiver"


@dataclass(frozen=True)
class Car:
    plate: str
    who: str


@dataclass(frozen=True)
class CardHolder:
    first_name: str
    last_name: str
    facility: int
    number: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def card(self) -> CardData:
        return CardData.wiegand("Wiegand26", self.facility, self.number)


KNOWN_CAR = Car("ABC123", "the delivery van")
UNKNOWN_CAR = Car("QRS456", "an unknown car")
#: On the entry list; badges in on the Wiegand reader.
WIEGAND_HOLDER = CardHolder("Gordon", "Freeman", 10, 4711)
#: On the entry list; badges in on the OSDP reader.
OSDP_HOLDER = CardHolder("Alyx", "Vance", 10, 4712)
#: Not on the entry list.
STRANGER = CardHolder("Unknown", "Visitor", 10, 999)
HOLDERS = (WIEGAND_HOLDER, OSDP_HOLDER)

#: What the strobe plays for an unknown car: a red flash and a siren, above the
#: scenarios' priorities.
ALARM = Profile(
    "axisctl-demo-alarm",
    description="axisctl demo: unknown car at the gate",
    light=LightSettings("Blink", colors=("red",), priority=8),
    siren=SirenSettings("Siren: Evac", priority=8),
)
#: The gate camera's action rule that sets the alarm off.
UNKNOWN_TO_STROBE = "axisctl-demo-unknown-to-strobe"

#: How long the barrier relay and the door relay stay closed.
BARRIER_PULSE_MS = 1000
DOOR_OPEN_S = 2


class PlateLog:
    """The reads the gate camera pushed to the demo's receiver, with their timeline times.

    ``on_read`` is the receiver's callback (its own thread): it records a ``note`` entry
    from ``lpr-receiver`` for the first read of each car, so the story log shows it.
    """

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._changed = threading.Condition()
        self._reads: list[tuple[float, PlateRead]] = []
        self._cars: set[int] = set()

    def on_read(self, read: PlateRead) -> None:
        with self._changed:
            first = read.car_id not in self._cars
            self._cars.add(read.car_id)
            when = self._timeline.now()
            if first:
                hit = read.list_hit
                where = f"on the {hit.name}" if hit else "on no list"
                when = self._timeline.record(
                    "note", RECEIVER, f"gate camera pushes {read.text}: {where}", car=read.car_id
                )
            self._reads.append((when, read))
            self._changed.notify_all()

    def wait_for(self, plate: str, *, after: float, timeout: float) -> tuple[float, PlateRead]:
        """The first read of ``plate`` received at or after ``after``; ``TimeoutError``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for when, read in self._reads:
                    if when >= after and read.text == plate:
                        return when, read
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no read of {plate} within {timeout:g} s")
                self._changed.wait(left)

    def last(self) -> PlateRead | None:
        """The read pushed last, if any."""
        with self._changed:
            return self._reads[-1][1] if self._reads else None


@dataclass(frozen=True)
class SiteControls:
    """What the story needs from the prepared site besides the bench."""

    plates: PlateLog
    #: The guard's acknowledgement: stops the strobe's alarm through the library.
    silence_alarm: Callable[[], None]


def unknown_to_strobe(strobe_url: str, user: str, password: str) -> dict[str, Any]:
    """Gate camera rule: a plate on no list -> HTTP notification starting the strobe's alarm.

    The scenarios' block-list rule (:func:`~axisctl.hil.setup_rules.block_to_strobe`) with
    the condition "not in any list" and the demo's own profile in the request.
    """
    rule = block_to_strobe(strobe_url, user, password)
    rule["name"] = UNKNOWN_TO_STROBE
    rule["condition"] = {"type": "plate-in-list", "list": "unknown"}
    start = {"apiVersion": "1.0", "method": "start", "params": {"profile": ALARM.name}}
    rule["action"] = {**rule["action"], "body": json.dumps(start)}
    return rule


@contextmanager
def prepared_site(bench: Bench) -> Iterator[SiteControls]:
    """The site set up for the story, as an installer would through the library.

    The set-up is not undone: the virtual rig's simulators go when the bench closes, and an
    interrupted demo should stop at once rather than put settings back first.
    """
    plates = PlateLog(bench.timeline)
    camera, strobe = bench.device(GATE_CAMERA), bench.device(STROBE)
    with PushReceiver(on_read=plates.on_read).in_thread() as receiver:
        prepare_strobe(strobe, (ALARM,))
        module_user, module_password = account_of(bench.device(RELAY_MODULE))
        prepare_gate(
            camera,
            allow=[KNOWN_CAR.plate],
            relay_url=bench.device_url(RELAY_MODULE),
            relay_user=module_user,
            relay_password=module_password,
            relay_port=RELAY_1_PORT,
            pulse_ms=BARRIER_PULSE_MS,
            direction="in",
            ttl_s=1,
        )
        camera.lpr.set_push_config(PushConfig(url=receiver.url, enabled=True))
        strobe_user, strobe_password = account_of(strobe)
        rule = unknown_to_strobe(bench.device_url(STROBE), strobe_user, strobe_password)
        bench.install_rule(GATE_CAMERA, UNKNOWN_TO_STROBE, rule)
        prepare_door(
            bench.device(INTERCOM),
            holders=[card_holder(h.first_name, h.card, h.last_name) for h in HOLDERS],
            unknown_cards=[STRANGER.card],
            door_open_time_s=DOOR_OPEN_S,
        )
        yield SiteControls(plates, silence_alarm=lambda: strobe.siren_light.stop(ALARM.name))
