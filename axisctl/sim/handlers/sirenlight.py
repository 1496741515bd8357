"""``/axis-cgi/siren_and_light.cgi`` of a simulated strobe speaker.

JSON envelope for eleven methods; ``uploadProfiles`` comes as ``multipart/form-data`` with a
``request`` part (the envelope) and a ``file`` part (a JSON array of profiles).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from axisctl.sim.accounts import Level
from axisctl.sim.handlers._jsonrpc import (
    NEW_FAMILY,
    RpcError,
    RpcRequest,
    answer,
    dispatch,
)
from axisctl.sim.sirenlight import ServiceError, SirenLight
from axisctl.sim.webctx import device_of, level_of, unauthorized

VERSIONS = ("1.0",)
_MAX_UPLOAD = 512 * 1024


def _service(request: web.Request) -> SirenLight:
    service = device_of(request).siren_light
    if service is None:  # routes exist only for models with the API
        raise RpcError(1200, "Service is not initialized")
    return service


def _call(request: web.Request, action: Any) -> dict[str, Any]:
    device = device_of(request)
    with device.lock:
        try:
            result: dict[str, Any] = action(_service(request))
        except ServiceError as error:
            raise RpcError(error.code, error.message) from None
    return result


def _capabilities(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: {"capabilities": s.capabilities()})


def _status(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: s.status())


def _profiles(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: {"profiles": list(s.profiles.values())})


def _add_profile(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: s.add_profile(rpc.params) or {})


def _remove_profile(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    if "name" not in rpc.params:
        raise RpcError(2103, "Required parameter missing: name")
    return _call(request, lambda s: s.remove_profile(rpc.params["name"]) or {})


def _start(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: s.start(rpc.params))


def _stop(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: s.stop(rpc.params) or {})


def _maintenance(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    on = rpc.params.get("maintenanceMode")
    if on is None:
        raise RpcError(2103, "Required parameter missing: maintenanceMode")
    if not isinstance(on, bool):
        raise RpcError(2104, "Invalid parameter value specified: maintenanceMode")
    duration = rpc.params.get("duration")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or duration < 0
    ):
        raise RpcError(2104, "Invalid parameter value specified: duration")
    return _call(request, lambda s: s.set_maintenance(on, duration) or {})


def _run_health_check(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: s.run_health_check() or {})


def _last_health_check(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return _call(request, lambda s: dict(s.last_health) if s.last_health else {})


_METHODS = {
    "getCapabilities": (Level.OPERATOR, _capabilities),
    "getStatus": (Level.OPERATOR, _status),
    "getProfiles": (Level.OPERATOR, _profiles),
    "addProfile": (Level.OPERATOR, _add_profile),
    "removeProfile": (Level.OPERATOR, _remove_profile),
    "start": (Level.OPERATOR, _start),
    "stop": (Level.OPERATOR, _stop),
    "setMaintenanceMode": (Level.OPERATOR, _maintenance),
    "runHealthCheck": (Level.OPERATOR, _run_health_check),
    "getLastHealthCheck": (Level.OPERATOR, _last_health_check),
}


async def siren_and_light_cgi(request: web.Request) -> web.StreamResponse:
    if request.content_type == "multipart/form-data":
        return await _upload(request)
    return await dispatch(
        request, family=NEW_FAMILY, versions=VERSIONS, methods=_METHODS, answer_version="1.0"
    )


async def _read_parts(request: web.Request) -> dict[str, bytes]:
    parts: dict[str, bytes] = {}
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read(decode=False)
        if len(data) > _MAX_UPLOAD:
            raise RpcError(2104, "Invalid parameter value specified: file too large")
        parts[part.name] = bytes(data)
    return parts


async def _upload(request: web.Request) -> web.StreamResponse:
    rpc: RpcRequest | None = None
    try:
        try:
            parts = await _read_parts(request)
        except (ValueError, AssertionError, RuntimeError):
            # aiohttp reports a broken multipart body with any of these.
            raise RpcError(2101, "Invalid JSON format: unreadable multipart body") from None
        if "request" not in parts:
            raise RpcError(2103, "Required parameter missing: request part")
        try:
            envelope = json.loads(parts["request"])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise RpcError(2101, "Invalid JSON format") from None
        if not isinstance(envelope, dict) or envelope.get("method") != "uploadProfiles":
            raise RpcError(2102, "Method not supported in a multipart request")
        params = envelope.get("params")
        context = envelope.get("context")
        version = str(envelope.get("apiVersion", ""))
        rpc = RpcRequest(
            "uploadProfiles",
            version,
            context if isinstance(context, str) else None,
            params if isinstance(params, dict) else {},
        )
        if version.split(".")[0] != "1":
            raise RpcError(2100, "The API version is not supported")
        if level_of(request) < Level.OPERATOR:
            return unauthorized(request)
        if "uploadMode" not in rpc.params:
            raise RpcError(2103, "Required parameter missing: uploadMode")
        if "file" not in parts:
            raise RpcError(2103, "Required parameter missing: file part")
        try:
            items = json.loads(parts["file"])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise RpcError(2101, "Invalid JSON format in the profile file") from None
        mode = rpc.params["uploadMode"]
        _call(request, lambda s: s.upload(mode, items) or {})
    except RpcError as error:
        return answer(rpc, api_version="1.0", error=error)
    return answer(rpc, api_version="1.0", data={})
