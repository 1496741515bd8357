"""The entry list: credential holders the intercom decides on by itself (manual L593-L616).

One holder carries one credential: a card (UID and bit length), a PIN, or both (then the
card comes first and the PIN follows, L726). On the wire a holder is a credential of the
door controllers' ``pacsaxis`` service (vapix-wire-formats §8.3), the holder's names as
``axudb``-style attributes::

    {"token": "Axis-B8A44F5F0000:1735689600.000000001", "Description": "night shift",
     "Enabled": true, "Status": "Enabled",
     "ValidFrom": "2025-01-01T00:00:00Z", "ValidTo": "2025-12-31T23:59:59Z",
     "IdData": [{"Name": "PIN", "Value": "1234"},
                {"Name": "Card", "Value": "02004fcb"}, {"Name": "BitCount", "Value": "26"}],
     "Attribute": [{"type": "string", "Name": "FirstName", "Value": "Gordon"},
                   {"type": "string", "Name": "LastName", "Value": "Freeman"},
                   {"type": "int", "Name": "RemainingUses", "Value": "10"}]}

``Enabled: false`` is the manual's "Suspend"; no ``ValidTo`` is "No end date";
``RemainingUses`` is "Number of times", counting down with each granted use.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from axisctl.apis._json import kind
from axisctl.apis.access.cards import CardData, InvalidCardError
from axisctl.apis.access.errors import PACS_API, InvalidAccessSettingError
from axisctl.apis.access.wire import format_time, name_values, parse_time
from axisctl.errors import ParseError

#: PIN digits an entry-list PIN may have: the reader's PIN length range, without 0.
PIN_DIGITS_RANGE = (1, 32)
MAX_NAME_CHARS = 64
MAX_NOTES_CHARS = 256
#: Highest "Number of times" a holder may be given.
MAX_USES = 1_000_000


@dataclass(frozen=True)
class CredentialHolder:
    """One entry of the entry list.

    ``first_name`` is unique on the device (compared without regard to case), and so is
    ``pin``. At least one of ``card`` and ``pin`` is set. ``valid_from``/``valid_to`` are
    aware datetimes (``None``: from now on / no end date); ``remaining_uses`` is the
    "Number of times" left (``None``: unlimited). ``suspended`` makes the credential
    temporarily invalid. ``token`` is given by the device; leave it empty to add a holder.
    The PIN never shows in ``repr``.
    """

    first_name: str
    last_name: str = ""
    card: CardData | None = None
    pin: str | None = field(default=None, repr=False)
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    remaining_uses: int | None = None
    suspended: bool = False
    notes: str = ""
    token: str = ""

    @property
    def name(self) -> str:
        """First and last name, for people."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def credential_type(self) -> str:
        """``"card"``, ``"pin"`` or ``"card+pin"``."""
        parts = [part for part, used in (("card", self.card), ("pin", self.pin)) if used]
        return "+".join(parts)

    def validate(self, *, pin_length: int | None = None) -> None:
        """Raise :class:`InvalidAccessSettingError` for what the device would refuse.

        ``pin_length``: the reader's PIN length; when it is not 0, a PIN must have exactly
        that many digits (the keypad completes a PIN after that many).
        """
        _text("first_name", self.first_name, MAX_NAME_CHARS, required=True)
        _text("last_name", self.last_name, MAX_NAME_CHARS)
        _text("notes", self.notes, MAX_NOTES_CHARS, multiline=True)
        if self.card is None and self.pin is None:
            _refuse("card", None, "and pin are both missing: give a card, a PIN or both")
        if self.card is not None and not isinstance(self.card, CardData):
            _refuse("card", self.card, "is not CardData")
        if self.pin is not None:
            check_pin(self.pin, pin_length)
        for name in ("valid_from", "valid_to"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, dt.datetime) or value.utcoffset() is None
            ):
                _refuse(name, value, "must be a datetime with a timezone")
        if (
            self.valid_from is not None
            and self.valid_to is not None
            and self.valid_to <= self.valid_from
        ):
            _refuse("valid_to", self.valid_to, "is not after valid_from")
        uses = self.remaining_uses
        if uses is not None and (
            isinstance(uses, bool) or not isinstance(uses, int) or not 0 <= uses <= MAX_USES
        ):
            _refuse("remaining_uses", uses, f"is out of range 0-{MAX_USES}")
        if not isinstance(self.suspended, bool):
            _refuse("suspended", self.suspended, "must be true or false")

    # --- wire ---------------------------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        id_data = []
        if self.pin is not None:
            id_data.append({"Name": "PIN", "Value": self.pin})
        if self.card is not None:
            id_data.append({"Name": "Card", "Value": self.card.hex})
            id_data.append({"Name": "BitCount", "Value": str(self.card.bit_count)})
        attributes = [
            {"type": "string", "Name": "FirstName", "Value": self.first_name},
            {"type": "string", "Name": "LastName", "Value": self.last_name},
        ]
        if self.remaining_uses is not None:
            attributes.append(
                {"type": "int", "Name": "RemainingUses", "Value": str(self.remaining_uses)}
            )
        body: dict[str, Any] = {
            "token": self.token,
            "Description": self.notes,
            "Enabled": not self.suspended,
            "Status": "Disabled" if self.suspended else "Enabled",
        }
        if self.valid_from is not None:
            body["ValidFrom"] = format_time(self.valid_from)
        if self.valid_to is not None:
            body["ValidTo"] = format_time(self.valid_to)
        body["IdData"] = id_data
        body["Attribute"] = attributes
        return body

    @classmethod
    def from_wire(cls, value: Any, where: str, *, strict: bool = False) -> CredentialHolder:
        """A holder from a ``Credential`` object; :class:`ParseError` names the bad field.

        ``strict`` (the simulator reading a request): unknown IdData names and attributes
        are refused instead of skipped.
        """
        if not isinstance(value, dict):
            raise ParseError(f"{where} is {kind(value)}, expected a Credential object")
        token = _opt_str(value, "token", where) or ""
        notes = _opt_str(value, "Description", where) or ""
        enabled = value.get("Enabled", True)
        if not isinstance(enabled, bool):
            raise ParseError(f"{where}.Enabled is {kind(enabled)}, expected true or false")
        status = _opt_str(value, "Status", where)
        if status is not None and status not in ("Enabled", "Disabled"):
            raise ParseError(f"{where}.Status is {status!r:.20}, expected Enabled or Disabled")
        if status is not None and "Enabled" in value and (status == "Enabled") != enabled:
            raise ParseError(f"{where}: Status {status} contradicts Enabled {enabled}")
        if status is not None and "Enabled" not in value:
            enabled = status == "Enabled"
        valid_from = _opt_time(value, "ValidFrom", where)
        valid_to = _opt_time(value, "ValidTo", where)
        pin, card = _id_data(value.get("IdData", []), f"{where}.IdData", strict)
        attributes = _attributes(value.get("Attribute", []), f"{where}.Attribute", strict)
        first = attributes.get("FirstName")
        if first is None:
            raise ParseError(f"{where}.Attribute has no FirstName")
        uses_text = attributes.get("RemainingUses")
        uses = None
        if uses_text is not None:
            if not uses_text.isascii() or not uses_text.isdigit() or len(uses_text) > 9:
                raise ParseError(
                    f"{where}.Attribute RemainingUses is {uses_text!r:.20}, expected a count"
                )
            uses = int(uses_text)
        return cls(
            first_name=first,
            last_name=attributes.get("LastName", ""),
            card=card,
            pin=pin,
            valid_from=valid_from,
            valid_to=valid_to,
            remaining_uses=uses,
            suspended=not enabled,
            notes=notes,
            token=token,
        )


def check_pin(pin: object, pin_length: int | None = None) -> str:
    """Return ``pin`` if it is 1-32 digits (and ``pin_length`` long, unless that is 0/None)."""
    low, high = PIN_DIGITS_RANGE
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        # Never the value: a PIN is a secret.
        _refuse("pin", None, "must be digits 0-9 only")
    if not low <= len(pin) <= high:
        _refuse("pin", None, f"must have {low}-{high} digits, got {len(pin)}")
    if pin_length and len(pin) != pin_length:
        _refuse("pin", None, f"must have {pin_length} digits (the reader's PIN length)")
    return pin


def _refuse(name: str, value: object, problem: str) -> NoReturn:
    shown = "" if value is None else f" {value!r:.40}"
    raise InvalidAccessSettingError(
        f"{name}{shown} {problem}", field=f"entry.{name}", value=value, api=PACS_API
    )


def _text(
    name: str, value: object, limit: int, *, required: bool = False, multiline: bool = False
) -> None:
    if not isinstance(value, str):
        _refuse(name, value, "must be text")
    if required and not value.strip():
        _refuse(name, value, "is empty")
    if len(value) > limit:
        _refuse(name, None, f"has {len(value)} characters, at most {limit}")
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        _refuse(name, value, "holds control characters")


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParseError(f"{where}.{key} is {kind(value)}, expected a string")
    return value


def _opt_time(obj: Mapping[str, Any], key: str, where: str) -> dt.datetime | None:
    text = _opt_str(obj, key, where)
    return parse_time(text, f"{where}.{key}") if text else None


def _id_data(value: Any, where: str, strict: bool) -> tuple[str | None, CardData | None]:
    items: dict[str, str] = {}
    for name, text in name_values(value, where):
        if name in items:
            raise ParseError(f"{where}: {name} is given twice")
        if name not in ("PIN", "Card", "BitCount"):
            if strict:
                raise ParseError(f"{where}: {name!r:.40} is not PIN, Card or BitCount")
            continue
        items[name] = text
    card = None
    if ("Card" in items) != ("BitCount" in items):
        raise ParseError(f"{where}: Card and BitCount come together")
    if "Card" in items:
        count = items["BitCount"]
        if not count.isascii() or not count.isdigit() or len(count) > 4:
            raise ParseError(f"{where}: BitCount is {count!r:.20}, expected a number of bits")
        try:
            card = CardData.from_hex(items["Card"], int(count))
        except InvalidCardError as exc:
            raise ParseError(f"{where}: {exc.message}") from None
    return items.get("PIN"), card


def _attributes(value: Any, where: str, strict: bool) -> dict[str, str]:
    if not isinstance(value, list):
        raise ParseError(f"{where} is {kind(value)}, expected a list of attributes")
    found: dict[str, str] = {}
    for name, text in name_values(value, where):
        if name in found:
            raise ParseError(f"{where}: {name} is given twice")
        if name not in ("FirstName", "LastName", "RemainingUses"):
            if strict:
                raise ParseError(f"{where}: {name!r:.40} is not an attribute of a holder")
            continue
        found[name] = text
    return found
