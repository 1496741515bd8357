"""Reading and writing the JSON fields of the MQTT models, with errors naming the field.

Shared by :mod:`axisctl.apis.mqtt.client_models`, :mod:`axisctl.apis.mqtt.publication_models`
and the simulated device's MQTT configuration (:mod:`axisctl.sim.mqtt.config`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from axisctl.apis.mqtt.errors import InvalidMqttSettingError
from axisctl.errors import ParseError

E = TypeVar("E", bound=enum.Enum)


def json_kind(value: object) -> str:
    """``null``, ``a boolean``, ``an object`` ...: what a JSON value is, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "an integer"}.get(
        type(value), f"a {type(value).__name__}"
    )


def json_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(f"{where} is {json_kind(value)}, expected an object")
    return value


def get_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParseError(f"{where}.{key} is {json_kind(value)}, expected a string")
    return value


def get_bool(obj: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {json_kind(value)}, expected true or false")
    return value


def get_int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {json_kind(value)}, expected an integer")
    return value


def get_enum(obj: Mapping[str, Any], key: str, where: str, kind: type[E], default: E) -> E:
    """The member of ``kind`` whose value the field spells (any case); ``default`` when the
    field is missing or empty."""
    raw = get_str(obj, key, where) or default.value
    try:
        return kind(raw.lower())
    except ValueError:
        *rest, last = (str(member.value) for member in kind)
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
