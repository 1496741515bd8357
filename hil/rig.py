"""Rig files: the YAML description of a hardware-in-the-loop bench, read into a :class:`Rig`.

    rig = load_rig("bench.yaml")          # or parse_rig(text, source="bench.yaml")
    rig = virtual_rig()                   # the bundled simulated site (hil/rigs/virtual.yaml)

A file that cannot be used raises :class:`RigError` listing every problem found, each as
``file:line:column: what is wrong (expected ..., got ...)``. The schema, with a complete
commented example, is in docs/hil-rig-file.md; the choices behind it in
docs/decisions-hil.md.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import Node

from axisctl.hil.rig_context import BCM_MAX, BuildContext
from axisctl.hil.rig_devices import read_devices, read_relay_boards, read_sensors
from axisctl.hil.rig_errors import ProblemLog, RigError, RigProblem, SourceLocation
from axisctl.hil.rig_fields import MappingReader
from axisctl.hil.rig_model import (
    Credentials,
    Direction,
    Level,
    OsdpBus,
    OsdpReader,
    PiOutput,
    RelayBoard,
    RelayChannel,
    Rig,
    RigDevice,
    RigKind,
    SafeState,
    Sensor,
    SensorKind,
    Via,
    WiegandLink,
    Wire,
)
from axisctl.hil.rig_readers import read_osdp, read_wiegand
from axisctl.hil.rig_wiring import read_wires
from axisctl.hil.rig_yaml import compose_rig_text, describe

__all__ = [
    "BCM_MAX",
    "RIG_FORMAT_VERSION",
    "VIRTUAL_RIG_NAME",
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
    "RigError",
    "RigKind",
    "RigProblem",
    "SafeState",
    "Sensor",
    "SensorKind",
    "SourceLocation",
    "Via",
    "WiegandLink",
    "Wire",
    "load_rig",
    "parse_rig",
    "virtual_rig",
    "virtual_rig_text",
]

#: The rig file format this module reads (``version:`` in the file, 1 when left out).
RIG_FORMAT_VERSION = 1
#: What ``--rig`` takes to mean the bundled virtual rig.
VIRTUAL_RIG_NAME = "virtual"

_TOP_KEYS = (
    "version", "name", "description", "kind", "safe_state", "devices", "relay_boards", "wires",
    "wiegand", "osdp", "sensors", "mqtt_broker",
)  # fmt: skip
#: Rig files are a few kilobytes; refuse anything that is clearly not one before parsing.
_MAX_BYTES = 1 << 20


def parse_rig(text: str | bytes, *, source: str = "<string>") -> Rig:
    """Read a rig file's text; ``source`` names it in error messages.

    Raises :class:`RigError` (a :class:`~axisctl.errors.ConfigurationError`) listing every
    problem found, in file order.
    """
    if len(text) > _MAX_BYTES:
        raise RigError(
            [
                RigProblem(
                    SourceLocation(source, 1, 1),
                    "the file is too large for a rig file",
                    expected=f"at most {_MAX_BYTES} bytes",
                    got=f"{len(text)}",
                )
            ]
        )
    root = compose_rig_text(text, source)
    log = ProblemLog()
    rig = _build(root, source, log)
    log.raise_if_any()
    assert rig is not None  # _build returns None only after logging a problem
    return rig


def load_rig(path: str | os.PathLike[str]) -> Rig:
    """Read a rig file; :data:`VIRTUAL_RIG_NAME` (``"virtual"``) loads the bundled virtual rig.

    A file that cannot be read is a :class:`RigError` too, at line 1.
    """
    if os.fspath(path) == VIRTUAL_RIG_NAME:
        return virtual_rig()
    source = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RigError(
            [
                RigProblem(
                    SourceLocation(source, 1, 1), f"cannot read the rig file: {error.strerror}"
                )
            ]
        ) from None
    return parse_rig(data, source=source)


def virtual_rig_text() -> str:
    """The bundled virtual rig's YAML (``axisctl/hil/rigs/virtual.yaml``)."""
    return (resources.files("axisctl.hil") / "rigs" / "virtual.yaml").read_text("utf-8")


def virtual_rig() -> Rig:
    """The simulated site every scenario runs on in CI: see docs/hil-rig-file.md."""
    return parse_rig(virtual_rig_text(), source="axisctl/hil/rigs/virtual.yaml")


def _build(root: Node | None, source: str, log: ProblemLog) -> Rig | None:
    start = SourceLocation(source, 1, 1)
    if root is None:
        log.add(start, "the rig file is empty", expected="a mapping with name, devices, wires...")
        return None
    fields = MappingReader(root, log=log, source=source, what="the rig", at=start, keys=_TOP_KEYS)
    if not fields.valid:
        return None
    version = fields.integer("version", minimum=RIG_FORMAT_VERSION, maximum=RIG_FORMAT_VERSION)
    name = fields.text("name", required=True)
    kind = fields.choice("kind", RigKind) or RigKind.PHYSICAL
    context = BuildContext(log, source, kind, fields.choice("safe_state", SafeState))
    read_devices(context, fields.node("devices", required=True))
    boards = read_relay_boards(context, fields.node("relay_boards"))
    wires = read_wires(context, fields.node("wires"), boards)
    wiegand = read_wiegand(context, fields.node("wiegand"))
    osdp_node = fields.node("osdp")
    osdp = read_osdp(context, osdp_node, fields.key_location("osdp")) if osdp_node else None
    sensors = read_sensors(context, fields.node("sensors"))
    mqtt_broker = _mqtt_broker(fields, kind, log)
    devices = fields.node("devices")
    if devices is not None and not context.devices and len(log) == 0:
        log.add(
            fields.value_location("devices"),
            "the rig declares no devices",
            expected="at least one device",
            got=describe(devices),
        )
    if name is None or ("version" in fields and version is None) or len(log):
        return None
    return Rig(
        name=name,
        kind=kind,
        source=source,
        devices=MappingProxyType(context.devices),
        relay_boards=MappingProxyType(boards),
        wires=MappingProxyType(wires),
        wiegand=MappingProxyType(wiegand),
        osdp=osdp,
        sensors=MappingProxyType(sensors),
        default_safe_state=context.default_safe_state,
        description=fields.description(),
        mqtt_broker=mqtt_broker,
    )


def _mqtt_broker(fields: MappingReader, kind: RigKind, log: ProblemLog) -> str | None:
    broker = fields.text("mqtt_broker")
    if broker is None:
        return None
    if kind is RigKind.VIRTUAL:
        log.add(
            fields.key_location("mqtt_broker"),
            "a virtual rig starts its own MQTT broker",
            hint="remove 'mqtt_broker', or make the rig 'kind: physical'",
        )
        return None
    host, _, port = broker.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        log.add(
            fields.value_location("mqtt_broker"),
            "'mqtt_broker' of the rig is not valid",
            expected="host:port, such as 192.168.1.10:1883",
            got=repr(broker),
        )
        return None
    return broker
