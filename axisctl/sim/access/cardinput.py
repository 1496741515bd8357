"""Card data as the reader connector delivers it, turned into :class:`CardData`.

A Wiegand receiver hands over a bit string; an OSDP reader's RAW reply left-aligned bytes and
a bit count; a test bench may rather say "card 10213, facility 0, 26 bits". All three end up
as the same :class:`CardData`, which is what the entry list matches. The card number and
facility code are decoded (for events and the log) per the configured output format: a
37-bit frame is H10304 when the output format is ``Wiegand37FacilityCode``, else H10302.
"""

from __future__ import annotations

from axisctl.apis.access.cards import (
    CardData,
    InvalidCardError,
    WiegandFields,
    WiegandFormat,
    decode_wiegand,
    encode_wiegand,
)
from axisctl.apis.access.settings import OutputFormat, ReaderSettings


def _format_for(bit_count: int, settings: ReaderSettings, facility: int | None) -> WiegandFormat:
    if bit_count == 37:
        wants_facility = (
            facility is not None or settings.output_format is OutputFormat.WIEGAND37_FACILITY_CODE
        )
        return WiegandFormat.WIEGAND37_FACILITY_CODE if wants_facility else WiegandFormat.WIEGAND37
    found = next((f for f in WiegandFormat if f.bit_count == bit_count), None)
    if found is None:
        raise InvalidCardError(
            f"no Wiegand format has {bit_count} bits; give the card's bits instead of a number"
        )
    return found


def card_from(
    card: CardData | str | None = None,
    *,
    data: bytes | None = None,
    bit_count: int | None = None,
    number: int | None = None,
    facility: int | None = None,
    settings: ReaderSettings,
) -> CardData:
    """The card of exactly one of: ``card`` (:class:`CardData` or a Wiegand bit string),
    ``data`` with ``bit_count`` (OSDP RAW), or ``number`` with ``bit_count`` (and
    ``facility`` where the format has one: 26, 34 or 37 bits).

    Raises :class:`InvalidCardError` saying what is wrong.
    """
    given = [
        name
        for name, value in (("card", card), ("data", data), ("number", number))
        if value is not None
    ]
    if len(given) != 1:
        raise InvalidCardError(
            "give exactly one of a card (or bit string), OSDP data with a bit count, or a "
            f"card number with a bit count; got {', '.join(given) or 'none'}"
        )
    if card is not None:
        if facility is not None or bit_count is not None:
            raise InvalidCardError("a card or bit string carries its own length and facility")
        if isinstance(card, CardData):
            return card
        if not isinstance(card, str):
            raise InvalidCardError(f"a card is CardData or a bit string, not {type(card).__name__}")
        return CardData.from_bits(card)
    if bit_count is None:
        raise InvalidCardError("a bit count is needed with OSDP data or a card number")
    if data is not None:
        if facility is not None:
            raise InvalidCardError("OSDP data carries its own facility code")
        return CardData.from_osdp(data, bit_count)
    assert number is not None
    kind = _format_for(bit_count, settings, facility)
    return encode_wiegand(kind, facility or 0, number)


def card_fields(card: CardData, settings: ReaderSettings) -> WiegandFields | None:
    """Facility code and card number of a Wiegand frame; ``None`` for other lengths or a frame
    whose parity does not check (the raw bits still match the entry list)."""
    if card.bit_count not in (26, 34, 37):
        return None
    try:
        return decode_wiegand(card, _format_for(card.bit_count, settings, None))
    except InvalidCardError:
        return None
