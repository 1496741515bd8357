"""Card data as readers report it, and the Wiegand card formats an intercom reads.

A card read is a number of bits, sent MSB first. Three spellings of the same bits meet here:

- a Wiegand bit string, ``"10000000000100111111001011"`` (26 bits);
- Axis's ``Card`` IdData: the bits read as an integer, in lowercase hex, left-padded to whole
  bytes (right-aligned): ``02004fcb``, with ``BitCount`` 26 (vapix-wire-formats §8.5);
- OSDP's RAW card data: MSB first, left-aligned, zero-padded at the end: ``80 13 f2 c0``.

:class:`CardData` holds the bits once (``value`` and ``bit_count``) and converts between the
three. :func:`encode_wiegand` and :func:`decode_wiegand` pack and unpack the facility code
and card number of the HID formats the intercom names (H10301 ``Wiegand26``, H10306
``Wiegand34``, H10302 ``Wiegand37``, H10304 ``Wiegand37FacilityCode``), parity included,
with the Wiegand driver's codec (:mod:`axisctl.drivers.wiegand`).
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass

from axisctl.drivers import wiegand
from axisctl.errors import ParseError

#: Most bits one card read may carry: OSDP's RAW reply holds at most 64 data bytes (libosdp).
MAX_CARD_BITS = 512


class InvalidCardError(ParseError):
    """Card data that is not a valid read: bad digits, a wrong length, or a bad parity bit."""


class WiegandFormat(enum.Enum):
    """The HID Wiegand formats, by the names the intercom's settings use."""

    #: HID H10301: even parity, 8-bit facility code, 16-bit card number, odd parity.
    WIEGAND26 = "Wiegand26"
    #: HID H10306: even parity, 16-bit facility code, 16-bit card number, odd parity.
    WIEGAND34 = "Wiegand34"
    #: HID H10302: even parity, 35-bit card number, odd parity.
    WIEGAND37 = "Wiegand37"
    #: HID H10304: even parity, 16-bit facility code, 19-bit card number, odd parity.
    WIEGAND37_FACILITY_CODE = "Wiegand37FacilityCode"

    @property
    def bit_count(self) -> int:
        return _layout(self).bit_count

    @property
    def facility_bits(self) -> int:
        """Width of the facility code field; 0 when the format has none (H10302)."""
        facility = _layout(self).facility
        return 0 if facility is None else facility.width

    @property
    def number_bits(self) -> int:
        return _layout(self).card.width


# The layouts and parity rules are the Wiegand driver's; these are its HID names for the
# intercom's (Axis) names.
_DRIVER_FORMATS = {
    kind: next(f for f in wiegand.WiegandFormat if f.axis_name == kind.value)
    for kind in WiegandFormat
}


def _layout(kind: WiegandFormat) -> wiegand.FormatLayout:
    layout = _DRIVER_FORMATS[kind].layout
    assert layout is not None  # only raw frames have none
    return layout


@dataclass(frozen=True)
class CardData:
    """The bits of one card read: ``value`` is the bits as an integer (MSB first).

    >>> CardData.from_bits("10000000000100111111001011").hex
    '02004fcb'
    """

    value: int
    bit_count: int

    def __post_init__(self) -> None:
        if isinstance(self.bit_count, bool) or not isinstance(self.bit_count, int):
            raise InvalidCardError(f"bit count is {type(self.bit_count).__name__}, expected int")
        if not 1 <= self.bit_count <= MAX_CARD_BITS:
            raise InvalidCardError(f"bit count {self.bit_count} is out of range 1-{MAX_CARD_BITS}")
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise InvalidCardError(f"card value is {type(self.value).__name__}, expected int")
        if not 0 <= self.value < 1 << self.bit_count:
            raise InvalidCardError(f"card value does not fit in {self.bit_count} bits")

    @classmethod
    def from_bits(cls, bits: str) -> CardData:
        """A Wiegand bit string, first bit first; spaces and underscores are ignored."""
        text = "".join(bits.split()).replace("_", "")
        if not text:
            raise InvalidCardError("bit string is empty")
        if text.strip("01"):
            raise InvalidCardError(f"bit string {bits[:40]!r} holds characters other than 0/1")
        if len(text) > MAX_CARD_BITS:
            raise InvalidCardError(f"bit string has {len(text)} bits, at most {MAX_CARD_BITS}")
        return cls(int(text, 2), len(text))

    @classmethod
    def from_hex(cls, text: str, bit_count: int) -> CardData:
        """Axis ``Card`` IdData: the bits as a right-aligned hex number, and the bit count."""
        digits = text.strip()
        if digits.lower().startswith("0x"):
            digits = digits[2:]
        if not digits or any(char not in string.hexdigits for char in digits):
            raise InvalidCardError(f"card UID {text[:40]!r} is not hexadecimal")
        if len(digits) > MAX_CARD_BITS // 4 + 2:
            raise InvalidCardError(f"card UID has {len(digits)} hex digits, too many")
        value = int(digits, 16)
        if (
            isinstance(bit_count, int)
            and not isinstance(bit_count, bool)
            and 1 <= bit_count <= MAX_CARD_BITS
            and value >= 1 << bit_count
        ):
            raise InvalidCardError(f"card UID {text[:40]!r} has more than {bit_count} bits")
        return cls(value, bit_count)

    @classmethod
    def from_osdp(cls, data: bytes, bit_count: int) -> CardData:
        """OSDP RAW card data: MSB first, left-aligned in ``ceil(bit_count / 8)`` bytes.

        Bits past ``bit_count`` in the last byte are padding and are ignored.
        """
        if isinstance(bit_count, bool) or not isinstance(bit_count, int):
            raise InvalidCardError(f"bit count is {type(bit_count).__name__}, expected int")
        if not 1 <= bit_count <= MAX_CARD_BITS:
            raise InvalidCardError(f"bit count {bit_count} is out of range 1-{MAX_CARD_BITS}")
        expected = (bit_count + 7) // 8
        if len(data) != expected:
            raise InvalidCardError(
                f"OSDP card data has {len(data)} bytes; {bit_count} bits need {expected}"
            )
        return cls(int.from_bytes(data, "big") >> (expected * 8 - bit_count), bit_count)

    @classmethod
    def wiegand(cls, format: WiegandFormat | str, facility: int, number: int) -> CardData:
        """The frame a card of this facility code and number sends, parity bits included."""
        return encode_wiegand(format, facility, number)

    @property
    def bits(self) -> str:
        """The bits as ``0``/``1`` text, first bit first."""
        return format(self.value, f"0{self.bit_count}b")

    @property
    def hex(self) -> str:
        """Axis ``Card`` IdData: lowercase hex, right-aligned, padded to whole bytes."""
        return format(self.value, f"0{(self.bit_count + 7) // 8 * 2}x")

    @property
    def osdp_bytes(self) -> bytes:
        """OSDP RAW card data: left-aligned, the last byte zero-padded."""
        size = (self.bit_count + 7) // 8
        return (self.value << (size * 8 - self.bit_count)).to_bytes(size, "big")

    def __str__(self) -> str:
        return f"{self.hex}/{self.bit_count}"

    def __repr__(self) -> str:
        return f"CardData.from_hex({self.hex!r}, {self.bit_count})"


@dataclass(frozen=True)
class WiegandFields:
    """A decoded Wiegand frame: which format, its facility code (0 without one) and number."""

    format: WiegandFormat
    facility: int
    number: int


def wiegand_format(value: WiegandFormat | str) -> WiegandFormat:
    if isinstance(value, WiegandFormat):
        return value
    for member in WiegandFormat:
        if value.strip().lower() in (member.value.lower(), member.name.lower()):
            return member
    allowed = ", ".join(member.value for member in WiegandFormat)
    raise InvalidCardError(f"card format {value!r:.40} is not one of {allowed}")


def encode_wiegand(format: WiegandFormat | str, facility: int, number: int) -> CardData:
    """Pack ``facility`` and ``number`` into ``format``'s frame with both parity bits."""
    kind = wiegand_format(format)
    for name, value, width in (
        ("facility code", facility, kind.facility_bits),
        ("card number", number, kind.number_bits),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidCardError(f"{name} is {type(value).__name__}, expected int")
        if width == 0 and value != 0:
            raise InvalidCardError(f"{kind.value} has no {name}; give 0, got {value}")
        if not 0 <= value < 1 << width:
            limit = (1 << width) - 1
            raise InvalidCardError(f"{name} {value} is out of range 0-{limit} for {kind.value}")
    # In range, so the driver's encoder (which checks again) cannot refuse.
    frame = wiegand.encode(
        _DRIVER_FORMATS[kind], card=number, facility=facility if kind.facility_bits else None
    )
    return CardData(frame.value, frame.bit_count)


def decode_wiegand(card: CardData, format: WiegandFormat | str | None = None) -> WiegandFields:
    """The facility code and number of a frame; raises :class:`InvalidCardError` naming the
    wrong length or the failed parity bit.

    Without ``format`` the length decides: 26 bits are ``Wiegand26``, 34 ``Wiegand34`` and
    37 ``Wiegand37`` (H10302); pass ``Wiegand37FacilityCode`` for H10304 frames, which have
    the same length.
    """
    if format is None:
        kind = next((k for k in WiegandFormat if k.bit_count == card.bit_count), None)
        if kind is None:
            raise InvalidCardError(
                f"a {card.bit_count}-bit frame is no Wiegand format; expected 26, 34 or 37 bits"
            )
    else:
        kind = wiegand_format(format)
    if card.bit_count != kind.bit_count:
        raise InvalidCardError(
            f"{kind.value} frames have {kind.bit_count} bits, got {card.bit_count}"
        )
    try:
        decoded = wiegand.decode(
            wiegand.WiegandFrame(card.value, card.bit_count), _DRIVER_FORMATS[kind]
        )
    except wiegand.WiegandParityError as exc:
        # When both fail, the leading bit is named: it is checked first.
        which = "trailing odd" if exc.which == "odd" else "leading even"
        raise InvalidCardError(f"{kind.value} frame fails its {which} parity bit") from None
    return WiegandFields(kind, decoded.facility or 0, decoded.card)
