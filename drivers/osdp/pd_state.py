"""What an emulated reader shows and what it has to report: LEDs, buzzer, text, I/O, events.

:class:`EmulatorState` is the part of the reader emulator a test or a person looks at. The
protocol core (:mod:`.pd`) applies the control panel's LED, BUZ, TEXT and OUT commands to
it and takes queued card reads and key presses from it, one per POLL. Everything is
thread-safe: the core runs on the emulator's thread while a test presents cards from its
own. Times are monotonic seconds from ``clock``; durations in commands are the protocol's
100 ms units and are converted here.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from axisctl.errors import ConfigurationError

from .messages import (
    BuzzerCommand,
    CardFormat,
    InputStatus,
    KeypadData,
    LedColor,
    LedCommand,
    LocalStatus,
    OutputCommand,
    OutputControl,
    OutputStatus,
    PermanentLedControl,
    RawCardData,
    TemporaryLedControl,
    TextCommand,
    ToneCode,
)

__all__ = ["BuzzerState", "EmulatorState", "LedState", "ReaderEvent"]

ReaderEvent = RawCardData | KeypadData | LocalStatus | InputStatus | OutputStatus

#: KEYPAD carries at most 255 keys; longer input is queued as several reports.
_MAX_KEYS = 255
_TENTH = 0.1


@dataclass(frozen=True)
class LedState:
    """What one LED shows now: ``on_color`` for ``on_time`` s, ``off_color`` for ``off_time``.

    ``off_time`` 0 means steady ``on_color``. ``temporary`` says a temporary setting is
    showing, with ``remaining`` seconds left before the LED returns to its permanent one.
    """

    on_color: LedColor = LedColor.BLACK
    off_color: LedColor = LedColor.BLACK
    on_time: float = 0.0
    off_time: float = 0.0
    temporary: bool = False
    remaining: float | None = None

    @property
    def lit(self) -> bool:
        """Whether the LED shows any colour at all."""
        return self.on_color is not LedColor.BLACK or (
            self.off_time > 0 and self.off_color is not LedColor.BLACK
        )

    def describe(self) -> str:
        """One line for people: ``steady green`` or ``red 0.5 s / off 0.5 s``."""
        on, off = _color_name(self.on_color), _color_name(self.off_color)
        if self.on_time == 0 and self.off_time > 0:
            text = "off" if off == "off" else f"steady {off}"
        elif self.off_time == 0 or on == off:
            text = "off" if on == "off" else f"steady {on}"
        else:
            text = f"{on} {self.on_time:g} s / {off} {self.off_time:g} s"
        if self.temporary and self.remaining is not None:
            text += f" (temporary, {self.remaining:.1f} s left)"
        return text


def _color_name(color: LedColor) -> str:
    return "off" if color is LedColor.BLACK else color.name.lower()


@dataclass(frozen=True)
class BuzzerState:
    """The buzzer: sounding or not, and the last pattern it was given."""

    active: bool = False
    tone: ToneCode = ToneCode.OFF
    on_time: float = 0.0
    off_time: float = 0.0
    count: int = 0

    def describe(self) -> str:
        if not self.active:
            return "silent"
        times = "until stopped" if self.count == 0 else f"{self.count} times"
        return f"beeping {self.on_time:g} s on / {self.off_time:g} s off, {times}"


@dataclass(frozen=True)
class _LedSetting:
    on_color: LedColor
    off_color: LedColor
    on_time: int
    off_time: int


_LED_OFF = _LedSetting(LedColor.BLACK, LedColor.BLACK, 0, 0)


class EmulatorState:
    """The observable state and the event queue of one emulated reader.

    ``inputs`` and ``outputs`` are the number of contact inputs and outputs it has.
    """

    def __init__(
        self, *, inputs: int = 0, outputs: int = 0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._events: deque[ReaderEvent] = deque()
        self._permanent: dict[tuple[int, int], _LedSetting] = {}
        self._temporary: dict[tuple[int, int], tuple[_LedSetting, float]] = {}
        self._buzzer: tuple[BuzzerCommand, float] | None = None
        self._texts: dict[tuple[int, int], TextCommand] = {}
        self._inputs = [False] * inputs
        self._output_permanent = [False] * outputs
        self._output_temporary: dict[int, tuple[bool, float]] = {}
        self.tamper = False
        self.power_failure = False

    # --- what the reader shows --------------------------------------------------------------

    def led(self, led: int = 0, reader: int = 0) -> LedState:
        """What LED ``led`` of reader ``reader`` shows now."""
        with self._lock:
            now = self._clock()
            temporary = self._temporary.get((reader, led))
            if temporary is not None and now < temporary[1]:
                return _led_state(temporary[0], remaining=temporary[1] - now)
            return _led_state(self._permanent.get((reader, led), _LED_OFF))

    def buzzer(self, reader: int = 0) -> BuzzerState:
        """What the buzzer does now."""
        with self._lock:
            if self._buzzer is None:
                return BuzzerState()
            command, started = self._buzzer
            if command.reader != reader:
                return BuzzerState()
            period = (command.on_time + command.off_time) * _TENTH
            sounding = command.tone is ToneCode.DEFAULT and command.on_time > 0
            if sounding and command.count:
                sounding = self._clock() < started + period * command.count
            return BuzzerState(
                sounding,
                command.tone,
                command.on_time * _TENTH,
                command.off_time * _TENTH,
                command.count,
            )

    def text(self, reader: int = 0) -> list[TextCommand]:
        """The texts shown on the reader's display, top row first."""
        with self._lock:
            shown = [cmd for (r, _row), cmd in self._texts.items() if r == reader]
            return sorted(shown, key=lambda cmd: (cmd.row, cmd.column))

    def outputs(self) -> tuple[bool, ...]:
        """Each output's level now (True: active)."""
        with self._lock:
            now = self._clock()
            levels = list(self._output_permanent)
            for index, (level, until) in self._output_temporary.items():
                if now < until:
                    levels[index] = level
            return tuple(levels)

    def inputs(self) -> tuple[bool, ...]:
        with self._lock:
            return tuple(self._inputs)

    # --- what the reader reports ------------------------------------------------------------

    def present_card(
        self,
        bits: str | RawCardData,
        *,
        reader: int = 0,
        format: CardFormat = CardFormat.WIEGAND,
    ) -> RawCardData:
        """Queues a card read, reported as RAW on the next POLL.

        ``bits`` is the card's bits as ``0``/``1`` characters, first transmitted first (a
        whole Wiegand frame including parity), or a ready :class:`RawCardData`.
        """
        raw = (
            bits
            if isinstance(bits, RawCardData)
            else RawCardData.from_bits(bits, reader=reader, format=format)
        )
        with self._lock:
            self._events.append(raw)
        return raw

    def press_keys(self, keys: str, *, reader: int = 0) -> None:
        """Queues key presses (``0``-``9``, ``*``, ``#``, ``A``-``H``), reported as KEYPAD."""
        reports = [
            KeypadData(reader, keys[start : start + _MAX_KEYS])
            for start in range(0, len(keys), _MAX_KEYS)
        ]
        with self._lock:
            self._events.extend(reports)

    def set_tamper(self, tamper: bool) -> None:
        """Opens or closes the tamper switch; the change is reported on the next POLL."""
        with self._lock:
            if tamper != self.tamper:
                self.tamper = tamper
                self._events.append(self.local_status())

    def set_input(self, index: int, active: bool) -> None:
        """Sets contact input ``index``; the change is reported on the next POLL."""
        with self._lock:
            if not 0 <= index < len(self._inputs):
                raise ConfigurationError(
                    f"input {index} does not exist; the reader has {len(self._inputs)}"
                )
            if self._inputs[index] != active:
                self._inputs[index] = active
                self._events.append(InputStatus(tuple(self._inputs)))

    def pending_events(self) -> int:
        with self._lock:
            return len(self._events)

    def next_event(self) -> ReaderEvent | None:
        """The oldest queued report, removed from the queue (the core calls this on POLL)."""
        with self._lock:
            return self._events.popleft() if self._events else None

    def local_status(self) -> LocalStatus:
        with self._lock:
            return LocalStatus(self.tamper, self.power_failure)

    def output_status(self) -> OutputStatus:
        return OutputStatus(self.outputs())

    def input_status(self) -> InputStatus:
        return InputStatus(self.inputs())

    # --- applying commands (called by the protocol core) ------------------------------------

    def apply_leds(self, records: Iterable[LedCommand]) -> None:
        with self._lock:
            now = self._clock()
            for record in records:
                key = (record.reader, record.led)
                if record.temporary_control is TemporaryLedControl.CANCEL:
                    self._temporary.pop(key, None)
                elif record.temporary_control is TemporaryLedControl.SET:
                    setting = _LedSetting(
                        record.temporary_on_color,
                        record.temporary_off_color,
                        record.temporary_on_time,
                        record.temporary_off_time,
                    )
                    self._temporary[key] = (setting, now + record.temporary_timer * _TENTH)
                if record.permanent_control is PermanentLedControl.SET:
                    self._permanent[key] = _LedSetting(
                        record.permanent_on_color,
                        record.permanent_off_color,
                        record.permanent_on_time,
                        record.permanent_off_time,
                    )

    def apply_buzzer(self, records: Iterable[BuzzerCommand]) -> None:
        with self._lock:
            for record in records:
                if record.tone is not ToneCode.NONE:
                    self._buzzer = (record, self._clock())

    def apply_text(self, command: TextCommand) -> None:
        with self._lock:
            self._texts[(command.reader, command.row)] = command

    def check_outputs(self, records: Iterable[OutputCommand]) -> str | None:
        """Why the records cannot be applied (an output that does not exist), or None."""
        count = len(self._output_permanent)
        for record in records:
            if record.output >= count:
                return f"output {record.output} does not exist; the reader has {count}"
        return None

    def apply_outputs(self, records: Iterable[OutputCommand]) -> None:
        with self._lock:
            now = self._clock()
            for record in records:
                self._apply_output(record, now)

    def _apply_output(self, record: OutputCommand, now: float) -> None:
        index, control = record.output, record.control
        if control in (OutputControl.PERMANENT_OFF_ABORT, OutputControl.PERMANENT_ON_ABORT):
            self._output_temporary.pop(index, None)
        if control in (OutputControl.PERMANENT_OFF_ABORT, OutputControl.PERMANENT_OFF):
            self._output_permanent[index] = False
        elif control in (OutputControl.PERMANENT_ON_ABORT, OutputControl.PERMANENT_ON):
            self._output_permanent[index] = True
        elif control in (OutputControl.TEMPORARY_ON, OutputControl.TEMPORARY_OFF):
            level = control is OutputControl.TEMPORARY_ON
            self._output_temporary[index] = (level, now + record.timer * _TENTH)


def _led_state(setting: _LedSetting, *, remaining: float | None = None) -> LedState:
    return LedState(
        setting.on_color,
        setting.off_color,
        setting.on_time * _TENTH,
        setting.off_time * _TENTH,
        temporary=remaining is not None,
        remaining=remaining,
    )
