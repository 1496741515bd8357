"""Detection and access-control settings: ``config.cgi``'s ``<configuration>`` document.

Flat XML, one element per setting; a POST carries only the settings it changes::

    <configuration><sensitivity>0.5</sensitivity><min_chars>5</min_chars>
      <access_control_type>io</access_control_type><barrier_mode>open_from_lists</barrier_mode>
      <barrier_lists>allow</barrier_lists><io_port>2</io_port>...<relay_password/>
    </configuration>

The relay module's password travels base64 and is never echoed (a GET answers it empty), so
:class:`LprSettings` has no field for it; :meth:`LprAppAPI.set_settings` takes it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from axisctl.apis.lpr import fields as f
from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.lpr.models import ListKey, list_key

ROOT = "configuration"
ROIS = ("all", "1", "2")


class AccessControlType(enum.Enum):
    """What the app drives when a listed vehicle arrives (Settings > Access control > Type)."""

    NONE = "none"
    #: "Internal I/O": the camera's own output port.
    IO = "io"
    #: An Axis I/O relay module over HTTP; ports 9-16 are its relays 1-8.
    RELAY = "relay"
    #: An Axis network door controller; the camera is its sensor.
    CONTROLLER = "controller"


class BarrierMode(enum.Enum):
    OFF = "off"
    OPEN_FROM_LISTS = "open_from_lists"


class BarrierDirection(enum.Enum):
    IN = "in"
    OUT = "out"
    ANY = "any"


FIELDS: dict[str, f.Field] = {
    field.name: field
    for field in (
        f.decimal("sensitivity", 0, 1),
        f.integer("min_chars", 1, 10),
        f.integer("char_deviation", 0, 3),
        f.boolean("strict_matching"),
        f.integer("ttl", 1, 60),
        f.word("access_control_type", [t.value for t in AccessControlType]),
        f.word("barrier_mode", [m.value for m in BarrierMode]),
        f.word_set("barrier_lists", [k.value for k in ListKey]),
        f.word("barrier_direction", [d.value for d in BarrierDirection]),
        f.word("barrier_roi", ROIS),
        f.integer("io_port", 1, 64),
        f.integer("pulse_ms", 100, 60_000),
        f.text("relay_url", 255),
        f.text("relay_user", 64),
        f.base64_text("relay_password", 128),
        f.integer("relay_port", 1, 16),
    )
}
SECRETS = frozenset({"relay_password"})

#: LprSettings attribute -> wire name, where they differ.
_WIRE_NAMES = {"ttl_s": "ttl", "access_control": "access_control_type"}


@dataclass(frozen=True)
class LprSettings:
    """What the app reads plates with and what it opens the barrier for.

    Detection: ``sensitivity`` (0-1; reads scored lower are dropped), ``min_chars`` (shorter
    plates are not read), ``char_deviation`` (characters a plate may differ from a list
    entry and still match), ``strict_matching`` (exact matches only), ``ttl_s`` (seconds
    after the last read until the vehicle is LOST).

    Barrier: ``access_control`` says what is driven; with ``barrier_mode``
    ``OPEN_FROM_LISTS`` a vehicle on one of ``barrier_lists`` going ``barrier_direction`` in
    region ``barrier_roi`` (``"all"``, ``"1"``, ``"2"``) pulses ``io_port`` (the camera's
    output; the P1455-LE's pin 4 is port 2) or the relay module's ``relay_port`` at
    ``relay_url`` for ``pulse_ms`` milliseconds.
    """

    sensitivity: float = 0.5
    min_chars: int = 5
    char_deviation: int = 1
    strict_matching: bool = False
    ttl_s: int = 10
    access_control: AccessControlType = AccessControlType.NONE
    barrier_mode: BarrierMode = BarrierMode.OFF
    barrier_lists: frozenset[ListKey] = frozenset({ListKey.ALLOW})
    barrier_direction: BarrierDirection = BarrierDirection.IN
    barrier_roi: str = "all"
    io_port: int = 2
    pulse_ms: int = 1000
    relay_url: str = ""
    relay_user: str = ""
    relay_port: int = 9

    @classmethod
    def from_wire(cls, values: Mapping[str, Any]) -> LprSettings:
        """Settings from decoded wire values; missing ones keep their defaults."""
        kwargs: dict[str, Any] = {}
        for attr in (field.name for field in fields(cls)):
            wire = _WIRE_NAMES.get(attr, attr)
            if wire in values:
                kwargs[attr] = _from_wire_value(attr, values[wire])
        return cls(**kwargs)

    def to_wire(self) -> dict[str, Any]:
        return changes_to_wire({field.name: getattr(self, field.name) for field in fields(self)})


E = TypeVar("E", bound=enum.Enum)


def _from_wire_value(attr: str, value: Any) -> Any:
    converters: dict[str, Any] = {
        "access_control": AccessControlType,
        "barrier_mode": BarrierMode,
        "barrier_direction": BarrierDirection,
        "barrier_lists": lambda v: frozenset(ListKey(k) for k in v),
    }
    convert = converters.get(attr)
    return convert(value) if convert is not None else value


def _enum_value(kind: type[E], value: object, attr: str) -> str:
    if isinstance(value, kind):
        return str(value.value)
    allowed = [str(member.value) for member in kind]
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise InvalidLprSettingError(
        f"{attr} {value!r:.40} is not {' | '.join(allowed)}",
        field=attr,
        value=value,
        allowed=allowed,
    )


def _roi(value: object) -> str:
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    if isinstance(value, bool) or text not in ROIS:
        raise InvalidLprSettingError(
            f"barrier_roi {value!r:.20} is not all, 1 or 2",
            field="barrier_roi",
            value=value,
            allowed=ROIS,
        )
    return text


def _lists(value: object) -> frozenset[str]:
    items: Iterable[object] = (
        [value] if isinstance(value, (str, ListKey)) or not isinstance(value, Iterable) else value
    )
    keys = set()
    for item in items:
        if not isinstance(item, (str, ListKey)):
            raise InvalidLprSettingError(
                f"barrier_lists holds {item!r:.20}, expected list keys",
                field="barrier_lists",
                value=item,
                allowed=[key.value for key in ListKey],
            )
        keys.add(list_key(item).value)
    return frozenset(keys)


def changes_to_wire(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Wire names and values for the given :class:`LprSettings` attributes (plus
    ``relay_password``), each checked against the wire rules; ``None`` values are left out.

    Enum members or their strings are accepted (``"io"`` for ``AccessControlType.IO``).
    """
    wire: dict[str, Any] = {}
    for attr, value in changes.items():
        if value is None:
            continue
        if attr == "access_control":
            value = _enum_value(AccessControlType, value, attr)
        elif attr == "barrier_mode":
            value = _enum_value(BarrierMode, value, attr)
        elif attr == "barrier_direction":
            value = _enum_value(BarrierDirection, value, attr)
        elif attr == "barrier_roi":
            value = _roi(value)
        elif attr == "barrier_lists":
            value = _lists(value)
        elif attr == "relay_url" and isinstance(value, str) and any(c.isspace() for c in value):
            raise InvalidLprSettingError(
                f"relay_url {value!r:.60} contains spaces", field=attr, value=value
            )
        name = _WIRE_NAMES.get(attr, attr)
        field = FIELDS.get(name)
        if field is None:
            raise InvalidLprSettingError(f"{attr} is not a setting of the app", field=attr)
        field.check(value, field=attr, secret=name in SECRETS)
        wire[name] = value
    return wire
