"""The siren and light service of a simulated strobe speaker.

Profiles, the two outputs with their priority engines, maintenance mode and the health
check. All methods expect the caller to hold the device lock; timers re-enter under it.
Refusals raise :class:`ServiceError` with the device's error code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from axisctl.sim.bus import TOPIC_LIGHT_STATUS, TOPIC_SIREN_LIGHT_STATUS, EventBus, SimEvent
from axisctl.sim.clock import SimClock, Timer
from axisctl.sim.sirenlight import validation
from axisctl.sim.sirenlight.engine import Activity, Channel
from axisctl.sim.sirenlight.patterns import (
    HEALTH_CHECK_PRIORITY,
    LIGHT_PATTERNS,
    MAINTENANCE_PRIORITY,
    SIREN_PATTERNS,
    capabilities,
)
from axisctl.sim.sirenlight.validation import ServiceError

CHANNELS = ("siren", "light")
MAX_PROFILES = 30
#: How long the simulated health check takes: each light section in turn, then a tone.
HEALTH_CHECK_SECONDS = 8.0
UPLOAD_MODES = ("add", "overwrite", "erase_and_add")

#: What the device itself plays at its reserved priorities.
_MAINTENANCE = {
    "light": {"pattern": "Pulse", "speed": 1, "colors": ["white"], "intensity": 1},
    "siren": {"pattern": "Off", "intensity": 0},
}
_HEALTH_CHECK = {
    "light": {"pattern": "Rotate", "speed": 1, "colors": ["white"], "intensity": 2},
    "siren": {"pattern": "Test tone", "intensity": 2},
}


class SirenLight:
    def __init__(self, clock: SimClock, bus: EventBus, *, poe_class: str = "4") -> None:
        if poe_class not in ("3", "4"):
            raise ValueError(f"PoE class must be '3' or '4', not {poe_class!r}")
        self.clock = clock
        self.bus = bus
        self.poe_class = poe_class
        self.profiles: dict[str, dict[str, Any]] = {}
        self.channels = {name: Channel(clock.now()) for name in CHANNELS}
        #: ``(code, message)`` pairs the next health checks report, for fault-injection.
        self.health_faults: list[tuple[int, str]] = []
        self.last_health: dict[str, Any] | None = None
        self._next_id = dict.fromkeys(CHANNELS, 1)
        self._timer: Timer | None = None
        self._health_running = False
        self._shown: dict[str, int | None] = dict.fromkeys(CHANNELS)
        self._light_on = False
        # "Maintenance mode is on by default at first installation" (manual).
        self.set_maintenance(True)

    # -- queries -------------------------------------------------------------------------

    def capabilities(self) -> dict[str, Any]:
        return capabilities(self.poe_class)

    @property
    def maintenance(self) -> bool:
        return any(a.kind == "maintenance" for a in self._all())

    def status(self) -> dict[str, Any]:
        """``getStatus`` data: stored activities per output, highest priority first."""
        self._settle()
        now = self.clock.now()
        data: dict[str, Any] = {}
        for name, channel in self.channels.items():
            entries = [self._describe(name, a, now) for a in channel.activities]
            if entries:
                data[name] = entries
        return data

    def outputs(self) -> dict[str, Any]:
        """What a person near the device sees and hears right now."""
        self._settle()
        light = self.channels["light"].playing()
        siren = self.channels["siren"].playing()
        now = self.clock.now()
        sounding = siren is not None and siren.kind != "maintenance"
        return {
            "light": self._describe("light", light, now) if light is not None else None,
            "lightOn": light is not None and light.pattern != "Off",
            "siren": self._describe("siren", siren, now)
            if siren is not None and sounding
            else None,
            "sirenOn": sounding,
            "maintenance": self.maintenance,
        }

    # -- profiles ------------------------------------------------------------------------

    def add_profile(self, raw: object) -> None:
        stored = validation.profile(raw, self.poe_class)
        if stored["name"] in self.profiles:
            raise ServiceError(1202, "Requested profile is invalid: the name is taken")
        if len(self.profiles) >= MAX_PROFILES:
            raise ServiceError(1201, "Maximum number of profiles reached")
        self.profiles[stored["name"]] = stored

    def remove_profile(self, name: object) -> None:
        if not isinstance(name, str) or name not in self.profiles:
            raise ServiceError(1202, "Requested profile is invalid")
        del self.profiles[name]

    def upload(self, mode: object, items: object) -> None:
        """``uploadProfiles``: all profiles are checked first; on any error nothing changes."""
        if mode not in UPLOAD_MODES:
            raise ServiceError(2104, "Invalid parameter value specified: uploadMode")
        if not isinstance(items, list):
            raise ServiceError(2104, "Invalid parameter value specified: file")
        incoming = [validation.profile(item, self.poe_class) for item in items]
        names = [p["name"] for p in incoming]
        if len(set(names)) != len(names):
            raise ServiceError(1202, "Requested profile is invalid: a name appears twice")
        if mode == "erase_and_add":
            result: dict[str, dict[str, Any]] = {}
        else:
            result = dict(self.profiles)
        for stored in incoming:
            if mode == "add" and stored["name"] in result:
                raise ServiceError(1202, "Requested profile is invalid: the name is taken")
            result[stored["name"]] = stored
        if len(result) > MAX_PROFILES:
            raise ServiceError(1201, "Maximum number of profiles reached")
        self.profiles = result

    # -- start and stop ------------------------------------------------------------------

    def start(self, params: dict[str, Any]) -> dict[str, int]:
        if "profile" in params:
            if "siren" in params or "light" in params:
                raise ServiceError(
                    2104, "Invalid parameter value specified: profile with siren or light"
                )
            return self.start_profile(params["profile"])
        if params.get("siren") is None and params.get("light") is None:
            raise ServiceError(2103, "Required parameter missing: profile, siren or light")
        settings = {}
        # Both parts are checked before either starts, so a bad light starts no siren.
        if params.get("siren") is not None:
            settings["siren"] = validation.siren(params["siren"], self.poe_class)
        if params.get("light") is not None:
            settings["light"] = validation.light(params["light"], self.poe_class)
        return self._start(settings, profile=None)

    def start_profile(self, name: object) -> dict[str, int]:
        if not isinstance(name, str) or name not in self.profiles:
            raise ServiceError(1202, "Requested profile is invalid")
        stored = self.profiles[name]
        parts = {c: stored[c] for c in CHANNELS if c in stored}
        return self._start(parts, profile=name)

    def stop(self, params: dict[str, Any]) -> None:
        if "all" in params:
            wanted = params["all"]
            if not isinstance(wanted, list) or not wanted or any(c not in CHANNELS for c in wanted):
                raise ServiceError(2210, "Requested function type is invalid")
            self._apply(lambda now: [self.channels[c].clear(now, keep_system=True) for c in wanted])
            return
        if "profile" in params:
            name = params["profile"]
            if not isinstance(name, str) or name not in self.profiles:
                raise ServiceError(1202, "Requested profile is invalid")
            victims = [(c, a) for c, a in self._pairs() if a.profile == name]
            self._remove(victims)
            return
        targets: list[tuple[str, Activity]] = []
        for channel in CHANNELS:
            key = f"{channel}Id"
            if key not in params:
                continue
            activity_id = params[key]
            if not isinstance(activity_id, int) or isinstance(activity_id, bool):
                raise ServiceError(2104, f"Invalid parameter value specified: {key}")
            self._settle()
            activity = self.channels[channel].find(activity_id)
            if activity is None:
                raise ServiceError(1203, "Requested process id does not exist")
            if activity.system:
                raise ServiceError(
                    2104, "Invalid parameter value specified: system activities cannot be stopped"
                )
            targets.append((channel, activity))
        if not targets:
            raise ServiceError(2103, "Required parameter missing: all, profile, sirenId or lightId")
        self._remove(targets)

    def stop_started(self, ids: dict[str, int]) -> None:
        """Stop what one start returned, if still there (a rule's "while active" ends)."""
        victims = []
        for channel, activity_id in ids.items():
            activity = self.channels[channel].find(activity_id)
            if activity is not None and not activity.system:
                victims.append((channel, activity))
        self._remove(victims)

    # -- maintenance and health check ----------------------------------------------------

    def set_maintenance(self, on: bool, duration: int | None = None) -> None:
        now = self.clock.now()
        victims = [(c, a) for c, a in self._pairs() if a.kind == "maintenance"]
        self._remove(victims)
        if on:
            deadline = None if duration is None else now + duration
            self._system("maintenance", MAINTENANCE_PRIORITY, _MAINTENANCE, deadline)

    def run_health_check(self) -> None:
        self._health_running = True
        deadline = self.clock.now() + HEALTH_CHECK_SECONDS
        self._system("health-check", HEALTH_CHECK_PRIORITY, _HEALTH_CHECK, deadline)

    # -- power ---------------------------------------------------------------------------

    def power_cycle(self) -> None:
        """A reboot: activities are lost; maintenance mode and its end time survive."""
        self._health_running = False
        victims = [(c, a) for c, a in self._pairs() if a.kind != "maintenance"]
        self._remove(victims)

    def factory_default(self) -> None:
        self.profiles.clear()
        self.last_health = None
        self._health_running = False
        self._apply(lambda now: [ch.clear(now) for ch in self.channels.values()])
        self.set_maintenance(True)

    # -- internals -----------------------------------------------------------------------

    def _all(self) -> Iterable[Activity]:
        return (a for _, a in self._pairs())

    def _pairs(self) -> list[tuple[str, Activity]]:
        return [(name, a) for name, ch in self.channels.items() for a in ch.activities]

    def _new_id(self, channel: str) -> int:
        value = self._next_id[channel]
        self._next_id[channel] += 1
        return value

    def _start(self, parts: dict[str, dict[str, Any]], profile: str | None) -> dict[str, int]:
        now = self.clock.now()
        started: dict[str, int] = {}
        activities = []
        for channel, settings in parts.items():
            duration = settings.get("duration")
            pattern = settings["pattern"]
            catalog = SIREN_PATTERNS if channel == "siren" else LIGHT_PATTERNS
            activity = Activity(
                id=self._new_id(channel),
                priority=settings["priority"],
                pattern=pattern,
                settings={k: v for k, v in settings.items() if k not in ("duration", "priority")},
                period_s=catalog[pattern].period_s,
                started=now,
                deadline=now + duration["value"]
                if duration and duration["unit"] == "seconds"
                else None,
                repetitions=duration["value"]
                if duration and duration["unit"] == "repetitions"
                else None,
                profile=profile,
                duration=duration,
            )
            activities.append((channel, activity))
            started[f"{channel}Id"] = activity.id
        self._apply(lambda now: [self.channels[c].start(a, now) for c, a in activities])
        return started

    def _system(
        self,
        kind: str,
        priority: int,
        shapes: dict[str, dict[str, Any]],
        deadline: float | None,
    ) -> None:
        now = self.clock.now()
        pairs = [
            (
                channel,
                Activity(
                    id=self._new_id(channel),
                    priority=priority,
                    pattern=shape["pattern"],
                    settings=dict(shape),
                    period_s=1.0,
                    started=now,
                    deadline=deadline,
                    kind=kind,
                ),
            )
            for channel, shape in shapes.items()
        ]
        self._apply(lambda now: [self.channels[c].start(a, now) for c, a in pairs])

    def _remove(self, victims: list[tuple[str, Activity]]) -> None:
        self._apply(lambda now: [self.channels[c].remove(a, now) for c, a in victims])

    def _settle(self) -> None:
        self._apply(lambda now: [ch.settle(now) for ch in self.channels.values()])

    def _apply(self, change: Callable[[float], list[list[Activity]]]) -> None:
        """Run a change on the channels, then record results, publish and re-arm the timer."""
        now = self.clock.now()
        ended_lists: list[list[Activity]] = change(now)
        for activity in (a for ended in ended_lists for a in ended):
            if activity.kind == "health-check" and self._health_running and activity.finished(now):
                self._health_running = False
                self._record_health_check()
        self._publish(now)
        self._arm()

    def _record_health_check(self) -> None:
        stamp = dt.datetime.fromtimestamp(self.clock.wall(), dt.timezone.utc)
        self.last_health = {
            "timestamp": stamp.isoformat(timespec="seconds"),
            "errors": [{"code": code, "message": message} for code, message in self.health_faults],
        }

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        events = [t for t in (ch.next_event() for ch in self.channels.values()) if t is not None]
        if events:
            self._timer = self.clock.call_at(min(events), self._settle)

    def _publish(self, now: float) -> None:
        for name, channel in self.channels.items():
            playing = channel.playing()
            shown = playing.id if playing is not None else None
            if shown == self._shown[name]:
                continue
            self._shown[name] = shown
            data = {"pattern": "", "priority": "0", "profile": ""}
            if playing is not None:
                data = {
                    "pattern": playing.pattern,
                    "priority": str(playing.priority),
                    "profile": playing.profile or "",
                }
            self.bus.publish(SimEvent(TOPIC_SIREN_LIGHT_STATUS, {"channel": name}, data, now))
        light = self.channels["light"].playing()
        light_on = light is not None and light.pattern != "Off"
        if light_on != self._light_on:
            self._light_on = light_on
            self.bus.publish(
                SimEvent(
                    TOPIC_LIGHT_STATUS,
                    {"id": "0"},
                    {"state": "ON" if light_on else "OFF"},
                    now,
                )
            )

    @staticmethod
    def _describe(channel: str, activity: Activity, now: float) -> dict[str, Any]:
        entry: dict[str, Any] = {f"{channel}Id": activity.id, **activity.settings}
        left = activity.duration_left(now)
        if left is not None:
            entry["durationLeft"] = left
        entry["priority"] = activity.priority
        if activity.profile is not None:
            entry["profile"] = activity.profile
        return entry
