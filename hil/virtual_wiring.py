"""Wire a rig's lines between gpiozero mock pins and the simulators (see virtual_pins).

:class:`VirtualWiring` is built from the *actual* wiring (by default the rig itself; a
mis-wired copy to test ``axisctl hil check``) before the bench opens any line:

- a pi-to-device wire: the Pi's pin (the wire's line, or its relay channel's coil line)
  is a ``MockConnectedPin`` driving the device-side pin of the port; each edge there goes
  over the Pi-to-device bridge and presses the simulated input (contact closed) when the
  line is at the wire's active level, releases it otherwise;
- a device-to-pi wire: each change of the simulated port's circuit goes over the
  device-to-Pi bridge and drives the Pi's pin: the active level while the circuit is
  closed (an open-drain output conducting, a relay contact made);
- a sensor: the strobe's light or siren (virtual_sensors) drives the Pi's pin the same
  way, at the sensor's active level while it sees light or hears sound;
- a Wiegand link the Pi sends on: D0/D1 wired pin to pin (through an inverting stage for
  an optocoupler) to the intercom's reader connector, which listens with
  ``attach_wiegand`` on the device-side pins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gpiozero.pins.mock import MockConnectedPin, MockFactory

from axisctl.hil.rig_model import Direction, Level, Rig, Sensor, Via, Wire
from axisctl.hil.timeline import Timeline
from axisctl.hil.virtual_pins import (
    DEFAULT_DELAY,
    DEVICE_WIEGAND_PINS,
    Bridge,
    DrivenPin,
    WirePin,
    device_port_pin,
)
from axisctl.hil.virtual_sensors import SensorDriver, light_waveform, siren_waveform
from axisctl.sim.bus import TOPIC_INPUT_PORT, TOPIC_OUTPUT_PORT, TOPIC_SIREN_LIGHT_STATUS, SimEvent
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.io import CLOSED

__all__ = ["VirtualWiring"]

logger = logging.getLogger(__name__)

_PORT_TOPICS = (TOPIC_INPUT_PORT, TOPIC_OUTPUT_PORT)


@dataclass
class _ToDevice:
    """A pi-to-device wire as built: the device-side pin and what closes the contact."""

    wire: Wire
    device: SimulatedDevice
    pin: Any
    active_high: bool
    #: The pin's edge callback, held here: gpiozero keeps only a weak reference.
    callback: Callable[[float, int], None] | None = None

    def closed(self) -> bool:
        return bool(self.pin.state) == self.active_high


@dataclass
class _ToPi:
    """A Pi input pin driven from the device side, and its active level."""

    name: str
    pin: DrivenPin
    active: Level

    def show(self, active: bool) -> None:
        level = self.active if active else self.active.inverted()
        self.pin.drive(level is Level.HIGH)


@dataclass
class VirtualWiring:
    """The virtual rig's mock pins, bridges and sensor drivers (see the module docstring)."""

    pi_factory: Any
    timeline: Timeline
    delay: tuple[float, float] = DEFAULT_DELAY
    device_factories: dict[str, Any] = field(default_factory=dict)
    to_device: list[_ToDevice] = field(default_factory=list)
    sensors: dict[str, SensorDriver] = field(default_factory=dict)
    _unsubscribe: list[Callable[[], None]] = field(default_factory=list)
    _claimed: dict[int, str] = field(default_factory=dict)
    _to_pi_bridge: Bridge | None = None
    _to_device_bridge: Bridge | None = None

    def build(self, actual: Rig, simulators: dict[str, SimulatedDevice]) -> None:
        """Wire everything ``actual`` declares; the bench opens its lines afterwards."""
        self._to_pi_bridge = Bridge("device-to-pi", delay=self.delay)
        self._to_device_bridge = Bridge("pi-to-device", delay=self.delay)
        for name in simulators:
            self.device_factories[name] = MockFactory()
        for wire in actual.wires.values():
            device = simulators[wire.device]
            if wire.direction is Direction.TO_DEVICE:
                self._wire_to_device(wire, device)
            else:
                self._wire_to_pi(wire, device)
        for sensor in actual.sensors.values():
            self._wire_sensor(sensor, simulators[sensor.device])
        for link in actual.wiegand.values():
            if link.direction is not Direction.TO_DEVICE:
                continue
            device = simulators[link.device]
            if device.access is None:
                continue
            factory = self.device_factories[link.device]
            device.access.reader_connector.attach_wiegand(DEVICE_WIEGAND_PINS, pin_factory=factory)
            for line, far in zip((link.d0, link.d1), DEVICE_WIEGAND_PINS, strict=True):
                self._claim(line, link.name)
                self.pi_factory.pin(
                    line,
                    pin_class=WirePin,
                    input_pin=factory.pin(far),
                    invert=link.via is Via.OPTOCOUPLER,
                )

    def drain(self, timeout: float = 5.0) -> None:
        """Wait until both bridges have applied everything queued so far."""
        for bridge in (self._to_device_bridge, self._to_pi_bridge):
            if bridge is not None:
                bridge.drain(timeout)

    def resync_inputs(self) -> None:
        """Press or release each wired simulated input as its device-side pin stands now
        (after the simulator's inputs were reset)."""
        for wired in self.to_device:
            self._apply_input(wired)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for driver in self.sensors.values():
            driver.close()
        for bridge in (self._to_device_bridge, self._to_pi_bridge):
            if bridge is not None:
                bridge.close()
        for factory in self.device_factories.values():
            factory.close()
        self.device_factories.clear()

    # --- pi to device ------------------------------------------------------------------

    def _wire_to_device(self, wire: Wire, device: SimulatedDevice) -> None:
        factory = self.device_factories[wire.device]
        pin = factory.pin(device_port_pin(wire.port))
        active_high = wire.active is Level.HIGH
        # The device side idles inactive until the Pi's line says otherwise.
        pin.pull = "down" if active_high else "up"
        wired = _ToDevice(wire, device, pin, active_high)
        self._claim(wire.bcm, wire.name)
        self.pi_factory.pin(wire.bcm, pin_class=MockConnectedPin, input_pin=pin)
        bridge = self._to_device_bridge
        assert bridge is not None

        def changed(ticks: float, state: int) -> None:
            closed = bool(state) == wired.active_high
            bridge.put(lambda: self._press(wired, closed))

        wired.callback = changed
        pin.when_changed = changed
        self._unsubscribe.append(lambda: setattr(pin, "when_changed", None))
        self.to_device.append(wired)

    def _claim(self, bcm: int, name: str) -> None:
        if bcm in self._claimed:
            raise ValueError(f"BCM {bcm} of {name!r} is wired twice (also {self._claimed[bcm]!r})")
        self._claimed[bcm] = name

    def _apply_input(self, wired: _ToDevice) -> None:
        self._press(wired, wired.closed())

    def _press(self, wired: _ToDevice, closed: bool) -> None:
        io = wired.device.io
        try:
            if closed:
                io.press(wired.wire.port)
            else:
                io.release(wired.wire.port)
        except ValueError as error:
            # The port is configured as an output: the line drives nothing, as on a bench.
            logger.debug("wire %s: %s", wired.wire.name, error)

    # --- device to pi ------------------------------------------------------------------

    def _pi_input(self, name: str, bcm: int, active: Level) -> _ToPi:
        self._claim(bcm, name)
        pin = self.pi_factory.pin(bcm, pin_class=DrivenPin)
        target = _ToPi(name, pin, active)
        target.show(False)
        return target

    def _to_pi(self, target: _ToPi, active: bool) -> None:
        bridge = self._to_pi_bridge
        assert bridge is not None
        bridge.put(lambda: target.show(active))

    def _wire_to_pi(self, wire: Wire, device: SimulatedDevice) -> None:
        target = self._pi_input(wire.name, wire.bcm, wire.active)
        index = str(wire.port - 1)
        io = device.io
        last: list[bool] = []

        def on_event(event: SimEvent) -> None:
            # Runs under the device lock: read the circuit, hand the change to the bridge.
            if event.topic not in _PORT_TOPICS or event.source.get("port") != index:
                return
            closed = io.circuit(wire.port) == CLOSED
            if not last or last[-1] != closed:
                last[:] = [closed]
                self._to_pi(target, closed)

        with device.lock:
            closed = io.circuit(wire.port) == CLOSED
            last.append(closed)
            target.show(closed)
            self._unsubscribe.append(device.bus.subscribe(on_event))

    def _wire_sensor(self, sensor: Sensor, device: SimulatedDevice) -> None:
        target = self._pi_input(sensor.name, sensor.bcm, sensor.active)
        driver = SensorDriver(sensor.name, lambda active: self._to_pi(target, active))
        self.sensors[sensor.name] = driver
        service = device.siren_light
        if service is None or sensor.watches not in ("light", "siren"):
            self.timeline.record(
                "note",
                sensor.name,
                f"the simulator shows nothing to a sensor of {sensor.watches!r}",
            )
            return
        channel = "light" if sensor.watches == "light" else "siren"

        def follow() -> None:
            playing = service.channels[channel].playing()
            if playing is None:
                pattern, settings = None, None
            else:
                pattern, settings = playing.pattern, playing.settings
            wave = (
                light_waveform(pattern, settings) if channel == "light" else siren_waveform(pattern)
            )
            driver.show(wave)

        def on_event(event: SimEvent) -> None:
            if event.topic == TOPIC_SIREN_LIGHT_STATUS and event.source.get("channel") == channel:
                follow()

        with device.lock:
            follow()
            self._unsubscribe.append(device.bus.subscribe(on_event))
