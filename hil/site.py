"""What a :class:`~axisctl.hil.bench.Bench` needs from the place it runs: the :class:`Site`.

A bench drives the same things on every rig: Pi lines through gpiozero, devices over
HTTP, OSDP readers on a serial link, Wiegand frames on two lines. What differs is where
they are: on a **physical** rig (:class:`axisctl.hil.physical_site.PhysicalSite`) the
pins are the Pi's own (lgpio), the devices are at the rig file's URLs and the OSDP bus is
an RS-485 adapter; on the **virtual** rig (:class:`axisctl.hil.virtual_site.VirtualSite`)
simulators stand in for the devices and gpiozero's mock pins, wired to them, for the Pi.

The bench calls a site in this order::

    site.start(rig, timeline)       # bring up what the rig needs, before any pin is claimed
    site.pin_factory                # every Pi line the bench opens uses this factory
    site.device_endpoint(name)      # for each device: where and how to connect
    site.osdp_link(reader)          # for each OSDP reader the rig declares
    site.mqtt_broker, site.capabilities(), site.missing_reason(capability)
    site.install_rule(...), site.show_plate(...), site.simulated(name)   # when a test asks
    site.reset()                    # between tests, after the bench has made itself safe
    site.close()                    # last, after the bench has released its pins

The bench itself opens and owns the Pi lines (:mod:`axisctl.hil.lines`), the device
clients, the event recorders, the Wiegand transmitters and the OSDP reader emulators; a
site never touches them. A site must not log or show passwords or keys: keep them out of
reprs and exception messages (:class:`DeviceEndpoint` and :class:`OsdpLink` do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from axisctl.hil.rig_model import Rig, RigKind
from axisctl.hil.timeline import Timeline

if TYPE_CHECKING:
    from axisctl.drivers.osdp.link import Link, Rs485Settings
    from axisctl.sim.device import SimulatedDevice

__all__ = ["DeviceEndpoint", "OsdpLink", "Site"]


@dataclass(frozen=True)
class DeviceEndpoint:
    """Where a device answers and the account to use (the password never in its repr).

    ``verify``: check the device's TLS certificate (``False`` only for a simulator or a
    device the operator chose not to verify; a physical site keeps it on).
    """

    url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    verify: bool = True


@dataclass(frozen=True)
class OsdpLink:
    """How the bench reaches one OSDP reader's bus: a serial port to open, or an open link.

    - ``port`` and ``baud``: the bench opens ``SerialLink(port, baud, rs485=rs485)``; a
      serial path (``/dev/serial/by-id/...``), a pyserial URL, or a pty's ``/dev/pts/N``.
      ``rs485`` is the kernel RS-485 mode to ask for (``None`` leaves the port as it is: a
      pty, or an adapter with automatic direction control).
    - ``link``: an already open :class:`~axisctl.drivers.osdp.link.Link` (for a site that
      shares one adapter between readers, say); the bench closes it when it stops.
    - ``scbk``: the reader's secure channel base key (16 bytes), ``None`` to run the
      reader without one (it then accepts the install-mode key). Never shown.
    """

    port: str | None = None
    baud: int = 9600
    rs485: Rs485Settings | None = None
    link: Link | None = field(default=None, compare=False)
    scbk: bytes | None = field(default=None, repr=False)


class Site(Protocol):
    """The rig-kind-specific half of a bench; see the module docstring for the call order.

    Capabilities: the bench derives from the rig file everything its wiring gives
    (``device:``, ``wire:``, ``relay:``, ``sensor:``, ``sensor-kind:``, ``wiegand:``,
    ``osdp:``, ``osdp``, ``wiegand``). A site adds what only it knows: ``mqtt-broker``,
    ``plate-display``, ``simulator`` and ``rule:<device>/<rule>`` (physical: the rules the
    rig file lists under the device's ``rules:``).
    """

    @property
    def kind(self) -> RigKind:
        """``RigKind.PHYSICAL`` or ``RigKind.VIRTUAL``."""
        ...

    @property
    def pin_factory(self) -> Any:
        """The gpiozero pin factory every Pi line of the bench is opened with.

        Physical: the default factory (lgpio on a Pi; ``GPIOZERO_PIN_FACTORY`` honoured) or
        the one given to the site. Virtual: a ``MockFactory`` whose pins are wired to the
        simulators. Valid after :meth:`start`.
        """
        ...

    def start(self, rig: Rig, timeline: Timeline) -> None:
        """Bring up what the rig needs before the bench claims any pin or connects.

        Physical: check the credentials' environment variables are set (a
        :class:`~axisctl.errors.ConfigurationError` naming a missing variable, never a
        value), the pin factory, the OSDP port. Virtual: start the simulators, the MQTT
        broker and the mock-pin wiring. Record what it does as ``note``/``action`` entries
        of ``timeline`` if useful. On failure, release whatever it started, then raise.
        """
        ...

    def device_endpoint(self, name: str) -> DeviceEndpoint:
        """Where rig device ``name`` answers and how to log in."""
        ...

    def osdp_link(self, reader: str) -> OsdpLink:
        """The bus of OSDP reader ``reader`` (a name in ``rig.osdp.readers``)."""
        ...

    @property
    def mqtt_broker(self) -> tuple[str, int] | None:
        """``(host, port)`` of the MQTT broker the devices and tests reach, if any.

        Physical: the rig file's ``mqtt_broker``. Virtual: the broker the site started.
        """
        ...

    def capabilities(self) -> frozenset[str]:
        """The site's own capabilities (see the class docstring)."""
        ...

    def missing_reason(self, capability: str) -> str | None:
        """``None`` if the site has ``capability``, else why not, for a skip message.

        Only asked about capabilities the rig's wiring does not give. A site that has every
        ``rule:`` (the virtual one, which installs rules itself) answers ``None`` for them.
        """
        ...

    def install_rule(self, device: str, rule_name: str, rule: Mapping[str, Any]) -> None:
        """Make action rule ``rule_name`` present on ``device``.

        Virtual: install ``rule`` (the JSON of ``axisctl.sim.rules.Rule.from_json``) through
        the simulator's control surface, replacing one of the same name. Physical: nothing
        to do if the rig file lists ``rule_name`` under the device's ``rules:`` (set up by
        hand), else raise :class:`~axisctl.hil.bench.MissingCapability`.
        """
        ...

    def show_plate(
        self, camera: str, plate: str, *, country: str, direction: str, region: str | None
    ) -> None:
        """Present a vehicle with ``plate`` to LPR camera ``camera`` (``plate-display``).

        Physical sites without a plate display raise ``MissingCapability``.
        """
        ...

    def simulated(self, name: str) -> SimulatedDevice | None:
        """The simulator behind device ``name``; ``None`` on a physical rig."""
        ...

    def reset(self) -> None:
        """Put the site's own state back between tests (virtual: simulator rules cleared,
        outputs to normal, light and siren stopped...). The bench has already made its
        lines safe. Must not raise for one failing part: log it and go on."""
        ...

    def close(self) -> None:
        """Stop everything :meth:`start` started; idempotent; called after the bench has
        released its pins and closed its clients."""
        ...
