"""The demo's story log: bench timeline entries told as one line each, for people.

Everything the log shows comes from the bench timeline (:mod:`axisctl.hil.timeline`): the
story's own narration (``note`` entries from :data:`DEMO`), the plates the push receiver
took (``note`` entries from :data:`RECEIVER`), edges on the site's lines, device events,
Wiegand frames and OSDP commands. What is not worth a line (events of no interest here,
each blink of a flashing strobe) is left out; the timeline keeps it all.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from axisctl.cli.demo_site import (
    BARRIER_WIRE,
    DEMO,
    DOOR_WIRE,
    LIGHT_SENSOR,
    OSDP_READER,
    RECEIVER,
    SIREN_SENSOR,
    WIEGAND_LINK,
)
from axisctl.hil.timeline import Timeline, TimelineEntry

#: What an edge on a site line means: (when it goes active, when it goes inactive).
_LINE_WORDS = {
    BARRIER_WIRE: ("barrier opens (relay module relay 1)", "barrier closes"),
    DOOR_WIRE: ("door relay closes: the door is open", "door relay opens: the door is locked"),
    LIGHT_SENSOR: ("strobe light on (light sensor)", "strobe light off"),
    SIREN_SENSOR: ("siren sounding (microphone)", "siren silent"),
}
#: A sensor edge this soon after the previous one is part of a flashing pattern.
BLINK_HOLD_S = 1.0

#: Access decisions worth a line: (topic substring, text, tone).
_ACCESS = (
    ("AccessControl/AccessGranted", "intercom grants access to {name}", "ok"),
    ("Denied/CredentialNotFound", "intercom denies the card: not on the entry list", "alert"),
    ("AccessControl/Denied", "intercom denies access to {name}", "alert"),
)
#: The gate camera's list events, while a vehicle is in view.
_LISTS = {
    "ALPV.Allow_list": "gate camera: a plate on the allow list (event ALPV.Allow_list)",
    "ALPV.NotInList": "gate camera: a plate on no list (event ALPV.NotInList); its rule "
    "sends the strobe an HTTP request",
}


_LED_COLOR = re.compile(r"temporary_on_color=<LedColor\.(\w+)")


@dataclass(frozen=True)
class StoryLine:
    """One line of the story log; ``tone`` picks its colour (act, ok, alert, fail, info)."""

    time: float
    text: str
    tone: str = "info"

    def plain(self) -> str:
        return f"{self.time:7.2f}  {self.text}"


class Narrator:
    """Turns timeline entries into story lines (or ``None``); keeps what blinking needs."""

    def __init__(self) -> None:
        self._last_sensor_edge: dict[str, float] = {}

    def narrate(self, entry: TimelineEntry) -> StoryLine | None:
        if entry.kind == "note":
            return self._note(entry)
        if entry.kind == "gpio" and entry.source in _LINE_WORDS and "initial" not in entry.data:
            return self._edge(entry)
        if entry.kind == "event":
            return self._event(entry)
        if entry.kind == "wiegand" and entry.source == WIEGAND_LINK:
            return StoryLine(entry.time, f"Wiegand reader sends {entry.detail}", "info")
        if entry.kind == "osdp" and entry.source == OSDP_READER:
            return self._osdp(entry)
        return None

    def _note(self, entry: TimelineEntry) -> StoryLine | None:
        if entry.source == DEMO:
            return StoryLine(entry.time, entry.detail, entry.data.get("tone", "info"))
        if entry.source == RECEIVER:
            return StoryLine(entry.time, entry.detail, "info")
        return None

    def _edge(self, entry: TimelineEntry) -> StoryLine | None:
        active = entry.detail == "active"
        tone = "ok"
        if entry.source in (LIGHT_SENSOR, SIREN_SENSOR):
            # A flashing light toggles its sensor several times a second: tell an edge only
            # after the line has held still a while (a burst's first flash, a steady tone's
            # end). The story tells when a flashing light has gone dark for good.
            previous = self._last_sensor_edge.get(entry.source)
            self._last_sensor_edge[entry.source] = entry.time
            if previous is not None and entry.time - previous < BLINK_HOLD_S:
                return None
            tone = "alert"
        on, off = _LINE_WORDS[entry.source]
        return StoryLine(entry.time, on if active else off, tone if active else "info")

    @staticmethod
    def _event(entry: TimelineEntry) -> StoryLine | None:
        data, topic = entry.data, entry.detail
        if "initialized" in data:
            return None
        for part, text, tone in _ACCESS:
            if part in topic:
                name = data.get("CredentialHolderName", "a card holder")
                return StoryLine(entry.time, text.format(name=name), tone)
        if "IdPoint/tnsaxis:Request/IdData" in topic:
            card = f"FC {data.get('FacilityCode', '?')} #{data.get('CardNr', '?')}"
            return StoryLine(entry.time, f"intercom reads card {card}", "info")
        for suffix, text in _LISTS.items():
            if topic.endswith(suffix) and data.get("active") == "1":
                return StoryLine(entry.time, text, "info")
        if topic.endswith("SirenAndLight/Status"):
            channel = data.get("source.channel", "")
            profile = data.get("profile", "")
            if not profile:
                return StoryLine(entry.time, f"strobe's {channel} stops", "info")
            text = f"strobe's {channel} plays {data.get('pattern', '?')} (profile {profile})"
            return StoryLine(entry.time, text, "alert")
        return None

    @staticmethod
    def _osdp(entry: TimelineEntry) -> StoryLine | None:
        if entry.detail == "LED":
            # The payload is the LED records' repr: tell the temporary colour.
            color = _LED_COLOR.search(entry.data.get("payload", ""))
            if color is None or color.group(1) == "BLACK":
                return None
            text = f"intercom shows {color.group(1).lower()} on the reader's LED"
            return StoryLine(entry.time, text, "info")
        if entry.detail == "BUZ":
            return StoryLine(entry.time, "the reader beeps", "info")
        if entry.detail == "RAW":
            return StoryLine(entry.time, "OSDP reader reports the card to the intercom", "info")
        return None


class StoryFeed:
    """Narrated timeline entries as they are recorded: the last few for the live view, and
    each one to ``on_line`` (the plain printer). Subscribers run on recording threads, so
    both are quick. Line times count from ``origin`` (timeline time: the story's start);
    entries before it are left out."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        origin: float = 0.0,
        keep: int = 200,
        on_line: Callable[[StoryLine], None] | None = None,
    ) -> None:
        self.origin = origin
        self.narrator = Narrator()
        self._lock = threading.Lock()
        self._lines: deque[StoryLine] = deque(maxlen=keep)
        self._on_line = on_line
        self._unsubscribe = timeline.subscribe(self._on_entry)

    def _on_entry(self, entry: TimelineEntry) -> None:
        if entry.time < self.origin:
            return
        with self._lock:
            line = self.narrator.narrate(entry)
            if line is None:
                return
            line = StoryLine(line.time - self.origin, line.text, line.tone)
            self._lines.append(line)
        if self._on_line is not None:
            self._on_line(line)

    def recent(self, count: int) -> list[StoryLine]:
        with self._lock:
            lines = sorted(self._lines, key=lambda line: line.time)
        return lines[-count:]

    def close(self) -> None:
        self._unsubscribe()
