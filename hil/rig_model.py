"""What a rig file describes, as frozen dataclasses: devices, wires, relays, readers, sensors.

The model is passive (labgrid's "resource"): where things are and how they are wired, never
how to drive them. Every item keeps the :class:`~axisctl.hil.rig_errors.SourceLocation` of
its name in the rig file (``at``, left out of comparisons), so that a later check of the
real wiring can point back at the line that declared it.

Levels are those of the Pi's BCM line. ``active`` is the level at which the far end is
active (the device's input sees its contact closed, the relay's coil is energised, the
sensor sees light); the safe level of an output is derived from it and its safe state.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from axisctl.hil.rig_errors import SourceLocation
from axisctl.sim.catalog import MODELS, IOPortSpec, ModelSpec

__all__ = [
    "PI_UART_LINES",
    "PI_UART_PORTS",
    "Credentials",
    "Direction",
    "Level",
    "OsdpBus",
    "OsdpReader",
    "PiOutput",
    "RelayBoard",
    "RelayChannel",
    "Rig",
    "RigDevice",
    "RigKind",
    "SafeState",
    "Sensor",
    "SensorKind",
    "Via",
    "WiegandLink",
    "Wire",
]


class Level(enum.Enum):
    """The logic level of a Pi BCM line (3.3 V logic)."""

    HIGH = "high"
    LOW = "low"

    def inverted(self) -> Level:
        return Level.LOW if self is Level.HIGH else Level.HIGH


class SafeState(enum.Enum):
    """What an output is left at when the rig is made safe (teardown, Ctrl-C, a crash)."""

    INACTIVE = "inactive"
    ACTIVE = "active"


class Direction(enum.Enum):
    """Which way a signal travels: the Pi drives the device, or the device drives the Pi."""

    TO_DEVICE = "pi-to-device"
    TO_PI = "device-to-pi"


class Via(enum.Enum):
    """What sits between the Pi's line and the device's connector."""

    DIRECT = "direct"
    RELAY = "relay"
    OPTOCOUPLER = "optocoupler"
    LEVEL_SHIFTER = "level-shifter"


class RigKind(enum.Enum):
    """A rig of real devices on a Pi, or the virtual rig of simulators and mock pins."""

    PHYSICAL = "physical"
    VIRTUAL = "virtual"


class SensorKind(enum.Enum):
    """A sensor module whose digital output the Pi reads."""

    LIGHT = "light"
    MICROPHONE = "microphone"


#: Serial devices on the Pi's own UART, and its TX and RX lines (BCM 14 and 15).
PI_UART_PORTS = ("/dev/serial0", "/dev/ttyAMA0", "/dev/ttyS0")
PI_UART_LINES = (14, 15)


def _safe_level(active: Level, safe_state: SafeState) -> Level:
    return active if safe_state is SafeState.ACTIVE else active.inverted()


@dataclass(frozen=True)
class Credentials:
    """The names of the environment variables holding a device's account, never the values."""

    user_env: str
    password_env: str


@dataclass(frozen=True)
class RigDevice:
    """An Axis device of the rig. ``url`` is ``None`` on the virtual rig (a simulator)."""

    name: str
    model: str
    url: str | None = None
    credentials: Credentials | None = None
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)
    #: Names of the action rules an operator has set up on the device by hand, as
    #: docs/hil-scenarios.md lists them (a physical rig; the virtual one installs its own).
    rules: tuple[str, ...] = ()

    @property
    def model_spec(self) -> ModelSpec:
        """The model's ports, APIs and identity from :data:`axisctl.sim.catalog.MODELS`."""
        return MODELS[self.model]


@dataclass(frozen=True)
class RelayChannel:
    """One channel of a relay board: the BCM line driving its coil, and its safe state."""

    board: str
    channel: int
    bcm: int
    active: Level
    safe_state: SafeState
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def ref(self) -> str:
        """How wires name it: ``board/channel``."""
        return f"{self.board}/{self.channel}"

    @property
    def safe_level(self) -> Level:
        return _safe_level(self.active, self.safe_state)


@dataclass(frozen=True)
class RelayBoard:
    """A relay board driven by Pi lines; ``active`` is the level that energises a coil."""

    name: str
    active: Level
    channels: Mapping[int, RelayChannel]
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Wire:
    """A Pi BCM line wired to one I/O port of a device.

    ``port`` is the port.cgi number (1-based) and ``pin`` the connector pin it is on, both
    filled in whichever the file gave. ``bcm`` is the Pi's line: for a wire through a relay
    board channel (``relay`` set), the line driving that channel's coil. ``safe_state`` is
    set for the wires whose line the Pi drives itself, ``None`` for the others (inputs, and
    wires through a relay board, whose channel holds it).
    """

    name: str
    device: str
    port: int
    pin: str
    direction: Direction
    via: Via
    bcm: int
    active: Level
    relay: str | None = None
    safe_state: SafeState | None = None
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)

    @property
    def pi_drives(self) -> bool:
        return self.direction is Direction.TO_DEVICE


@dataclass(frozen=True)
class WiegandLink:
    """Wiegand D0/D1 between Pi lines and a device's reader connector.

    ``TO_DEVICE``: the Pi plays a reader sending frames to the device. ``TO_PI``: the Pi
    captures what the device sends. Data lines idle high and pulse low.
    """

    name: str
    device: str
    d0: int
    d1: int
    direction: Direction
    via: Via = Via.DIRECT
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class OsdpReader:
    """An OSDP reader (a peripheral device) on the bus, polled by ``device`` at ``address``."""

    name: str
    address: int
    device: str
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class OsdpBus:
    """The RS-485 bus. ``port`` is a serial path or pyserial URL; ``None`` on the virtual rig.

    ``scbk_env`` names the environment variable holding the secure channel base key
    (32 hex digits); ``None`` runs the bus without the secure channel.
    """

    port: str | None
    baud: int
    readers: Mapping[str, OsdpReader]
    scbk_env: str | None = None
    at: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Sensor:
    """A light sensor or microphone module whose digital output the Pi reads on ``bcm``.

    ``watches`` names what it observes on ``device``: ``light``, ``siren``, ``status-led``...
    """

    name: str
    kind: SensorKind
    bcm: int
    device: str
    watches: str
    active: Level
    description: str = ""
    at: SourceLocation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PiOutput:
    """A BCM line the Pi drives, with the level that makes the rig safe."""

    bcm: int
    owner: str
    active: Level
    safe_state: SafeState

    @property
    def safe_level(self) -> Level:
        return _safe_level(self.active, self.safe_state)


@dataclass(frozen=True)
class Rig:
    """A validated rig file (see docs/hil-rig-file.md). Build with ``load_rig``/``parse_rig``."""

    name: str
    kind: RigKind
    source: str
    devices: Mapping[str, RigDevice]
    relay_boards: Mapping[str, RelayBoard]
    wires: Mapping[str, Wire]
    wiegand: Mapping[str, WiegandLink]
    osdp: OsdpBus | None
    sensors: Mapping[str, Sensor]
    default_safe_state: SafeState | None = None
    description: str = ""
    #: ``host:port`` of the MQTT broker the rig's devices reach (a physical rig); the
    #: virtual rig starts its own.
    mqtt_broker: str | None = None

    def port_spec(self, wire: Wire) -> IOPortSpec:
        """The catalog's description of the device port a wire ends on."""
        return self.devices[wire.device].model_spec.io_ports[wire.port - 1]

    def outputs(self) -> tuple[PiOutput, ...]:
        """Every line the Pi drives, by BCM number, with its safe state.

        Wiegand lines the Pi transmits on are outputs too: their safe state is idle. The
        data lines idle high and pulse low, so a line wired directly or through a level
        shifter is active low; through an optocoupler the Pi's line lights the opto's LED to
        pull the data line low, so it is active high and idles low.
        """
        found: list[PiOutput] = []
        for board in self.relay_boards.values():
            for channel in board.channels.values():
                found.append(PiOutput(channel.bcm, channel.ref, channel.active, channel.safe_state))
        for wire in self.wires.values():
            if wire.safe_state is not None:
                found.append(PiOutput(wire.bcm, wire.name, wire.active, wire.safe_state))
        for link in self.wiegand.values():
            if link.direction is Direction.TO_DEVICE:
                active = Level.HIGH if link.via is Via.OPTOCOUPLER else Level.LOW
                for suffix, line in (("D0", link.d0), ("D1", link.d1)):
                    owner = f"{link.name}.{suffix}"
                    found.append(PiOutput(line, owner, active, SafeState.INACTIVE))
        return tuple(sorted(found, key=lambda output: output.bcm))

    def safe_levels(self) -> dict[int, Level]:
        """BCM line -> the level to drive it at to make the rig safe."""
        return {output.bcm: output.safe_level for output in self.outputs()}

    def lines(self) -> dict[int, str]:
        """Every BCM line the rig uses -> what uses it (a wire, ``board/channel``, ...)."""
        used: dict[int, str] = {}
        for board in self.relay_boards.values():
            for channel in board.channels.values():
                used[channel.bcm] = channel.ref
        for wire in self.wires.values():
            used.setdefault(wire.bcm, wire.name)
        for link in self.wiegand.values():
            used[link.d0] = f"{link.name}.D0"
            used[link.d1] = f"{link.name}.D1"
        for sensor in self.sensors.values():
            used[sensor.bcm] = sensor.name
        if self.osdp is not None and self.osdp.port in PI_UART_PORTS:
            for line, role in zip(PI_UART_LINES, ("TX", "RX"), strict=True):
                used[line] = f"osdp.{role}"
        return dict(sorted(used.items()))
