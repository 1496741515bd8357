"""Virtual inputs: ``virtualinput/activate.cgi``, ``deactivate.cgi``, ``getschemaversions.cgi``.

A virtual input is a port with no wire: another system sets it high or low over HTTP, and
the device's rules react to it as to a digital input ("I/O > Virtual input, Port 1"). Ports
are numbered from 1; most devices have 64.

The answers are XML in the ``virtualinput1`` namespace, with HTTP 200 for errors too::

    <VirtualInputResponse xmlns="http://www.axis.com/vapix/http_cgi/virtualinput1" ...>
      <Success><ActivateSuccess><StateChanged>true</StateChanged></ActivateSuccess></Success>
    </VirtualInputResponse>
"""

from __future__ import annotations

from dataclasses import dataclass

from axisctl.codecs import safexml
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, HttpRequest, HttpResponse, ModeT, operation

API_NAME = "virtualinput"
NAMESPACE = "http://www.axis.com/vapix/http_cgi/virtualinput1"
#: The schema version every request asks for; devices answer in 1.x.
SCHEMA_VERSION = "1"

PATH_ACTIVATE = "/axis-cgi/virtualinput/activate.cgi"
PATH_DEACTIVATE = "/axis-cgi/virtualinput/deactivate.cgi"
PATH_SCHEMA_VERSIONS = "/axis-cgi/virtualinput/getschemaversions.cgi"

__all__ = [
    "NAMESPACE",
    "SchemaVersion",
    "VirtualInputAPI",
    "VirtualInputError",
    "VirtualInputInternalError",
    "VirtualInputInvalidDurationError",
    "VirtualInputMissingArgumentError",
    "VirtualInputNotFoundError",
    "VirtualInputSchemaVersionError",
]


class VirtualInputError(DeviceError):
    """The device refused a virtual input call; ``code`` is the API's error code.

    ``description`` is the device's ``ErrorDescription`` as sent; ``port`` the port the call
    was about (``None`` for getschemaversions).
    """

    #: The documented code of a subclass; ``None`` on the base class (any other code).
    CODE: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: int | None,
        method: str,
        description: str = "",
        port: int | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__(message, code=code, method=method, device=device, api=API_NAME)
        self.description = description
        self.port = port


class VirtualInputMissingArgumentError(VirtualInputError):
    """Error 10: the request lacked an argument (``port``, ``schemaversion``)."""

    CODE = 10


class VirtualInputNotFoundError(VirtualInputError):
    """Error 20: the device has no virtual input with this port number."""

    CODE = 20


class VirtualInputSchemaVersionError(VirtualInputError):
    """Error 30: the device does not support the requested schema version."""

    CODE = 30


class VirtualInputInternalError(VirtualInputError):
    """Error 40: the device failed internally."""

    CODE = 40


class VirtualInputInvalidDurationError(VirtualInputError):
    """Error 50: the device refused the ``duration``."""

    CODE = 50


_ERRORS: dict[int, type[VirtualInputError]] = {
    10: VirtualInputMissingArgumentError,
    20: VirtualInputNotFoundError,
    30: VirtualInputSchemaVersionError,
    40: VirtualInputInternalError,
    50: VirtualInputInvalidDurationError,
}


@dataclass(frozen=True)
class SchemaVersion:
    """One schema version the device speaks; ``str()`` gives ``"1.1"``."""

    major: int
    minor: int
    deprecated: bool = False

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


def _check_port(port: object) -> int:
    # bool is an int subclass; True would be sent as port 1 without complaint.
    if isinstance(port, bool) or not isinstance(port, int):
        raise ConfigurationError(f"port must be an int, got {type(port).__name__}")
    if port < 1:
        raise ConfigurationError(f"port must be 1 or more (ports are 1-based), got {port}")
    return port


def _check_duration(duration: object) -> int | None:
    if duration is None:
        return None
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise ConfigurationError(
            f"duration must be an int number of seconds, got {type(duration).__name__}"
        )
    if duration < 0:
        raise ConfigurationError(f"duration must be 0 or more seconds, got {duration}")
    return duration


def _request(path: str, params: dict[str, str]) -> HttpRequest:
    # Retrying is safe: a repeated activate or deactivate leaves the same state and causes
    # no second edge; only StateChanged may then read false for a change the lost answer
    # would have reported.
    return HttpRequest("GET", path, api=API_NAME, params=params, idempotent=True)


def parse_response(
    content: bytes, *, method: str, success: str, port: int | None = None
) -> safexml.Element:
    """The ``<{success}>`` element of an answer, or the typed error the answer carries.

    Raises :class:`VirtualInputError` (a subclass per documented code) for ``<Error>``
    answers and :class:`MalformedResponseError` for anything not of the documented shape.
    """
    what = f"virtualinput/{method}.cgi answer"
    try:
        root = safexml.parse_xml(content, what=what)
        namespace = safexml.namespace_of(root)
        if namespace not in (NAMESPACE, None) or safexml.local_name(root) != (
            "VirtualInputResponse"
        ):
            raise ParseError(
                f"{what}: root is {root.tag!r}, expected VirtualInputResponse "
                f"in namespace {NAMESPACE}"
            )
        error = safexml.child(root, namespace, "Error")
        if error is not None:
            raise _error_from(error, namespace, method=method, port=port, what=what)
        return safexml.require_path(root, namespace, ("Success", success), what=what)
    except ParseError as exc:
        raise MalformedResponseError(exc.message, api=API_NAME) from None


def _error_from(
    error: safexml.Element, namespace: str | None, *, method: str, port: int | None, what: str
) -> VirtualInputError:
    general = safexml.require_child(error, namespace, "GeneralError", what=what)
    code_text = safexml.text_of(
        safexml.require_child(general, namespace, "ErrorCode", what=what), what=what
    )
    try:
        code = int(code_text)
    except ValueError:
        raise ParseError(f"{what}: ErrorCode is {code_text!r}, expected a number") from None
    description_element = safexml.child(general, namespace, "ErrorDescription")
    description = (
        "" if description_element is None else safexml.text_of(description_element, what=what)
    )
    message = description or "no description"
    if port is not None:
        message = f"{message} (port {port})"
    cls = _ERRORS.get(code, VirtualInputError)
    return cls(message, code=code, method=method, description=description, port=port)


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _state_changed(success: safexml.Element, what: str) -> bool:
    text = safexml.text_of(
        safexml.require_child(success, safexml.namespace_of(success), "StateChanged", what=what),
        what=what,
    )
    try:
        return _BOOLEANS[text.lower()]
    except KeyError:
        raise ParseError(f"{what}: StateChanged is {text!r}, expected true or false") from None


def _switch_result(response: HttpResponse, *, method: str, success: str, port: int) -> bool:
    element = parse_response(response.content, method=method, success=success, port=port)
    try:
        return _state_changed(element, f"virtualinput/{method}.cgi answer")
    except ParseError as exc:
        raise MalformedResponseError(exc.message, api=API_NAME) from None


def _schema_versions(response: HttpResponse) -> list[SchemaVersion]:
    what = "virtualinput/getschemaversions.cgi answer"
    element = parse_response(
        response.content, method="getschemaversions", success="GetSchemaVersionsSuccess"
    )
    namespace = safexml.namespace_of(element)
    versions: list[SchemaVersion] = []
    try:
        for item in safexml.children(element, namespace, "SchemaVersion"):
            numbers: list[int] = []
            for part in ("MajorVersion", "MinorVersion"):
                text = safexml.text_of(
                    safexml.require_child(item, namespace, part, what=what), what=what
                )
                expected = f"{what}: {part} is {text[:40]!r}, expected a number"
                if not text.isdigit():
                    raise ParseError(expected)
                try:
                    numbers.append(int(text))
                except ValueError:
                    # isdigit() passes "²", which int() refuses, as it refuses more than
                    # 4300 digits; a plain ValueError would escape the typed errors.
                    raise ParseError(expected) from None
            deprecated = safexml.child(item, namespace, "Deprecated") is not None
            versions.append(SchemaVersion(numbers[0], numbers[1], deprecated))
    except ParseError as exc:
        raise MalformedResponseError(exc.message, api=API_NAME) from None
    if not versions:
        raise MalformedResponseError(f"{what}: no SchemaVersion listed", api=API_NAME)
    return versions


class VirtualInputAPI(API[ModeT]):
    """Virtual inputs of a device: set a port high or low to trigger the device's rules."""

    @operation
    def activate(self, port: int, duration: int | None = None) -> Flow[bool]:
        """Set virtual input ``port`` (1-based) high; return whether its state changed.

        With ``duration`` (seconds) the device sets the port low again by itself after that
        time, also when the port was already high; ``duration=0`` gives a pulse (high, then
        low at once). Raises :class:`VirtualInputNotFoundError` for a port the device lacks
        and :class:`VirtualInputInvalidDurationError` for a duration it refuses.
        """
        checked_port = _check_port(port)
        checked_duration = _check_duration(duration)
        params = {"schemaversion": SCHEMA_VERSION, "port": str(checked_port)}
        if checked_duration is not None:
            params["duration"] = str(checked_duration)
        response = yield _request(PATH_ACTIVATE, params)
        return _switch_result(
            response, method="activate", success="ActivateSuccess", port=checked_port
        )

    @operation
    def deactivate(self, port: int) -> Flow[bool]:
        """Set virtual input ``port`` (1-based) low; return whether its state changed.

        Also cancels a pending automatic deactivation from ``activate(..., duration=...)``.
        """
        checked_port = _check_port(port)
        params = {"schemaversion": SCHEMA_VERSION, "port": str(checked_port)}
        response = yield _request(PATH_DEACTIVATE, params)
        return _switch_result(
            response, method="deactivate", success="DeactivateSuccess", port=checked_port
        )

    @operation
    def schema_versions(self) -> Flow[list[SchemaVersion]]:
        """The schema versions of the virtual input API the device supports."""
        response = yield HttpRequest("GET", PATH_SCHEMA_VERSIONS, api=API_NAME, idempotent=True)
        return _schema_versions(response)
