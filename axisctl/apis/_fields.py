"""Small helpers to read fields of parsed JSON with errors that say which field was wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axisctl.errors import MalformedResponseError


def _kind(value: object) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


def require_str(obj: Mapping[str, Any], key: str, *, api: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise MalformedResponseError(
            f"{where}: {key!r} is {_kind(value)}, expected a string",
            api=api,
        )
    return value


def require_dict(obj: Mapping[str, Any], key: str, *, api: str, where: str) -> dict[str, Any]:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise MalformedResponseError(
            f"{where}: {key!r} is {_kind(value)}, expected an object",
            api=api,
        )
    return value


def require_list(obj: Mapping[str, Any], key: str, *, api: str, where: str) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise MalformedResponseError(
            f"{where}: {key!r} is {_kind(value)}, expected a list",
            api=api,
        )
    return value
