"""The test-control surface: what a test bench does to a device from the outside.

Under ``/axisctl-sim/``, apart from the VAPIX paths, answered only to loopback clients with
administrator credentials: press and release inputs, read outputs, see what the light and
siren show, move a manual clock, restart or factory-default the device, bind inputs to
siren and light profiles, arm faults and read the request log. The gate camera's License
Plate Verifier adds its own routes under ``lpr/`` (:mod:`axisctl.sim.lpr.control`).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from axisctl.sim.faults import Fault
from axisctl.sim.rules import Rule
from axisctl.sim.webctx import device_of

PREFIX = "/axisctl-sim/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlError(Exception):
    """A bad control request: answered 400 with the message."""


def is_loopback(remote: str | None) -> bool:
    if remote is None:
        return False
    try:
        return ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _guarded(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not is_loopback(request.remote):
            return web.json_response(
                {"error": "the test-control surface answers loopback clients only"}, status=403
            )
        try:
            return await handler(request)
        except ControlError as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return guarded


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ControlError(f"body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ControlError("body must be a JSON object")
    return payload


def _port_number(request: web.Request, count: int) -> int:
    text = request.match_info["port"]
    if not text.isdigit() or not 1 <= int(text) <= count:
        raise ControlError(f"port must be 1..{count}, got {text!r}")
    return int(text)


async def _faults(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    if request.method == "DELETE":
        device.faults.clear()
    elif request.method == "POST":
        try:
            device.faults.add(Fault.from_json(await _body(request)))
        except ValueError as exc:
            raise ControlError(str(exc)) from None
    return web.json_response({"faults": [f.to_json() for f in device.faults.active()]})


async def _requests(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    if request.method == "DELETE":
        device.reset_stats()
    records = [
        {"method": r.method, "path": r.path, "status": r.status, "user": r.user}
        for r in device.requests
    ]
    return web.json_response({"count": len(records), "requests": records})


async def _io_all(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    with device.lock:
        ports = [device.io.describe(n) for n in range(1, device.io.count + 1)]
    return web.json_response({"ports": ports})


async def _io_port(request: web.Request) -> web.StreamResponse:
    """GET reads a port; POST drives an input: ``{"circuit": "closed"}`` or ``{"volts": 12}``."""
    device = device_of(request)
    port = _port_number(request, device.io.count)
    if request.method == "POST":
        payload = await _body(request)
        with device.lock:
            if device.io.describe(port)["direction"] != "input":
                raise ControlError(f"port {port} is an output; only inputs can be driven")
            if "circuit" in payload:
                circuit = payload["circuit"]
                if circuit == "closed":
                    device.io.press(port)
                elif circuit == "open":
                    device.io.release(port)
                else:
                    raise ControlError("circuit must be 'open' or 'closed'")
            elif "volts" in payload:
                volts = payload["volts"]
                if volts is not None and (
                    isinstance(volts, bool) or not isinstance(volts, (int, float))
                ):
                    raise ControlError("volts must be a number or null (floating)")
                try:
                    level = None if volts is None else float(volts)
                except OverflowError:
                    raise ControlError("volts is out of range") from None
                device.io.drive_input(port, level)
            else:
                raise ControlError("give 'circuit' ('open' or 'closed') or 'volts'")
    with device.lock:
        return web.json_response(device.io.describe(port))


async def _clock(request: web.Request) -> web.StreamResponse:
    """GET reads the clock; POST ``{"advance": seconds}`` moves a manual clock."""
    device = device_of(request)
    if request.method == "POST":
        payload = await _body(request)
        seconds = payload.get("advance")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ControlError("advance must be a number of seconds >= 0")
        if not device.clock.manual:
            raise ControlError("the simulator runs on real time; start it with a manual clock")
        device.clock.advance(float(seconds))
    return web.json_response({"now": device.clock.now(), "manual": device.clock.manual})


async def _restart(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    payload = await _body(request)
    seconds = payload.get("seconds", 5.0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ControlError("seconds must be a number >= 0")
    device.restart(float(seconds))
    return web.json_response({"restarting": True, "seconds": seconds})


async def _factory_default(request: web.Request) -> web.StreamResponse:
    device_of(request).factory_default()
    return web.json_response({"done": True})


async def _rules(request: web.Request) -> web.StreamResponse:
    """GET lists, POST adds (one rule object), DELETE removes every rule."""
    device = device_of(request)
    with device.lock:
        if request.method == "POST":
            try:
                rule = Rule.from_json(await _body(request))
                device.rules.add(rule)
            except ValueError as exc:
                raise ControlError(str(exc)) from None
        elif request.method == "DELETE":
            device.rules.clear()
        return web.json_response({"rules": [rule.to_json() for rule in device.rules.rules]})


async def _siren_light(request: web.Request) -> web.StreamResponse:
    """What the light and the siren show right now."""
    device = device_of(request)
    if device.siren_light is None:
        raise ControlError("this model has no siren and light")
    with device.lock:
        return web.json_response(device.siren_light.outputs())


def add_routes(router: web.UrlDispatcher) -> None:
    routes: tuple[tuple[str, tuple[str, ...], Handler], ...] = (
        ("faults", ("GET", "POST", "DELETE"), _faults),
        ("requests", ("GET", "DELETE"), _requests),
        ("io", ("GET",), _io_all),
        ("io/{port}", ("GET", "POST"), _io_port),
        ("clock", ("GET", "POST"), _clock),
        ("restart", ("POST",), _restart),
        ("factory-default", ("POST",), _factory_default),
        ("rules", ("GET", "POST", "DELETE"), _rules),
        ("siren-light", ("GET",), _siren_light),
    )
    # Imported here: the LPR and access routes use ControlError from this module.
    from axisctl.sim.access.control import ROUTES as ACCESS_ROUTES
    from axisctl.sim.lpr.control import ROUTES as LPR_ROUTES

    for path, methods, handler in (*routes, *LPR_ROUTES, *ACCESS_ROUTES):
        for method in methods:
            router.add_route(method, PREFIX + path, _guarded(handler))
