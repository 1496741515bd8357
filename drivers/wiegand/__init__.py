"""Wiegand: card and keypress formats, and a transmitter and receiver on two GPIO lines.

The codec (:func:`encode`, :func:`decode`, :class:`WiegandFrame`, keypress formats, output
conversion) is pure Python. :class:`WiegandTransmitter` and :class:`WiegandReceiver` need
gpiozero (the ``pi`` extra); they import it only when constructed, so importing this package
never does. See docs/readers-wiegand.md.
"""

from __future__ import annotations

from axisctl.drivers.wiegand.codec import (
    MAX_RAW_BITS,
    Credential,
    axis_id_data,
    candidates,
    decode,
    encode,
)
from axisctl.drivers.wiegand.edges import DEFAULT_BIT_COUNTS, EdgeDecoder, ReceivedFrame
from axisctl.drivers.wiegand.errors import (
    SignalProblem,
    WiegandBitsError,
    WiegandError,
    WiegandFormatNameError,
    WiegandKeyError,
    WiegandLengthError,
    WiegandParityError,
    WiegandRangeError,
    WiegandSignalError,
)
from axisctl.drivers.wiegand.formats import (
    AUTO_DETECTED,
    BitRange,
    FormatLayout,
    ParityRule,
    WiegandFormat,
    format_names,
)
from axisctl.drivers.wiegand.frame import WiegandFrame
from axisctl.drivers.wiegand.keypress import (
    KEYS,
    KeypressFormat,
    decode_key,
    decode_keys,
    encode_key,
    encode_keys,
)
from axisctl.drivers.wiegand.mock import connect_mock_lines
from axisctl.drivers.wiegand.output import FacilityCodeMode, convert_card
from axisctl.drivers.wiegand.receiver import ReceiverStats, WiegandReceiver
from axisctl.drivers.wiegand.timing import SIA_INTERVAL_US, SIA_PULSE_US, FrameTiming
from axisctl.drivers.wiegand.transmitter import TransmitReport, WiegandTransmitter

__all__ = [
    "AUTO_DETECTED",
    "DEFAULT_BIT_COUNTS",
    "KEYS",
    "MAX_RAW_BITS",
    "SIA_INTERVAL_US",
    "SIA_PULSE_US",
    "BitRange",
    "Credential",
    "EdgeDecoder",
    "FacilityCodeMode",
    "FormatLayout",
    "FrameTiming",
    "KeypressFormat",
    "ParityRule",
    "ReceivedFrame",
    "ReceiverStats",
    "SignalProblem",
    "TransmitReport",
    "WiegandBitsError",
    "WiegandError",
    "WiegandFormat",
    "WiegandFormatNameError",
    "WiegandFrame",
    "WiegandKeyError",
    "WiegandLengthError",
    "WiegandParityError",
    "WiegandRangeError",
    "WiegandReceiver",
    "WiegandSignalError",
    "WiegandTransmitter",
    "axis_id_data",
    "candidates",
    "connect_mock_lines",
    "convert_card",
    "decode",
    "decode_key",
    "decode_keys",
    "encode",
    "encode_key",
    "encode_keys",
    "format_names",
]
