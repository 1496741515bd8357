"""``/axis-cgi/siren_and_light.cgi``: the calls, each a flow for sync and async devices."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from axisctl.apis._json import expect_object
from axisctl.apis.sirenlight.capabilities import Capabilities
from axisctl.apis.sirenlight.errors import (
    API_NAME,
    DuplicateProfileError,
    InvalidProfileError,
    InvalidProfileRequestError,
    from_device_error,
)
from axisctl.apis.sirenlight.models import (
    MAX_PROFILES,
    LightSettings,
    Profile,
    SirenSettings,
    UploadMode,
)
from axisctl.apis.sirenlight.status import HealthCheckResult, StartedActivity, Status
from axisctl.codecs.multipart import FormPart, encode_form
from axisctl.errors import ConfigurationError, DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, HttpRequest, ModeT, operation
from axisctl.transport.jsonrpc import build_envelope, json_call, parse_envelope, supported_versions

PATH = "/axis-cgi/siren_and_light.cgi"

T = TypeVar("T")


def _call(
    method: str,
    params: dict[str, Any] | None = None,
    *,
    idempotent: bool = False,
    profile: str | None = None,
) -> Flow[dict[str, Any]]:
    try:
        return (
            yield from json_call(
                api=API_NAME, path=PATH, method=method, params=params, idempotent=idempotent
            )
        )
    except DeviceError as exc:
        raise from_device_error(exc, profile=profile) from None


def _parse(method: str, parser: Callable[[Any], T], value: Any) -> T:
    try:
        return parser(value)
    except ParseError as exc:
        raise MalformedResponseError(f"{method}: {exc.message}", api=API_NAME) from None


def _indexed(error: InvalidProfileError, index: int, name: str) -> InvalidProfileError:
    return InvalidProfileError(
        f"profiles[{index}] {name!r}: {error.message}",
        field=error.field,
        value=error.value,
        allowed=error.allowed,
    )


def check_profiles(
    profiles: Sequence[Profile],
    capabilities: Capabilities | None,
    *,
    on_checked: Callable[[int, Profile], None] | None = None,
) -> None:
    """Check a set of profiles for upload: each one, unique names, at most 30.

    ``capabilities=None`` runs only the checks that need no device. ``on_checked`` is
    called after each profile passes, for progress displays.
    """
    if len(profiles) > MAX_PROFILES:
        raise InvalidProfileError(
            f"{len(profiles)} profiles given; a device holds at most {MAX_PROFILES}",
            field="profiles",
            value=len(profiles),
        )
    first_seen: dict[str, int] = {}
    for index, profile in enumerate(profiles):
        if profile.name in first_seen:
            raise InvalidProfileError(
                f"profiles[{index}]: name {profile.name!r} is already used by "
                f"profiles[{first_seen[profile.name]}]; names must be unique",
                field="name",
                value=profile.name,
            )
        first_seen[profile.name] = index
        try:
            if capabilities is None:
                profile.validate()
            else:
                capabilities.check_profile(profile)
        except InvalidProfileError as exc:
            raise _indexed(exc, index, profile.name) from None
        if on_checked is not None:
            on_checked(index, profile)


def _multipart(envelope: dict[str, Any], profiles: list[dict[str, Any]]) -> tuple[bytes, str]:
    return encode_form(
        [
            FormPart("request", json.dumps(envelope), content_type="application/json"),
            FormPart(
                "file",
                json.dumps(profiles, ensure_ascii=False),
                filename="profiles",
                content_type="application/json",
            ),
        ]
    )


class SirenLightAPI(API[ModeT]):
    """Siren and light of a strobe speaker: profiles, activities, maintenance, health check.

    Profiles are validated against the device's capabilities before they are sent, which
    costs one ``getCapabilities`` call; pass ``capabilities=`` to reuse a list you already
    have, or ``validate=False`` to send as is and let the device decide.
    """

    @operation
    def supported_versions(self) -> Flow[list[str]]:
        """API versions the device offers (``["1.0"]``)."""
        return (yield from supported_versions(api=API_NAME, path=PATH))

    @operation
    def capabilities(self) -> Flow[Capabilities]:
        """Patterns with their allowed values and defaults, PoE class, optional features."""
        data = yield from _call("getCapabilities", idempotent=True)
        return _parse(
            "getCapabilities",
            lambda d: Capabilities.from_json(expect_object(d, "data").get("capabilities")),
            data,
        )

    @operation
    def status(self) -> Flow[Status]:
        """Every activity the device holds, running or waiting behind a higher priority."""
        data = yield from _call("getStatus", idempotent=True)
        return _parse("getStatus", Status.from_json, data)

    @operation
    def profiles(self) -> Flow[list[Profile]]:
        """The profiles stored on the device."""
        data = yield from _call("getProfiles", idempotent=True)
        items = data.get("profiles", [])
        if not isinstance(items, list):
            raise MalformedResponseError("getProfiles: 'profiles' is not a list", api=API_NAME)
        try:
            return [Profile.from_json(item, f"profiles[{i}]") for i, item in enumerate(items)]
        except ParseError as exc:
            raise MalformedResponseError(f"getProfiles: {exc.message}", api=API_NAME) from None

    @operation
    def add_profile(
        self,
        profile: Profile,
        *,
        validate: bool = True,
        capabilities: Capabilities | None = None,
    ) -> Flow[None]:
        """Store a new profile; its name must not be taken.

        Raises :class:`InvalidProfileError` before sending when ``validate`` finds a value the
        device does not offer, :class:`DuplicateProfileError` when the name is taken and
        :class:`ProfileLimitError` when the device is full.
        """
        if validate:
            caps = capabilities
            if caps is None:
                caps = yield from SirenLightAPI.capabilities.flow(self)
            caps.check_profile(profile)
        refused: InvalidProfileRequestError | None = None
        try:
            yield from _call("addProfile", profile.to_json(), profile=profile.name)
        except InvalidProfileRequestError as exc:
            refused = exc
        if refused is None:
            return
        # 1202 covers both a taken name and a bad setting; one look at the list tells which.
        existing = yield from SirenLightAPI.profiles.flow(self)
        if any(p.name == profile.name for p in existing):
            raise DuplicateProfileError(
                f"profile {profile.name!r} already exists; remove it first or upload with "
                f"mode overwrite (device: {refused.device_message})",
                code=refused.code,
                method=refused.method,
                device=refused.device,
                api=refused.api,
                profile=profile.name,
                device_message=refused.device_message,
            )
        raise refused

    @operation
    def remove_profile(self, name: str) -> Flow[None]:
        """Delete a stored profile; :class:`ProfileNotFoundError` if there is none of that name."""
        yield from _call("removeProfile", {"name": name}, profile=name)

    @operation
    def upload_profiles(
        self,
        profiles: Sequence[Profile],
        mode: UploadMode | str = UploadMode.ADD,
        *,
        validate: bool = True,
        capabilities: Capabilities | None = None,
    ) -> Flow[None]:
        """Store many profiles in one request, as the web interface's import does.

        ``mode``: ``add`` (a taken name is an error), ``overwrite`` (replace same names) or
        ``erase_and_add`` (delete every profile first). The file part is the same JSON array
        that :func:`~axisctl.apis.sirenlight.files.write_profiles` writes.
        """
        upload_mode = UploadMode(mode)
        profiles = list(profiles)
        if validate:
            caps = capabilities
            if caps is None:
                caps = yield from SirenLightAPI.capabilities.flow(self)
            check_profiles(profiles, caps)
        envelope = build_envelope("uploadProfiles", {"uploadMode": upload_mode.value})
        body, content_type = _multipart(envelope, [p.to_json() for p in profiles])
        response = yield HttpRequest(
            "POST",
            PATH,
            api=API_NAME,
            content=body,
            headers={"Content-Type": content_type},
            # Adding twice fails on the names the first attempt stored; the other modes
            # leave the same state however often they run.
            idempotent=upload_mode is not UploadMode.ADD,
        )
        refused: InvalidProfileRequestError | None = None
        try:
            parse_envelope(response, api=API_NAME, method="uploadProfiles")
        except DeviceError as exc:
            typed = from_device_error(exc)
            if not isinstance(typed, InvalidProfileRequestError):
                raise typed from None
            refused = typed
        if refused is None:
            return
        if upload_mode is UploadMode.ADD:
            existing = {p.name for p in (yield from SirenLightAPI.profiles.flow(self))}
            taken = [p.name for p in profiles if p.name in existing]
            if taken:
                raise DuplicateProfileError(
                    f"profiles already on the device: {', '.join(map(repr, taken))}; use "
                    f"mode overwrite or erase_and_add (device: {refused.device_message})",
                    code=refused.code,
                    method=refused.method,
                    device=refused.device,
                    api=refused.api,
                    profile=taken[0],
                    device_message=refused.device_message,
                )
        raise refused

    @operation
    def start(self, profile: str) -> Flow[StartedActivity]:
        """Start a stored profile, as the manual's HTTP recipe does; returns the new ids."""
        data = yield from _call("start", {"profile": profile}, profile=profile)
        return _parse("start", StartedActivity.from_json, data)

    @operation
    def start_pattern(
        self,
        *,
        siren: SirenSettings | None = None,
        light: LightSettings | None = None,
        validate: bool = True,
        capabilities: Capabilities | None = None,
    ) -> Flow[StartedActivity]:
        """Start a siren and/or light pattern without a profile; returns the new ids."""
        if siren is None and light is None:
            raise ConfigurationError("start_pattern needs a siren, a light or both", api=API_NAME)
        if validate:
            caps = capabilities
            if caps is None:
                caps = yield from SirenLightAPI.capabilities.flow(self)
            if siren is not None:
                caps.check_siren(siren)
            if light is not None:
                caps.check_light(light)
        params: dict[str, Any] = {}
        if siren is not None:
            params["siren"] = siren.to_json()
        if light is not None:
            params["light"] = light.to_json()
        data = yield from _call("start", params)
        return _parse("start", StartedActivity.from_json, data)

    @operation
    def stop(self, profile: str) -> Flow[None]:
        """Stop the activities a profile started."""
        yield from _call("stop", {"profile": profile}, profile=profile)

    @operation
    def stop_ids(self, *, siren_id: int | None = None, light_id: int | None = None) -> Flow[None]:
        """Stop activities by the ids ``start`` returned; :class:`ActivityNotFoundError` if gone."""
        params: dict[str, Any] = {}
        if siren_id is not None:
            params["sirenId"] = siren_id
        if light_id is not None:
            params["lightId"] = light_id
        if not params:
            raise ConfigurationError("stop_ids needs a siren_id, a light_id or both", api=API_NAME)
        yield from _call("stop", params)

    @operation
    def stop_all(self, *, siren: bool = True, light: bool = True) -> Flow[None]:
        """Stop every siren and/or light activity (the reserved priorities above 10 stay)."""
        kinds = [kind for kind, wanted in (("siren", siren), ("light", light)) if wanted]
        if not kinds:
            raise ConfigurationError("stop_all needs siren, light or both", api=API_NAME)
        yield from _call("stop", {"all": kinds}, idempotent=True)

    @operation
    def set_maintenance(self, on: bool, duration_s: int | None = None) -> Flow[None]:
        """Turn maintenance mode on (siren silent, white pulsing light) or off.

        ``duration_s`` ends it by itself after that many seconds; the device keeps the mode
        and its remaining time over a restart.
        """
        params: dict[str, Any] = {"maintenanceMode": on}
        if duration_s is not None:
            if not on:
                raise ConfigurationError(
                    "a maintenance duration only makes sense when turning it on", api=API_NAME
                )
            if isinstance(duration_s, bool) or not isinstance(duration_s, int) or duration_s < 1:
                raise ConfigurationError(
                    f"maintenance duration must be a whole number of seconds >= 1, "
                    f"got {duration_s!r}",
                    api=API_NAME,
                )
            params["duration"] = duration_s
        yield from _call("setMaintenanceMode", params, idempotent=True)

    @operation
    def run_health_check(self) -> Flow[None]:
        """Start a health check (lights one after another, then a test tone).

        The call returns at once; the result appears in :meth:`last_health_check` when done.
        """
        yield from _call("runHealthCheck")

    @operation
    def last_health_check(self) -> Flow[HealthCheckResult | None]:
        """The newest health check result, or ``None`` if none has run."""
        data = yield from _call("getLastHealthCheck", idempotent=True)
        return _parse("getLastHealthCheck", HealthCheckResult.from_json, data)
