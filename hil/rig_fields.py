"""Typed reading of the mappings of a rig file, recording what is wrong.

:class:`MappingReader` reads one mapping: it reports unknown keys (with "did you mean"),
duplicate keys, missing required keys and values of the wrong type into a
:class:`~axisctl.hil.rig_errors.ProblemLog`, and returns ``None`` for what it could not read
so that the caller goes on and finds the other problems too.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from axisctl.hil.rig_errors import ProblemLog, SourceLocation, closest, did_you_mean, one_of
from axisctl.hil.rig_yaml import (
    ALIAS_TAG,
    BOOL_TAG,
    MERGE_TAG,
    as_int,
    describe,
    is_text,
    location,
    short,
)

__all__ = ["MappingReader", "integer_value", "key_text"]

_E = TypeVar("_E", bound=enum.Enum)

#: Names of environment variables, as POSIX shells accept them.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HEX_KEY = re.compile(r"[0-9A-Fa-f]{32}\Z")


class MappingReader:
    """Reads the keys of one YAML mapping; problems go to ``log``, bad values read as None.

    ``what`` names the mapping in messages (``"device 'gate'"``); ``at`` is where a
    missing key is reported (the item's name). ``secret_hints`` maps keys that would hold
    a secret (``password``) to the key that names its environment variable instead.
    """

    def __init__(
        self,
        node: Node,
        *,
        log: ProblemLog,
        source: str,
        what: str,
        at: SourceLocation,
        keys: Sequence[str],
        secret_hints: dict[str, str] | None = None,
    ) -> None:
        self.log = log
        self.source = source
        self.what = what
        self.at = at
        self.valid = True
        self._keys = tuple(keys)
        self._values: dict[str, tuple[Node, Node]] = {}
        #: Keys a misspelt key was taken for, or that a merge key may hold: not reported
        #: missing on top of that problem.
        self._excused: set[str] = set()
        if not isinstance(node, MappingNode):
            self.valid = False
            log.add(
                location(node, source),
                f"{what} must be a mapping of keys",
                expected=f"a mapping with keys among {' | '.join(keys)}",
                got=describe(node),
            )
            return
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            if key in self._values:
                first = location(self._values[key][0], source)
                log.add(
                    location(key_node, source),
                    f"duplicate key {key!r} in {what}",
                    hint=f"first given at line {first.line}",
                )
                continue
            if key not in keys:
                hint = None
                close = closest(key, keys)
                if close is not None:
                    self._excused.add(close)
                if secret_hints and key in secret_hints:
                    hint = (
                        f"a rig file never holds secrets: give the name of an environment "
                        f"variable in {secret_hints[key]!r}"
                    )
                log.add(
                    location(key_node, source),
                    f"unknown key {key!r} in {what}",
                    expected=one_of(keys),
                    got=repr(short(key)),
                    hint=hint or (f"did you mean {close!r}?" if close else None),
                )
                continue
            self._values[key] = (key_node, value_node)

    def _key(self, key_node: Node) -> str | None:
        if key_node.tag == MERGE_TAG:
            self._excused.update(self._keys)
            self.log.add(
                location(key_node, self.source),
                f"merge key '<<' in {self.what}: rig files do not merge mappings",
                hint="write each key out",
            )
            return None
        if not is_text(key_node) or not isinstance(key_node, ScalarNode):
            self.log.add(
                location(key_node, self.source),
                f"a key of {self.what} is not text",
                expected="a key name",
                got=describe(key_node),
            )
            return None
        return str(key_node.value)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def items(self) -> Iterator[tuple[str, Node, Node]]:
        """(key, key node, value node) in file order."""
        for key, (key_node, value_node) in self._values.items():
            yield key, key_node, value_node

    def key_location(self, key: str) -> SourceLocation:
        return location(self._values[key][0], self.source)

    def value_location(self, key: str) -> SourceLocation:
        return location(self._values[key][1], self.source)

    def node(self, key: str, *, required: bool = False) -> Node | None:
        """The value node of ``key``; a missing required key is reported at ``self.at``."""
        if key in self._values:
            node = self._values[key][1]
            if node.tag == ALIAS_TAG:
                self.log.add(
                    location(node, self.source),
                    f"{key!r} of {self.what} is an alias: rig files do not follow aliases",
                    got=describe(node),
                    hint="write the value out",
                )
                return None
            return node
        if required and self.valid and key not in self._excused:
            self.log.add(self.at, f"{self.what} is missing the key {key!r}")
        return None

    def _wrong(self, key: str, node: Node, expected: str, got: str | None = None) -> None:
        self.log.add(
            location(node, self.source),
            f"{key!r} of {self.what} is not valid",
            expected=expected,
            got=got if got is not None else describe(node),
        )

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        node = self.node(key, required=required)
        if node is None:
            return default
        if not is_text(node) or not isinstance(node, ScalarNode) or node.tag == BOOL_TAG:
            self._wrong(key, node, "text")
            return None
        return str(node.value)

    def text_list(self, key: str) -> tuple[str, ...] | None:
        """A YAML sequence of distinct, non-empty texts; ``()`` when left out."""
        node = self.node(key)
        if node is None:
            return ()
        items = node.value if isinstance(node, SequenceNode) else None
        if items is None:
            self._wrong(key, node, "a list of names")
            return None
        found: list[str] = []
        for item in items:
            if not isinstance(item, ScalarNode) or item.tag == BOOL_TAG or not str(item.value):
                self._wrong(key, item, "a name")
                return None
            if item.value in found:
                self._wrong(key, item, "each name once", got=f"{item.value!r} again")
                return None
            found.append(str(item.value))
        return tuple(found)

    def description(self) -> str:
        """The free-text ``description`` every item may have ("" when left out)."""
        return self.text("description", default="") or ""

    def integer(
        self, key: str, *, minimum: int, maximum: int, required: bool = False
    ) -> int | None:
        node = self.node(key, required=required)
        if node is None:
            return None
        return integer_value(
            node, f"{key!r} of {self.what}", minimum, maximum, self.log, self.source
        )

    def choice(self, key: str, kind: type[_E], *, required: bool = False) -> _E | None:
        node = self.node(key, required=required)
        if node is None:
            return None
        allowed = [str(member.value) for member in kind]
        value = str(node.value) if isinstance(node, ScalarNode) else None
        if value is not None and value in allowed and node.tag != BOOL_TAG:
            return kind(value)
        self.log.add(
            location(node, self.source),
            f"{key!r} of {self.what} is not valid",
            expected=one_of(allowed),
            got=describe(node),
            hint=did_you_mean(value, allowed) if value else None,
        )
        return None

    def env_name(self, key: str, *, required: bool = False) -> str | None:
        """The name of an environment variable; a value that may be a secret is not quoted."""
        node = self.node(key, required=required)
        if node is None:
            return None
        value = str(node.value) if isinstance(node, ScalarNode) else None
        if value is not None and _HEX_KEY.match(value):
            self.log.add(
                location(node, self.source),
                f"{key!r} of {self.what} looks like a key rather than the name of an "
                "environment variable, and is not shown",
                expected="a variable name such as RIG_OSDP_SCBK",
                hint="put the key in the environment, and its variable's name here",
            )
            return None
        if value is None or node.tag == BOOL_TAG or not _ENV_NAME.match(value):
            self.log.add(
                location(node, self.source),
                f"{key!r} of {self.what} is not the name of an environment variable "
                "(value not shown: it may be a secret)",
                expected="letters, digits and '_', not starting with a digit",
            )
            return None
        return value


def integer_value(
    node: Node, what: str, minimum: int, maximum: int, log: ProblemLog, source: str
) -> int | None:
    """An integer in ``minimum..maximum`` (YAML integer syntax), else a problem and None."""
    value = as_int(node)
    if value is None:
        log.add(
            location(node, source),
            f"{what} is not an integer",
            expected=f"an integer {minimum}-{maximum}",
            got=describe(node),
        )
        return None
    if not minimum <= value <= maximum:
        log.add(
            location(node, source),
            f"{what} is out of range",
            expected=f"{minimum}-{maximum}",
            got=str(value),
        )
        return None
    return value


def key_text(node: Node) -> str | None:
    """A mapping key as text, or None when it is not a plain scalar."""
    if isinstance(node, ScalarNode) and is_text(node) and node.tag != MERGE_TAG:
        return str(node.value)
    return None
