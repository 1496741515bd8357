"""The reader side of an Axis intercom: reader settings, the entry list, access events.

>>> with Device("http://192.168.0.90", "root", "secret") as intercom:    # doctest: +SKIP
...     intercom.access.update_reader_settings(pin_length=4, door_open_time_s=7)
...     intercom.access.add_entry(
...         CredentialHolder("Gordon", "Freeman", card=CardData.wiegand("Wiegand26", 0, 10213))
...     )
...     for holder in intercom.access.entries():
...         print(holder.name, holder.credential_type, holder.remaining_uses)

Guide: docs/readers-intercom.md. Wire formats and choices: docs/decisions-intercom.tmp.md.
"""

from axisctl.apis.access.api import AccessAPI
from axisctl.apis.access.cards import (
    MAX_CARD_BITS,
    CardData,
    InvalidCardError,
    WiegandFields,
    WiegandFormat,
    decode_wiegand,
    encode_wiegand,
)
from axisctl.apis.access.entries import CredentialHolder, check_pin
from axisctl.apis.access.errors import (
    AccessServiceError,
    CredentialNotFoundError,
    DuplicateCardError,
    DuplicateFirstNameError,
    DuplicatePinError,
    EntryListFullError,
    InvalidAccessSettingError,
    InvalidPinError,
    InvalidValidityError,
)
from axisctl.apis.access.events import (
    DECISION_TOPICS,
    TOPIC_ACCESS_GRANTED,
    TOPIC_CARD_READ,
    TOPIC_DENIED,
    TOPIC_DENIED_CARD_NOT_FOUND,
    TOPIC_DENIED_INVALID_PIN,
    TOPIC_DENIED_PIN_NOT_FOUND,
    AccessDeniedEvent,
    AccessGrantedEvent,
    CardReadEvent,
    DenyReason,
)
from axisctl.apis.access.settings import (
    READER_TOKEN,
    OutputFormat,
    ReaderProtocol,
    ReaderSettings,
)

# The Wiegand driver defines these; the reader settings use them as they are.
from axisctl.drivers.wiegand import FacilityCodeMode, KeypressFormat

__all__ = [
    "DECISION_TOPICS",
    "MAX_CARD_BITS",
    "READER_TOKEN",
    "TOPIC_ACCESS_GRANTED",
    "TOPIC_CARD_READ",
    "TOPIC_DENIED",
    "TOPIC_DENIED_CARD_NOT_FOUND",
    "TOPIC_DENIED_INVALID_PIN",
    "TOPIC_DENIED_PIN_NOT_FOUND",
    "AccessAPI",
    "AccessDeniedEvent",
    "AccessGrantedEvent",
    "AccessServiceError",
    "CardData",
    "CardReadEvent",
    "CredentialHolder",
    "CredentialNotFoundError",
    "DenyReason",
    "DuplicateCardError",
    "DuplicateFirstNameError",
    "DuplicatePinError",
    "EntryListFullError",
    "FacilityCodeMode",
    "InvalidAccessSettingError",
    "InvalidCardError",
    "InvalidPinError",
    "InvalidValidityError",
    "KeypressFormat",
    "OutputFormat",
    "ReaderProtocol",
    "ReaderSettings",
    "WiegandFields",
    "WiegandFormat",
    "check_pin",
    "decode_wiegand",
    "encode_wiegand",
]
