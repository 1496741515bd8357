"""The intercom's reader settings (manual: Access control > Reader, Entry list; relay 1).

:class:`ReaderSettings` holds them and checks them; their wire form (the configuration of
the intercom's IdPoint) is :mod:`~axisctl.apis.access.settings_wire`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, NoReturn, TypeVar

from axisctl.apis.access.cards import WiegandFormat
from axisctl.apis.access.errors import InvalidAccessSettingError

# One definition of the intercom's keypress formats and facility-code modes: the Wiegand
# driver's, which also knows how to send them.
from axisctl.drivers.wiegand import FacilityCodeMode, KeypressFormat

#: The intercom's one IdPoint: its reader.
READER_TOKEN = "Reader"  # noqa: S105 - an IdPoint token, not a password

#: Ranges the manual gives (L591-L592) and ranges OSDP allows (addresses 0x00-0x7E).
PIN_LENGTH_RANGE = (0, 32)
PIN_TIMEOUT_RANGE = (3, 50)
OSDP_ADDRESS_RANGE = (0, 0x7E)
#: Seconds relay 1 stays active for a granted credential. The manual's example is 7 s; the
#: limit keeps the pulse within what port.cgi and "Toggle I/O once" take in one step.
DOOR_OPEN_TIME_RANGE = (1, 60)
FACILITY_CODE_RANGE = (0, 0xFFFF)


class ReaderProtocol(enum.Enum):
    """Reader protocol type: how the intercom acts as a reader towards a door controller."""

    #: Not a reader for anyone: the intercom decides with its entry list alone.
    NONE = "None"
    #: Over the network, towards an Axis door controller.
    VAPIX = "VAPIX"
    #: OSDP peripheral on the reader connector's RS-485 pins.
    OSDP = "OSDP"
    #: Wiegand D0/D1 on the reader connector's I/O pins.
    WIEGAND = "Wiegand"


class OutputFormat(enum.Enum):
    """How card data is sent to the access control unit (manual L577-L583)."""

    #: "Transmits the card data as it is."
    RAW = "Raw"
    WIEGAND26 = "Wiegand26"
    WIEGAND34 = "Wiegand34"
    WIEGAND37 = "Wiegand37"
    WIEGAND37_FACILITY_CODE = "Wiegand37FacilityCode"


def wiegand_of(value: KeypressFormat | OutputFormat) -> WiegandFormat | None:
    """The Wiegand frame format a keypress or output format sends, if it is one."""
    return next((f for f in WiegandFormat if f.value == value.value), None)


@dataclass(frozen=True)
class ReaderSettings:
    """Everything the intercom's reader side is configured with.

    ``external_reader``: "Use external OSDP reader" on the reader connector (IO1/IO2 as
    RS-485 A/B). ``protocol``: the reader protocol towards a door controller. Both OSDP and
    Wiegand output use the same connector pins, so neither can be on with an external reader.
    ``osdp_address`` (0-126, "0 is the default and most common address for single readers").
    ``keypress_format`` and ``keypress_facility_code``: how PINs are sent. ``output_format``,
    ``facility_code_mode`` and ``facility_code``: how card data is sent. ``pin_length``
    (0-32; 0 when no PIN is needed) and ``pin_timeout_s`` (3-50): PIN entry.
    ``door_open_time_s``: how long relay 1 (the door) stays active when access is granted.
    ``entry_list``: "Use Entry list" for local decisions.
    """

    external_reader: bool = False
    protocol: ReaderProtocol = ReaderProtocol.NONE
    osdp_address: int = 0
    keypress_format: KeypressFormat = KeypressFormat.FOUR_BIT
    keypress_facility_code: int = 0
    output_format: OutputFormat = OutputFormat.RAW
    facility_code_mode: FacilityCodeMode = FacilityCodeMode.AUTO
    facility_code: int = 0
    pin_length: int = 4
    pin_timeout_s: int = 10
    door_open_time_s: int = 7
    entry_list: bool = True

    def validate(self) -> None:
        """Raise :class:`InvalidAccessSettingError` for the first value the device refuses."""
        for name in ("external_reader", "entry_list"):
            if not isinstance(getattr(self, name), bool):
                _refuse(name, getattr(self, name), "must be true or false")
        for name, kind in SETTING_ENUMS.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                allowed = [member.value for member in kind]
                _refuse(name, value, f"is not one of {', '.join(allowed)}", allowed)
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                _refuse(name, value, f"is out of range {low}-{high}")
        for name, source in (
            ("keypress_facility_code", self.keypress_format),
            ("facility_code", self.output_format),
        ):
            frame = wiegand_of(source)
            value = getattr(self, name)
            if frame is not None and frame.facility_bits and value >= 1 << frame.facility_bits:
                _refuse(
                    name,
                    value,
                    f"does not fit {frame.value}'s {frame.facility_bits}-bit facility code "
                    f"(0-{(1 << frame.facility_bits) - 1})",
                )
        if self.external_reader and self.protocol in (ReaderProtocol.OSDP, ReaderProtocol.WIEGAND):
            _refuse(
                "protocol",
                self.protocol.value,
                "cannot be OSDP or Wiegand while an external reader uses the reader connector "
                "(both need IO1/IO2)",
            )

    def replace(self, changes: Mapping[str, Any]) -> ReaderSettings:
        """A copy with ``changes`` (attribute names; enums may be given by value)."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        for name, value in changes.items():
            if name not in values:
                raise InvalidAccessSettingError(
                    f"{name} is not a reader setting", field=name, allowed=list(values)
                )
            values[name] = _coerce(name, value)
        return ReaderSettings(**values)


#: Settings whose values are enums, and the enum.
SETTING_ENUMS: dict[str, type[enum.Enum]] = {
    "protocol": ReaderProtocol,
    "keypress_format": KeypressFormat,
    "output_format": OutputFormat,
    "facility_code_mode": FacilityCodeMode,
}
_RANGES = {
    "osdp_address": OSDP_ADDRESS_RANGE,
    "keypress_facility_code": FACILITY_CODE_RANGE,
    "facility_code": FACILITY_CODE_RANGE,
    "pin_length": PIN_LENGTH_RANGE,
    "pin_timeout_s": PIN_TIMEOUT_RANGE,
    "door_open_time_s": DOOR_OPEN_TIME_RANGE,
}

E = TypeVar("E", bound=enum.Enum)


def _refuse(
    name: str, value: object, problem: str, allowed: Iterable[object] | None = None
) -> NoReturn:
    raise InvalidAccessSettingError(
        f"{name} {value!r:.40} {problem}",
        field=name,
        value=value,
        allowed=list(allowed) if allowed is not None else None,
    )


def _enum(kind: type[E], value: object, name: str) -> E:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        wanted = value.strip().lower()
        for member in kind:
            if wanted in (str(member.value).lower(), member.name.lower()):
                return member
    allowed = [str(member.value) for member in kind]
    raise InvalidAccessSettingError(
        f"{name} {value!r:.40} is not one of {', '.join(allowed)}",
        field=name,
        value=value,
        allowed=allowed,
    )


def _coerce(name: str, value: Any) -> Any:
    kind = SETTING_ENUMS.get(name)
    return _enum(kind, value, name) if kind is not None else value
