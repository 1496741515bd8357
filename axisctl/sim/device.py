"""State of one simulated device: identity, parameters, accounts, faults and a request log."""

from __future__ import annotations

import threading
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass

from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.accounts import Account, AccountStore, DigestServer, Level
from axisctl.sim.bus import TOPIC_SYSTEM_READY, EventBus, SimEvent
from axisctl.sim.catalog import ModelSpec, model
from axisctl.sim.clock import SimClock
from axisctl.sim.faults import FaultPlan
from axisctl.sim.io import IOBank
from axisctl.sim.lpr import LprApp
from axisctl.sim.mqtt import MqttBridge
from axisctl.sim.paramstore import ParamStore, initial_params
from axisctl.sim.rules import RuleEngine
from axisctl.sim.sirenlight import SirenLight
from axisctl.sim.virtualinputs import VirtualInputs

#: Seconds a simulated restart keeps the device down (outputs open, HTTP answering 503).
RESTART_SECONDS = 5.0


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    status: int
    user: str | None


class SimulatedDevice:
    """One device. Its HTTP face is built by :func:`axisctl.sim.http.build_app`.

    ``user``/``password`` create the first administrator; without them the device is fresh
    from the factory (``needsetup``) and waits for an initial admin through pwdgrp.cgi.

    Timed behaviour runs on ``clock`` (a real clock unless given); ``lock`` guards all
    state and is the clock's lock, so change state only while holding it.
    """

    def __init__(
        self,
        spec: ModelSpec | str,
        *,
        serial: str,
        user: str | None = "root",
        password: str | None = "pass",
        digest_algorithms: tuple[str, ...] = ("MD5",),
        clock: SimClock | None = None,
        virtual_inputs: int | None = None,
        poe_class: str = "4",
    ) -> None:
        self.spec = model(spec) if isinstance(spec, str) else spec
        self.serial = serial
        self.clock = clock if clock is not None else SimClock()
        self.lock = self.clock.lock
        self.bus = EventBus()
        self.accounts = AccountStore()
        if user is not None and password is not None:
            self.accounts.accounts[user] = Account(user, password, Level.ADMIN, ptz=True)
        self.params = ParamStore(initial_params(self.spec, serial))
        self.digest = DigestServer(realm=f"AXIS_{serial}", algorithms=digest_algorithms)
        self.faults = FaultPlan()
        self.io = IOBank(self.spec, self.params, self.clock, self.bus)
        count = self.spec.virtual_inputs if virtual_inputs is None else virtual_inputs
        self.virtual_inputs = VirtualInputs(count, self.clock, self.bus)
        self.siren_light: SirenLight | None = (
            SirenLight(self.clock, self.bus, poe_class=poe_class)
            if any(api.id == "siren-and-light" for api in self.spec.apis)
            else None
        )
        self.mqtt: MqttBridge | None = (
            MqttBridge(serial=serial, clock=self.clock, bus=self.bus)
            if any(api.id == "mqtt-client" for api in self.spec.apis)
            else None
        )
        self.rules = RuleEngine(self)
        self.lpr: LprApp | None = LprApp(self) if "fflprapp" in self.spec.apps else None
        self.access: IntercomAccess | None = (
            IntercomAccess(self, self.spec.reader) if self.spec.reader is not None else None
        )
        self.boot_id = str(uuid.uuid4())
        self._booted = self.clock.now()
        self.restarting = False
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self.url = ""
        self._publish_ready(True)

    def _publish_ready(self, ready: bool) -> None:
        with self.lock:
            self.bus.publish(
                SimEvent(TOPIC_SYSTEM_READY, {}, {"ready": "1" if ready else "0"}, self.clock.now())
            )

    def __repr__(self) -> str:
        return f"<SimulatedDevice {self.spec.prod_nbr} {self.serial} {self.url or '(not served)'}>"

    @property
    def uptime_s(self) -> int:
        return int(self.clock.now() - self._booted)

    def restart(self, seconds: float = RESTART_SECONDS) -> None:
        """Simulate a restart: outputs open and HTTP answers 503 for ``seconds`` of clock time.

        Running light and siren activities and virtual inputs are lost, as on a reboot;
        maintenance mode and its remaining time survive (the manual's example).
        """
        with self.lock:
            self.restarting = True
            self._publish_ready(False)
            self.io.begin_restart()
            self.virtual_inputs.reset()
            if self.siren_light is not None:
                self.siren_light.power_cycle()
            if self.mqtt is not None:
                self.mqtt.power_off()
            if self.lpr is not None:
                self.lpr.power_cycle()
            if self.access is not None:
                self.access.power_cycle()
            self.clock.call_later(seconds, self._finish_restart)

    def _finish_restart(self) -> None:
        self.restarting = False
        self.boot_id = str(uuid.uuid4())
        self._booted = self.clock.now()
        self.io.end_restart()
        self._publish_ready(True)
        if self.mqtt is not None:
            # An active MQTT client stays active over a reboot (client API).
            self.mqtt.power_on()

    def factory_default(self) -> None:
        """Back to factory state: parameters, profiles and rules reset, maintenance mode on.

        Accounts are kept so that tests can go on talking to the device; a real device
        would also forget them (``needsetup``), which a fresh ``SimulatedDevice(user=None)``
        reproduces.
        """
        with self.lock:
            self.params.reset(initial_params(self.spec, self.serial))
            self.io.reset()
            self.virtual_inputs.reset()
            self.rules.clear()
            if self.siren_light is not None:
                self.siren_light.factory_default()
            if self.mqtt is not None:
                self.mqtt.factory_default()
            if self.lpr is not None:
                self.lpr.factory_default()
            if self.access is not None:
                self.access.factory_default()

    def close(self) -> None:
        """Let go of what outlives a request: the MQTT client, the LPR app's push workers,
        the intercom's reader connector (threads, sockets, the pseudo-terminal), and the
        rules' HTTP notifications still going out (bounded)."""
        self.rules.close()
        if self.mqtt is not None:
            self.mqtt.close()
        if self.lpr is not None:
            self.lpr.close()
        if self.access is not None:
            self.access.close()

    def add_account(self, name: str, password: str, level: Level, ptz: bool = False) -> None:
        self.accounts.accounts[name] = Account(name, password, level, ptz=ptz)

    def record(self, entry: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every HTTP request served so far, 401 challenges included."""
        with self._log_lock:
            return list(self._log)

    def request_count(self, path: str | None = None) -> int:
        return sum(1 for r in self.requests if path is None or r.path == path)

    def status_counts(self) -> Counter[int]:
        return Counter(r.status for r in self.requests)

    def reset_stats(self) -> None:
        with self._log_lock:
            self._log.clear()


def serial_for(spec: ModelSpec, index: int) -> str:
    """A stable serial: the model's OUI-like prefix, a byte derived from the model, an index.

    The model byte keeps serials of different models apart even where they share a prefix.
    """
    model_byte = zlib.crc32(spec.key.encode()) & 0xFF
    return f"{spec.serial_prefix}{model_byte:02X}{index & 0xFFFF:04X}"
