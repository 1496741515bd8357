"""Encode a facility and card number to a Wiegand frame and decode a frame back.

>>> frame = encode(WiegandFormat.H10301, facility=0, card=10213)
>>> frame.to_text(), frame.to_axis_hex()
('10000000000100111111001011', '02004fcb')
>>> decode("1 0000 0000 0010 0111 1110 0101 1").card
10213
"""

from __future__ import annotations

from dataclasses import dataclass

from axisctl.drivers.wiegand.errors import WiegandError, WiegandLengthError
from axisctl.drivers.wiegand.formats import (
    AUTO_DETECTED,
    WiegandFormat,
    check_field,
    check_length,
    check_parity,
)
from axisctl.drivers.wiegand.frame import WiegandFrame

__all__ = ["MAX_RAW_BITS", "Credential", "axis_id_data", "candidates", "decode", "encode"]

#: The longest raw frame: OSDP carries the bit count of card data in 16 bits.
MAX_RAW_BITS = 2**16 - 1


@dataclass(frozen=True)
class Credential:
    """A decoded card: its format, facility code (``None`` where the format has none), card
    number, and the frame it came from (parity already checked)."""

    format: WiegandFormat
    facility: int | None
    card: int
    frame: WiegandFrame

    @property
    def bit_count(self) -> int:
        return self.frame.bit_count


def encode(
    format: WiegandFormat,
    *,
    card: int,
    facility: int | None = None,
    bit_count: int | None = None,
) -> WiegandFrame:
    """The frame for ``card`` (and ``facility``) in ``format``, parity bits set.

    ``facility`` defaults to 0 in formats that have one and must be left out in those that
    have none (H10302, raw). ``bit_count`` is required for raw frames (the card number is then
    the whole frame) and, if given for another format, must be its length.

    Raises :class:`~axisctl.drivers.wiegand.errors.WiegandRangeError` naming the field and
    its range when a value does not fit.
    """
    layout = format.layout
    if layout is None:
        if bit_count is None:
            raise WiegandError("raw frames need a bit_count")
        if facility is not None:
            raise WiegandError("raw frames have no facility code; leave facility out")
        check_field("bit_count", bit_count, MAX_RAW_BITS, format, minimum=1)
        check_field("card", card, (1 << bit_count) - 1, format)
        return WiegandFrame(card, bit_count)

    if bit_count is not None and bit_count != layout.bit_count:
        raise WiegandLengthError(
            f"{format.value} frames have {layout.bit_count} bits, not {bit_count}",
            got=bit_count,
            expected=(layout.bit_count,),
            format=format.value,
        )
    check_field("card", card, layout.card.maximum, format)
    value = card << (layout.bit_count - layout.card.last)
    if layout.facility is None:
        if facility is not None:
            raise WiegandError(f"{format.value} has no facility code; leave facility out")
    else:
        facility = 0 if facility is None else facility
        check_field("facility", facility, layout.facility.maximum, format)
        value |= facility << (layout.bit_count - layout.facility.last)
    frame = WiegandFrame(value, layout.bit_count)
    for rule in layout.parity:
        value |= rule.expected(frame) << (layout.bit_count - rule.bit)
    return WiegandFrame(value, layout.bit_count)


def decode(frame: WiegandFrame | str, format: WiegandFormat | None = None) -> Credential:
    """The credential in ``frame`` (a :class:`WiegandFrame` or ``"0101..."`` text).

    Without ``format`` the format follows from the length: 26 bits H10301, 34 bits H10306,
    37 bits H10302 (H10304 has the same length and parity windows; its facility and card are
    the H10302 card number's top 16 and low 19 bits, see :func:`candidates`). Other lengths
    need ``format=WiegandFormat.RAW``.

    Raises :class:`WiegandLengthError` for a length the format does not have and
    :class:`WiegandParityError` saying which parity bit failed.
    """
    if isinstance(frame, str):
        frame = WiegandFrame.from_text(frame)
    if format is None:
        detected = AUTO_DETECTED.get(frame.bit_count)
        if detected is None:
            raise WiegandLengthError(
                f"no card format has {frame.bit_count} bits (known: 26, 34, 37); "
                "decode it as raw to take all bits as the card number",
                got=frame.bit_count,
                expected=sorted(AUTO_DETECTED),
            )
        format = detected
    layout = format.layout
    if layout is None:
        return Credential(format, None, frame.value, frame)
    check_length(frame, format, layout)
    check_parity(frame, format, layout)
    facility = frame.field(layout.facility.first, layout.facility.last) if layout.facility else None
    return Credential(format, facility, frame.field(layout.card.first, layout.card.last), frame)


def candidates(frame: WiegandFrame | str) -> tuple[Credential, ...]:
    """Every fixed format whose length and parity ``frame`` matches (possibly none).

    A valid 37-bit frame gives two: H10302 and H10304.
    """
    if isinstance(frame, str):
        frame = WiegandFrame.from_text(frame)
    found: list[Credential] = []
    for fmt in WiegandFormat:
        if fmt.layout is None or fmt.layout.bit_count != frame.bit_count:
            continue
        try:
            found.append(decode(frame, fmt))
        except WiegandError:
            continue
    return tuple(found)


def axis_id_data(credential: Credential) -> dict[str, str]:
    """The IdData an Axis door controller reports for a card (``axtid:GetLastCredential``).

    ``Card``/``FullCard`` are right-aligned hex, ``CardNrHex`` unpadded lower-case hex;
    ``ParityEven``/``ParityOdd`` (the values of the first and last bit) only for formats with
    parity, ``FacilityCode`` only for formats with one.
    """
    frame = credential.frame
    data = {"FullCard": frame.to_axis_hex()}
    layout = credential.format.layout
    if layout is not None:
        data["ParityEven"] = str(frame.bit(layout.parity[0].bit))
    if credential.facility is not None:
        data["FacilityCode"] = str(credential.facility)
    data["CardNr"] = str(credential.card)
    data["CardNrHex"] = format(credential.card, "x")
    if layout is not None:
        data["ParityOdd"] = str(frame.bit(layout.parity[1].bit))
    data["Card"] = frame.to_axis_hex()
    data["BitCount"] = str(frame.bit_count)
    return data
