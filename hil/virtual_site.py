"""The virtual rig: simulators for the devices, gpiozero mock pins for the Pi, a real broker.

:class:`VirtualSite` is the :class:`~axisctl.hil.site.Site` of a rig of ``kind: virtual``
(``open_bench`` picks it)::

    bench = open_bench(virtual_rig())
    bench = open_bench(rig, site=VirtualSite(actual_wiring=miswired))   # test `hil check`

At :meth:`VirtualSite.start`:

- one :class:`~axisctl.sim.server.Simulator` per rig device (the rig's model, real HTTP
  on loopback, Digest, every simulator on one real-time ``SimClock``);
- the mock-pin wiring of :mod:`axisctl.hil.virtual_wiring`, as ``actual_wiring`` says
  (default: the rig itself), while the bench opens its lines as the rig file says, so a
  wrongly wired bench can be simulated;
- an MQTT broker on a free loopback port (:mod:`axisctl.hil.broker`: mosquitto, or amqtt);
  without either the rig lacks ``mqtt-broker`` and says why;
- every strobe's maintenance mode turned off (a commissioned strobe plays only what it is
  asked to; in maintenance mode the light pulses and would blink the light sensor);
- for every intercom with an OSDP reader or a Wiegand link: "Use external reader" turned
  on through the device's reader settings (the library's ``device.access``, as a user
  would), with the OSDP reader's address; the reader connector's pty is the reader's bus.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from gpiozero.pins.mock import MockFactory

from axisctl.device import Device
from axisctl.drivers.osdp.cp_types import parse_scbk
from axisctl.errors import ConfigurationError
from axisctl.hil.broker import MqttBroker, available_broker
from axisctl.hil.rig_model import Direction, Rig, RigKind
from axisctl.hil.site import DeviceEndpoint, OsdpLink
from axisctl.hil.timeline import Timeline
from axisctl.hil.virtual_pins import DEFAULT_DELAY
from axisctl.hil.virtual_reset import reset_simulator
from axisctl.hil.virtual_wiring import VirtualWiring
from axisctl.sim.clock import SimClock
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.server import Simulator

__all__ = ["VirtualSite"]

logger = logging.getLogger(__name__)

#: The account every simulator of the virtual rig is created with.
SIM_USER = "root"
SIM_PASSWORD = "pass"  # noqa: S105 - the simulators' fixed test account

#: ISO 3166-1 alpha-2 codes the virtual plate display takes besides alpha-3 ones.
_ALPHA3 = {
    "SE": "SWE", "NO": "NOR", "DK": "DNK", "FI": "FIN", "DE": "DEU", "GB": "GBR",
    "FR": "FRA", "NL": "NLD", "BE": "BEL", "ES": "ESP", "IT": "ITA", "PL": "POL",
    "US": "USA", "CA": "CAN", "AU": "AUS", "CH": "CHE", "AT": "AUT", "IE": "IRL",
}  # fmt: skip


class VirtualSite:
    """The simulated site a virtual rig runs on (see the module docstring).

    ``actual_wiring``: how the simulated hardware is really wired (same devices, other
    lines or levels), default the rig. ``delay``: bounds in seconds of the random delay
    each edge takes across the Pi/device bridges. ``broker``: start an MQTT broker.
    """

    def __init__(
        self,
        actual_wiring: Rig | None = None,
        *,
        delay: tuple[float, float] = DEFAULT_DELAY,
        broker: bool = True,
    ) -> None:
        self.actual_wiring = actual_wiring
        self._delay = delay
        self._want_broker = broker
        self._rig: Rig | None = None
        self._timeline: Timeline | None = None
        self._factory: Any = None
        self._clock: SimClock | None = None
        self._simulators: dict[str, Simulator] = {}
        self._wiring: VirtualWiring | None = None
        self._broker: MqttBroker | None = None
        self._broker_problem = ""
        self._keys: dict[str, bytes | None] = {}
        # The bodies of the rules installed per device, secrets included: the control
        # surface never shows an HTTP notification's password, so a rule replaced by name
        # is re-posted from here, never from what GET /axisctl-sim/rules answers.
        self._rules: dict[str, dict[str, dict[str, Any]]] = {}
        self._workdir: Path | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<VirtualSite {len(self._simulators)} simulators>"

    @property
    def kind(self) -> RigKind:
        return RigKind.VIRTUAL

    @property
    def pin_factory(self) -> Any:
        if self._factory is None:
            raise ConfigurationError("the virtual site has not been started")
        return self._factory

    @property
    def wiring(self) -> VirtualWiring:
        """The mock pins and bridges (for tests that look at the device side)."""
        if self._wiring is None:
            raise ConfigurationError("the virtual site has not been started")
        return self._wiring

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, rig: Rig, timeline: Timeline) -> None:
        self._rig = rig
        self._timeline = timeline
        actual = self.actual_wiring or rig
        unknown = set(actual.devices) ^ set(rig.devices)
        if unknown:
            raise ConfigurationError(
                f"the actual wiring and the rig differ in devices: {', '.join(sorted(unknown))}"
            )
        try:
            self._start_simulators(rig)
            self._factory = MockFactory()
            self._wiring = VirtualWiring(self._factory, timeline, delay=self._delay)
            self._wiring.build(actual, self._sims())
            self._start_broker()
            self._prepare_devices(rig)
        except BaseException:
            self.close()
            raise

    def _start_simulators(self, rig: Rig) -> None:
        self._clock = SimClock()
        for name, device in rig.devices.items():
            simulator = Simulator(
                device.model, user=SIM_USER, password=SIM_PASSWORD, clock=self._clock
            )
            simulator.__enter__()
            self._simulators[name] = simulator
            assert self._timeline is not None
            self._timeline.record("note", name, f"simulator {device.model} at {simulator.urls[0]}")

    def _start_broker(self) -> None:
        if not self._want_broker:
            self._broker_problem = "the virtual site was started without an MQTT broker"
            return
        kind, why = available_broker()
        if kind is None:
            self._broker_problem = why
            logger.warning("virtual rig without an MQTT broker: %s", why)
            return
        self._workdir = Path(tempfile.mkdtemp(prefix="axisctl-hil-"))
        broker = MqttBroker(self._workdir / "broker", kind=kind)
        broker.start()
        self._broker = broker

    def _prepare_devices(self, rig: Rig) -> None:
        for name, sim in self._sims().items():
            if sim.siren_light is not None:
                with self.client(name) as device:
                    device.siren_light.set_maintenance(False)
        addresses: dict[str, int] = {}
        for link in rig.wiegand.values():
            if link.direction is Direction.TO_DEVICE:
                addresses.setdefault(link.device, 0)
        if rig.osdp is not None:
            for reader in rig.osdp.readers.values():
                addresses[reader.device] = reader.address
                self._keys[reader.device] = self._osdp_key(rig, reader.device)
        for name, address in addresses.items():
            access = self._sims()[name].access
            if access is not None:
                # The reader emulator opens the bus only after this; re-probing an offline
                # reader every 0.2 s (not 1 s) finds it sooner, so the bench starts faster.
                connector = access.reader_connector
                connector.timings = dataclasses.replace(connector.timings, offline_retry=0.2)
            with self.client(name) as device:
                device.access.update_reader_settings(external_reader=True, osdp_address=address)

    def _osdp_key(self, rig: Rig, device: str) -> bytes | None:
        if rig.osdp is None or rig.osdp.scbk_env is None:
            return None
        text = os.environ.get(rig.osdp.scbk_env)
        if not text:
            raise ConfigurationError(f"the rig's OSDP key variable {rig.osdp.scbk_env} is not set")
        key = parse_scbk(text)
        access = self._sims()[device].access
        if access is not None:
            access.reader_connector.set_osdp_key(key)
        return key

    def close(self) -> None:
        """Stop the wiring, the simulators and the broker (idempotent).

        Each step runs whatever the ones before it raised, so one failure never leaves the
        simulators, the broker or the work folder behind.
        """
        wiring, self._wiring = self._wiring, None
        simulators = list(self._simulators.values())
        self._simulators.clear()
        clock, self._clock = self._clock, None
        broker, self._broker = self._broker, None
        workdir, self._workdir = self._workdir, None
        factory, self._factory = self._factory, None
        steps: list[tuple[str, Callable[[], object]]] = []
        if wiring is not None:
            steps.append(("the wiring", wiring.close))
        for simulator in simulators:
            steps.append((repr(simulator), functools.partial(simulator.__exit__, None, None, None)))
        if clock is not None:
            steps.append(("the clock", clock.close))
        if broker is not None:
            steps.append(("the broker", broker.stop))
        if workdir is not None:
            steps.append(("the work folder", lambda: shutil.rmtree(workdir, ignore_errors=True)))
        if factory is not None:
            steps.append(("the mock pins", factory.close))
        for what, step in steps:
            try:
                step()
            except Exception:
                logger.exception("stopping %s failed", what)
        self._closed = True

    # --- what the bench asks -----------------------------------------------------------

    def device_endpoint(self, name: str) -> DeviceEndpoint:
        return DeviceEndpoint(self._simulator(name).urls[0], SIM_USER, SIM_PASSWORD, verify=False)

    def client(self, name: str) -> Device:
        """A fresh client of simulator ``name`` (the caller closes it)."""
        endpoint = self.device_endpoint(name)
        return Device(endpoint.url, endpoint.user, endpoint.password, verify=False)

    def osdp_link(self, reader: str) -> OsdpLink:
        rig = self._started_rig()
        if rig.osdp is None or reader not in rig.osdp.readers:
            raise ConfigurationError(f"the rig has no OSDP reader {reader!r}")
        declared = rig.osdp.readers[reader]
        access = self._sims()[declared.device].access
        if access is None:
            raise ConfigurationError(
                f"OSDP reader {reader!r}: device {declared.device!r} has no reader connector"
            )
        port = access.reader_connector.open()
        return OsdpLink(
            port=port, baud=rig.osdp.baud, rs485=None, scbk=self._keys.get(declared.device)
        )

    @property
    def mqtt_broker(self) -> tuple[str, int] | None:
        if self._broker is None:
            return None
        return self._broker.address.host, self._broker.address.port

    def capabilities(self) -> frozenset[str]:
        rig = self._started_rig()
        found = {"simulator"}
        if self._broker is not None:
            found.add("mqtt-broker")
        if any(sim.lpr is not None for sim in self._sims().values()):
            found.add("plate-display")
        found |= {f"rule:{name}/*" for name in rig.devices}
        return frozenset(found)

    def missing_reason(self, capability: str) -> str | None:
        rig = self._started_rig()
        if capability == "mqtt-broker":
            return None if self._broker is not None else f"no MQTT broker: {self._broker_problem}"
        if capability == "plate-display":
            if "plate-display" in self.capabilities():
                return None
            return "the virtual rig has no LPR camera (model p1455-le-3) to show plates to"
        if capability == "simulator":
            return None
        if capability.startswith("rule:"):
            device, _, rule = capability[5:].partition("/")
            if device in rig.devices and rule:
                return None
            return f"capability {capability!r}: the rig has no device {device!r}"
        return f"the virtual rig has no {capability!r}"

    def simulated(self, name: str) -> SimulatedDevice | None:
        return self._simulator(name).devices[0]

    def install_rule(self, device: str, rule_name: str, rule: Mapping[str, Any]) -> None:
        body = dict(rule)
        body["name"] = rule_name
        installed = self._rules.setdefault(device, {})
        with self._control(device) as http:
            if rule_name in installed:
                # The control surface adds rules; replacing one means posting the others again.
                http.delete("/axisctl-sim/rules").raise_for_status()
                del installed[rule_name]
                for other in installed.values():
                    http.post("/axisctl-sim/rules", json=other).raise_for_status()
            answer = http.post("/axisctl-sim/rules", json=body)
            if answer.status_code != 200:
                raise ConfigurationError(
                    f"rule {rule_name!r} refused by {device}: {answer.json().get('error')}"
                )
        installed[rule_name] = body

    def show_plate(
        self, camera: str, plate: str, *, country: str, direction: str, region: str | None
    ) -> None:
        sim = self._simulator(camera).devices[0]
        if sim.lpr is None:
            from axisctl.hil.bench import MissingCapability

            raise MissingCapability(f"device {camera!r} ({sim.spec.prod_nbr}) reads no plates")
        vehicle: dict[str, Any] = {
            "plate": plate,
            "country": _ALPHA3.get(country.upper(), country.upper()),
            "direction": direction,
        }
        if region:
            vehicle["region"] = region
        with self._control(camera) as http:
            answer = http.post("/axisctl-sim/lpr/vehicles", json=vehicle)
            if answer.status_code != 200:
                raise ConfigurationError(f"plate {plate!r} refused: {answer.json().get('error')}")

    def reset(self) -> None:
        """See docs: rules cleared, outputs normal, light and siren stopped, vehicles gone."""
        wiring = self.wiring
        wiring.drain()
        self._rules.clear()
        sims = self._sims()
        # Rules go everywhere first and their notifications in flight land, so that no
        # camera's request to a strobe arrives after the strobe was reset.
        for sim in sims.values():
            with sim.lock:
                sim.rules.clear()
        for sim in sims.values():
            sim.rules.wait_idle()
        for name, sim in sims.items():
            try:
                reset_simulator(sim)
            except Exception:
                logger.exception("resetting simulator %s failed", name)
        wiring.resync_inputs()
        wiring.drain()

    # --- internals ---------------------------------------------------------------------

    def _started_rig(self) -> Rig:
        if self._rig is None:
            raise ConfigurationError("the virtual site has not been started")
        return self._rig

    def _sims(self) -> dict[str, SimulatedDevice]:
        return {name: simulator.devices[0] for name, simulator in self._simulators.items()}

    def _simulator(self, name: str) -> Simulator:
        simulator = self._simulators.get(name)
        if simulator is None:
            raise ConfigurationError(f"the virtual rig has no device {name!r}")
        return simulator

    def _control(self, name: str) -> httpx.Client:
        endpoint = self.device_endpoint(name)
        return httpx.Client(
            base_url=endpoint.url,
            auth=httpx.DigestAuth(SIM_USER, SIM_PASSWORD),
            timeout=15.0,
        )
