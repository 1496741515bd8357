"""Composing a rig file into YAML nodes that keep their lines and columns.

The rig file is composed (``yaml.compose`` with a SafeLoader subclass), never constructed:
every value stays a node that knows where it was written, and no YAML tag can build a
Python object. Aliases (``*name``) are not followed (see docs/decisions-hil.md): each one
becomes a placeholder that the reader reports, so neither a recursive alias nor a
"billion laughs" expansion can hang or exhaust the loader.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from axisctl.hil.rig_errors import RigError, RigProblem, SourceLocation

__all__ = [
    "ALIAS_TAG",
    "BOOL_TAG",
    "MERGE_TAG",
    "NULL_TAG",
    "as_int",
    "compose_rig_text",
    "describe",
    "is_text",
    "location",
    "short",
]

ALIAS_TAG = "!axisctl/unfollowed-alias"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"


class _RigLoader(yaml.SafeLoader):
    """A SafeLoader whose composer leaves aliases unresolved (see the module docstring)."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            return ScalarNode(ALIAS_TAG, event.anchor, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def location(node: Node, source: str) -> SourceLocation:
    """Where a node starts, 1-based."""
    mark = node.start_mark
    return SourceLocation(source, mark.line + 1, mark.column + 1)


#: What YAML counts as a line break (YAML 1.1, as PyYAML's marks count lines).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _offset_location(text: str, offset: int, source: str) -> SourceLocation:
    """The line and column of a character offset, counted as YAML counts them."""
    before = text[: max(offset, 0)]
    breaks = list(_LINE_BREAK.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    return SourceLocation(source, len(breaks) + 1, len(before) - line_start + 1)


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8-sig")
        at = _offset_location(before, len(before), source)
        raise RigError(
            [RigProblem(at, "the file is not UTF-8 text", got=f"byte 0x{data[error.start]:02x}")]
        ) from None


def compose_rig_text(text: str | bytes, source: str) -> Node | None:
    """The document's root node (``None`` when empty); YAML syntax errors raise RigError."""
    if isinstance(text, bytes):
        text = _decode(text, source)
    try:
        return yaml.compose(text, Loader=_RigLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = (
            SourceLocation(source, mark.line + 1, mark.column + 1)
            if mark is not None
            else SourceLocation(source, 1, 1)
        )
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise RigError([RigProblem(at, f"YAML syntax: {what or 'invalid YAML'}")]) from None
    except yaml.reader.ReaderError as error:
        at = _offset_location(text, int(error.position), source)
        raise RigError(
            [
                RigProblem(
                    at, "YAML syntax: a character YAML does not allow", got=f"{error.character!r}"
                )
            ]
        ) from None
    except yaml.YAMLError as error:  # pragma: no cover - every PyYAML error above has a kind
        raise RigError([RigProblem(SourceLocation(source, 1, 1), f"YAML: {error}")]) from None
    except RecursionError:
        raise RigError(
            [RigProblem(SourceLocation(source, 1, 1), "the YAML is nested too deeply")]
        ) from None


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(node: Node) -> str:
    """What a value is, for ``got ...`` in a message."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == ALIAS_TAG:
        return f"an alias *{short(str(node.value))}"
    value = str(node.value)
    if node.tag == NULL_TAG:
        return "nothing" if value in ("", "~") else f"{value} (null)"
    if node.tag == BOOL_TAG:
        return f"{value} (a boolean)"
    if node.tag in (INT_TAG, FLOAT_TAG):
        return short(value)
    return repr(short(value))


def is_text(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag not in (ALIAS_TAG, NULL_TAG)


def as_int(node: Node) -> int | None:
    if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
        return None
    try:
        value = yaml.constructor.SafeConstructor().construct_yaml_int(node)
    except ValueError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
