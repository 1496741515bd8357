"""Settings > Access control, barrier mode "Open from lists": pulse an output for a vehicle.

A vehicle opens the barrier when its read matches a list chosen in ``barrier_lists`` (a
block-mode list never opens it), it drives in the chosen direction (``any``: from its first
read) and it is in the chosen region of interest (``all`` or its own). The barrier opens
at most once per vehicle, at the first read that satisfies all of that.

Type ``io`` pulses the camera's own output (``io_port``; pin 4 of the P1455-LE is port 2)
for ``pulse_ms``, through the port's normal action path so it shows as an OutputPort event.
Type ``relay`` asks an AXIS I/O relay module to pulse ``relay_port`` over HTTP (port.cgi,
Digest), from a worker thread, since the device clock must never wait for the network;
ports 9-16 are the module's relays 1-8, as the manual numbers them.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from axisctl.codecs.port_action import MAX_WAIT_MS, PortAction
from axisctl.errors import ParseError
from axisctl.sim.lpr import delivery
from axisctl.sim.lpr.state import AccessControl, LprState
from axisctl.sim.lpr.tracks import NEW, UPDATE, Track

if TYPE_CHECKING:
    from axisctl.sim.io import IOBank

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opening:
    """One time the barrier was told to open: for which vehicle (clock time), which output
    (``io`` the camera's own, ``relay`` the module's), which port, how long."""

    car_id: int
    time: float
    target: str
    port: int
    pulse_ms: int


@dataclass(frozen=True)
class _RelayCommand:
    url: str
    user: str
    password: str = field(repr=False)
    action: str = ""


@dataclass
class RelayStats:
    sent: int = 0
    failed: int = 0
    last_error: str = ""


def qualifies(track: Track, car_state: str, access: AccessControl, state: LprState) -> bool:
    """Whether this read of ``track`` opens the barrier (it has not opened for it yet)."""
    if track.barrier_opened or car_state not in (NEW, UPDATE):
        return False
    if access.barrier_mode != "open_from_lists" or access.type not in ("io", "relay"):
        return False
    hit = track.hit
    if hit is None or hit.list_key not in access.barrier_lists:
        return False
    plate_list = state.lists.get(hit.list_key)
    if plate_list is None or plate_list.mode == "block":
        return False
    if access.direction != "any" and track.direction != access.direction:
        return False
    return access.roi == "all" or access.roi == str(track.vehicle.roi)


def relay_base_url(text: str) -> str:
    """``192.168.0.10``, ``host:port`` or a URL: the relay module's base URL without a path."""
    text = text.strip()
    if not text:
        raise delivery.DeliveryError("no relay module address is set")
    url = delivery.http_url(text)
    return url[:-1] if url.endswith("/") else url


class Barrier:
    """Opens the barrier; :attr:`openings` records each time, for tests and the control route."""

    def __init__(self, io: IOBank, lock: threading.RLock) -> None:
        self.io = io
        self.lock = lock
        self.openings: list[Opening] = []
        self.relay_stats = RelayStats()
        self._relay_queue: deque[_RelayCommand] = deque()
        self._condition = threading.Condition(lock)
        self._thread: threading.Thread | None = None
        self._closed = False

    def open_for(self, track: Track, access: AccessControl, now: float) -> bool:
        """Pulse the configured output for ``track`` (under the device lock)."""
        pulse_ms = min(max(1, access.pulse_ms), MAX_WAIT_MS)
        if access.type == "io":
            try:
                self.io.run_action(PortAction.pulse(access.io_port, pulse_ms))
            except (ValueError, ParseError) as exc:
                log.warning("barrier: cannot pulse output %s: %s", access.io_port, exc)
                return False
            target = "io"
            port = access.io_port
        else:
            try:
                action = PortAction.pulse(access.relay_port, pulse_ms).format()
                url = relay_base_url(access.relay_url) + "/axis-cgi/io/port.cgi"
            except (ParseError, delivery.DeliveryError) as exc:
                log.warning("barrier: cannot use the relay module: %s", exc)
                self.relay_stats.failed += 1
                self.relay_stats.last_error = str(exc)
                return False
            self._relay_queue.append(
                _RelayCommand(url, access.relay_user, access.relay_password, action)
            )
            self._ensure_worker()
            self._condition.notify()
            target = "relay"
            port = access.relay_port
        track.barrier_opened = True
        self.openings.append(Opening(track.car_id, now, target, port, pulse_ms))
        return True

    def reset(self) -> None:
        self.openings.clear()
        self._relay_queue.clear()
        self.relay_stats = RelayStats()

    def close(self) -> None:
        """Stop the relay worker; call without holding the device lock."""
        with self.lock:
            self._closed = True
            self._condition.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * delivery.TIMEOUT_S)

    def _ensure_worker(self) -> None:
        if self._closed or (self._thread is not None and self._thread.is_alive()):
            return
        self._thread = threading.Thread(
            target=self._work, name="axisctl-sim-lpr-relay", daemon=True
        )
        self._thread.start()

    def _work(self) -> None:
        with delivery.new_http_client() as client:
            while True:
                with self.lock:
                    while not self._closed and not self._relay_queue:
                        self._condition.wait()
                    if self._closed:
                        return
                    command = self._relay_queue.popleft()
                error = _send_relay(client, command)
                with self.lock:
                    if error is None:
                        self.relay_stats.sent += 1
                    else:
                        self.relay_stats.failed += 1
                        self.relay_stats.last_error = error
                        log.warning("barrier: the relay module did not switch: %s", error)


def _send_relay(client: httpx.Client, command: _RelayCommand) -> str | None:
    auth = httpx.DigestAuth(command.user, command.password) if command.user else None
    try:
        response = client.get(command.url, params={"action": command.action}, auth=auth)
    except httpx.TimeoutException:
        return "the relay module did not answer in time"
    except httpx.HTTPError as exc:
        return f"cannot reach the relay module ({type(exc).__name__})"
    if response.status_code != 200:
        return f"the relay module answered HTTP {response.status_code}"
    if response.text.lstrip().startswith("# Error"):
        return "the relay module refused the action: " + response.text.strip()[:200]
    return None
