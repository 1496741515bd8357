"""basicdeviceinfo.cgi, apidiscovery.cgi and systemready.cgi of a simulated device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from axisctl.sim.accounts import Level
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.handlers._jsonrpc import (
    OLD_FAMILY,
    RpcError,
    RpcRequest,
    answer,
    dispatch,
    parse,
)
from axisctl.sim.webctx import device_of

_RESTRICTED = ("Architecture", "Soc", "SocSerialNumber")


def _properties(device: SimulatedDevice) -> dict[str, str]:
    spec = device.spec
    return {
        "Architecture": spec.architecture,
        "Brand": "AXIS",
        "BuildDate": spec.build_date,
        "HardwareID": spec.hardware_id,
        "ProdFullName": spec.prod_full_name,
        "ProdNbr": spec.prod_nbr,
        "ProdShortName": spec.prod_short_name,
        "ProdType": spec.prod_type,
        "ProdVariant": "",
        "SerialNumber": device.serial,
        "Soc": spec.soc,
        "SocSerialNumber": f"00000000-00000000-{device.serial[:8]}-{device.serial[4:]}",
        "Version": spec.firmware,
        "WebURL": "http://www.axis.com",
    }


def _all_properties(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    return {"propertyList": _properties(device_of(request))}


def _unrestricted(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    props = _properties(device_of(request))
    return {"propertyList": {k: v for k, v in props.items() if k not in _RESTRICTED}}


def _some_properties(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    wanted = rpc.params.get("propertyList")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(w, str) for w in wanted):
        raise RpcError(OLD_FAMILY.missing, "Required parameter missing or invalid: propertyList")
    props = _properties(device_of(request))
    for name in wanted:
        if name not in props:
            raise RpcError(OLD_FAMILY.invalid_value, f"Property not supported: {name}")
    return {"propertyList": {name: props[name] for name in wanted}}


def _versions(versions: list[str]) -> Callable[[web.Request, RpcRequest], dict[str, Any]]:
    return lambda request, rpc: {"apiVersions": versions}


async def basicdeviceinfo_cgi(request: web.Request) -> web.StreamResponse:
    return await dispatch(
        request,
        family=OLD_FAMILY,
        versions=("1.0", "1.1", "1.2", "1.3"),
        answer_version="1.3",
        methods={
            "getAllProperties": (Level.OPERATOR, _all_properties),
            "getProperties": (Level.OPERATOR, _some_properties),
            "getAllUnrestrictedProperties": (Level.ANONYMOUS, _unrestricted),
            "getSupportedVersions": (Level.ANONYMOUS, _versions(["1.0", "1.1", "1.2", "1.3"])),
        },
        silent_method=frozenset(
            {"getAllProperties", "getProperties", "getAllUnrestrictedProperties"}
        ),
    )


def _api_list(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    device = device_of(request)
    entries = []
    for api in device.spec.apis:
        entry: dict[str, Any] = {
            "id": api.id,
            "version": api.version,
            "name": api.name,
            "docLink": "https://www.axis.com/vapix-library/",
        }
        if api.status is not None:
            entry["status"] = api.status
        entries.append(entry)
    return {"apiList": entries}


async def apidiscovery_cgi(request: web.Request) -> web.StreamResponse:
    return await dispatch(
        request,
        family=OLD_FAMILY,
        versions=("1.0",),
        answer_version="1.0",
        methods={
            "getApiList": (Level.ANONYMOUS, _api_list),
            "getSupportedVersions": (Level.ANONYMOUS, _versions(["1.0"])),
        },
    )


async def systemready_cgi(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    rpc: RpcRequest | None = None
    try:
        rpc = await parse(request, OLD_FAMILY, ("1.0", "1.1", "1.2", "1.3", "1.4"))
    except RpcError:
        return answer(None, api_version="1.4", error=RpcError(1000, "Invalid JSON input"))
    if rpc.method == "getSupportedVersions":
        return answer(
            rpc, api_version="1.4", data={"apiVersions": ["1.0", "1.1", "1.2", "1.3", "1.4"]}
        )
    if rpc.method != "systemready":
        return answer(
            rpc, api_version="1.4", error=RpcError(1000, f"Method not supported: {rpc.method}")
        )
    timeout = rpc.params.get("timeout")
    if timeout is not None and (
        not isinstance(timeout, int) or isinstance(timeout, bool) or not 0 <= timeout <= 3600
    ):
        return answer(
            rpc, api_version="1.4", error=RpcError(1000, "Invalid parameter value: timeout")
        )
    data = {
        "systemready": "yes",
        "needsetup": "no" if device.accounts.has_admin else "yes",
        "uptime": str(device.uptime_s),
        "bootid": device.boot_id,
    }
    return answer(rpc, api_version="1.4", data=data)
