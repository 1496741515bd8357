"""Card formats: H10301 (26-bit), H10306 (34-bit), H10302 and H10304 (37-bit), and raw.

Table-driven from vapix-wire-formats §8.5 (Proxmark3 ``Pack_H103xx``): a leading even parity
bit, the fields, a trailing odd parity bit. Bit numbers are 1-based in transmission order.

===========  ====  =====================  ======================  ============================
format       bits  facility               card                    parity
===========  ====  =====================  ======================  ============================
H10301       26    bits 2-9 (0-255)       bits 10-25 (0-65535)    even 2-13, odd 14-25
H10306       34    bits 2-17 (0-65535)    bits 18-33 (0-65535)    even 2-17, odd 18-33
H10302       37    none                   bits 2-36 (35 bits)     even 2-19, odd 19-36
H10304       37    bits 2-17 (0-65535)    bits 18-36 (0-524287)   even 2-19, odd 19-36
raw          any   none                   all bits                none
===========  ====  =====================  ======================  ============================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from axisctl.drivers.wiegand.errors import (
    WiegandError,
    WiegandFormatNameError,
    WiegandLengthError,
    WiegandParityError,
    WiegandRangeError,
)
from axisctl.drivers.wiegand.frame import WiegandFrame

__all__ = [
    "AUTO_DETECTED",
    "BitRange",
    "FormatLayout",
    "ParityRule",
    "WiegandFormat",
]


@dataclass(frozen=True)
class BitRange:
    """Bits ``first``..``last``, 1-based and inclusive, ``first`` the most significant."""

    first: int
    last: int

    @property
    def width(self) -> int:
        return self.last - self.first + 1

    @property
    def maximum(self) -> int:
        return (1 << self.width) - 1

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


@dataclass(frozen=True)
class ParityRule:
    """Parity bit ``bit`` makes itself plus ``window`` hold an even or odd number of ones."""

    kind: Literal["even", "odd"]
    bit: int
    window: BitRange

    def expected(self, frame: WiegandFrame) -> int:
        """The value bit ``bit`` must have for this frame."""
        ones = frame.ones(self.window.first, self.window.last) & 1
        return ones if self.kind == "even" else ones ^ 1

    def __str__(self) -> str:
        return f"{self.kind} parity in bit {self.bit} over bits {self.window}"


@dataclass(frozen=True)
class FormatLayout:
    """Where the fields and parity bits of a fixed-length format are."""

    bit_count: int
    facility: BitRange | None
    card: BitRange
    parity: tuple[ParityRule, ParityRule]


def _layout(bit_count: int, facility_bits: int, even: BitRange, odd: BitRange) -> FormatLayout:
    card_first = 2 + facility_bits
    return FormatLayout(
        bit_count=bit_count,
        facility=BitRange(2, card_first - 1) if facility_bits else None,
        card=BitRange(card_first, bit_count - 1),
        parity=(ParityRule("even", 1, even), ParityRule("odd", bit_count, odd)),
    )


class WiegandFormat(enum.Enum):
    """A card format; the value is the HID name (``"H10301"``) or ``"raw"``."""

    H10301 = "H10301"
    H10306 = "H10306"
    H10302 = "H10302"
    H10304 = "H10304"
    RAW = "raw"

    @property
    def layout(self) -> FormatLayout | None:
        """The bit layout; ``None`` for raw frames (any length, no parity)."""
        return _LAYOUTS.get(self)

    @property
    def bit_count(self) -> int | None:
        layout = self.layout
        return layout.bit_count if layout else None

    @property
    def has_facility(self) -> bool:
        layout = self.layout
        return layout is not None and layout.facility is not None

    @property
    def axis_name(self) -> str:
        """The name Axis devices use in reader settings (``"Wiegand26"``, ``"Raw"``)."""
        return _AXIS_NAMES[self]

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @classmethod
    def parse(cls, name: str) -> WiegandFormat:
        """A format from its HID name, Axis name or bit count (``"h10301"``, ``"Wiegand26"``,
        ``"26"``), case-insensitive. ``"37"`` alone is refused: two formats have 37 bits."""
        key = name.strip().lower()
        found = _NAMES.get(key)
        if found is not None:
            return found
        if key == "37":
            raise WiegandFormatNameError(
                f"format {name!r} is ambiguous: H10302 (Wiegand37, 35-bit card) or "
                "H10304 (Wiegand37FacilityCode, 16-bit facility, 19-bit card)",
                name=name,
                choices=format_names(),
            )
        raise WiegandFormatNameError(
            f"unknown Wiegand format {name!r}; known: {', '.join(format_names())}",
            name=name,
            choices=format_names(),
        )


_LAYOUTS: dict[WiegandFormat, FormatLayout] = {
    WiegandFormat.H10301: _layout(26, 8, BitRange(2, 13), BitRange(14, 25)),
    WiegandFormat.H10306: _layout(34, 16, BitRange(2, 17), BitRange(18, 33)),
    # The 37-bit windows overlap in bit 19 (Proxmark3 Pack_H10302/H10304).
    WiegandFormat.H10302: _layout(37, 0, BitRange(2, 19), BitRange(19, 36)),
    WiegandFormat.H10304: _layout(37, 16, BitRange(2, 19), BitRange(19, 36)),
}

_AXIS_NAMES = {
    WiegandFormat.H10301: "Wiegand26",
    WiegandFormat.H10306: "Wiegand34",
    WiegandFormat.H10302: "Wiegand37",
    WiegandFormat.H10304: "Wiegand37FacilityCode",
    WiegandFormat.RAW: "Raw",
}

_DESCRIPTIONS = {
    WiegandFormat.H10301: "HID 26-bit: 8-bit facility, 16-bit card",
    WiegandFormat.H10306: "HID 34-bit: 16-bit facility, 16-bit card",
    WiegandFormat.H10302: "HID 37-bit: 35-bit card, no facility",
    WiegandFormat.H10304: "HID 37-bit: 16-bit facility, 19-bit card",
    WiegandFormat.RAW: "any length, no parity: the card number is all the bits",
}

#: The format chosen by bit count when none is given. 37 bits are H10302 or H10304 and
#: parity cannot tell them apart (same windows); H10302 is chosen because it loses nothing:
#: its 35-bit card number is the H10304 facility and card side by side.
AUTO_DETECTED: dict[int, WiegandFormat] = {
    26: WiegandFormat.H10301,
    34: WiegandFormat.H10306,
    37: WiegandFormat.H10302,
}


def _build_names() -> dict[str, WiegandFormat]:
    names: dict[str, WiegandFormat] = {}
    for fmt in WiegandFormat:
        names[fmt.value.lower()] = fmt
        names[fmt.name.lower()] = fmt
        names[fmt.axis_name.lower()] = fmt
    # Bit counts where they name one format; "37" does not (see parse).
    names.update({"26": WiegandFormat.H10301, "34": WiegandFormat.H10306})
    return names


_NAMES = _build_names()


def format_names() -> tuple[str, ...]:
    """The canonical names of the formats: HID names, ``raw``, then the Axis names."""
    return tuple(f.value for f in WiegandFormat) + tuple(f.axis_name for f in WiegandFormat)


def check_field(
    name: str, value: int, maximum: int, fmt: WiegandFormat, *, minimum: int = 0
) -> None:
    """Raise :class:`WiegandRangeError` unless ``minimum <= value <= maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise WiegandError(f"{fmt.value} {name} must be an integer, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise WiegandRangeError(
            f"{fmt.value} {name} {value} is out of range {minimum}-{maximum}",
            field=name,
            minimum=minimum,
            maximum=maximum,
            format=fmt.value,
        )


def check_length(frame: WiegandFrame, fmt: WiegandFormat, layout: FormatLayout) -> None:
    if frame.bit_count != layout.bit_count:
        raise WiegandLengthError(
            f"{fmt.value} frames have {layout.bit_count} bits, got {frame.bit_count}",
            got=frame.bit_count,
            expected=(layout.bit_count,),
            format=fmt.value,
        )


def check_parity(frame: WiegandFrame, fmt: WiegandFormat, layout: FormatLayout) -> None:
    """Raise :class:`WiegandParityError` naming the parity bit(s) that do not match."""
    failed = [rule for rule in layout.parity if frame.bit(rule.bit) != rule.expected(frame)]
    if not failed:
        return
    if len(failed) == 2:
        raise WiegandParityError(
            f"{fmt.value}: both parity bits are wrong ({failed[0]}; {failed[1]})",
            which="both",
            format=fmt.value,
        )
    rule = failed[0]
    raise WiegandParityError(
        f"{fmt.value}: {rule.kind} parity bit {rule.bit} does not match bits {rule.window}",
        which=rule.kind,
        format=fmt.value,
    )
