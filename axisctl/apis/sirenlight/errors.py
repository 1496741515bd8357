"""Typed errors of ``siren_and_light.cgi``: local validation failures and device error codes.

Two kinds of failure, kept apart on purpose:

- :class:`InvalidProfileError` is raised *before* anything is sent, by the models' own checks
  and by :class:`~axisctl.apis.sirenlight.capabilities.Capabilities`; it is a
  :class:`~axisctl.errors.ConfigurationError` and says which value is wrong and what is allowed.
- :class:`SirenLightError` and its subclasses are the device's own answers (codes 1100-2215),
  each a :class:`~axisctl.errors.DeviceError` that keeps ``code`` and ``method``.
"""

from __future__ import annotations

from axisctl.errors import DeviceError, InvalidSettingValueError

API_NAME = "siren_and_light.cgi"


class InvalidProfileError(InvalidSettingValueError):
    """A profile or an ad-hoc setting that the device would refuse; nothing was sent.

    ``field`` names the setting (``"light.intensity"``, ``"name"``), ``value`` is what was
    given and ``allowed`` lists what would be accepted, where a list exists.
    """

    API = API_NAME


class SirenLightError(DeviceError):
    """The siren and light service answered with an error code."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        method: str | None = None,
        device: str | None = None,
        api: str | None = API_NAME,
        profile: str | None = None,
        device_message: str | None = None,
    ) -> None:
        super().__init__(message, code=code, method=method, device=device, api=api)
        #: The profile the call was about, where there was one.
        self.profile = profile
        #: The device's own words, without what axisctl added.
        self.device_message = message if device_message is None else device_message


class ServiceNotReadyError(SirenLightError):
    """1200: the service is not initialized yet (shortly after boot)."""


class ProfileLimitError(SirenLightError):
    """1201: the device already holds its maximum number of profiles (30 on the D4200)."""


class InvalidProfileRequestError(SirenLightError):
    """1202: the device refused the profile, or the profile named in the call."""


class ProfileNotFoundError(InvalidProfileRequestError):
    """1202 on start, stop or removeProfile: no profile of that name on the device."""


class DuplicateProfileError(InvalidProfileRequestError):
    """1202 on addProfile or an ``add`` upload, and the name is already taken."""


class ActivityNotFoundError(SirenLightError):
    """1203: no running or stored activity has the given siren or light id."""


class HealthCheckNotSupportedError(SirenLightError):
    """1204: this device cannot run a health check."""


class MaintenanceNotSupportedError(SirenLightError):
    """1205 on setMaintenanceMode: this device has no maintenance mode."""


class InvalidSettingError(SirenLightError):
    """2200-2215: one setting was refused; ``field`` names it (``"light intensity"``)."""

    def __init__(
        self,
        message: str,
        *,
        field: str,
        code: int | None = None,
        method: str | None = None,
        device: str | None = None,
        api: str | None = API_NAME,
        profile: str | None = None,
        device_message: str | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            method=method,
            device=device,
            api=api,
            profile=profile,
            device_message=device_message,
        )
        self.field = field


#: What each 22xx code says is wrong, in the words of the error table.
SETTING_FIELDS: dict[int, str] = {
    2200: "siren pattern",
    2201: "light pattern",
    2202: "siren intensity",
    2203: "light intensity",
    2204: "siren priority",
    2205: "light priority",
    2206: "siren duration unit",
    2207: "light duration unit",
    2208: "siren duration",
    2209: "light duration",
    2210: "function type",
    2211: "number of colors",
    2212: "color",
    2213: "name length",
    2214: "description length",
    2215: "light speed",
}

_BY_CODE: dict[int, type[SirenLightError]] = {
    1200: ServiceNotReadyError,
    1201: ProfileLimitError,
    1202: InvalidProfileRequestError,
    1203: ActivityNotFoundError,
    1204: HealthCheckNotSupportedError,
    1205: MaintenanceNotSupportedError,
}

#: Methods that name an existing profile, where 1202 means "no such profile". (``start``
#: and ``stop`` by ids or patterns never answer 1202.)
_NAMES_EXISTING = frozenset({"start", "stop", "removeProfile"})

#: Methods that carry settings; the developer docs' examples answer ``start`` with 1205
#: "Requested light priority is invalid" although the table gives 1205 to maintenance.
_CARRIES_SETTINGS = frozenset({"start", "addProfile", "uploadProfiles"})


def from_device_error(error: DeviceError, *, profile: str | None = None) -> SirenLightError:
    """The typed error for a device answer; device, api, method and code are kept."""
    code = error.code
    method = error.method
    message = f"profile {profile!r}: {error.message}" if profile is not None else error.message
    api = error.api or API_NAME
    field = SETTING_FIELDS.get(code) if code is not None else None
    if code == 1205 and method in _CARRIES_SETTINGS:
        field = "light priority"
    if field is not None:
        return InvalidSettingError(
            message,
            field=field,
            code=code,
            method=method,
            device=error.device,
            api=api,
            profile=profile,
            device_message=error.message,
        )
    kind: type[SirenLightError] = SirenLightError
    if code == 1202 and method in _NAMES_EXISTING:
        kind = ProfileNotFoundError
    elif code is not None:
        kind = _BY_CODE.get(code, SirenLightError)
    return kind(
        message,
        code=code,
        method=method,
        device=error.device,
        api=api,
        profile=profile,
        device_message=error.message,
    )
