"""The ``wires`` section of a rig file: Pi lines to device I/O ports."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from axisctl.hil.rig_context import BuildContext, Claim
from axisctl.hil.rig_errors import SourceLocation, did_you_mean, one_of
from axisctl.hil.rig_fields import MappingReader
from axisctl.hil.rig_model import (
    Direction,
    Level,
    RelayBoard,
    RigDevice,
    Via,
    Wire,
)

__all__ = ["read_wires"]

_WIRE_KEYS = (
    "device", "port", "pin", "direction", "via", "bcm", "relay", "active", "safe_state",
    "description",
)  # fmt: skip


def _forbid(fields: MappingReader, key: str, why: str) -> None:
    if key in fields:
        fields.log.add(fields.key_location(key), f"{fields.what} cannot have {key!r}: {why}")


def read_wires(
    context: BuildContext, node: Node | None, boards: dict[str, RelayBoard]
) -> dict[str, Wire]:
    wires: dict[str, Wire] = {}
    relay_users: dict[str, Claim] = {}
    for name, at, value in context.section(node, "wires", "wire"):
        fields = context.reader(value, f"wire {name!r}", at, _WIRE_KEYS)
        device = context.device(fields)
        direction = fields.choice("direction", Direction, required=True)
        via = fields.choice("via", Via, required=True)
        port = _port(context, fields, device, direction, name)
        # With a direction that could not be read, go by what the wire gives, so that the
        # direction's problem is reported alone rather than with follow-on ones.
        through_relay = via is Via.RELAY and (
            direction is Direction.TO_DEVICE or (direction is None and "relay" in fields)
        )
        if through_relay:
            line, active, relay, safe_state = _through_relay(context, fields, boards, relay_users)
        else:
            _forbid(fields, "relay", "only a wire from the Pi through a relay board names one")
            line = context.bcm(fields, "bcm", name, required=direction is not None)
            active = _active(fields, via)
            relay = None
            safe_state = None
            if direction is Direction.TO_DEVICE:
                safe_state = context.safe_state(fields, f"wire {name!r}")
            elif direction is Direction.TO_PI:
                _forbid(fields, "safe_state", "the Pi only reads this line; outputs have one")
        if (
            device is None or direction is None or via is None or port is None
            or line is None or active is None or not fields.valid
            or (direction is Direction.TO_DEVICE and safe_state is None and relay is None)
        ):  # fmt: skip
            continue
        number, pin = port
        wires[name] = Wire(
            name, device.name, number, pin, direction, via, line, active, relay, safe_state,
            fields.description(), at,
        )  # fmt: skip
    return wires


def _active(fields: MappingReader, via: Via | None) -> Level | None:
    """The level of an input or directly driven line at which the far end is active."""
    active = fields.choice("active", Level, required=via is Via.OPTOCOUPLER)
    if via in (Via.DIRECT, Via.LEVEL_SHIFTER):
        if active is Level.HIGH:
            fields.log.add(
                fields.value_location("active"),
                f"{fields.what} is {via.value}, so it is active low",
                expected="'active: low': an Axis port is active when tied to pin 1 (0 V)",
                got="high",
                hint="an optocoupler can invert: use 'via: optocoupler' if there is one",
            )
            return None
        return Level.LOW if "active" not in fields else active
    if via is Via.RELAY and "active" not in fields:
        return Level.LOW  # a dry contact closing the Pi's pulled-up line to ground
    return active


def _through_relay(
    context: BuildContext,
    fields: MappingReader,
    boards: dict[str, RelayBoard],
    users: dict[str, Claim],
) -> tuple[int | None, Level | None, str | None, None]:
    """A wire from the Pi through a relay board channel: its line and level are the channel's."""
    for key, why in (
        ("bcm", "the relay board channel's line drives it"),
        ("active", "the relay board's 'active' applies"),
        ("safe_state", "the relay board channel holds it"),
    ):
        _forbid(fields, key, why)
    ref = fields.text("relay", required=True)
    if ref is None:
        return None, None, None, None
    board_name, _, number = ref.partition("/")
    board = boards.get(board_name)
    channel = board.channels.get(int(number)) if board and number.isdigit() else None
    if board is None and context.declared(board_name, "relay board"):
        return None, None, None, None  # the board has problems of its own, reported
    if channel is None:
        known = [c.ref for b in boards.values() for c in b.channels.values()]
        fields.log.add(
            fields.value_location("relay"),
            f"{fields.what} names a relay channel that is not declared",
            expected=f"board/channel, {one_of(known, none='no relay boards declared')}",
            got=repr(ref),
            hint=did_you_mean(ref, known),
        )
        return None, None, None, None
    first = users.get(channel.ref)
    if first is not None:
        fields.log.add(
            fields.value_location("relay"),
            f"relay channel {channel.ref} drives two wires",
            hint=f"already used by {first.owner} at line {first.at.line}",
        )
        return None, None, None, None
    users[channel.ref] = Claim(f"wire {fields.what}", fields.value_location("relay"))
    return channel.bcm, channel.active, channel.ref, None


def _port(
    context: BuildContext,
    fields: MappingReader,
    device: RigDevice | None,
    direction: Direction | None,
    owner: str,
) -> tuple[int, str] | None:
    """The (port number, connector pin) a wire ends on, from 'port' or 'pin'."""
    if ("port" in fields) == ("pin" in fields):
        fields.log.add(
            fields.at,
            f"{fields.what} needs exactly one of 'port' and 'pin'",
            expected="'port: N' (as port.cgi numbers it, from 1) or 'pin: \"3\"'",
            got="both" if "port" in fields else "neither",
        )
        return None
    if device is None:
        return None
    ports = device.model_spec.io_ports
    if not ports:
        key = "port" if "port" in fields else "pin"
        fields.log.add(
            fields.value_location(key),
            f"{fields.what} ends on {device.name!r}, whose model {device.model} has no I/O ports",
        )
        return None
    if "port" in fields:
        number = fields.integer("port", minimum=1, maximum=len(ports))
        where = fields.value_location("port")
    else:
        pin = _pin_text(fields)
        labels = [spec.pin for spec in ports]
        number = labels.index(pin) + 1 if pin in labels else None
        where = fields.value_location("pin")
        if pin is not None and number is None:
            fields.log.add(
                where,
                f"{fields.what} names a connector pin {device.model} has no port on",
                expected=one_of(labels),
                got=repr(pin),
            )
    if number is None:
        return None
    spec = ports[number - 1]
    if direction is not None and not spec.configurable:
        wanted = "input" if direction is Direction.TO_DEVICE else "output"
        if spec.direction != wanted:
            fields.log.add(
                where,
                f"{fields.what} goes {direction.value}, but port {number} ({spec.name}) of "
                f"{device.model} is an {spec.direction}",
                expected=f"an {wanted} or configurable port",
            )
            return None
    if direction is not None and not _claim_port(context, device, number, direction, owner, where):
        return None
    return number, spec.pin


def _pin_text(fields: MappingReader) -> str | None:
    node = fields.node("pin")
    if isinstance(node, ScalarNode) and node.tag.endswith((":int", ":str")):
        return str(node.value)
    if node is not None:
        fields.text("pin")  # reports the wrong type
    return None


def _claim_port(
    context: BuildContext,
    device: RigDevice,
    number: int,
    direction: Direction,
    owner: str,
    at: SourceLocation,
) -> bool:
    reader = device.model_spec.reader
    connector = context.connectors.get(device.name)
    if reader is not None and connector and number in (reader.line_a_port, reader.line_b_port):
        context.log.add(
            at,
            f"port {number} of {device.name!r} is a line of its reader connector",
            hint=f"already used by {connector.owner} at line {connector.at.line}",
        )
        return False
    key = (device.name, number, direction.value)
    first = context.ports.get(key)
    if first is not None:
        context.log.add(
            at,
            f"port {number} of {device.name!r} has two wires going {direction.value}",
            hint=f"already used by {first.owner} at line {first.at.line}",
        )
        return False
    context.ports[key] = Claim(f"wire {owner!r}", at)
    return True
