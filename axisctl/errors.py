"""One exception hierarchy for everything a device can do wrong.

Every exception names the device it came from (scheme, host and port — never the user
name or password) and, where known, the API and method. The transport fills in the device
on the way out, so codecs and parsers can raise without knowing which device they serve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class AxisError(Exception):
    """Base class of every error raised by axisctl."""

    def __init__(self, message: str, *, device: str | None = None, api: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.device = device
        self.api = api

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.device, self.api) if part)
        return f"{where}: {self.message}" if where else self.message


class ParseError(AxisError, ValueError):
    """Input that a codec or parser cannot accept; the message says what was wrong and where."""


class MalformedResponseError(AxisError):
    """The device answered, but the answer does not have the documented shape."""


class TransportError(AxisError):
    """The device could not be reached or the connection broke."""


class DeviceUnreachableError(TransportError):
    """Connection refused, host unknown, or no route to the device."""


class ConnectionLostError(TransportError):
    """The connection dropped mid-answer, or the body ended before its announced length."""


class DeviceTimeoutError(TransportError):
    """The device did not connect or answer within the configured timeout."""


class TLSError(TransportError):
    """The TLS handshake failed, typically because the certificate is not trusted."""


class CertificatePinMismatchError(TLSError):
    """The device presented a certificate whose SHA-256 fingerprint is not the pinned one."""


class AuthenticationError(AxisError):
    """The device rejected the credentials (HTTP 401 after a fresh challenge)."""


class ForbiddenError(AxisError):
    """The credentials are valid but the account's role is too low for the call."""


class UnsupportedAPIError(AxisError):
    """The device does not offer this API (HTTP 404, or missing from API discovery)."""


class HTTPStatusError(AxisError):
    """An HTTP status the API does not document, such as 500 or 503."""

    def __init__(
        self, message: str, *, status: int, device: str | None = None, api: str | None = None
    ) -> None:
        super().__init__(message, device=device, api=api)
        self.status = status


class DeviceError(AxisError):
    """The device executed the call and answered with an error.

    ``code`` is the API's own error code (codes are scoped per API, never global) or ``None``
    for text APIs such as param.cgi that carry only a message.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        method: str | None = None,
        device: str | None = None,
        api: str | None = None,
    ) -> None:
        super().__init__(message, device=device, api=api)
        self.code = code
        self.method = method

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.device, self.api, self.method) if part)
        what = f"error {self.code}: {self.message}" if self.code is not None else self.message
        return f"{where}: {what}" if where else what


class ConfigurationError(AxisError, ValueError):
    """The client was asked for something unsafe or inconsistent before any request was sent."""


class InvalidSettingValueError(ConfigurationError):
    """A setting the device would refuse, caught before anything was sent.

    ``field`` names the setting (``"light.intensity"``), ``value`` is what was given and
    ``allowed`` lists what would be accepted, where such a list exists. An API's subclass
    names its API in ``API``, used when no ``api`` is given.
    """

    API: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        field: str,
        value: object = None,
        allowed: Sequence[object] | None = None,
        api: str | None = None,
    ) -> None:
        super().__init__(message, api=api if api is not None else self.API)
        self.field = field
        self.value = value
        self.allowed = tuple(allowed) if allowed is not None else None
