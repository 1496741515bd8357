"""The ``wiegand`` and ``osdp`` sections of a rig file: what goes to a reader connector."""

from __future__ import annotations

from types import MappingProxyType

from yaml.nodes import Node

from axisctl.drivers.osdp.link import BAUD_RATES
from axisctl.hil.rig_context import BuildContext, Claim
from axisctl.hil.rig_errors import SourceLocation, one_of
from axisctl.hil.rig_fields import MappingReader
from axisctl.hil.rig_model import (
    PI_UART_LINES,
    PI_UART_PORTS,
    Direction,
    OsdpBus,
    OsdpReader,
    RigDevice,
    RigKind,
    Via,
    WiegandLink,
)
from axisctl.sim.catalog import MODELS

__all__ = ["read_osdp", "read_wiegand"]

_WIEGAND_KEYS = ("device", "d0", "d1", "direction", "via", "description")
_OSDP_KEYS = ("port", "baud", "scbk_env", "readers")
_READER_KEYS = ("address", "device", "description")
_SECRETS_ON_BUS = {"scbk": "scbk_env", "key": "scbk_env"}
#: OSDP peripheral addresses; 0x7F is the broadcast address.
_OSDP_ADDRESS_MAX = 0x7E


def _claim_connector(
    context: BuildContext, device: RigDevice, owner: str, at: SourceLocation, fields: MappingReader
) -> bool:
    reader = device.model_spec.reader
    if reader is None:
        with_reader = [key for key, spec in MODELS.items() if spec.reader is not None]
        fields.log.add(
            fields.value_location("device"),
            f"{fields.what} needs a reader connector, and {device.model} has none",
            expected=f"a device of model {' or '.join(with_reader)}",
            got=repr(device.name),
        )
        return False
    for port in (reader.line_a_port, reader.line_b_port):
        for direction in Direction:
            wire = context.ports.get((device.name, port, direction.value))
            if wire is not None:
                fields.log.add(
                    fields.value_location("device"),
                    f"{fields.what} uses the reader connector of {device.name!r}, whose port "
                    f"{port} is wired",
                    hint=f"already used by {wire.owner} at line {wire.at.line}",
                )
                return False
    context.connectors.setdefault(device.name, Claim(owner, at))
    return True


def read_wiegand(context: BuildContext, node: Node | None) -> dict[str, WiegandLink]:
    links: dict[str, WiegandLink] = {}
    for name, at, value in context.section(node, "wiegand", "Wiegand link"):
        fields = context.reader(value, f"Wiegand link {name!r}", at, _WIEGAND_KEYS)
        device = context.device(fields)
        connected = device is not None and _claim_connector(
            context, device, f"Wiegand link {name!r}", at, fields
        )
        d0 = context.bcm(fields, "d0", f"{name}.D0")
        d1 = context.bcm(fields, "d1", f"{name}.D1")
        direction = fields.choice("direction", Direction, required=True)
        via = fields.choice("via", Via) or (Via.DIRECT if "via" not in fields else None)
        if via is Via.RELAY:
            fields.log.add(
                fields.value_location("via"),
                f"{fields.what} cannot go through a relay: Wiegand pulses last 20-100 us",
                expected="direct, level-shifter or optocoupler",
                got="relay",
            )
            via = None
        if (
            device is None or not connected or d0 is None or d1 is None or direction is None
            or via is None or not fields.valid
        ):  # fmt: skip
            continue
        links[name] = WiegandLink(
            name, device.name, d0, d1, direction, via, fields.description(), at
        )
    return links


def read_osdp(context: BuildContext, node: Node | None, at: SourceLocation) -> OsdpBus | None:
    if node is None:
        return None
    fields = context.reader(node, "the OSDP bus", at, _OSDP_KEYS, secret_hints=_SECRETS_ON_BUS)
    port = _serial_port(context, fields)
    baud = _baud(fields)
    scbk_env = fields.env_name("scbk_env")
    readers: dict[str, OsdpReader] = {}
    addresses: dict[int, Claim] = {}
    for name, reader_at, value in context.section(
        fields.node("readers", required=True), "the OSDP readers", "OSDP reader"
    ):
        reader = context.reader(value, f"OSDP reader {name!r}", reader_at, _READER_KEYS)
        address = reader.integer("address", minimum=0, maximum=_OSDP_ADDRESS_MAX, required=True)
        if address is not None:
            first = addresses.get(address)
            if first is not None:
                context.log.add(
                    reader.value_location("address"),
                    f"OSDP address {address} is used twice on the bus",
                    hint=f"already used by {first.owner} at line {first.at.line}",
                )
                address = None
            else:
                addresses[address] = Claim(f"reader {name!r}", reader.value_location("address"))
        device = context.device(reader)
        connected = device is not None and _claim_connector(
            context, device, f"OSDP reader {name!r}", reader_at, reader
        )
        if address is None or device is None or not connected or not reader.valid:
            continue
        readers[name] = OsdpReader(name, address, device.name, reader.description(), reader_at)
    if not fields.valid or baud is None:
        return None
    return OsdpBus(port, baud, MappingProxyType(readers), scbk_env, at)


def _serial_port(context: BuildContext, fields: MappingReader) -> str | None:
    if context.kind is RigKind.VIRTUAL:
        if "port" in fields:
            context.log.add(
                fields.key_location("port"),
                "the OSDP bus of a virtual rig has no 'port': it runs on a pseudo-terminal",
                hint="remove 'port', or make the rig 'kind: physical'",
            )
        return None
    port = fields.text("port", required=True)
    if port is not None and port in PI_UART_PORTS:
        for line in PI_UART_LINES:
            context.claim_line(line, f"the OSDP bus on {port}", fields.value_location("port"))
    return port


def _baud(fields: MappingReader) -> int | None:
    if "baud" not in fields:
        return 9600  # the OSDP out-of-the-box rate
    baud = fields.integer("baud", minimum=min(BAUD_RATES), maximum=max(BAUD_RATES))
    if baud is not None and baud not in BAUD_RATES:
        fields.log.add(
            fields.value_location("baud"),
            "the OSDP bus has a baud rate OSDP does not use",
            expected=one_of(map(str, BAUD_RATES)),
            got=str(baud),
        )
        return None
    return baud
