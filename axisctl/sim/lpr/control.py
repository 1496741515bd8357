"""The gate camera's part of the test-control surface: ``/axisctl-sim/lpr/...``.

| path | method | what it does |
|---|---|---|
| ``lpr/vehicles`` | POST | present one vehicle now (a vehicle object); answers its car id |
| ``lpr/scenario`` | POST | schedule a scenario (a list of vehicles with ``at``) from now |
| ``lpr/scenario`` | DELETE | drop scheduled vehicles that have not appeared yet |
| ``lpr/tracks`` | GET | vehicles in view, from NEW until LOST |
| ``lpr/pushes`` | GET | push statistics per profile |
| ``lpr/barrier`` | GET | every barrier opening, and the relay module's counters |

Registered by :func:`axisctl.sim.control.add_routes`, which answers loopback
administrators only and turns :class:`~axisctl.sim.control.ControlError` into 400.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from axisctl.sim.control import ControlError
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.scenario import ScenarioError, parse_scenario, vehicle_from_json
from axisctl.sim.lpr.vehicles import InvalidVehicleError
from axisctl.sim.webctx import device_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Largest request body the routes read (a scenario of many vehicles fits easily).
MAX_BODY_BYTES = 8 * 1024 * 1024


def _app(request: web.Request) -> LprApp:
    app = device_of(request).lpr
    if app is None:
        raise ControlError("this model has no License Plate Verifier; use p1455-le-3")
    return app


async def _json(request: web.Request) -> Any:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ControlError(f"body is larger than {MAX_BODY_BYTES} bytes")
    raw = await request.read()
    if not raw:
        raise ControlError("body is empty; send JSON")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ControlError(f"body is not JSON: {exc}") from None
    except RecursionError:
        raise ControlError("body is not JSON: nested too deeply") from None


async def _vehicles(request: web.Request) -> web.StreamResponse:
    app = _app(request)
    try:
        vehicle = vehicle_from_json(await _json(request))
    except InvalidVehicleError as exc:
        raise ControlError(f"vehicle: {exc.message}") from None
    car_id = app.present(vehicle)
    if car_id is None:
        return web.json_response(
            {"carId": None, "read": False, "reason": "the camera does not read this plate"}
        )
    return web.json_response({"carId": car_id, "read": True})


async def _scenario(request: web.Request) -> web.StreamResponse:
    app = _app(request)
    if request.method == "DELETE":
        return web.json_response({"cancelled": app.cancel_scenarios()})
    try:
        scenario = parse_scenario(await _json(request))
    except ScenarioError as exc:
        raise ControlError(exc.message) from None
    count = app.run_scenario(scenario)
    return web.json_response({"scheduled": count, "durationS": scenario.duration_s})


async def _tracks(request: web.Request) -> web.StreamResponse:
    app = _app(request)
    return web.json_response({"tracks": app.describe_tracks(), "scheduled": app.scheduled})


async def _pushes(request: web.Request) -> web.StreamResponse:
    return web.json_response({"profiles": _app(request).push_statistics()})


async def _barrier(request: web.Request) -> web.StreamResponse:
    app = _app(request)
    with app.lock:
        relay = app.barrier.relay_stats
        body = {
            "openings": [
                {
                    "carId": opening.car_id,
                    "time": opening.time,
                    "target": opening.target,
                    "port": opening.port,
                    "pulseMs": opening.pulse_ms,
                }
                for opening in app.barrier.openings
            ],
            "relay": {"sent": relay.sent, "failed": relay.failed, "lastError": relay.last_error},
        }
    return web.json_response(body)


#: ``(path under /axisctl-sim/, methods, handler)``.
ROUTES: tuple[tuple[str, tuple[str, ...], Handler], ...] = (
    ("lpr/vehicles", ("POST",), _vehicles),
    ("lpr/scenario", ("POST", "DELETE"), _scenario),
    ("lpr/tracks", ("GET",), _tracks),
    ("lpr/pushes", ("GET",), _pushes),
    ("lpr/barrier", ("GET",), _barrier),
)
