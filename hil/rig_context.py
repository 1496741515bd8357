"""What the sections of a rig file share while it is read: names, BCM lines, device ports.

Claims are made as items are read, even for items that fail other checks, so that a line
used twice is reported although one of its users has a typo elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node

from axisctl.hil.rig_errors import ProblemLog, SourceLocation, did_you_mean, one_of
from axisctl.hil.rig_fields import MappingReader, integer_value, key_text
from axisctl.hil.rig_model import RigDevice, RigKind, SafeState
from axisctl.hil.rig_yaml import describe, location

__all__ = ["BCM_MAX", "BuildContext", "Claim"]

#: The Pi's header GPIOs are BCM 0-27 on every 40-pin model (Pi 1 B+ to Pi 5).
BCM_MAX = 27

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_NAME_MAX = 64


@dataclass(frozen=True)
class Claim:
    """Who holds a shared resource, and where the file says so."""

    owner: str
    at: SourceLocation


@dataclass
class BuildContext:
    """The state of one rig file being read."""

    log: ProblemLog
    source: str
    kind: RigKind = RigKind.PHYSICAL
    default_safe_state: SafeState | None = None
    devices: dict[str, RigDevice] = field(default_factory=dict)
    #: Names of everything the file declares (one namespace, see docs/decisions-hil.md).
    names: dict[str, Claim] = field(default_factory=dict)
    lines: dict[int, Claim] = field(default_factory=dict)
    #: (device, port, direction value) -> the wire or link using it.
    ports: dict[tuple[str, int, str], Claim] = field(default_factory=dict)
    #: device -> the Wiegand link or OSDP reader using its reader connector.
    connectors: dict[str, Claim] = field(default_factory=dict)

    def at(self, node: Node) -> SourceLocation:
        return location(node, self.source)

    def section(
        self, node: Node | None, what: str, kind: str
    ) -> Iterator[tuple[str, SourceLocation, Node]]:
        """The ``name: {...}`` items of a section, names checked and claimed as ``kind``."""
        if node is None:
            return
        if not isinstance(node, MappingNode):
            self.log.add(
                self.at(node),
                f"{what} must be a mapping of names to items",
                expected="name: {...} entries",
                got=describe(node),
            )
            return
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = key_text(key_node)
            at = self.at(key_node)
            if name is None:
                self.log.add(at, f"a name in {what} is not text", got=describe(key_node))
                continue
            if name in seen:
                continue  # reported by claim_name
            if not self.claim_name(name, at, f"{kind} {name!r}"):
                seen.add(name)
                continue
            seen.add(name)
            yield name, at, value_node

    def claim_name(self, name: str, at: SourceLocation, owner: str) -> bool:
        if len(name) > _NAME_MAX or not _NAME.match(name):
            self.log.add(
                at,
                f"name {name[:_NAME_MAX]!r} is not valid",
                expected=f"a letter, then letters, digits, '-' or '_' (at most {_NAME_MAX})",
            )
            return False
        first = self.names.get(name)
        if first is not None:
            self.log.add(
                at,
                f"duplicate name {name!r}",
                hint=f"already used by {first.owner} at line {first.at.line}",
            )
            return False
        self.names[name] = Claim(owner, at)
        return True

    def reader(
        self,
        node: Node,
        what: str,
        at: SourceLocation,
        keys: tuple[str, ...],
        secret_hints: dict[str, str] | None = None,
    ) -> MappingReader:
        return MappingReader(
            node,
            log=self.log,
            source=self.source,
            what=what,
            at=at,
            keys=keys,
            secret_hints=secret_hints,
        )

    def bcm(
        self, fields: MappingReader, key: str, owner: str, *, required: bool = True
    ) -> int | None:
        """Read a BCM line number and claim it for ``owner``."""
        node = fields.node(key, required=required)
        if node is None:
            return None
        return self.bcm_value(node, f"{key!r} of {fields.what}", owner)

    def bcm_value(self, node: Node, what: str, owner: str) -> int | None:
        line = integer_value(node, what, 0, BCM_MAX, self.log, self.source)
        if line is not None:
            self.claim_line(line, owner, self.at(node))
        return line

    def claim_line(self, line: int, owner: str, at: SourceLocation) -> None:
        first = self.lines.get(line)
        if first is not None:
            self.log.add(
                at,
                f"BCM line {line} is used twice",
                hint=f"already used by {first.owner} at line {first.at.line}",
            )
            return
        self.lines[line] = Claim(owner, at)

    def device(self, fields: MappingReader, key: str = "device") -> RigDevice | None:
        """Read a reference to a declared device."""
        name = fields.text(key, required=True)
        if name is None:
            return None
        device = self.devices.get(name)
        if device is None and not self.declared(name, "device"):
            self.log.add(
                fields.value_location(key),
                f"{fields.what} names a device that is not declared",
                expected=one_of(self.devices, none="no devices declared"),
                got=repr(name),
                hint=did_you_mean(name, self.devices),
            )
        return device

    def declared(self, name: str, kind: str) -> bool:
        """Whether the file declares ``name`` as a ``kind``, even one that has problems."""
        claim = self.names.get(name)
        return claim is not None and claim.owner == f"{kind} {name!r}"

    def safe_state(self, fields: MappingReader, owner: str) -> SafeState | None:
        """An output's safe state, or the rig's default; a problem when there is neither."""
        given = fields.choice("safe_state", SafeState)
        if given is not None:
            return given
        if "safe_state" in fields:
            return None  # invalid, reported
        if self.default_safe_state is None:
            self.log.add(
                fields.at,
                f"{owner} is a Pi output without a safe state, and the rig has no default",
                expected="'safe_state: inactive' or 'safe_state: active' here, "
                "or a top-level 'safe_state'",
            )
        return self.default_safe_state
