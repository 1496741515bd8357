"""The app's ``ALPV.*`` events on the device's event bus (vapix-wire-formats §7.1).

Every NEW, UPDATE and LOST is published twice, stateless: as ``ALPV.AllPlates`` and as
``ALPV.New`` / ``ALPV.Update`` / ``ALPV.Lost``, with the data items of the AllPlates sample
plus the other documented ones. The list, zone and direction topics are stateful with data
``active``: each holds while at least one vehicle the camera follows (from its NEW until its
LOST) is on that list (``NotInList``: on none), in that region of interest, known to drive
that way, or in view at all (``PlateInView``). They are published when they change.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from axisctl.sim.bus import EventBus, SimEvent
from axisctl.sim.clock import SimClock
from axisctl.sim.lpr.payload import PROCESSING_MS
from axisctl.sim.lpr.reads import PlateRead
from axisctl.sim.lpr.tracks import Track

TOPIC_PREFIX = "tnsaxis:CameraApplicationPlatform/ALPV."
TOPIC_ALL_PLATES = TOPIC_PREFIX + "AllPlates"
_STATE_TOPICS = {"new": "New", "update": "Update", "lost": "Lost"}
#: The stateful topics, in the order they are published.
STATE_NAMES = (
    "Allow_list",
    "Block_list",
    "Custom_list",
    "NotInList",
    "Roi1",
    "Roi2",
    "PlateIN",
    "PlateOUT",
    "PlateInView",
)
_LIST_TOPICS = {"allow": "Allow_list", "block": "Block_list", "custom": "Custom_list"}


def topic(name: str) -> str:
    return TOPIC_PREFIX + name


def read_data(read: PlateRead, mac_address: str) -> dict[str, str]:
    """The data items of a plate read, all strings."""
    left, top, width, height = read.box
    return {
        "consumedTime": str(PROCESSING_MS),
        "frame_timestamp": str(read.frame_us),
        "carMoveDirection": read.direction,
        "carState": read.car_state,
        "action": read.action,
        "capture_timestamp": str(read.capture_ms),
        "width": str(width),
        "carID": str(read.car_id),
        "top": str(top),
        "country": read.country,
        "left": str(left),
        "height": str(height),
        "listName": read.list_name,
        "text": read.text,
        "roiID": str(read.roi),
        "vehicleType": read.vehicle_type,
        "view": read.view,
        "iso3166-2": read.iso3166_2,
        "region": read.region,
        "regionCode": read.region_code,
        "listDescription": read.list_description,
        "vehicleColor": read.color,
        "listMode": read.list_mode,
        "MACAddress": mac_address,
        "lpImage": base64.b64encode(read.image).decode("ascii"),
    }


def states_of(tracks: Iterable[Track]) -> dict[str, bool]:
    """What the stateful topics say for the vehicles in ``tracks``."""
    active = dict.fromkeys(STATE_NAMES, False)
    for track in tracks:
        active["PlateInView"] = True
        if track.hit is None:
            active["NotInList"] = True
        elif track.hit.list_key in _LIST_TOPICS:
            active[_LIST_TOPICS[track.hit.list_key]] = True
        active[f"Roi{track.vehicle.roi}"] = True
        if track.direction == "in":
            active["PlateIN"] = True
        elif track.direction == "out":
            active["PlateOUT"] = True
    return active


class AlpvEvents:
    """Publishes reads, and the stateful topics whenever one of them changes."""

    def __init__(self, bus: EventBus, clock: SimClock) -> None:
        self.bus = bus
        self.clock = clock
        self._published: dict[str, bool] = {}

    def publish_read(self, read: PlateRead, mac_address: str) -> None:
        data = read_data(read, mac_address)
        now = self.clock.now()
        for name in ("AllPlates", _STATE_TOPICS[read.car_state]):
            self.bus.publish(SimEvent(topic(name), {}, data, now, stateful=False))

    def publish_states(self, tracks: Iterable[Track]) -> None:
        """Publish the stateful topics that differ from what was last published."""
        now = self.clock.now()
        for name, active in states_of(tracks).items():
            if self._published.get(name) == active:
                continue
            self._published[name] = active
            self.bus.publish(SimEvent(topic(name), {}, {"active": "1" if active else "0"}, now))
