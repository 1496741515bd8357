"""The simulated AXIS License Plate Verifier app (``fflprapp``) on a gate camera.

:class:`LprApp` puts the parts together: vehicles and their lifecycle
(:mod:`~axisctl.sim.lpr.tracks`), list matching (:mod:`~axisctl.sim.lpr.matching`), the
barrier (:mod:`~axisctl.sim.lpr.barrier`), pushes (:mod:`~axisctl.sim.lpr.pusher`) and the
``ALPV.*`` events (:mod:`~axisctl.sim.lpr.alpv`). Each NEW, UPDATE and LOST becomes one
:class:`~axisctl.sim.lpr.reads.PlateRead` with the next packet counter, an entry in the
event log, events on the bus and a push to every enabled profile.

>>> car_id = camera.lpr.present(Vehicle("ABC123", direction="in"))   # doctest: +SKIP
>>> sim.clock.advance(12.0)                                           # NEW ... LOST

The app's HTTP endpoints (:mod:`axisctl.sim.handlers.lpr`) read and change :attr:`state`
and use :meth:`image` and :meth:`clear_events`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from axisctl.sim.clock import Timer
from axisctl.sim.lpr.alpv import AlpvEvents
from axisctl.sim.lpr.barrier import Barrier, Opening, qualifies
from axisctl.sim.lpr.images import plate_jpeg
from axisctl.sim.lpr.matching import allowed_deviation, best_hit, is_readable
from axisctl.sim.lpr.pusher import Pusher
from axisctl.sim.lpr.reads import CameraInfo, PlateRead
from axisctl.sim.lpr.scenario import Scenario, ScheduledVehicle
from axisctl.sim.lpr.state import EVENT_STORE_LIMIT, LprState, StoredEvent
from axisctl.sim.lpr.tracks import LOST, NEW, Track, Tracker
from axisctl.sim.lpr.vehicles import Vehicle

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

#: Images kept for ``tools.cgi?action=getImage``: a few per logged vehicle.
IMAGE_LIMIT = 3 * EVENT_STORE_LIMIT


def _image_name(car_id: int, packet: int, text: str, capture_time: float) -> str:
    """``<dir>/<YYYYMMDDhhmmss>_<us>lp_<plate>_<packet>.jpg``, as the app names its images."""
    moment = dt.datetime.fromtimestamp(capture_time, dt.timezone.utc)
    safe = "".join(char if char.isascii() and char.isalnum() else "_" for char in text)
    stamp = moment.strftime("%Y%m%d%H%M%S")
    return f"{car_id % 100}/{stamp}_{moment.microsecond:06d}lp_{safe}_{packet}.jpg"


def _plate_box(track: Track) -> tuple[int, int, int, int]:
    # The plate grows and rises in the frame as the vehicle comes closer.
    step = min(track.reads, 20)
    left = 480 + 700 * (track.vehicle.roi - 1) + 4 * step
    return (left, 570 - 6 * step, 120 + 2 * step, 28 + step // 4)


class LprApp:
    """The app on one simulated camera. ``state`` is what its HTTP endpoints read and change."""

    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self.state = LprState()
        self.lock = device.lock
        self.tracker = Tracker(device.clock, self._emit, lambda: self.state.detection.ttl_s)
        self.pusher = Pusher(device.clock, lambda: self.state.profiles, self._camera_info)
        self.barrier = Barrier(device.io, device.lock)
        self.alpv = AlpvEvents(device.bus, device.clock)
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._scheduled: dict[int, Timer] = {}
        self._schedule_ids = itertools.count()
        with self.lock:
            self.alpv.publish_states(())

    def __repr__(self) -> str:
        return f"<LprApp on {self.device.serial}: {len(self.tracker.tracks)} vehicle(s) in view>"

    # --- scripting traffic -------------------------------------------------------------------

    def present(self, vehicle: Vehicle) -> int | None:
        """A vehicle appears now: its first read (NEW) happens at once; return its car id.

        ``None`` when the camera does not read the plate at all: fewer characters than
        ``detection.min_chars``, a confidence under ``detection.sensitivity``, or the camera
        restarting. A misread that would not be read is skipped (NEW has the plate itself).
        """
        with self.lock:
            detection = self.state.detection
            if self.device.restarting:
                return None
            if not is_readable(vehicle.plate, vehicle.confidence, detection):
                return None
            first = vehicle.first_text
            if not is_readable(first, vehicle.confidence, detection):
                first = vehicle.plate
            self.state.car_counter += 1
            car_id = self.state.car_counter
            self.tracker.start(car_id, vehicle, first)
            return car_id

    def run_scenario(self, scenario: Scenario | Iterable[ScheduledVehicle]) -> int:
        """Present each vehicle ``at`` seconds from now on the device clock; return how many."""
        items = scenario.vehicles if isinstance(scenario, Scenario) else tuple(scenario)
        with self.lock:
            for item in items:
                key = next(self._schedule_ids)
                self._scheduled[key] = self.device.clock.call_later(
                    item.at, self._appearance(key, item.vehicle)
                )
        return len(items)

    def cancel_scenarios(self) -> int:
        """Drop vehicles scheduled by :meth:`run_scenario` that have not appeared yet."""
        with self.lock:
            count = len(self._scheduled)
            for timer in self._scheduled.values():
                timer.cancel()
            self._scheduled.clear()
            return count

    def _appearance(self, key: int, vehicle: Vehicle) -> Callable[[], None]:
        def appear() -> None:
            self._scheduled.pop(key, None)
            self.present(vehicle)

        return appear

    # --- looking at it -----------------------------------------------------------------------

    def tracks(self) -> list[Track]:
        """Vehicles the camera follows now (from NEW until LOST), oldest first."""
        with self.lock:
            return list(self.tracker.tracks.values())

    def describe_tracks(self) -> list[dict[str, Any]]:
        """The vehicles in view as the test-control surface shows them."""
        with self.lock:
            return [self._describe(track) for track in self.tracker.tracks.values()]

    @property
    def scheduled(self) -> int:
        """Vehicles of scenarios still to appear."""
        with self.lock:
            return len(self._scheduled)

    @property
    def openings(self) -> list[Opening]:
        """Every time the barrier was told to open."""
        with self.lock:
            return list(self.barrier.openings)

    def push_statistics(self) -> list[dict[str, Any]]:
        with self.lock:
            return self.pusher.statistics()

    def image(self, name: str) -> bytes | None:
        """The stored image ``tools.cgi?action=getImage&name=<name>`` serves, if any."""
        with self.lock:
            found = self._images.get(name)
            if found is not None:
                return found
            for event in self.state.events:
                if event.image_name == name:
                    return event.image
            return None

    def clear_events(self) -> None:
        """Settings > Maintenance > "Clear all recognition results"."""
        with self.lock:
            self.state.events.clear()
            self._images.clear()

    # --- power -------------------------------------------------------------------------------

    def power_cycle(self) -> None:
        """The camera restarts: vehicles in view are forgotten (no LOST); lists, settings, the
        event log and events waiting for a push or a resend stay."""
        with self.lock:
            self.tracker.forget_all()
            self.alpv.publish_states(())

    def factory_default(self) -> None:
        """Every setting, list, logged event and pending push back to the factory state."""
        with self.lock:
            self.tracker.forget_all()
            self.state = LprState()
            self._images.clear()
            self.pusher.reset()
            self.barrier.reset()
            self.alpv.publish_states(())

    def close(self) -> None:
        """Let go of outbound connections and worker threads (without the device lock)."""
        self.pusher.close()
        self.barrier.close()

    # --- one lifecycle step ------------------------------------------------------------------

    def _camera_info(self) -> CameraInfo:
        host = (urlsplit(self.device.url).hostname or "") if self.device.url else ""
        return CameraInfo(self.device.serial, f"AXIS {self.device.spec.prod_nbr}", host)

    def _emit(self, track: Track, car_state: str) -> None:
        state = self.state
        clock = self.device.clock
        capture_time = clock.wall_at(track.last_read)
        if car_state != LOST:
            when = dt.datetime.fromtimestamp(clock.wall(), dt.timezone.utc)
            deviation = allowed_deviation(state.detection)
            track.hit = best_hit(state.lists.values(), track.text, deviation, when)
        state.packet_counter += 1
        packet = state.packet_counter
        if car_state != LOST:
            # LOST reports the last read again, image included.
            track.image_name = _image_name(track.car_id, packet, track.text, capture_time)
            track.image = plate_jpeg(f"plate={track.text} car={track.car_id} packet={packet}")
            self._images[track.image_name] = track.image
            while len(self._images) > IMAGE_LIMIT:
                self._images.popitem(last=False)
        self._log(track, car_state, capture_time)
        if qualifies(track, car_state, state.access, state):
            self.barrier.open_for(track, state.access, clock.now())
        read = self._read(track, car_state, packet, capture_time)
        self.alpv.publish_read(read, self._camera_info().mac_address)
        self.alpv.publish_states(self.tracker.tracks.values())
        self.pusher.submit(read)

    def _read(self, track: Track, car_state: str, packet: int, capture_time: float) -> PlateRead:
        vehicle = track.vehicle
        if track.hit is not None and track.hit.mode == "block":
            action = "Denied"
        elif track.barrier_opened:
            action = "Accepted"
        else:
            action = "No action"
        return PlateRead(
            car_id=track.car_id,
            packet=packet,
            car_state=car_state,
            text=track.text,
            country=vehicle.country,
            iso3166_2=vehicle.iso3166_2,
            region=vehicle.region,
            region_code=vehicle.region_code,
            direction=track.direction,
            roi=vehicle.roi,
            confidence=float(vehicle.confidence),
            capture_time=capture_time,
            frame_us=0 if car_state == LOST else round(capture_time * 1_000_000),
            hit=track.hit,
            action=action,
            vehicle_type=vehicle.vehicle_type,
            color=vehicle.color,
            view=vehicle.view,
            box=_plate_box(track),
            image_name=track.image_name,
            image=track.image,
            roi_image=plate_jpeg(f"roi={track.text} car={track.car_id} packet={packet}"),
        )

    def _log(self, track: Track, car_state: str, capture_time: float) -> None:
        """The event log keeps one entry per vehicle: its latest read."""
        hit = track.hit
        if car_state == NEW:
            track.stored = StoredEvent(
                car_id=track.car_id,
                plate=track.text,
                country=track.vehicle.country,
                region=track.vehicle.region,
                direction=track.direction,
                roi=track.vehicle.roi,
                confidence=float(track.vehicle.confidence),
                timestamp_us=round(capture_time * 1_000_000),
            )
            self.state.events.append(track.stored)
        stored = track.stored
        if stored is None:
            return
        stored.plate = track.text
        stored.direction = track.direction
        stored.list_key = None if hit is None else hit.list_key
        stored.list_description = "" if hit is None else hit.description
        stored.image_name = track.image_name
        stored.image = track.image

    def _describe(self, track: Track) -> dict[str, Any]:
        leaving = track.read_complete
        return {
            "carId": track.car_id,
            "plate": track.vehicle.plate,
            "text": track.text,
            "direction": track.direction,
            "roi": track.vehicle.roi,
            "reads": track.reads,
            "readsPlanned": len(track.offsets),
            "lastRead": track.last_read,
            "list": None if track.hit is None else track.hit.list_key,
            "barrierOpened": track.barrier_opened,
            "lostAt": track.timer.deadline if leaving and track.timer is not None else None,
        }
