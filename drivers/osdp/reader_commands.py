"""Reader user-interface commands (CP to PD): LED, BUZ and TEXT payloads.

Same conventions as :mod:`.commands`, which re-exports these classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from axisctl.errors import InvalidSettingValueError

from ._fields import Cursor, check_int, check_u8, check_u16, coerce
from .codes import (
    Command,
    LedColor,
    PermanentLedControl,
    TemporaryLedControl,
    TextControl,
    ToneCode,
)

__all__ = ["BuzzerCommand", "LedCommand", "TextCommand"]


@dataclass(frozen=True)
class LedCommand:
    """One LED record: a temporary and a permanent setting for one LED of one reader.

    Times (``*_on_time``, ``*_off_time``, ``temporary_timer``) are in 100 ms units. A block
    whose control is NOP leaves that state alone. Example: a red flash, 0.5 s on and 0.5 s
    off for 3 s, is ``LedCommand(temporary_control=TemporaryLedControl.SET,
    temporary_on_time=5, temporary_off_time=5, temporary_on_color=LedColor.RED,
    temporary_timer=30)``.
    """

    CODE: ClassVar[Command] = Command.LED
    SIZE: ClassVar[int] = 14
    reader: int = 0
    led: int = 0
    temporary_control: TemporaryLedControl = TemporaryLedControl.NOP
    temporary_on_time: int = 0
    temporary_off_time: int = 0
    temporary_on_color: LedColor = LedColor.BLACK
    temporary_off_color: LedColor = LedColor.BLACK
    temporary_timer: int = 0
    permanent_control: PermanentLedControl = PermanentLedControl.NOP
    permanent_on_time: int = 0
    permanent_off_time: int = 0
    permanent_on_color: LedColor = LedColor.BLACK
    permanent_off_color: LedColor = LedColor.BLACK

    def __post_init__(self) -> None:
        check_u8("reader", self.reader)
        check_u8("led", self.led)
        coerce(self, "temporary_control", TemporaryLedControl)
        check_u8("temporary_on_time", self.temporary_on_time)
        check_u8("temporary_off_time", self.temporary_off_time)
        coerce(self, "temporary_on_color", LedColor)
        coerce(self, "temporary_off_color", LedColor)
        check_u16("temporary_timer", self.temporary_timer)
        coerce(self, "permanent_control", PermanentLedControl)
        check_u8("permanent_on_time", self.permanent_on_time)
        check_u8("permanent_off_time", self.permanent_off_time)
        coerce(self, "permanent_on_color", LedColor)
        coerce(self, "permanent_off_color", LedColor)

    def encode(self) -> bytes:
        return (
            bytes(
                (
                    self.reader,
                    self.led,
                    self.temporary_control,
                    self.temporary_on_time,
                    self.temporary_off_time,
                    self.temporary_on_color,
                    self.temporary_off_color,
                )
            )
            + self.temporary_timer.to_bytes(2, "little")
            + bytes(
                (
                    self.permanent_control,
                    self.permanent_on_time,
                    self.permanent_off_time,
                    self.permanent_on_color,
                    self.permanent_off_color,
                )
            )
        )

    @classmethod
    def _read(cls, cursor: Cursor) -> LedCommand:
        return cls(
            reader=cursor.u8("reader"),
            led=cursor.u8("led"),
            temporary_control=cursor.enum("temporary_control", TemporaryLedControl),
            temporary_on_time=cursor.u8("temporary_on_time"),
            temporary_off_time=cursor.u8("temporary_off_time"),
            temporary_on_color=cursor.enum("temporary_on_color", LedColor),
            temporary_off_color=cursor.enum("temporary_off_color", LedColor),
            temporary_timer=cursor.u16("temporary_timer"),
            permanent_control=cursor.enum("permanent_control", PermanentLedControl),
            permanent_on_time=cursor.u8("permanent_on_time"),
            permanent_off_time=cursor.u8("permanent_off_time"),
            permanent_on_color=cursor.enum("permanent_on_color", LedColor),
            permanent_off_color=cursor.enum("permanent_off_color", LedColor),
        )

    @classmethod
    def decode(cls, data: bytes) -> LedCommand:
        cursor = Cursor(data, "LED command", cls.CODE)
        record = cls._read(cursor)
        cursor.end()
        return record

    @classmethod
    def decode_many(cls, data: bytes) -> tuple[LedCommand, ...]:
        cursor = Cursor(data, "LED command", cls.CODE)
        return tuple(cls._read(cursor) for _ in range(cursor.records(cls.SIZE)))


@dataclass(frozen=True)
class BuzzerCommand:
    """One BUZ record: ``count`` beeps of ``on_time``/``off_time`` (100 ms units).

    ``count`` 0 beeps until told otherwise; ``tone`` OFF stops the buzzer.
    """

    CODE: ClassVar[Command] = Command.BUZ
    SIZE: ClassVar[int] = 5
    reader: int = 0
    tone: ToneCode = ToneCode.DEFAULT
    on_time: int = 0
    off_time: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        check_u8("reader", self.reader)
        coerce(self, "tone", ToneCode)
        check_u8("on_time", self.on_time)
        check_u8("off_time", self.off_time)
        check_u8("count", self.count)

    def encode(self) -> bytes:
        return bytes((self.reader, self.tone, self.on_time, self.off_time, self.count))

    @classmethod
    def _read(cls, cursor: Cursor) -> BuzzerCommand:
        return cls(
            cursor.u8("reader"),
            cursor.enum("tone", ToneCode),
            cursor.u8("on_time"),
            cursor.u8("off_time"),
            cursor.u8("count"),
        )

    @classmethod
    def decode(cls, data: bytes) -> BuzzerCommand:
        cursor = Cursor(data, "BUZ command", cls.CODE)
        record = cls._read(cursor)
        cursor.end()
        return record

    @classmethod
    def decode_many(cls, data: bytes) -> tuple[BuzzerCommand, ...]:
        cursor = Cursor(data, "BUZ command", cls.CODE)
        return tuple(cls._read(cursor) for _ in range(cursor.records(cls.SIZE)))


@dataclass(frozen=True)
class TextCommand:
    """TEXT: show ASCII ``text`` at ``row``/``column`` (1-based) of a reader's display.

    ``temporary_time`` is in whole seconds and applies to the temporary controls.
    """

    CODE: ClassVar[Command] = Command.TEXT
    text: str
    reader: int = 0
    control: TextControl = TextControl.PERMANENT
    temporary_time: int = 0
    row: int = 1
    column: int = 1

    def __post_init__(self) -> None:
        check_u8("reader", self.reader)
        coerce(self, "control", TextControl)
        check_u8("temporary_time", self.temporary_time)
        check_u8("row", self.row)
        check_u8("column", self.column)
        if not isinstance(self.text, str) or not self.text.isascii():
            raise InvalidSettingValueError(
                "text: expected ASCII characters only", field="text", value=None
            )
        check_int("text length", len(self.text), 0, 0xFF)

    def encode(self) -> bytes:
        head = (self.reader, self.control, self.temporary_time, self.row, self.column)
        return bytes((*head, len(self.text))) + self.text.encode("ascii")

    @classmethod
    def decode(cls, data: bytes) -> TextCommand:
        cursor = Cursor(data, "TEXT command", cls.CODE)
        reader = cursor.u8("reader")
        control = cursor.enum("control", TextControl)
        temporary_time = cursor.u8("temporary_time")
        row = cursor.u8("row")
        column = cursor.u8("column")
        raw = cursor.take("text", cursor.u8("text length"))
        cursor.end()
        if not raw.isascii():
            raise cursor.error("text", "expected ASCII characters only")
        return cls(raw.decode("ascii"), reader, control, temporary_time, row, column)
