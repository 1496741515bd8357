"""``cloud.cgi`` / ``cloud2.cgi`` / ``cloud3.cgi`` (push profiles) and ``config.cgi``.

Both are flat XML documents (:mod:`axisctl.apis.lpr.fields`). A POST may carry any subset of
the settings; every value is checked before anything is applied, and an unknown element, a
bad value or bad base64 answers 400 naming it. A GET answers the secrets (``password``,
``x_auth_key``, ``relay_password``) empty: the app never reveals them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from axisctl.apis.lpr import fields as flat
from axisctl.apis.lpr import push
from axisctl.apis.lpr import settings as config_wire
from axisctl.errors import ParseError
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.handlers.lpr_common import Refused, allow, app_of, ok, xml
from axisctl.sim.lpr.state import LprState, PushProfile
from axisctl.sim.webctx import device_of

#: Wire name -> PushProfile attribute, where they differ.
_PROFILE_ATTRS = {"sensorProviderID": "sensor_provider_id"}
#: Wire name -> (state part, attribute) of config.cgi.
_CONFIG_ATTRS: dict[str, tuple[str, str]] = {
    "sensitivity": ("detection", "sensitivity"),
    "min_chars": ("detection", "min_chars"),
    "char_deviation": ("detection", "char_deviation"),
    "strict_matching": ("detection", "strict_matching"),
    "ttl": ("detection", "ttl_s"),
    "access_control_type": ("access", "type"),
    "barrier_mode": ("access", "barrier_mode"),
    "barrier_lists": ("access", "barrier_lists"),
    "barrier_direction": ("access", "direction"),
    "barrier_roi": ("access", "roi"),
    "io_port": ("access", "io_port"),
    "pulse_ms": ("access", "pulse_ms"),
    "relay_url": ("access", "relay_url"),
    "relay_user": ("access", "relay_user"),
    "relay_password": ("access", "relay_password"),
    "relay_port": ("access", "relay_port"),
}


async def _settings(request: web.Request, root: str, fields: dict[str, flat.Field]) -> Any:
    try:
        return flat.parse_flat(await request.read(), root, fields, "body")
    except ParseError as exc:
        raise Refused(exc.message) from None


# --- push profiles ----------------------------------------------------------------------------


def _coordinate(text: str) -> float | None:
    # The engine may hold anything a test put there; an unreadable value reads as "none".
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _profile_values(profile: PushProfile) -> dict[str, Any]:
    values = {
        name: getattr(profile, _PROFILE_ATTRS.get(name, name))
        for name in push.FIELDS
        if name not in ("latitude", "longitude")
    }
    values["latitude"] = _coordinate(profile.latitude)
    values["longitude"] = _coordinate(profile.longitude)
    for secret in push.SECRETS:
        values[secret] = ""
    return values


def cloud_handler(profile_index: int) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler of ``cloud.cgi`` (profile 1), ``cloud2.cgi`` or ``cloud3.cgi``."""

    async def cloud_cgi(request: web.Request) -> web.StreamResponse:
        try:
            allow(request, "GET", "POST")
            app = app_of(request)
            values = (
                await _settings(request, push.ROOT, push.FIELDS) if request.method == "POST" else {}
            )
            with device_of(request).lock:
                profile = app.state.profiles[profile_index]
                if request.method == "POST":
                    _apply_profile(profile, values)
                    return ok()
                current = _profile_values(profile)
            return xml(
                flat.format_flat(push.ROOT, ((f, current[n]) for n, f in push.FIELDS.items()))
            )
        except Refused as refused:
            return refused.response()

    return cloud_cgi


def _apply_profile(profile: PushProfile, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in ("latitude", "longitude"):
            value = "" if value is None else flat.format_decimal(value)
        setattr(profile, _PROFILE_ATTRS.get(name, name), value)


# --- config.cgi -------------------------------------------------------------------------------


def _config_values(state: LprState) -> dict[str, Any]:
    values = {}
    for name, (part, attr) in _CONFIG_ATTRS.items():
        values[name] = getattr(getattr(state, part), attr)
    values["ttl"] = round(values["ttl"])
    values["relay_password"] = ""
    return values


def _check_io_port(device: SimulatedDevice, port: int) -> None:
    outputs = [p for p in range(1, device.io.count + 1) if device.io.direction(p) == "output"]
    if port not in outputs:
        listed = ", ".join(map(str, outputs)) or "none"
        raise Refused(f"<io_port> {port} is not an output port of this camera (outputs: {listed})")


async def config_cgi(request: web.Request) -> web.StreamResponse:
    try:
        allow(request, "GET", "POST")
        app = app_of(request)
        device = device_of(request)
        if request.method == "POST":
            values = await _settings(request, config_wire.ROOT, config_wire.FIELDS)
            with device.lock:
                if "io_port" in values:
                    _check_io_port(device, values["io_port"])
                for name, value in values.items():
                    part, attr = _CONFIG_ATTRS[name]
                    setattr(
                        getattr(app.state, part), attr, float(value) if name == "ttl" else value
                    )
            return ok()
        with device.lock:
            current = _config_values(app.state)
        return xml(
            flat.format_flat(
                config_wire.ROOT, ((f, current[n]) for n, f in config_wire.FIELDS.items())
            )
        )
    except Refused as refused:
        return refused.response()
