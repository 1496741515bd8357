"""What the simulated License Plate Verifier app remembers: lists, settings, push profiles, events.

Plain Python objects shared by the app's behaviour (:mod:`axisctl.sim.lpr.app`) and its HTTP
face (:mod:`axisctl.sim.handlers.lpr`). Wire forms (JSON, XML, CSV) are the handlers'
business; ranges the manual leaves open are recorded in docs/decisions.md.

Change any of it only while holding the device lock.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field

#: The three lists, by the stable key the app's endpoints use (``list=allow``,
#: ``allow_list.cgi``, ``api=exportallow``); their ids in list_mgmt.cgi are "1", "2", "3".
LIST_KEYS = ("allow", "block", "custom")
LIST_IDS = {"allow": "1", "block": "2", "custom": "3"}
DEFAULT_LIST_NAMES = {"allow": "Allow list", "block": "Block list", "custom": "Custom list"}
DEFAULT_LIST_MODES = {"allow": "allow", "block": "block", "custom": "none"}
LIST_MODES = ("allow", "block", "none")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Push profiles: cloud.cgi, cloud2.cgi and cloud3.cgi.
PUSH_PROFILES = (1, 2, 3)
PROTOCOL_HTTP = 1
PROTOCOL_TCP = 8
PROTOCOL_FTP = 16
HTTP_AUTH_BASIC = 0
HTTP_AUTH_DIGEST = 1

#: The manual: "internal memory to save up to 1,000 events".
EVENT_STORE_LIMIT = 1000
#: The manual: "the app will resend up to the first 100 failed events".
RESEND_LIMIT = 100

DIRECTIONS = ("in", "out", "unknown")
BARRIER_DIRECTIONS = ("in", "out", "any")
ACCESS_TYPES = ("none", "io", "relay", "controller")
BARRIER_MODES = ("off", "open_from_lists")


@dataclass
class Schedule:
    """One weekly window in which a list is active; minutes since midnight, device time (UTC).

    A window whose end is before its start runs over midnight. A disabled schedule leaves the
    list active all the time.
    """

    enabled: bool = False
    start_minute: int = 0
    end_minute: int = 0
    days: frozenset[str] = frozenset(WEEKDAYS)

    def active_at(self, when: dt.datetime) -> bool:
        if not self.enabled:
            return True
        minute = when.hour * 60 + when.minute
        day = WEEKDAYS[when.weekday()]
        previous_day = WEEKDAYS[(when.weekday() - 1) % 7]
        if self.start_minute <= self.end_minute:
            return day in self.days and self.start_minute <= minute < self.end_minute
        # Overnight: the evening part belongs to today, the morning part to yesterday's window.
        return (day in self.days and minute >= self.start_minute) or (
            previous_day in self.days and minute < self.end_minute
        )


@dataclass
class PlateEntry:
    plate: str
    date: dt.date | None = None
    description: str = ""


@dataclass
class PlateList:
    key: str
    name: str
    mode: str
    schedules: list[Schedule] = field(default_factory=lambda: [Schedule()])
    #: By plate text exactly as added; adding a plate again replaces its date and description.
    entries: dict[str, PlateEntry] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return LIST_IDS[self.key]

    def active_at(self, when: dt.datetime) -> bool:
        """Whether the list applies at ``when``: any enabled window holds, or none is enabled."""
        enabled = [s for s in self.schedules if s.enabled]
        return not enabled or any(s.active_at(when) for s in enabled)


@dataclass
class DetectionSettings:
    sensitivity: float = 0.5
    min_chars: int = 5
    char_deviation: int = 1
    strict_matching: bool = False
    #: Seconds after the last read of a vehicle until its LOST event.
    ttl_s: float = 10.0


@dataclass
class AccessControl:
    """Settings > Access control: what opens the barrier, and how."""

    type: str = "none"
    barrier_mode: str = "off"
    barrier_lists: frozenset[str] = frozenset({"allow"})
    direction: str = "in"
    #: "all", or a region of interest "1" / "2".
    roi: str = "all"
    #: The camera's own output port (VAPIX numbering) for type "io".
    io_port: int = 2
    pulse_ms: int = 1000
    #: Type "relay": the I/O relay module; ports 9-16 are its relays 1-8.
    relay_url: str = ""
    relay_user: str = ""
    relay_password: str = field(default="", repr=False)
    relay_port: int = 9


@dataclass
class PushProfile:
    """One push-event profile (``cloud.cgi``, ``cloud2.cgi``, ``cloud3.cgi``), decoded."""

    index: int
    url: str = ""
    protocol: int = PROTOCOL_HTTP
    enable: bool = False
    event_new: bool = True
    event_update: bool = True
    event_lost: bool = True
    skip_image_in_post: bool = False
    use_multipart: bool = True
    use_event_buffer: bool = True
    user: str = ""
    password: str = field(default="", repr=False)
    http_auth_type: int = HTTP_AUTH_BASIC
    x_auth_key: str = field(default="", repr=False)
    latitude: str = ""
    longitude: str = ""
    sensor_provider_id: str = "defaultID"
    send_second_image: bool = False
    second_image_type: int = 0
    path_template: str = ""


@dataclass
class StoredEvent:
    """One vehicle in the app's event log: its latest read, kept after LOST."""

    car_id: int
    plate: str
    country: str
    region: str
    direction: str
    roi: int
    confidence: float
    #: Wall-clock microseconds of the first read.
    timestamp_us: int
    list_key: str | None = None
    list_description: str = ""
    image_name: str = ""
    image: bytes = field(default=b"", repr=False)


def default_lists() -> dict[str, PlateList]:
    return {
        key: PlateList(key, DEFAULT_LIST_NAMES[key], DEFAULT_LIST_MODES[key]) for key in LIST_KEYS
    }


@dataclass
class LprState:
    lists: dict[str, PlateList] = field(default_factory=default_lists)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    access: AccessControl = field(default_factory=AccessControl)
    profiles: dict[int, PushProfile] = field(
        default_factory=lambda: {index: PushProfile(index) for index in PUSH_PROFILES}
    )
    events: deque[StoredEvent] = field(default_factory=lambda: deque(maxlen=EVENT_STORE_LIMIT))
    #: Numbers each push sent, across profiles and resends keep theirs (``packetCounter``).
    packet_counter: int = 0
    #: The last ``carID`` given: each vehicle the camera reads gets the next one.
    car_counter: int = 0

    def list_by_name(self, name: str) -> PlateList | None:
        """A list by its key (``allow``), its file stem (``allow_list``) or its display name."""
        wanted = name.casefold()
        for plate_list in self.lists.values():
            if wanted in (plate_list.key, f"{plate_list.key}_list", plate_list.name.casefold()):
                return plate_list
        return None
