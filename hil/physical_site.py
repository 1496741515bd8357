"""The physical rig: a Raspberry Pi's own GPIO, real devices, an RS-485 adapter.

:class:`PhysicalSite` is the :class:`~axisctl.hil.site.Site` a bench uses for a rig file
of ``kind: physical`` (docs/hil-rig-guide.md)::

    bench = open_bench(load_rig("bench.yaml"))          # picks PhysicalSite itself
    bench = open_bench(rig, site=PhysicalSite(pin_factory=MockFactory()))   # tests

- **Pins**: gpiozero's default pin factory (lgpio on a Pi; ``GPIOZERO_PIN_FACTORY``
  chooses another), or the ``pin_factory`` given. It is resolved at :meth:`start`, so a
  machine without a GPIO backend stops there with what to install, before any device is
  touched.
- **Devices**: at the rig file's URLs, with the account read from the environment
  variables the rig names; TLS certificates are always verified. A missing variable is a
  :class:`~axisctl.errors.ConfigurationError` naming the variable, never a value.
- **OSDP**: the reader the rig declares is played on ``rig.osdp.port`` through pyserial,
  asking the driver for kernel RS-485 mode (adapters without it are used as they are),
  with the secure channel key from ``scbk_env`` if the rig names one.
- **Capabilities**: ``mqtt-broker`` when the rig names one, and ``rule:<device>/<name>``
  for each action rule listed under a device's ``rules:`` (set up by hand). No
  ``plate-display`` and no ``simulator``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from axisctl.drivers.osdp.link import Rs485Settings
from axisctl.errors import ConfigurationError
from axisctl.hil.bench import MissingCapability
from axisctl.hil.physical_setup import (
    broker_address,
    check_osdp_port,
    default_pin_factory,
    push_pull_warnings,
    read_endpoints,
    read_scbk,
)
from axisctl.hil.rig_model import Rig, RigKind
from axisctl.hil.site import DeviceEndpoint, OsdpLink
from axisctl.hil.timeline import Timeline

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

__all__ = ["PhysicalSite", "default_pin_factory"]

logger = logging.getLogger(__name__)


class PhysicalSite:
    """The :class:`~axisctl.hil.site.Site` of a rig of real devices on a Raspberry Pi.

    ``pin_factory``: the gpiozero factory to open the Pi's lines with (default: gpiozero's
    default). ``environ``: where the credentials' variables are read (default:
    ``os.environ``). ``rs485``: the kernel RS-485 mode asked of the OSDP port (``None``
    not to ask, for an adapter whose driver misbehaves when asked).
    """

    def __init__(
        self,
        *,
        pin_factory: Any = None,
        environ: Mapping[str, str] | None = None,
        rs485: Rs485Settings | None = Rs485Settings(),  # noqa: B008 - frozen
    ) -> None:
        self._given_factory = pin_factory
        self._factory: Any = None
        self._environ = environ
        self._rs485 = rs485
        self._rig: Rig | None = None
        self._endpoints: dict[str, DeviceEndpoint] = {}
        self._scbk: bytes | None = None
        self._broker: tuple[str, int] | None = None

    def __repr__(self) -> str:
        rig = self._rig.name if self._rig is not None else "not started"
        factory = type(self._factory).__name__ if self._factory is not None else "default"
        return f"<PhysicalSite {rig} pins={factory}>"

    @property
    def kind(self) -> RigKind:
        return RigKind.PHYSICAL

    @property
    def pin_factory(self) -> Any:
        if self._factory is None:
            raise ConfigurationError("the physical site is not started: no pin factory yet")
        return self._factory

    # --- start and stop ----------------------------------------------------------------

    def start(self, rig: Rig, timeline: Timeline) -> None:
        """Read the credentials and the OSDP key, check the OSDP port, resolve the pins.

        Starting again with the same rig does nothing (``hil check`` starts the site
        before the bench to look at each device first).
        """
        if self._rig is not None:
            if self._rig is not rig:
                raise ConfigurationError("this physical site is already started for another rig")
            return
        if rig.kind is not RigKind.PHYSICAL:
            raise ConfigurationError(
                f"rig {rig.name!r} is a {rig.kind.value} rig; the physical site runs only "
                "'kind: physical' rigs"
            )
        environ = os.environ if self._environ is None else self._environ
        endpoints = read_endpoints(rig, environ)
        scbk = read_scbk(rig, environ)
        check_osdp_port(rig)
        broker = broker_address(rig)
        factory = self._given_factory if self._given_factory is not None else default_pin_factory()
        self._endpoints, self._scbk, self._broker, self._factory = endpoints, scbk, broker, factory
        self._rig = rig
        timeline.record("note", rig.name, "physical site", pins=type(factory).__name__)
        for warning in push_pull_warnings(rig):
            logger.warning("%s", warning)
            timeline.record("note", rig.name, warning)

    def close(self) -> None:
        """Forget the credentials (a later :meth:`start` reads them again). The pin
        factory is gpiozero's (or the caller's): the bench has released its pins, and
        other users of the factory keep it."""
        self._endpoints = {}
        self._scbk = None
        self._rig = None

    def reset(self) -> None:
        """Nothing of its own to reset: the bench has made the lines safe, and a physical
        rig's devices keep what the operator set up."""

    # --- what the bench asks -----------------------------------------------------------

    def device_endpoint(self, name: str) -> DeviceEndpoint:
        endpoint = self._endpoints.get(name)
        if endpoint is None:
            known = ", ".join(sorted(self._endpoints)) or "none (the site is not started)"
            raise ConfigurationError(f"the rig has no device {name!r} (devices: {known})")
        return endpoint

    def osdp_link(self, reader: str) -> OsdpLink:
        rig = self._started()
        if rig.osdp is None or reader not in rig.osdp.readers:
            raise ConfigurationError(f"the rig has no OSDP reader {reader!r}")
        return OsdpLink(port=rig.osdp.port, baud=rig.osdp.baud, rs485=self._rs485, scbk=self._scbk)

    @property
    def mqtt_broker(self) -> tuple[str, int] | None:
        return self._broker

    def capabilities(self) -> frozenset[str]:
        rig = self._started()
        found = {
            f"rule:{device.name}/{rule}" for device in rig.devices.values() for rule in device.rules
        }
        if rig.mqtt_broker is not None:
            found.add("mqtt-broker")
        return frozenset(found)

    def missing_reason(self, capability: str) -> str | None:
        rig = self._started()
        if capability in self.capabilities():
            return None
        if capability == "plate-display":
            return (
                f"rig {rig.name!r} is physical: nothing can show the LPR camera a plate "
                "(the plate-display capability is the virtual rig's)"
            )
        if capability == "simulator":
            return f"rig {rig.name!r} is physical: its devices are not simulators"
        if capability == "mqtt-broker":
            return f"rig {rig.name!r} names no MQTT broker (add 'mqtt_broker: host:port')"
        prefix, _, rest = capability.partition(":")
        if prefix == "rule" and "/" in rest:
            device, _, rule = rest.partition("/")
            return (
                f"action rule {rule!r} is not listed under device {device!r}'s 'rules:' in "
                f"{rig.source}: set it up on the device by hand (docs/hil-scenarios.md), "
                "then list it"
            )
        return f"rig {rig.name!r} (physical) has no {capability!r}"

    def install_rule(self, device: str, rule_name: str, rule: Mapping[str, Any]) -> None:
        """Nothing to install: the rule must already be on the device, listed in the rig."""
        reason = self.missing_reason(f"rule:{device}/{rule_name}")
        if reason is not None:
            raise MissingCapability(reason)

    def show_plate(
        self, camera: str, plate: str, *, country: str, direction: str, region: str | None
    ) -> None:
        reason = self.missing_reason("plate-display")
        assert reason is not None
        raise MissingCapability(reason)

    def simulated(self, name: str) -> SimulatedDevice | None:
        return None

    def _started(self) -> Rig:
        if self._rig is None:
            raise ConfigurationError("the physical site is not started")
        return self._rig
