"""Typed errors of the intercom's reader settings and entry list.

Two kinds, kept apart on purpose:

- :class:`InvalidAccessSettingError` is raised *before* anything is sent, when a value would
  be refused; it is a :class:`~axisctl.errors.ConfigurationError` whose ``field`` names the
  setting (``"pin_length"``, ``"entry.pin"``) and whose ``allowed`` lists accepted values.
- :class:`AccessServiceError` and its subclasses are the device's own refusals: a JSON fault
  ``{"Fault": {"Code": "env:Sender", "Subcode": ["ter:InvalidArgVal", "pacsaxis:DuplicatePIN"],
  "Reason": "..."}}`` answered with HTTP 400 (sender) or 500 (receiver). The last subcode
  picks the class: a duplicate first name, PIN or card, a PIN of the wrong length, bad validity
  dates, an unknown token.

No message ever holds a PIN.
"""

from __future__ import annotations

from collections.abc import Sequence

from axisctl.errors import DeviceError, InvalidSettingValueError

#: ``api`` of every error: the services' JSON paths.
IDPOINT_API = "vapix/idpoint"
PACS_API = "vapix/pacs"

# The subcodes the simulator answers with; the local part is what picks the error class.
SUBCODE_NOT_FOUND = "ter:NotFound"
SUBCODE_INVALID_ARG = "ter:InvalidArgVal"
SUBCODE_DUPLICATE_NAME = "DuplicateFirstName"
SUBCODE_DUPLICATE_PIN = "DuplicatePIN"
SUBCODE_DUPLICATE_CARD = "DuplicateCard"
SUBCODE_PIN_LENGTH = "InvalidPINLength"
SUBCODE_VALIDITY = "InvalidValidity"
SUBCODE_CAPACITY = "CapacityExceeded"


class InvalidAccessSettingError(InvalidSettingValueError):
    """A value the device would refuse; nothing was sent. ``field`` names it."""

    API = IDPOINT_API


class AccessServiceError(DeviceError):
    """The device refused a call with a fault; nothing was changed.

    ``fault_code`` is ``env:Sender`` or ``env:Receiver``, ``subcodes`` the nested subcodes
    (``("ter:InvalidArgVal", "pacsaxis:DuplicatePIN")``), ``reason`` the fault's text and
    ``status`` the HTTP status it came with.
    """

    def __init__(
        self,
        reason: str,
        *,
        fault_code: str = "",
        subcodes: tuple[str, ...] = (),
        status: int = 400,
        method: str | None = None,
        api: str | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__(reason, method=method, device=device, api=api)
        self.reason = reason
        self.fault_code = fault_code
        self.subcodes = subcodes
        self.status = status


class CredentialNotFoundError(AccessServiceError):
    """No credential holder has that token."""


class DuplicateFirstNameError(AccessServiceError):
    """Another credential holder has this first name; the manual wants it unique."""


class DuplicatePinError(AccessServiceError):
    """Another credential holder has this PIN; the manual wants PINs unique."""


class DuplicateCardError(AccessServiceError):
    """Another credential holder has this card (UID and bit length)."""


class InvalidPinError(AccessServiceError):
    """The PIN is not 1-32 digits, or not as long as the reader's PIN length."""


class InvalidValidityError(AccessServiceError):
    """The validity dates are not times, or the end is not after the start."""


class EntryListFullError(AccessServiceError):
    """The entry list holds as many credential holders as the device keeps."""


_BY_SUBCODE: dict[str, type[AccessServiceError]] = {
    "NotFound": CredentialNotFoundError,
    SUBCODE_DUPLICATE_NAME: DuplicateFirstNameError,
    SUBCODE_DUPLICATE_PIN: DuplicatePinError,
    SUBCODE_DUPLICATE_CARD: DuplicateCardError,
    SUBCODE_PIN_LENGTH: InvalidPinError,
    SUBCODE_VALIDITY: InvalidValidityError,
    SUBCODE_CAPACITY: EntryListFullError,
}


def error_class(subcodes: Sequence[str]) -> type[AccessServiceError]:
    """The class for a fault's subcodes: the most specific one that axisctl knows."""
    for subcode in reversed(subcodes):
        found = _BY_SUBCODE.get(subcode.rpartition(":")[2])
        if found is not None:
            return found
    return AccessServiceError
