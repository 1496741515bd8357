"""Vehicles in view and their NEW / UPDATE / LOST lifecycle, on the device clock.

The camera reads a vehicle's plate at the moments :meth:`Vehicle.read_offsets` gives. The
first read is NEW, with the direction still unknown. A later read that learns something
is an UPDATE: the corrected text first (when the vehicle was misread), then the direction,
one change per read; the last read reports whatever is still pending. Reads that learn
nothing are silent. LOST follows ``ttl`` seconds after the last read, with the direction.

The tracker decides *when* and *what*; the app (:mod:`axisctl.sim.lpr.app`) turns each
lifecycle step into a packet, an image, an event log entry, events and pushes. Everything
here runs under the device lock: timer callbacks hold it already.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from axisctl.sim.clock import SimClock, Timer
from axisctl.sim.lpr.matching import ListHit
from axisctl.sim.lpr.state import StoredEvent
from axisctl.sim.lpr.vehicles import Vehicle

NEW = "new"
UPDATE = "update"
LOST = "lost"


@dataclass
class Track:
    """One vehicle the camera follows, from its first read until LOST."""

    car_id: int
    vehicle: Vehicle
    #: Clock reading of the first read; later reads are at ``appeared + offset``.
    appeared: float
    offsets: tuple[float, ...]
    #: The text as currently read: the misread until the correcting read.
    text: str
    direction: str = "unknown"
    reads: int = 0
    #: Clock reading of the latest read.
    last_read: float = 0.0
    hit: ListHit | None = None
    barrier_opened: bool = False
    #: The image of the latest read, and its name in the app's image store.
    image: bytes = field(default=b"", repr=False)
    image_name: str = ""
    stored: StoredEvent | None = field(default=None, repr=False)
    timer: Timer | None = field(default=None, repr=False)

    @property
    def read_complete(self) -> bool:
        """Whether every read is done, so only LOST is left."""
        return self.reads >= len(self.offsets)


Emit = Callable[[Track, str], None]


class Tracker:
    """The tracks in view; ``emit(track, car_state)`` reports each lifecycle step."""

    def __init__(self, clock: SimClock, emit: Emit, ttl: Callable[[], float]) -> None:
        self.clock = clock
        self._emit = emit
        self._ttl = ttl
        self.tracks: dict[int, Track] = {}

    def start(self, car_id: int, vehicle: Vehicle, first_text: str) -> Track:
        """The vehicle's first read, now: NEW."""
        track = Track(
            car_id=car_id,
            vehicle=vehicle,
            appeared=self.clock.now(),
            offsets=vehicle.read_offsets(),
            text=first_text,
        )
        self.tracks[car_id] = track
        self._read(track)
        return track

    def forget_all(self) -> None:
        """The app restarts: vehicles in view are forgotten, without LOST events."""
        for track in self.tracks.values():
            if track.timer is not None:
                track.timer.cancel()
        self.tracks.clear()

    def _read(self, track: Track) -> None:
        index = track.reads
        track.reads += 1
        track.last_read = self.clock.now()
        final = track.read_complete
        if index == 0:
            self._emit(track, NEW)
        elif self._learn(track, final):
            self._emit(track, UPDATE)
        if track.car_id not in self.tracks:
            return  # emit may have forgotten it (a restart from a callback)
        if final:
            track.timer = self.clock.call_later(self._ttl(), lambda: self._lose(track))
        else:
            due = track.appeared + track.offsets[track.reads]
            track.timer = self.clock.call_at(due, lambda: self._read(track))

    def _learn(self, track: Track, final: bool) -> bool:
        """Apply what this read learns: the text first, then the direction."""
        changed = False
        if track.text != track.vehicle.plate:
            track.text = track.vehicle.plate
            changed = True
        if (final or not changed) and track.direction != track.vehicle.direction:
            track.direction = track.vehicle.direction
            changed = True
        return changed

    def _lose(self, track: Track) -> None:
        track.timer = None
        # The last read learned the direction, except for a vehicle read only once: the camera
        # tells its direction from where it left the view.
        track.direction = track.vehicle.direction
        self.tracks.pop(track.car_id, None)
        self._emit(track, LOST)
