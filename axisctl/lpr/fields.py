"""Readers of single push fields: each raises :class:`PushFormatError` naming the field.

The app sends every scalar as a string; numbers are also accepted as JSON numbers.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from axisctl.apis._json import kind
from axisctl.errors import ParseError

__all__ = [
    "PushFormatError",
    "epoch_time",
    "field_error",
    "read_decimal",
    "read_enum",
    "read_number",
    "read_object",
    "read_required_decimal",
    "read_required_enum",
    "read_string_list",
    "read_strings",
    "read_text",
]

# Bounded so that a megabyte of digits is refused cheaply, before int() sees it.
_DECIMAL = re.compile(r"[0-9]{1,19}")
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?"
)
_E = TypeVar("_E", bound=enum.Enum)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class PushFormatError(ParseError):
    """A push the receiver cannot accept; ``field`` names the offending field, if one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def field_error(key: str, what: str) -> PushFormatError:
    return PushFormatError(f"{key} {what}", field=key)


def read_text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise field_error(key, f"is {kind(value)}, expected a string")
    return value


def read_decimal(doc: Mapping[str, Any], key: str, *, required: bool = False) -> int | None:
    value = doc.get(key)
    if isinstance(value, str):
        value = value.strip()
        if not value and not required:
            return None
        if _DECIMAL.fullmatch(value):
            return int(value)
        shown = repr(value) if len(value) <= 40 else f"a string of {len(value)} characters"
        raise field_error(key, f"is {shown}, expected a decimal number")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**19:
        return value
    if value is None and not required:
        return None
    what = "missing" if key not in doc else kind(value)
    raise field_error(key, f"is {what}, expected a decimal number")


def read_required_decimal(doc: Mapping[str, Any], key: str) -> int:
    value = read_decimal(doc, key, required=True)
    assert value is not None
    return value


def epoch_time(count: int, per_second: int, key: str) -> dt.datetime:
    try:
        return _EPOCH + dt.timedelta(microseconds=count * (1_000_000 // per_second))
    except OverflowError:
        raise field_error(key, f"is {count}, out of the range of dates") from None


def read_enum(doc: Mapping[str, Any], key: str, enum_type: type[_E]) -> _E | None:
    value = read_text(doc, key).strip().lower()
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise field_error(key, f"is {doc[key]!r:.40}, expected one of {allowed}") from None


def read_required_enum(doc: Mapping[str, Any], key: str, enum_type: type[_E]) -> _E:
    value = read_enum(doc, key, enum_type)
    if value is None:
        raise field_error(key, "is missing" if key not in doc else "is empty")
    return value


def read_number(value: Any, key: str) -> float | None:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if not _NUMBER.fullmatch(value):
            raise field_error(key, f"is {value!r:.40}, expected a number")
        number = float(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif value is None:
        return None
    else:
        raise field_error(key, f"is {kind(value)}, expected a number")
    if not math.isfinite(number):
        raise field_error(key, "is not a finite number")
    return number


def read_object(doc: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise field_error(key, f"is {kind(value)}, expected an object")
    return value


def read_strings(obj: Mapping[str, Any], names: Mapping[str, str], where: str) -> dict[str, str]:
    strings = {}
    for key, attribute in names.items():
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise field_error(f"{where}.{key}", f"is {kind(value)}, expected a string")
        strings[attribute] = value or ""
    return strings


def read_string_list(doc: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = doc.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise field_error(key, f"is {kind(value)}, expected a list of strings")
    return tuple(value)
