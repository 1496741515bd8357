"""Reading parsed JSON with :class:`~axisctl.errors.ParseError` that names the bad field.

For models that also parse user files (siren profiles, MQTT settings), so a bad field is a
``ParseError``; device answers that must raise ``MalformedResponseError`` use ``_fields``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axisctl.errors import ParseError


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "an integer",
        float: "a number",
    }.get(type(value), f"a {type(value).__name__}")


def _what(obj: Mapping[str, Any], key: str) -> str:
    return "missing" if key not in obj else kind(obj[key])


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def expect_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(f"{where} is {kind(value)}, expected an object")
    return value


def req_str(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ParseError(f"{where}.{key} is {_what(obj, key)}, expected a string")
    return value


def opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    if obj.get(key) is None:
        return None
    return req_str(obj, key, where)


def req_int(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"{where}.{key} is {_what(obj, key)}, expected an integer")
    return value


def opt_int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    if obj.get(key) is None:
        return None
    return req_int(obj, key, where)


def req_id(obj: Mapping[str, Any], key: str, where: str) -> int:
    # The status table of the docs types ids as String while every example sends integers.
    value = obj.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        try:
            return int(value)
        except ValueError:
            # Past int()'s 4300-digit limit; callers expect only ParseError.
            raise ParseError(
                f"{where}.{key} is a string of {len(value)} digits, expected an id"
            ) from None
    return req_int(obj, key, where)


def opt_number(obj: Mapping[str, Any], key: str, where: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParseError(f"{where}.{key} is {kind(value)}, expected a number")
    return value


def opt_str_list(obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ParseError(f"{where}.{key} is {kind(value)}, expected a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise ParseError(f"{where}.{key}[{index}] is {kind(item)}, expected a string")
    return tuple(value)


def opt_list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(f"{where}.{key} is {kind(value)}, expected a list")
    return value
