"""The bench: one object that drives a rig, virtual or physical, the same way.

    from axisctl.hil.bench import open_bench
    from axisctl.hil.rig import virtual_rig

    with open_bench(virtual_rig()) as bench:
        t0 = bench.output("gate-loop").activate()
        t1 = bench.events("gate-camera").wait_for("IO/Port", after=t0)
        bench.timeline.latency("loop -> event", t0, t1)

:func:`open_bench` picks the :class:`~axisctl.hil.site.Site` for the rig's kind (the
:class:`~axisctl.hil.virtual_site.VirtualSite` of simulators and mock pins, or the
:class:`~axisctl.hil.physical_site.PhysicalSite` of a Pi), starts it, opens every Pi line
at its safe level, an event recorder per device and a reader emulator per OSDP reader.
``close()`` makes every output safe first. See docs/hil-harness.md.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from axisctl.device import Device
from axisctl.drivers.osdp.link import SerialLink
from axisctl.drivers.osdp.pd_config import ReaderConfig
from axisctl.errors import ConfigurationError
from axisctl.hil.bench_links import RecordedReader, WiegandLinkHandle
from axisctl.hil.bench_parts import BenchLines, open_lines, rig_capabilities, rig_missing
from axisctl.hil.event_recorder import EventRecorder
from axisctl.hil.lines import HilTimeout, InputLine, OutputLine
from axisctl.hil.rig_model import Direction, Rig, RigKind
from axisctl.hil.site import Site
from axisctl.hil.timeline import Timeline

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

__all__ = ["Bench", "HilTimeout", "MissingCapability", "default_site", "open_bench"]

logger = logging.getLogger(__name__)

#: How long the bench waits for each OSDP reader to be polled at start.
READER_ONLINE_TIMEOUT = 10.0


class MissingCapability(ConfigurationError):
    """The rig lacks something a test asked for; the message says what and why."""


class Bench:
    """A started rig (use :func:`open_bench`). Thread-safe where its parts are."""

    def __init__(self, rig: Rig, site: Site, *, timeline: Timeline | None = None) -> None:
        self.rig = rig
        self.site = site
        self.timeline = timeline if timeline is not None else Timeline()
        self._lines = BenchLines()
        self._devices: dict[str, Device] = {}
        self._recorders: dict[str, EventRecorder] = {}
        self._wiegand: dict[str, WiegandLinkHandle] = {}
        self._readers: dict[str, RecordedReader] = {}
        self._started = False
        self._closed = False

    def __repr__(self) -> str:
        return f"<Bench {self.rig.name} ({self.kind.value})>"

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the site, open the lines, recorders and readers. On failure all is closed."""
        if self._started:
            return
        self._started = True
        self.timeline.record("note", self.rig.name, f"bench starting ({self.kind.value} rig)")
        try:
            self.site.start(self.rig, self.timeline)
            self._lines = open_lines(self.rig, self.site.pin_factory, self.timeline)
            for link in self.rig.wiegand.values():
                if link.direction is Direction.TO_DEVICE:
                    self._wiegand[link.name] = WiegandLinkHandle(
                        link, pin_factory=self.site.pin_factory, timeline=self.timeline
                    )
            for name in self.rig.devices:
                recorder = EventRecorder(name, self.device(name), self.timeline)
                self._recorders[name] = recorder
                recorder.start()
            self._start_readers()
        except BaseException:
            self.close()
            raise
        self.timeline.record("note", self.rig.name, "bench started")

    def close(self) -> None:
        """Make every output safe, then stop readers, recorders, lines and the site."""
        if self._closed:
            return
        self._closed = True
        try:
            self.make_safe()
        finally:
            self._stop_parts()
        self.timeline.record("note", self.rig.name, "bench closed")

    def _stop_parts(self) -> None:
        parts: list[Any] = [
            *self._readers.values(),
            *self._recorders.values(),
            *self._wiegand.values(),
            *self._lines.all(),
            *self._devices.values(),
        ]
        for part in parts:
            try:
                part.stop() if isinstance(part, RecordedReader) else part.close()
            except Exception:
                logger.exception("closing %r failed", part)
        try:
            self.site.close()
        except Exception:
            logger.exception("closing the %s site failed", self.kind.value)

    def __enter__(self) -> Bench:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- what the rig has --------------------------------------------------------------

    @property
    def kind(self) -> RigKind:
        return self.site.kind

    @property
    def capabilities(self) -> frozenset[str]:
        """What this bench can do (docs/hil-harness.md lists the capability strings)."""
        return rig_capabilities(self.rig) | self.site.capabilities()

    def missing(self, *capabilities: str) -> list[str]:
        """A reason for each capability the rig lacks; ``[]`` when it has them all."""
        have = self.capabilities
        reasons: list[str] = []
        for capability in capabilities:
            if capability in have:
                continue
            reason = rig_missing(self.rig, capability)
            if reason is None:
                reason = self.site.missing_reason(capability)
            if reason is not None:
                reasons.append(reason)
        return reasons

    @property
    def mqtt_broker(self) -> tuple[str, int] | None:
        return self.site.mqtt_broker

    # --- devices -----------------------------------------------------------------------

    def device(self, name: str) -> Device:
        """The connected client of rig device ``name`` (Digest; one per device, cached)."""
        self._check_device(name)
        client = self._devices.get(name)
        if client is None:
            endpoint = self.site.device_endpoint(name)
            client = Device(endpoint.url, endpoint.user, endpoint.password, verify=endpoint.verify)
            self._devices[name] = client
        return client

    def device_url(self, name: str) -> str:
        self._check_device(name)
        return self.site.device_endpoint(name).url

    def simulated(self, name: str) -> SimulatedDevice | None:
        """The simulator behind ``name`` on the virtual rig; ``None`` on a physical one."""
        self._check_device(name)
        return self.site.simulated(name)

    def events(self, name: str) -> EventRecorder:
        """The event recorder of device ``name``, started with the bench."""
        self._check_device(name)
        return self._recorders[name]

    # --- lines, readers ----------------------------------------------------------------

    def output(self, name: str) -> OutputLine:
        """The line of a pi-to-device wire (its relay channel's, if through one), or of a
        relay channel named ``board/channel``."""
        return self._lines.output(name, self.rig)

    def input(self, name: str) -> InputLine:
        """The line of a device-to-pi wire or of a sensor."""
        return self._lines.input(name, self.rig)

    @property
    def outputs(self) -> Mapping[str, OutputLine]:
        """Every output line by name (wires, and relay channels by ``board/channel``)."""
        return self._lines.outputs_by_name()

    @property
    def inputs(self) -> Mapping[str, InputLine]:
        return dict(self._lines.inputs)

    def wiegand(self, name: str) -> WiegandLinkHandle:
        """The Pi's Wiegand transmitter on link ``name`` (a pi-to-device link)."""
        handle = self._wiegand.get(name)
        if handle is None:
            if name in self.rig.wiegand:
                raise MissingCapability(f"Wiegand link {name!r} runs device-to-pi: no sending")
            raise MissingCapability(_unknown("Wiegand link", name, self.rig.wiegand))
        return handle

    def osdp_reader(self, name: str) -> RecordedReader:
        """The reader emulator playing OSDP reader ``name``, started and on its bus."""
        reader = self._readers.get(name)
        if reader is None:
            readers = self.rig.osdp.readers if self.rig.osdp is not None else {}
            raise MissingCapability(_unknown("OSDP reader", name, readers))
        return reader

    # --- site actions ------------------------------------------------------------------

    def install_rule(self, device: str, rule_name: str, rule: Mapping[str, Any]) -> None:
        """Have action rule ``rule_name`` on ``device`` (virtual: installed; physical: it
        must be listed under the device's ``rules:``, else :class:`MissingCapability`)."""
        self._check_device(device)
        self.site.install_rule(device, rule_name, rule)
        self.timeline.record("action", device, f"install rule {rule_name}")

    def show_plate(
        self,
        camera: str,
        plate: str,
        *,
        country: str = "SE",
        direction: str = "in",
        region: str | None = None,
    ) -> float:
        """Present a vehicle with ``plate`` to LPR camera ``camera``; the timeline time."""
        self._check_device(camera)
        # Timed before the camera sees it, recorded once the site took it: a refused plate
        # leaves no action in the timeline.
        when = self.timeline.now()
        self.site.show_plate(camera, plate, country=country, direction=direction, region=region)
        self.timeline.record("action", camera, f"show plate {plate}", when=when, country=country)
        return when

    def make_safe(self) -> None:
        """Every Pi output to its safe level, Wiegand idle. Never raises for one bad line;
        a Ctrl-C on the way is raised once every other line is safe too."""
        interrupted: BaseException | None = None
        for line in self._lines.outputs.values():
            try:
                line.make_safe()
            except Exception:
                logger.exception("could not make %s (BCM %d) safe", line.name, line.bcm)
            except BaseException as error:
                interrupted = interrupted or error
        for handle in self._wiegand.values():
            try:
                handle.make_safe()
            except Exception:
                logger.exception("could not make Wiegand link %s idle", handle.name)
            except BaseException as error:
                interrupted = interrupted or error
        if interrupted is not None:
            raise interrupted

    def reset(self) -> None:
        """Between tests: :meth:`make_safe`, then the site's reset (see docs)."""
        self.make_safe()
        try:
            self.site.reset()
        except Exception:
            logger.exception("resetting the %s site failed", self.kind.value)
        self.timeline.record("note", self.rig.name, "bench reset")

    # --- internals ---------------------------------------------------------------------

    def _check_device(self, name: str) -> None:
        if name not in self.rig.devices:
            raise MissingCapability(_unknown("device", name, self.rig.devices))

    def _start_readers(self) -> None:
        if self.rig.osdp is None:
            return
        for name, declared in self.rig.osdp.readers.items():
            spec = self.site.osdp_link(name)
            link = spec.link
            if link is None:
                if spec.port is None:
                    raise ConfigurationError(f"the site gave no port for OSDP reader {name!r}")
                link = SerialLink(spec.port, spec.baud, rs485=spec.rs485)
            config = ReaderConfig(address=declared.address, scbk=spec.scbk)
            try:
                reader = RecordedReader(name, link, config, timeline=self.timeline)
            except BaseException:
                link.close()
                raise
            self._readers[name] = reader
            reader.start()
        for name, reader in self._readers.items():
            self._wait_online(name, reader, secure=reader.config.scbk is not None)

    def _wait_online(self, name: str, reader: RecordedReader, *, secure: bool) -> None:
        deadline = time.monotonic() + READER_ONLINE_TIMEOUT
        what = "polled over the secure channel" if secure else "polled"
        while not reader.online or (secure and not reader.secure):
            if time.monotonic() >= deadline:
                message = f"OSDP reader {name} not {what} within {READER_ONLINE_TIMEOUT:g} s"
                logger.warning("%s", message)
                self.timeline.record("note", name, message)
                return
            time.sleep(0.02)
        self.timeline.record("osdp", name, "online", address=reader.address)


def _unknown(what: str, name: str, known: Mapping[str, Any]) -> str:
    names = ", ".join(sorted(known)) or "none"
    return f"the rig has no {what} {name!r} (it has: {names})"


def open_bench(rig: Rig, *, site: Site | None = None, timeline: Timeline | None = None) -> Bench:
    """A started :class:`Bench` for ``rig``; ``site`` defaults to the one for its kind."""
    if site is None:
        site = default_site(rig)
    bench = Bench(rig, site, timeline=timeline)
    bench.start()
    return bench


def default_site(rig: Rig) -> Site:
    """The site for the rig's kind, not started: ``VirtualSite`` or ``PhysicalSite``."""
    if rig.kind is RigKind.VIRTUAL:
        from axisctl.hil.virtual_site import VirtualSite

        return VirtualSite()
    # Imported by name: the physical site pulls in the Pi's pin libraries only when used.
    module = importlib.import_module("axisctl.hil.physical_site")
    site: Site = module.PhysicalSite()
    return site
