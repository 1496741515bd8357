"""Flat XML documents of the app (``<cloud_config>``, ``<configuration>``) and their fields.

Both documents are one root with one element per setting, every value text::

    <cloud_config><url>aHR0cDovLzEwLjAuNS4yMjM6NTAwMg==</url><protocol>1</protocol>...

A :class:`Field` knows how one setting is spelled on the wire and what it may hold. The
client reads answers and checks what it sends with the same fields that the simulator uses
to refuse a bad POST, so a value is either good for both or for neither.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.lpr.lists_wire import XML_DECLARATION
from axisctl.codecs import safexml
from axisctl.errors import ParseError

_INTEGER = re.compile(r"-?[0-9]{1,9}")
_DECIMAL = re.compile(r"-?[0-9]{1,9}(\.[0-9]{1,9})?")


@dataclass(frozen=True)
class Field:
    """One element: ``decode`` turns its text into a value or raises ``ValueError(reason)``;
    ``encode`` turns a value back into text."""

    name: str
    decode: Callable[[str], Any]
    encode: Callable[[Any], str]
    #: Allowed values, for messages and ``InvalidLprSettingError.allowed``.
    allowed: tuple[object, ...] | None = None
    #: Whether True/False are values of this setting (bool is an int to Python).
    takes_bool: bool = False

    def parse(self, text: str, what: str) -> Any:
        try:
            return self.decode(text)
        except ValueError as exc:
            raise ParseError(f"{what}: <{self.name}> {exc}") from None

    def problem(self, value: object) -> str | None:
        """Why the field cannot carry ``value`` (``None`` when it can): the wire rules."""
        if isinstance(value, bool) and not self.takes_bool:
            return f"is {value}, which this setting cannot hold"
        try:
            self.decode(self.encode(value))
        except ValueError as exc:
            return str(exc)
        except (TypeError, AttributeError):
            return f"is {type(value).__name__}, which this setting cannot hold"
        return None

    def check(self, value: object, *, field: str, secret: bool = False) -> None:
        """:class:`InvalidLprSettingError` unless the field can carry ``value``.

        ``secret`` keeps the value out of the error (passwords, keys).
        """
        problem = self.problem(value)
        if problem is not None:
            raise InvalidLprSettingError(
                f"{field} {problem}",
                field=field,
                value=None if secret else value,
                allowed=self.allowed,
            )


def _control_character(text: str) -> bool:
    return any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text)


def _checked_text(text: str, max_chars: int) -> str:
    if len(text) > max_chars:
        raise ValueError(f"is longer than {max_chars} characters")
    if _control_character(text):
        raise ValueError("contains a control character")
    return text


def boolean(name: str) -> Field:
    def decode(text: str) -> bool:
        if text not in ("0", "1"):
            raise ValueError(f"is {text!r:.20}, expected 0 or 1")
        return text == "1"

    return Field(name, decode, lambda value: "1" if value else "0", (0, 1), takes_bool=True)


def integer(name: str, low: int, high: int) -> Field:
    def decode(text: str) -> int:
        if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
            raise ValueError(f"is {text!r:.20}, expected a whole number {low}-{high}")
        return int(text)

    return Field(name, decode, str, (low, high))


def int_choice(name: str, choices: Mapping[int, str]) -> Field:
    """A number from a short table, e.g. the protocols 1 (HTTP), 8 (TCP), 16 (FTP)."""
    spelled = ", ".join(f"{number} ({label})" for number, label in choices.items())

    def decode(text: str) -> int:
        if not _INTEGER.fullmatch(text) or int(text) not in choices:
            raise ValueError(f"is {text!r:.20}, expected {spelled}")
        return int(text)

    return Field(name, decode, str, tuple(choices))


def decimal(name: str, low: float, high: float) -> Field:
    def decode(text: str) -> float:
        if not _DECIMAL.fullmatch(text) or not low <= float(text) <= high:
            raise ValueError(f"is {text!r:.20}, expected a number {low:g}-{high:g}")
        return float(text)

    return Field(name, decode, format_decimal, (low, high))


def format_decimal(value: float) -> str:
    """Up to six decimals, without trailing zeros: ``0.5``, ``0.75``, ``1``."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def coordinate(name: str, limit: float) -> Field:
    """Latitude or longitude in degrees, or empty for none."""

    def decode(text: str) -> float | None:
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"is {text!r:.20}, expected degrees or nothing") from None
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise ValueError(f"is {text!r:.20}, expected -{limit:g} to {limit:g} degrees")
        return value

    def encode(value: float | None) -> str:
        return "" if value is None else format_decimal(value)

    return Field(name, decode, encode, (-limit, limit))


def text(name: str, max_chars: int) -> Field:
    return Field(name, lambda value: _checked_text(value, max_chars), str)


def word(name: str, choices: Sequence[str]) -> Field:
    def decode(text: str) -> str:
        if text not in choices:
            raise ValueError(f"is {text!r:.30}, expected {' | '.join(choices)}")
        return text

    return Field(name, decode, str, tuple(choices))


def word_set(name: str, choices: Sequence[str]) -> Field:
    """A comma-separated subset, e.g. ``allow,custom``; empty means none."""

    def decode(text: str) -> frozenset[str]:
        words = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [part for part in words if part not in choices]
        if unknown:
            raise ValueError(
                f"has {unknown[0]!r:.30}, expected a comma list of {','.join(choices)}"
            )
        return frozenset(words)

    def encode(value: Collection[str]) -> str:
        return ",".join(choice for choice in choices if choice in value)

    return Field(name, decode, encode, tuple(choices))


def base64_text(name: str, max_chars: int) -> Field:
    """Text sent base64-encoded (UTF-8), as the app sends URLs, user names and passwords."""

    def decode(value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
            decoded = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            raise ValueError("is not base64 of UTF-8 text") from None
        return _checked_text(decoded, max_chars)

    def encode(value: str) -> str:
        return base64.b64encode(value.encode("utf-8")).decode("ascii")

    return Field(name, decode, encode)


def parse_flat(data: bytes, root: str, fields: Mapping[str, Field], what: str) -> dict[str, Any]:
    """The settings present in a flat document, decoded; unknown or repeated ones refused."""
    element = safexml.parse_xml(data, what=what)
    if safexml.local_name(element) != root:
        raise ParseError(f"{what}: root is <{safexml.local_name(element)}>, expected <{root}>")
    values: dict[str, Any] = {}
    for child in element:
        name = safexml.local_name(child)
        field = fields.get(name)
        if field is None:
            raise ParseError(f"{what}: unknown setting <{name:.40}>")
        if name in values:
            raise ParseError(f"{what}: <{name}> given twice")
        values[name] = field.parse(safexml.text_of(child, what=what), what)
    return values


def format_flat(root: str, items: Iterable[tuple[Field, Any]]) -> bytes:
    """A flat document with the given fields in the given order."""
    element = etree.Element(root)
    for field, value in items:
        etree.SubElement(element, field.name).text = field.encode(value)
    body: str = etree.tostring(element, encoding="unicode")
    return (XML_DECLARATION + body).encode("utf-8")
