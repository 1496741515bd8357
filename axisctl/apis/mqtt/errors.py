"""Typed errors of ``mqtt/client.cgi`` and ``mqtt/event.cgi``.

- :class:`InvalidMqttSettingError` is raised *before* anything is sent, when a model holds
  a value the device would refuse; it is a :class:`~axisctl.errors.ConfigurationError`.
- :class:`MqttError` and its subclasses are the device's own answers, each a
  :class:`~axisctl.errors.DeviceError` that keeps ``code`` and ``method``. 2105
  (authorization) never arrives here: the envelope parser raises
  :class:`~axisctl.errors.ForbiddenError` for it.
"""

from __future__ import annotations

from axisctl.errors import DeviceError, InvalidSettingValueError

CLIENT_API = "mqtt/client.cgi"
EVENT_API = "mqtt/event.cgi"


class InvalidMqttSettingError(InvalidSettingValueError):
    """A setting the device would refuse; nothing was sent. ``field`` names it."""

    API = CLIENT_API


class MqttError(DeviceError):
    """The MQTT client or event bridge answered with an error code."""


class MqttInternalError(MqttError):
    """1100: the device failed internally; its log says why."""


class MqttVersionError(MqttError):
    """2100: the device does not offer the requested API version."""


class MqttRequestError(MqttError):
    """2101 (invalid JSON) or 2102 (method not supported): the request itself was wrong."""


class MqttMissingParameterError(MqttError):
    """2103: a required setting was missing (the message names it)."""


class MqttInvalidParameterError(MqttError):
    """2104: a setting had a value the device refused (the message names it)."""


class MqttRequestTooLargeError(MqttError):
    """2106: the request body was larger than the device accepts."""


_BY_CODE: dict[int, type[MqttError]] = {
    1100: MqttInternalError,
    2100: MqttVersionError,
    2101: MqttRequestError,
    2102: MqttRequestError,
    2103: MqttMissingParameterError,
    2104: MqttInvalidParameterError,
    2106: MqttRequestTooLargeError,
}


def from_device_error(error: DeviceError) -> MqttError:
    """The typed error for a device answer; code, method, device and api are kept."""
    kind = _BY_CODE.get(error.code, MqttError) if error.code is not None else MqttError
    return kind(
        error.message,
        code=error.code,
        method=error.method,
        device=error.device,
        api=error.api,
    )
