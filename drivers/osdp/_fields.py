"""Field checks and a byte cursor shared by the command and reply payloads.

Construction checks raise :class:`~axisctl.errors.InvalidSettingValueError` (a value the
caller chose); decoding raises :class:`~axisctl.drivers.osdp.errors.MessageError` (bytes a
peer sent). :func:`decoding` converts the first into the second, so each payload's
``__post_init__`` is the one place its rules live.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TypeVar

from axisctl.errors import InvalidSettingValueError

from .errors import MessageError

E = TypeVar("E", bound=IntEnum)


def check_int(field: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidSettingValueError(
            f"{field}: expected an integer in {low}..{high}, got {value!r}",
            field=field,
            value=value,
        )


def check_u8(field: str, value: int) -> None:
    check_int(field, value, 0, 0xFF)


def check_u16(field: str, value: int) -> None:
    check_int(field, value, 0, 0xFFFF)


def check_enum(field: str, enum: type[E], value: int) -> E:
    """The enum member for ``value``; the frozen dataclass stores it via ``object.__setattr__``."""
    try:
        return enum(value)
    except ValueError:
        raise InvalidSettingValueError(
            f"{field}: expected one of {', '.join(str(int(m)) for m in enum)}, got {value!r}",
            field=field,
            value=value,
            allowed=[int(m) for m in enum],
        ) from None


def check_length(field: str, value: bytes, length: int) -> None:
    if not isinstance(value, bytes) or len(value) != length:
        got = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        raise InvalidSettingValueError(f"{field}: expected {length} bytes, got {got}", field=field)


def coerce(instance: object, field: str, enum: type[E]) -> None:
    """Replaces a plain int in a frozen dataclass field by its enum member, or raises."""
    object.__setattr__(instance, field, check_enum(field, enum, getattr(instance, field)))


@contextmanager
def decoding(what: str, code: int | None) -> Iterator[None]:
    """Turns a rejected value found while decoding into a :class:`MessageError`."""
    try:
        yield
    except InvalidSettingValueError as error:
        raise MessageError(f"{what}: {error.message}", field=error.field, code=code) from None


class Cursor:
    """Reads a payload front to back; every shortfall names the field being read."""

    def __init__(self, data: bytes, what: str, code: int | None) -> None:
        self.data = data
        self.what = what
        self.code = code
        self.position = 0

    def error(self, field: str, message: str) -> MessageError:
        return MessageError(f"{self.what}: {field}: {message}", field=field, code=self.code)

    def take(self, field: str, count: int) -> bytes:
        left = len(self.data) - self.position
        if count > left:
            raise self.error(field, f"needs {count} bytes, {left} left")
        start = self.position
        self.position += count
        return self.data[start : self.position]

    def u8(self, field: str) -> int:
        return self.take(field, 1)[0]

    def u16(self, field: str) -> int:
        return int.from_bytes(self.take(field, 2), "little")

    def u24(self, field: str) -> int:
        return int.from_bytes(self.take(field, 3), "little")

    def u32(self, field: str) -> int:
        return int.from_bytes(self.take(field, 4), "little")

    def enum(self, field: str, enum: type[E]) -> E:
        value = self.u8(field)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(str(int(m)) for m in enum)
            raise self.error(field, f"expected one of {allowed}, got {value}") from None

    def rest(self) -> bytes:
        start = self.position
        self.position = len(self.data)
        return self.data[start:]

    @property
    def left(self) -> int:
        return len(self.data) - self.position

    def end(self) -> None:
        """Rejects bytes after the last field (NAK reason 2 on a reader)."""
        if self.position != len(self.data):
            extra = len(self.data) - self.position
            raise MessageError(
                f"{self.what}: {extra} unexpected bytes after the last field "
                f"(payload is {len(self.data)} bytes, expected {self.position})",
                field="length",
                code=self.code,
            )

    def records(self, size: int) -> int:
        """How many ``size``-byte records the payload holds; at least one, no leftovers."""
        if not self.data or len(self.data) % size:
            raise MessageError(
                f"{self.what}: payload is {len(self.data)} bytes, expected a non-zero "
                f"multiple of {size}",
                field="length",
                code=self.code,
            )
        return len(self.data) // size
