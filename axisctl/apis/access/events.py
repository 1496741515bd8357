"""Access decisions on the event stream: topics, deny reasons and typed events.

The topics are the door controllers' (vapix-wire-formats §8.4); the manual names only the
rule condition "Entry list > Access granted" (L148), which is
:data:`TOPIC_ACCESS_GRANTED`. Every presentation the entry list decides on ends in exactly
one granted or denied event; a card read is also announced on :data:`TOPIC_CARD_READ`.
Events are stateless and carry the access point in the source (``AccessPointToken``) or,
for card reads, the reader (``IdPointToken``).

- ``tns1:AccessControl/AccessGranted/Credential``: ``CredentialToken``,
  ``CredentialHolderName``;
- ``tns1:AccessControl/Denied/Credential``: the same and ``Reason`` (:class:`DenyReason`);
- ``tns1:AccessControl/Denied/Authentication/InvalidPIN``: ``CredentialToken``,
  ``CredentialHolderName``;
- ``tns1:AccessControl/Denied/CredentialNotFound/Card``: ``Card`` (hex), ``BitCount``;
- ``tns1:AccessControl/Denied/CredentialNotFound/PIN``: nothing, as a PIN is a secret;
- ``tns1:IdPoint/tnsaxis:Request/IdData``: ``Card``, ``BitCount`` and, where the frame
  decodes, ``FacilityCode`` and ``CardNr``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from axisctl.apis.access.cards import CardData, InvalidCardError
from axisctl.events.models import Event, event_type

TOPIC_ACCESS_GRANTED = "tns1:AccessControl/AccessGranted/Credential"
TOPIC_DENIED = "tns1:AccessControl/Denied/Credential"
TOPIC_DENIED_INVALID_PIN = "tns1:AccessControl/Denied/Authentication/InvalidPIN"
TOPIC_DENIED_CARD_NOT_FOUND = "tns1:AccessControl/Denied/CredentialNotFound/Card"
TOPIC_DENIED_PIN_NOT_FOUND = "tns1:AccessControl/Denied/CredentialNotFound/PIN"
TOPIC_CARD_READ = "tns1:IdPoint/tnsaxis:Request/IdData"

#: Every topic of an access decision; subscribe to all of them with ``tns1:AccessControl//.``.
DECISION_TOPICS = (
    TOPIC_ACCESS_GRANTED,
    TOPIC_DENIED,
    TOPIC_DENIED_INVALID_PIN,
    TOPIC_DENIED_CARD_NOT_FOUND,
    TOPIC_DENIED_PIN_NOT_FOUND,
)


class DenyReason(enum.Enum):
    """Why access was denied; the values are what ``Reason`` says on the wire.

    The first four are ONVIF's access-control reasons; the others are axisctl's for what
    ONVIF has no word for.
    """

    #: Suspended in the entry list.
    CREDENTIAL_NOT_ENABLED = "CredentialNotEnabled"
    #: Before its "Valid from".
    CREDENTIAL_NOT_ACTIVE = "CredentialNotActive"
    #: After its end date.
    CREDENTIAL_EXPIRED = "CredentialExpired"
    #: A wrong PIN after the holder's card.
    INVALID_PIN = "InvalidPIN"
    #: Its "Number of times" is used up.
    NO_USES_LEFT = "NoUsesLeft"
    #: No PIN came within the PIN timeout after the card.
    PIN_TIMEOUT = "PINTimeout"
    #: No holder has this card or PIN.
    CREDENTIAL_NOT_FOUND = "CredentialNotFound"


def _text(items: Mapping[str, str], name: str) -> str | None:
    value = items.get(name)
    return value if isinstance(value, str) and value else None


@event_type(TOPIC_ACCESS_GRANTED)
class AccessGrantedEvent(Event):
    """The entry list granted access: relay 1 opens the door."""

    @property
    def access_point(self) -> str | None:
        return _text(self.source, "AccessPointToken")

    @property
    def credential_token(self) -> str | None:
        return _text(self.data, "CredentialToken")

    @property
    def holder_name(self) -> str | None:
        return _text(self.data, "CredentialHolderName")


@event_type(*DECISION_TOPICS[1:])
class AccessDeniedEvent(Event):
    """The entry list denied access; :attr:`reason` says why."""

    @property
    def access_point(self) -> str | None:
        return _text(self.source, "AccessPointToken")

    @property
    def credential_token(self) -> str | None:
        return _text(self.data, "CredentialToken")

    @property
    def holder_name(self) -> str | None:
        return _text(self.data, "CredentialHolderName")

    @property
    def reason(self) -> DenyReason | None:
        """From the topic where it says (invalid PIN, not found), else from ``Reason``."""
        if self.topic == TOPIC_DENIED_INVALID_PIN:
            return DenyReason.INVALID_PIN
        if self.topic in (TOPIC_DENIED_CARD_NOT_FOUND, TOPIC_DENIED_PIN_NOT_FOUND):
            return DenyReason.CREDENTIAL_NOT_FOUND
        text = _text(self.data, "Reason")
        return next((reason for reason in DenyReason if reason.value == text), None)

    @property
    def card(self) -> CardData | None:
        """The unknown card, on ``CredentialNotFound/Card``."""
        return _card(self.data)


@event_type(TOPIC_CARD_READ)
class CardReadEvent(Event):
    """A card was presented to the reader: its raw bits, and its fields where they decode."""

    @property
    def idpoint(self) -> str | None:
        return _text(self.source, "IdPointToken")

    @property
    def card(self) -> CardData | None:
        return _card(self.data)

    @property
    def facility_code(self) -> int | None:
        return _number(self.data, "FacilityCode")

    @property
    def card_number(self) -> int | None:
        return _number(self.data, "CardNr")


def _number(items: Mapping[str, str], name: str) -> int | None:
    text = _text(items, name)
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 20:
        return None
    return int(text)


def _card(items: Mapping[str, str]) -> CardData | None:
    text, count = _text(items, "Card"), _number(items, "BitCount")
    if text is None or count is None:
        return None
    try:
        return CardData.from_hex(text, count)
    except InvalidCardError:
        return None
