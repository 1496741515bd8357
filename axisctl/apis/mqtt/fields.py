"""JSON fields only the MQTT models have: booleans, enums, QoS; the common readers are in
:mod:`axisctl.apis._json`.

Shared by :mod:`axisctl.apis.mqtt.client_models` and :mod:`axisctl.apis.mqtt.publication_models`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from axisctl.apis._json import kind, opt_str
from axisctl.apis.mqtt.errors import InvalidMqttSettingError
from axisctl.errors import ParseError

E = TypeVar("E", bound=enum.Enum)


def get_bool(obj: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {kind(value)}, expected true or false")
    return value


def get_enum(obj: Mapping[str, Any], key: str, where: str, enum_type: type[E], default: E) -> E:
    """The member of ``enum_type`` whose value the field spells (any case); ``default`` when the
    field is missing or empty."""
    raw = opt_str(obj, key, where) or default.value
    try:
        return enum_type(raw.lower())
    except ValueError:
        *rest, last = (str(member.value) for member in enum_type)
        allowed = f"{', '.join(rest)} or {last}" if rest else last
        raise ParseError(f"{where}.{key} {raw!r:.40} is not {allowed}") from None


def put(body: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        body[key] = value


def check_qos(qos: int | None, field: str, api: str) -> None:
    if qos is not None and (isinstance(qos, bool) or qos not in (0, 1, 2)):
        raise InvalidMqttSettingError(
            f"{field} {qos!r} is not a QoS level; use 0, 1 or 2",
            field=field,
            value=qos,
            allowed=(0, 1, 2),
            api=api,
        )
