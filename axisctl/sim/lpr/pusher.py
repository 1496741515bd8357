"""Push events to every configured server, with the manual's resend of failed events.

Each push profile has one worker thread and one ordered queue, so a slow server never
holds up another and each server sees its events in order. The manual: "If the connection
to the server is lost, the app will resend up to the first 100 failed events to the
server." An event whose first delivery fails goes into the profile's resend buffer while it
holds fewer than :data:`RESEND_LIMIT`; later failures are dropped and counted. Buffered
events are resent in order, each with its original packet counter, when the resend timer
fires (:data:`RESEND_INTERVAL_S` on the device clock) and right after any successful
delivery; a new event waits until the buffer ahead of it has been tried.

Queues, buffers and statistics change only under the device lock; workers let go of it
while they talk to a server.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axisctl.sim.clock import SimClock, Timer
from axisctl.sim.lpr import delivery
from axisctl.sim.lpr.reads import CameraInfo, PlateRead
from axisctl.sim.lpr.state import (
    PROTOCOL_FTP,
    PROTOCOL_HTTP,
    PROTOCOL_TCP,
    RESEND_LIMIT,
    PushProfile,
)
from axisctl.sim.lpr.tracks import LOST, NEW

log = logging.getLogger(__name__)

#: Seconds between resend attempts while a profile holds failed events.
RESEND_INTERVAL_S = 30.0
#: Events waiting for their first delivery, per profile; more are dropped and counted.
QUEUE_LIMIT = 1000
#: Seconds :meth:`Pusher.close` waits for a worker in the middle of a delivery.
JOIN_TIMEOUT_S = 2 * delivery.TIMEOUT_S

_PROTOCOL_NAMES = {PROTOCOL_HTTP: "http", PROTOCOL_TCP: "tcp", PROTOCOL_FTP: "ftp"}


@dataclass
class PushStats:
    """What one profile did. ``sent + resent`` counts distinct events delivered."""

    #: Delivered on the first attempt.
    sent: int = 0
    #: First attempts that failed (each such event is then buffered or dropped).
    failed: int = 0
    #: Failed events not kept for a resend (buffer full or off), or discarded because the
    #: profile was disabled before their turn, or beyond :data:`QUEUE_LIMIT`.
    dropped: int = 0
    #: Buffered events delivered by a resend.
    resent: int = 0
    #: Resend attempts that failed again (the event stays buffered).
    resend_failures: int = 0
    #: Events for a protocol the simulator does not speak (FTP).
    unsupported: int = 0
    last_error: str = ""


@dataclass
class _Slot:
    """One profile's queue, resend buffer, timer and worker."""

    index: int
    condition: threading.Condition
    queue: deque[PlateRead] = field(default_factory=deque)
    buffer: deque[PlateRead] = field(default_factory=deque)
    stats: PushStats = field(default_factory=PushStats)
    resend_due: bool = False
    timer: Timer | None = None
    thread: threading.Thread | None = None
    warned_unsupported: bool = False
    #: An event taken off the queue or buffer whose delivery has not been settled yet.
    in_flight: bool = False


def wants(profile: PushProfile, car_state: str) -> bool:
    """Whether the profile sends events of this kind (``event_new`` and so on)."""
    if car_state == NEW:
        return profile.event_new
    if car_state == LOST:
        return profile.event_lost
    return profile.event_update


class Pusher:
    """The push side of the app; ``profiles`` and ``camera`` read the current settings."""

    def __init__(
        self,
        clock: SimClock,
        profiles: Callable[[], dict[int, PushProfile]],
        camera: Callable[[], CameraInfo],
    ) -> None:
        self.clock = clock
        self.lock = clock.lock
        self._profiles = profiles
        self._camera = camera
        self._slots: dict[int, _Slot] = {}
        # A factory default bumps it, so a delivery that was under way then settles nothing.
        self._generation = 0
        self._closed = False

    # --- called under the device lock ------------------------------------------------------

    def submit(self, read: PlateRead) -> None:
        """Queue ``read`` for every enabled profile that sends its kind of event."""
        for index, profile in sorted(self._profiles().items()):
            if not profile.enable or not wants(profile, read.car_state):
                continue
            slot = self._slot(index)
            if profile.protocol not in (PROTOCOL_HTTP, PROTOCOL_TCP):
                slot.stats.unsupported += 1
                if not slot.warned_unsupported:
                    slot.warned_unsupported = True
                    log.warning(
                        "push profile %d: protocol %d is not simulated; events are not sent",
                        index,
                        profile.protocol,
                    )
                continue
            if len(slot.queue) >= QUEUE_LIMIT:
                slot.stats.dropped += 1
                continue
            slot.queue.append(read)
            if slot.buffer:
                slot.resend_due = True
            self._ensure_worker(slot)
            slot.condition.notify()

    def statistics(self) -> list[dict[str, Any]]:
        """Per profile: settings that matter and the counters, for the test-control surface."""
        found = []
        for index, profile in sorted(self._profiles().items()):
            slot = self._slots.get(index)
            stats = slot.stats if slot is not None else PushStats()
            found.append(
                {
                    "profile": index,
                    "enabled": profile.enable,
                    "protocol": _PROTOCOL_NAMES.get(profile.protocol, str(profile.protocol)),
                    "queued": len(slot.queue) + slot.in_flight if slot is not None else 0,
                    "buffered": len(slot.buffer) if slot is not None else 0,
                    "sent": stats.sent,
                    "failed": stats.failed,
                    "dropped": stats.dropped,
                    "resent": stats.resent,
                    "resendFailures": stats.resend_failures,
                    "unsupported": stats.unsupported,
                    "lastError": stats.last_error,
                }
            )
        return found

    def stats(self, index: int) -> PushStats:
        """A copy of one profile's counters."""
        slot = self._slots.get(index)
        return dataclasses.replace(slot.stats) if slot is not None else PushStats()

    def pending(self, index: int) -> tuple[int, int]:
        """``(queued, buffered)`` events of one profile; one being delivered counts as queued."""
        slot = self._slots.get(index)
        if slot is None:
            return (0, 0)
        return (len(slot.queue) + slot.in_flight, len(slot.buffer))

    def reset(self) -> None:
        """Factory default: queues, resend buffers and counters are gone."""
        self._generation += 1
        for slot in self._slots.values():
            slot.queue.clear()
            slot.buffer.clear()
            slot.stats = PushStats()
            slot.resend_due = False
            slot.warned_unsupported = False
            if slot.timer is not None:
                slot.timer.cancel()
                slot.timer = None

    # --- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the workers; call without holding the device lock (it joins threads)."""
        with self.lock:
            self._closed = True
            threads = []
            for slot in self._slots.values():
                if slot.timer is not None:
                    slot.timer.cancel()
                    slot.timer = None
                slot.condition.notify_all()
                if slot.thread is not None:
                    threads.append(slot.thread)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout=JOIN_TIMEOUT_S)

    # --- internals ---------------------------------------------------------------------------

    def _slot(self, index: int) -> _Slot:
        slot = self._slots.get(index)
        if slot is None:
            slot = _Slot(index, threading.Condition(self.lock))
            self._slots[index] = slot
        return slot

    def _ensure_worker(self, slot: _Slot) -> None:
        if self._closed or (slot.thread is not None and slot.thread.is_alive()):
            return
        slot.thread = threading.Thread(
            target=self._work, args=(slot,), name=f"axisctl-sim-lpr-push-{slot.index}", daemon=True
        )
        slot.thread.start()

    def _arm_resend(self, slot: _Slot) -> None:
        if slot.timer is not None or not slot.buffer or self._closed:
            return
        try:
            slot.timer = self.clock.call_later(RESEND_INTERVAL_S, lambda: self._resend_due(slot))
        except RuntimeError:
            slot.timer = None  # the clock is closed: the simulator is shutting down

    def _resend_due(self, slot: _Slot) -> None:
        slot.timer = None
        if slot.buffer:
            slot.resend_due = True
            slot.condition.notify()

    def _next(self, slot: _Slot) -> tuple[PlateRead, bool, int] | None:
        """The next job, waiting for one: ``(read, is_resend, generation)``; None to stop."""
        while not self._closed:
            if slot.buffer and slot.resend_due:
                return slot.buffer[0], True, self._generation
            if slot.queue:
                return slot.queue.popleft(), False, self._generation
            slot.condition.wait()
        return None

    def _work(self, slot: _Slot) -> None:
        client = delivery.new_http_client()
        try:
            while True:
                with self.lock:
                    job = self._next(slot)
                    if job is None:
                        return
                    read, resend, generation = job
                    slot.in_flight = True
                    profile = dataclasses.replace(self._profiles()[slot.index])
                    camera = self._camera()
                error: str | None = None
                if profile.enable:
                    try:
                        delivery.send(read, profile, camera, client)
                    except delivery.DeliveryError as exc:
                        error = str(exc)
                    except Exception as exc:
                        # A bug must not kill the worker and leave the queue stuck.
                        log.exception("push profile %d: delivery failed", slot.index)
                        error = f"internal error ({type(exc).__name__})"
                with self.lock:
                    slot.in_flight = False
                    if generation == self._generation:
                        self._settle(slot, profile, read, resend, error)
        finally:
            client.close()

    def _settle(
        self, slot: _Slot, profile: PushProfile, read: PlateRead, resend: bool, error: str | None
    ) -> None:
        stats = slot.stats
        if not profile.enable:
            # Disabled before its turn: the event is not sent, now or later.
            if resend and slot.buffer and slot.buffer[0] is read:
                slot.buffer.popleft()
            stats.dropped += 1
            return
        if error is None:
            if resend:
                if slot.buffer and slot.buffer[0] is read:
                    slot.buffer.popleft()
                stats.resent += 1
                slot.resend_due = bool(slot.buffer)
            else:
                stats.sent += 1
                # The server is back: what failed before goes now, ahead of newer events.
                slot.resend_due = bool(slot.buffer)
            return
        stats.last_error = error
        log.info("push profile %d: event %d not delivered: %s", slot.index, read.packet, error)
        if resend:
            stats.resend_failures += 1
            slot.resend_due = False
        else:
            stats.failed += 1
            if profile.use_event_buffer and len(slot.buffer) < RESEND_LIMIT:
                slot.buffer.append(read)
            else:
                stats.dropped += 1
        self._arm_resend(slot)
