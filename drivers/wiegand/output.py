"""Card output format and facility-code override mode of an intercom acting as a reader.

The intercom reads a card (from its own reader, or an OSDP reader on its connector) and
sends it on in the configured "Output format" (``Raw``, ``Wiegand26``, ``Wiegand34``,
``Wiegand37``, ``Wiegand37FacilityCode``; seed-intercom.md §3.4.3) with a "Facility code
override mode". The manual gives one sentence per mode; :func:`convert_card` implements
this reading of them (docs/decisions-wiegand.tmp.md):

- ``Auto``: the card's own facility code if it has one, else one "forged from excess bits
  of a card number": the bits above the output's card field.
- ``Optional``: the card's own facility code if it has one, else the configured value
  (and without a configured value, as ``Auto``).
- ``Override``: always the configured value.

A value wider than its output field keeps its low bits (a reader must send something for
every card it reads). An output format without a facility field (``Wiegand37``, H10302)
carries the card's facility and number side by side as one 35-bit number.
"""

from __future__ import annotations

import enum

from axisctl.drivers.wiegand.codec import Credential, encode
from axisctl.drivers.wiegand.errors import WiegandError, WiegandFormatNameError
from axisctl.drivers.wiegand.formats import WiegandFormat, check_field

__all__ = ["FacilityCodeMode", "convert_card"]


class FacilityCodeMode(enum.Enum):
    """The intercom's "Facility code override mode" values, named as Axis names them."""

    AUTO = "Auto"
    OPTIONAL = "Optional"
    OVERRIDE = "Override"

    @classmethod
    def parse(cls, name: str) -> FacilityCodeMode:
        key = name.strip().lower()
        for mode in cls:
            if key == mode.value.lower():
                return mode
        choices = [mode.value for mode in cls]
        raise WiegandFormatNameError(
            f"unknown facility code mode {name!r}; known: {', '.join(choices)}",
            name=name,
            choices=choices,
        )


def _source_number(card: Credential) -> tuple[int | None, int, int]:
    """The card's facility code, card number, and card number width in bits."""
    layout = card.format.layout
    width = layout.card.width if layout else card.frame.bit_count
    return card.facility, card.card, width


def convert_card(
    card: Credential,
    output: WiegandFormat,
    *,
    mode: FacilityCodeMode = FacilityCodeMode.AUTO,
    facility: int | None = None,
) -> Credential:
    """``card`` as the intercom sends it in ``output`` under ``mode``.

    ``card`` is what was read: a decoded card (``decode(frame)``) or raw card data
    (``decode(frame, WiegandFormat.RAW)``, e.g. a 32-bit UID). ``facility`` is the configured
    facility code; ``Override`` needs one. ``output=WiegandFormat.RAW`` sends the card's
    frame as it is.
    """
    if output is WiegandFormat.RAW:
        return Credential(WiegandFormat.RAW, None, card.frame.value, card.frame)
    layout = output.layout
    assert layout is not None
    if facility is not None and layout.facility is not None:
        # A configured value that does not fit is a settings error, not a card to truncate.
        check_field("facility", facility, layout.facility.maximum, output)
    if mode is FacilityCodeMode.OVERRIDE and facility is None and layout.facility is not None:
        raise WiegandError("facility code mode Override needs a configured facility code")

    source_facility, number, width = _source_number(card)
    card_mask = layout.card.maximum
    if layout.facility is None:
        # No facility field: the card's facility and number side by side, as one number.
        if source_facility is not None:
            number |= source_facility << width
        out_card = number & card_mask
        return Credential(output, None, out_card, encode(output, card=out_card))

    if mode is FacilityCodeMode.OVERRIDE:
        assert facility is not None
        out_facility = facility
    elif source_facility is not None:
        out_facility = source_facility
    elif mode is FacilityCodeMode.OPTIONAL and facility is not None:
        out_facility = facility
    else:
        # Forged from the excess bits: whatever does not fit in the output's card field.
        out_facility = number >> layout.card.width
    out_facility &= layout.facility.maximum
    out_card = number & card_mask
    frame = encode(output, card=out_card, facility=out_facility)
    return Credential(output, out_facility, out_card, frame)
