"""What the bench derives from the rig file alone: its Pi lines and its capabilities.

One :class:`~axisctl.hil.lines.OutputLine` per BCM line the Pi drives: a relay channel's
coil is one line, named after the wire through it (``gate-loop``) or, when no wire uses
the channel, after the channel (``relays/3``); ``bench.output`` finds it by either name.
One :class:`~axisctl.hil.lines.InputLine` per device-to-pi wire and per sensor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from axisctl.errors import ConfigurationError
from axisctl.hil.lines import InputLine, OutputLine
from axisctl.hil.rig_model import Direction, Rig, WiegandLink
from axisctl.hil.timeline import Timeline

__all__ = ["BenchLines", "open_lines", "rig_capabilities", "rig_missing"]


@dataclass
class BenchLines:
    """The bench's lines: outputs by BCM line, inputs by name, and names to BCM lines."""

    outputs: dict[int, OutputLine] = field(default_factory=dict)
    inputs: dict[str, InputLine] = field(default_factory=dict)
    output_names: dict[str, int] = field(default_factory=dict)

    def all(self) -> Iterator[OutputLine | InputLine]:
        yield from self.outputs.values()
        yield from self.inputs.values()

    def output(self, name: str, rig: Rig) -> OutputLine:
        bcm = self.output_names.get(name)
        if bcm is None:
            from axisctl.hil.bench import MissingCapability

            raise MissingCapability(_no_such("output", name, rig, self.output_names))
        return self.outputs[bcm]

    def input(self, name: str, rig: Rig) -> InputLine:
        line = self.inputs.get(name)
        if line is None:
            from axisctl.hil.bench import MissingCapability

            raise MissingCapability(_no_such("input", name, rig, self.inputs))
        return line

    def outputs_by_name(self) -> dict[str, OutputLine]:
        return {name: self.outputs[bcm] for name, bcm in self.output_names.items()}


def _no_such(what: str, name: str, rig: Rig, known: Mapping[str, Any]) -> str:
    wire = rig.wires.get(name)
    if wire is not None:
        way = "reads" if wire.direction is Direction.TO_PI else "drives"
        return f"wire {name!r} is not an {what}: the Pi {way} it ({wire.direction.value})"
    if name in rig.sensors:
        return f"sensor {name!r} is an input, not an {what}"
    names = ", ".join(sorted(known)) or "none"
    return f"the rig has no {what} {name!r} (its {what}s: {names})"


def open_lines(rig: Rig, pin_factory: Any, timeline: Timeline) -> BenchLines:
    """Open every Pi line of ``rig`` at its safe level; on failure close what was opened."""
    lines = BenchLines()
    try:
        _open_outputs(rig, pin_factory, timeline, lines)
        for wire in rig.wires.values():
            if wire.direction is Direction.TO_PI:
                lines.inputs[wire.name] = InputLine(
                    wire.name,
                    wire.bcm,
                    active_level=wire.active,
                    pin_factory=pin_factory,
                    timeline=timeline,
                )
        for sensor in rig.sensors.values():
            lines.inputs[sensor.name] = InputLine(
                sensor.name,
                sensor.bcm,
                active_level=sensor.active,
                pin_factory=pin_factory,
                timeline=timeline,
            )
    except BaseException:
        for line in lines.all():
            line.close()
        raise
    return lines


def _open_outputs(rig: Rig, pin_factory: Any, timeline: Timeline, lines: BenchLines) -> None:
    through: dict[str, str] = {
        wire.relay: wire.name for wire in rig.wires.values() if wire.relay is not None
    }
    for board in rig.relay_boards.values():
        for channel in board.channels.values():
            name = through.get(channel.ref, channel.ref)
            lines.outputs[channel.bcm] = OutputLine(
                name,
                channel.bcm,
                active_level=channel.active,
                safe_level=channel.safe_level,
                pin_factory=pin_factory,
                timeline=timeline,
                relay=channel.ref,
            )
            lines.output_names[channel.ref] = channel.bcm
            lines.output_names[name] = channel.bcm
    for wire in rig.wires.values():
        if wire.direction is not Direction.TO_DEVICE or wire.relay is not None:
            continue
        if wire.safe_state is None:
            raise ConfigurationError(f"wire {wire.name!r} the Pi drives has no safe state")
        safe = wire.active if wire.safe_state.value == "active" else wire.active.inverted()
        lines.outputs[wire.bcm] = OutputLine(
            wire.name,
            wire.bcm,
            active_level=wire.active,
            safe_level=safe,
            pin_factory=pin_factory,
            timeline=timeline,
        )
        lines.output_names[wire.name] = wire.bcm


def _sending(link: WiegandLink) -> bool:
    return link.direction is Direction.TO_DEVICE


def rig_capabilities(rig: Rig) -> frozenset[str]:
    """The capabilities the rig file's wiring gives, on any kind of rig."""
    found: set[str] = {f"device:{name}" for name in rig.devices}
    found |= {f"wire:{name}" for name in rig.wires}
    for board in rig.relay_boards.values():
        found |= {f"relay:{channel.ref}" for channel in board.channels.values()}
    for sensor in rig.sensors.values():
        found |= {f"sensor:{sensor.name}", f"sensor-kind:{sensor.kind.value}"}
    sending = [link for link in rig.wiegand.values() if _sending(link)]
    found |= {f"wiegand:{link.name}" for link in sending}
    if sending:
        found.add("wiegand")
    if rig.osdp is not None and rig.osdp.readers:
        found.add("osdp")
        found |= {f"osdp:{name}" for name in rig.osdp.readers}
    return frozenset(found)


_WIRING_KINDS = {
    "device": ("device", "devices"),
    "wire": ("wire", "wires"),
    "relay": ("relay channel", "relay_boards"),
    "sensor": ("sensor", "sensors"),
    "sensor-kind": ("sensor of kind", "sensors"),
    "wiegand": ("Wiegand link the Pi sends on", "wiegand"),
    "osdp": ("OSDP reader", "osdp"),
}


def rig_missing(rig: Rig, capability: str) -> str | None:
    """Why the rig's wiring lacks ``capability``; ``None`` if it is not a wiring capability
    (the site answers for those)."""
    prefix, colon, name = capability.partition(":")
    if capability == "wiegand":
        return f"the rig has no Wiegand link the Pi sends on (rig {rig.name!r}, section 'wiegand')"
    if capability == "osdp":
        return f"the rig has no OSDP reader (rig {rig.name!r}, section 'osdp')"
    if not colon or prefix not in _WIRING_KINDS:
        return None
    what, section = _WIRING_KINDS[prefix]
    return f"the rig has no {what} {name!r} (rig {rig.name!r}, section {section!r})"
