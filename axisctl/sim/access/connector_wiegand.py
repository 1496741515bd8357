"""The reader connector's Wiegand side: a Wiegand reader on two GPIO lines (D0, D1).

A :class:`~axisctl.drivers.wiegand.WiegandReceiver` listens on two gpiozero pins, the
connector's IO1 (D0) and IO2 (D1): mock pins in tests, where a
:class:`~axisctl.drivers.wiegand.WiegandTransmitter` wired to them plays the reader, or real
pins on a Raspberry Pi. Each frame is a card (its bits go to
:meth:`IntercomAccess.present_card`) or, for 4- and 8-bit frames, a key press of the
reader's keypad (:meth:`IntercomAccess.press_keys`): ``FourBit`` keys, or 8-bit keys with the
inverted or the zero high nibble, whichever the frame carries.

The manual has no Wiegand input; the simulator reads the lines while "Use external reader"
is on, as it polls the OSDP reader then (docs/decisions-intercom.tmp.md).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from axisctl.apis.access.cards import InvalidCardError
from axisctl.drivers.wiegand import (
    KeypressFormat,
    ReceivedFrame,
    ReceiverStats,
    WiegandError,
    WiegandFrame,
    WiegandReceiver,
    decode_key,
)
from axisctl.drivers.wiegand.timing import DEFAULT_RECEIVER_GAP_MS
from axisctl.sim.access.decisions import Decision

if TYPE_CHECKING:
    from axisctl.sim.access.reader import IntercomAccess

logger = logging.getLogger(__name__)


class WiegandPins(NamedTuple):
    """The gpiozero pins of D0 (IO1) and D1 (IO2): BCM numbers or names like ``"GPIO17"``."""

    d0: int | str
    d1: int | str


#: Pins the connector's lines take unless told otherwise (BCM numbers).
DEFAULT_WIEGAND_PINS = WiegandPins(17, 27)

_KEY_FORMATS = {
    4: (KeypressFormat.FOUR_BIT,),
    8: (KeypressFormat.EIGHT_BIT_INVERT_PADDED, KeypressFormat.EIGHT_BIT_ZERO_PADDED),
}


def key_of(frame: WiegandFrame) -> str | None:
    """The keypad key a 4- or 8-bit frame carries, or ``None`` when it is not a key."""
    for key_format in _KEY_FORMATS.get(frame.bit_count, ()):
        try:
            return decode_key(frame, key_format)
        except WiegandError:
            continue
    return None


class WiegandInput:
    """A receiver on ``pins`` that presents what it reads to ``access``.

    ``pin_factory`` is gpiozero's (a ``MockFactory`` in tests; ``None``: gpiozero's default).
    Frames are taken while the external reader is on and the device is up; others are
    counted in :attr:`ignored`. Close it to release the pins.
    """

    def __init__(
        self,
        access: IntercomAccess,
        pins: WiegandPins,
        *,
        pin_factory: Any = None,
        frame_gap_ms: float = DEFAULT_RECEIVER_GAP_MS,
    ) -> None:
        self.pins = pins
        self.ignored = 0
        self._access = access
        # Any length: the intercom takes cards of 1-512 bits, and Raw readers send odd ones.
        self._receiver = WiegandReceiver(
            pins.d0,
            pins.d1,
            on_frame=self._on_frame,
            on_error=self._on_error,
            bit_counts=None,
            max_bits=512,
            frame_gap_ms=frame_gap_ms,
            pin_factory=pin_factory,
        )

    def __repr__(self) -> str:
        return f"<WiegandInput d0={self.pins.d0} d1={self.pins.d1}>"

    @property
    def stats(self) -> ReceiverStats:
        """The receiver's counters: frames, glitches, truncated or garbled frames."""
        return self._receiver.stats

    def close(self) -> None:
        self._receiver.close()

    # --- on the receiver's thread -----------------------------------------------------------

    def _on_frame(self, received: ReceivedFrame) -> Decision | None:
        access = self._access
        frame = received.frame
        key = key_of(frame)
        with access.lock:
            if not access.settings.external_reader or access.device.restarting:
                self.ignored += 1
                return None
            if key is not None:
                return access.press_keys(key)
            try:
                return access.present_card(frame.to_text())
            except InvalidCardError as error:
                logger.warning("%s: unusable Wiegand frame: %s", access.device.serial, error)
                return None

    def _on_error(self, error: WiegandError) -> None:
        # A truncated or garbled frame: a real controller drops it; the holder tries again.
        logger.info("%s: Wiegand frame dropped: %s", self._access.device.serial, error)
