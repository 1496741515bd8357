"""What the intercom shows on an external OSDP reader after each access decision.

The manual says nothing about reader feedback; access control panels commonly answer a card
with the reader's LED and beeper, and so does the simulated intercom:

| decision | LED (temporary, then back to the reader's permanent state) | beeper |
|---|---|---|
| granted | steady green for the door open time | one short beep (0.2 s) |
| denied | steady red for 2 s | one long beep (1 s) |
| PIN required | amber, flashing 0.5 s on / 0.5 s off, for the PIN timeout | none |
| not checked | nothing: the intercom did not decide | none |

The permanent LED state is never touched: it belongs to the reader's idle look.
"""

from __future__ import annotations

from axisctl.apis.access.settings import ReaderSettings
from axisctl.drivers.osdp import (
    BuzzerCommand,
    LedColor,
    LedCommand,
    TemporaryLedControl,
    ToneCode,
)
from axisctl.sim.access.decisions import AccessResult

#: OSDP times are in 100 ms units.
_PER_SECOND = 10
#: How long the red LED shows a denial.
DENIED_LED_S = 2
#: Beeps, in 100 ms units: short for a grant, long for a denial.
GRANTED_BEEP = 2
DENIED_BEEP = 10
#: The amber blink while the reader waits for a PIN, in 100 ms units.
PIN_BLINK = 5

FeedbackRecord = LedCommand | BuzzerCommand


def _led(color: LedColor, seconds: int, *, blink: int = 0) -> LedCommand:
    return LedCommand(
        temporary_control=TemporaryLedControl.SET,
        # Steady is "on" with no "off" time; a blink alternates with black.
        temporary_on_time=blink or _PER_SECOND,
        temporary_off_time=blink,
        temporary_on_color=color,
        temporary_off_color=LedColor.BLACK,
        temporary_timer=seconds * _PER_SECOND,
    )


def _beep(length: int) -> BuzzerCommand:
    return BuzzerCommand(tone=ToneCode.DEFAULT, on_time=length, off_time=0, count=1)


def feedback_for(result: AccessResult, settings: ReaderSettings) -> tuple[FeedbackRecord, ...]:
    """The LED and buzzer records that show ``result`` on the reader (possibly none)."""
    if result is AccessResult.GRANTED:
        return _led(LedColor.GREEN, settings.door_open_time_s), _beep(GRANTED_BEEP)
    if result is AccessResult.DENIED:
        return _led(LedColor.RED, DENIED_LED_S), _beep(DENIED_BEEP)
    if result is AccessResult.PIN_REQUIRED:
        return (_led(LedColor.AMBER, settings.pin_timeout_s, blink=PIN_BLINK),)
    return ()
