"""PIN keypress formats: what an Axis intercom acting as a Wiegand reader sends for a PIN.

The intercom's "Keypress format" setting (seed-intercom.md §3.4.2) has two families:

- **per key** (``FourBit``, ``EightBitZeroPadded``, ``EightBitInvertPadded``): one short
  frame per key press. PIN 1234 is ``0x1 0x2 0x3 0x4``, ``0x01 0x02 0x03 0x04`` or
  ``0xE1 0xD2 0xC3 0xB4`` (the high nibble is the complement of the key: a check).
  ``*`` and ``#`` are 0xA and 0xB (HID PINpad convention; the manual is silent).
- **whole PIN** (``Wiegand26``, ``Wiegand34``, ``Wiegand37``, ``Wiegand37FacilityCode``): the
  PIN, read as a decimal number, is the card number of one card frame, with the facility
  code setting in the facility field where the format has one. Only digits; leading zeros
  are not carried, so :func:`decode_keys` takes the configured PIN length to restore them.

PINs are secrets: no error message here contains a key; errors give the key's position.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from axisctl.drivers.wiegand.codec import decode, encode
from axisctl.drivers.wiegand.errors import (
    WiegandError,
    WiegandFormatNameError,
    WiegandKeyError,
    WiegandLengthError,
    WiegandRangeError,
)
from axisctl.drivers.wiegand.formats import WiegandFormat
from axisctl.drivers.wiegand.frame import WiegandFrame

__all__ = ["KEYS", "KeypressFormat", "decode_key", "decode_keys", "encode_key", "encode_keys"]

#: The keys a keypad sends: digits, ``*`` (code 0xA) and ``#`` (code 0xB).
KEYS = "0123456789*#"


class KeypressFormat(enum.Enum):
    """The intercom's "Keypress format" values, named as Axis names them."""

    FOUR_BIT = "FourBit"
    EIGHT_BIT_ZERO_PADDED = "EightBitZeroPadded"
    EIGHT_BIT_INVERT_PADDED = "EightBitInvertPadded"
    WIEGAND26 = "Wiegand26"
    WIEGAND34 = "Wiegand34"
    WIEGAND37 = "Wiegand37"
    WIEGAND37_FACILITY_CODE = "Wiegand37FacilityCode"

    @property
    def card_format(self) -> WiegandFormat | None:
        """The card format a whole PIN is sent in; ``None`` for the per-key formats."""
        return _CARD_FORMATS.get(self)

    @property
    def per_key(self) -> bool:
        """True when every key press is its own frame."""
        return self.card_format is None

    @property
    def frame_bits(self) -> int:
        """Bits per frame: 4, 8, or the card format's length."""
        card_format = self.card_format
        if card_format is None:
            return 4 if self is KeypressFormat.FOUR_BIT else 8
        assert card_format.bit_count is not None
        return card_format.bit_count

    @property
    def has_facility(self) -> bool:
        """True when the intercom's "Facility code" setting applies to this format."""
        card_format = self.card_format
        return card_format is not None and card_format.has_facility

    @classmethod
    def parse(cls, name: str) -> KeypressFormat:
        """A keypress format from its Axis name (``"FourBit"``) or enum name, any case."""
        key = name.strip().lower()
        for fmt in cls:
            if key in (fmt.value.lower(), fmt.name.lower()):
                return fmt
        choices = [fmt.value for fmt in cls]
        raise WiegandFormatNameError(
            f"unknown keypress format {name!r}; known: {', '.join(choices)}",
            name=name,
            choices=choices,
        )


_CARD_FORMATS = {
    KeypressFormat.WIEGAND26: WiegandFormat.H10301,
    KeypressFormat.WIEGAND34: WiegandFormat.H10306,
    KeypressFormat.WIEGAND37: WiegandFormat.H10302,
    KeypressFormat.WIEGAND37_FACILITY_CODE: WiegandFormat.H10304,
}


def _key_code(key: str, position: int, fmt: KeypressFormat) -> int:
    code = KEYS.find(key) if len(key) == 1 else -1
    if code < 0:
        raise WiegandKeyError(
            f"key {position} is not a keypad key (expected 0-9, * or #)",
            position=position,
            format=fmt.value,
        )
    return code


def encode_key(key: str, format: KeypressFormat) -> WiegandFrame:
    """The frame one key press (``"0"``-``"9"``, ``"*"``, ``"#"``) sends in a per-key format."""
    if not format.per_key:
        raise WiegandError(f"{format.value} sends the whole PIN in one frame; use encode_keys")
    return _encode_key(key, 1, format)


def _encode_key(key: str, position: int, format: KeypressFormat) -> WiegandFrame:
    code = _key_code(key, position, format)
    if format is KeypressFormat.FOUR_BIT:
        return WiegandFrame(code, 4)
    if format is KeypressFormat.EIGHT_BIT_ZERO_PADDED:
        return WiegandFrame(code, 8)
    return WiegandFrame(((~code & 0xF) << 4) | code, 8)


def encode_keys(
    keys: str, format: KeypressFormat, *, facility: int | None = None
) -> tuple[WiegandFrame, ...]:
    """The frames the intercom sends for ``keys`` in ``format``.

    Per-key formats give one frame per key (``*`` and ``#`` included). Whole-PIN formats
    give one card frame whose card number is the PIN; ``keys`` must then be digits only, and
    ``facility`` (default 0) fills the facility field of formats that have one.
    """
    if not keys:
        raise WiegandError("no keys to encode")
    if (format.per_key or not format.has_facility) and facility is not None:
        raise WiegandError(f"{format.value} sends no facility code; leave facility out")
    if format.per_key:
        return tuple(_encode_key(key, n, format) for n, key in enumerate(keys, start=1))
    card_format = format.card_format
    assert card_format is not None
    assert card_format.layout is not None
    for position, key in enumerate(keys, start=1):
        if key not in "0123456789":
            raise WiegandKeyError(
                f"{format.value} carries digits only; key {position} is not a digit",
                position=position,
                format=format.value,
            )
    maximum = card_format.layout.card.maximum
    # Length first: int() of a huge digit string is slow (and refused past 4300 digits).
    significant = keys.lstrip("0")
    if len(significant) > len(str(maximum)) or int(keys) > maximum:
        # The message names the PIN's length and the limit, never the PIN.
        raise WiegandRangeError(
            f"a PIN of {len(keys)} digits does not fit the card field of {format.value} "
            f"({card_format.layout.card.width} bits, at most {maximum})",
            field="PIN",
            minimum=0,
            maximum=maximum,
            format=format.value,
        )
    if not format.has_facility:
        return (encode(card_format, card=int(keys)),)
    return (encode(card_format, card=int(keys), facility=0 if facility is None else facility),)


def decode_key(frame: WiegandFrame, format: KeypressFormat, *, position: int = 1) -> str:
    """The key a per-key frame carries; ``position`` only numbers the frame in errors."""
    if not format.per_key:
        raise WiegandError(f"{format.value} sends the whole PIN in one frame; use decode_keys")
    if frame.bit_count != format.frame_bits:
        raise WiegandLengthError(
            f"{format.value} key frames have {format.frame_bits} bits; "
            f"frame {position} has {frame.bit_count}",
            got=frame.bit_count,
            expected=(format.frame_bits,),
            format=format.value,
        )
    code = frame.value & 0xF
    check = frame.value >> 4
    if format is KeypressFormat.EIGHT_BIT_ZERO_PADDED and check != 0:
        raise WiegandKeyError(
            f"key frame {position}: the high nibble is not zero padding",
            position=position,
            format=format.value,
        )
    if format is KeypressFormat.EIGHT_BIT_INVERT_PADDED and check != (~code & 0xF):
        raise WiegandKeyError(
            f"key frame {position}: the high nibble is not the complement of the low nibble",
            position=position,
            format=format.value,
        )
    if code >= len(KEYS):
        raise WiegandKeyError(
            f"key frame {position} carries no key (codes 0-11 are keys)",
            position=position,
            format=format.value,
        )
    return KEYS[code]


def decode_keys(
    frames: Iterable[WiegandFrame], format: KeypressFormat, *, pin_length: int | None = None
) -> str:
    """The keys that ``frames`` carry in ``format``.

    Whole-PIN formats need exactly one frame; its parity is checked and the PIN is the card
    number in decimal, left-padded with zeros to ``pin_length`` when given (the intercom's
    PIN length setting), since the number cannot carry leading zeros.
    """
    frames = tuple(frames)
    if format.per_key:
        if not frames:
            raise WiegandError("no key frames to decode")
        return "".join(decode_key(f, format, position=n) for n, f in enumerate(frames, start=1))
    if len(frames) != 1:
        raise WiegandError(f"{format.value} sends a PIN as one frame, got {len(frames)} frames")
    card_format = format.card_format
    assert card_format is not None
    pin = str(decode(frames[0], card_format).card)
    if pin_length is not None:
        if len(pin) > pin_length:
            raise WiegandRangeError(
                f"the PIN in the {format.value} frame has more than {pin_length} digits",
                field="PIN",
                minimum=0,
                maximum=10**pin_length - 1,
                format=format.value,
            )
        pin = pin.zfill(pin_length)
    return pin
