"""The reader settings on the wire: the configuration of the intercom's one IdPoint.

Name/value pairs in the style of the door controllers' ``axtid:SetIdPointConfiguration``
(vapix-wire-formats §8.3), for the IdPoint with token ``Reader``::

    POST /vapix/idpoint {"axtid:GetIdPointConfiguration": {"Token": ["Reader"]}}
    -> {"IdPointConfiguration": [{"token": "Reader", "Configuration": [
          {"Name": "IdPoint.ExternalReader.Enabled", "Value": "false"},
          {"Name": "IdPoint.Reader.Protocol", "Value": "None"},
          {"Name": "IdPoint.Hardware.Address", "Value": "0"}, ...,
          {"Name": "Door.AccessTime", "Value": "PT7S"}]}]}

Booleans are ``true``/``false``, durations ISO 8601 (``PT7S``), the OSDP address hex (as
``IdPoint.Hardware.Address`` is on door controllers), enums their names. :data:`WIRE_NAMES`
lists every name and its :class:`~axisctl.apis.access.settings.ReaderSettings` attribute.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Iterable
from typing import Any

from axisctl.apis.access.settings import SETTING_ENUMS, ReaderSettings
from axisctl.apis.access.wire import format_duration, parse_duration
from axisctl.errors import ParseError

#: Wire name -> :class:`ReaderSettings` attribute, in the order the device lists them.
WIRE_NAMES = {
    "IdPoint.ExternalReader.Enabled": "external_reader",
    "IdPoint.Reader.Protocol": "protocol",
    "IdPoint.Hardware.Address": "osdp_address",
    "IdPoint.Keypress.Format": "keypress_format",
    "IdPoint.Keypress.FacilityCode": "keypress_facility_code",
    "IdPoint.Output.Format": "output_format",
    "IdPoint.Output.FacilityCodeMode": "facility_code_mode",
    "IdPoint.Output.FacilityCode": "facility_code",
    "IdPoint.PIN.Length": "pin_length",
    "IdPoint.PIN.Timeout": "pin_timeout_s",
    "Door.AccessTime": "door_open_time_s",
    "EntryList.Enabled": "entry_list",
}
_DURATIONS = frozenset({"pin_timeout_s", "door_open_time_s"})
_BOOLEANS = frozenset({"external_reader", "entry_list"})
#: Longest number taken from the wire, in digits.
_MAX_DIGITS = 12


def to_configuration(settings: ReaderSettings) -> list[dict[str, str]]:
    """The ``Configuration`` list: every setting as a name/value pair."""
    return [
        {"Name": name, "Value": _format(attr, getattr(settings, attr))}
        for name, attr in WIRE_NAMES.items()
    ]


def from_configuration(pairs: Iterable[tuple[str, str]], where: str) -> ReaderSettings:
    """Settings from a device's name/value pairs; names axisctl does not know are skipped,
    missing ones keep their defaults."""
    return ReaderSettings(**parse_changes(pairs, where, strict=False))


def parse_changes(
    pairs: Iterable[tuple[str, str]], where: str, *, strict: bool = True
) -> dict[str, Any]:
    """Attribute values from wire name/value pairs; :class:`ParseError` names the bad one.

    ``strict``: an unknown name or a repeated one is refused (the simulator reading a
    request); otherwise unknown names are skipped (the client reading a newer device).
    """
    values: dict[str, Any] = {}
    for index, (name, text) in enumerate(pairs):
        attr = WIRE_NAMES.get(name)
        if attr is None:
            if strict:
                known = ", ".join(WIRE_NAMES)
                raise ParseError(f"{where}[{index}]: {name!r:.60} is not a setting; known: {known}")
            continue
        if strict and attr in values:
            raise ParseError(f"{where}[{index}]: {name} is given twice")
        values[attr] = _parse(attr, text, f"{where}[{index}] {name}")
    return values


def _format(attr: str, value: Any) -> str:
    if attr in _BOOLEANS:
        return "true" if value else "false"
    if attr in _DURATIONS:
        return format_duration(value)
    if attr == "osdp_address":
        return format(value, "X")
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _parse(attr: str, text: str, where: str) -> Any:
    if attr in _BOOLEANS:
        if text.strip().lower() not in ("true", "false"):
            raise ParseError(f"{where} is {text!r:.20}, expected true or false")
        return text.strip().lower() == "true"
    if attr in _DURATIONS:
        seconds = parse_duration(text, where)
        if seconds != int(seconds):
            raise ParseError(f"{where} is {text!r:.20}, expected whole seconds")
        return int(seconds)
    kind = SETTING_ENUMS.get(attr)
    if kind is not None:
        for member in kind:
            if member.value == text:
                return member
        allowed = ", ".join(str(member.value) for member in kind)
        raise ParseError(f"{where} is {text!r:.40}, expected one of {allowed}")
    hexadecimal = attr == "osdp_address"
    digits = text.strip()
    accepted = string.hexdigits if hexadecimal else string.digits
    if not digits or len(digits) > _MAX_DIGITS or any(char not in accepted for char in digits):
        expected = "a hexadecimal number" if hexadecimal else "a whole number"
        raise ParseError(f"{where} is {text!r:.20}, expected {expected}")
    return int(digits, 16 if hexadecimal else 10)
