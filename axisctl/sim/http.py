"""The HTTP face of a simulated device: middlewares for logging, faults and auth, and routes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from axisctl.sim import handlers
from axisctl.sim.accounts import Level, Outcome, verify_basic
from axisctl.sim.device import RequestRecord, SimulatedDevice
from axisctl.sim.faults import Fault, FaultKind
from axisctl.sim.webctx import (
    ACCOUNT,
    DEVICE_KEY,
    account_of,
    device_of,
    level_of,
    schemes_for,
    unauthorized,
)

#: Lowest level that may call a path at all; finer checks (per method, per parameter) are the
#: handlers' own. Paths not listed are anonymous.
PATH_LEVEL = {
    "/axis-cgi/param.cgi": Level.VIEWER,
    "/axisctl-sim/faults": Level.ADMIN,
    "/axisctl-sim/requests": Level.ADMIN,
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def record_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    status = 500
    try:
        response = await handler(request)
        status = response.status
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        account = account_of(request)
        device_of(request).record(
            RequestRecord(request.method, request.path, status, account.name if account else None)
        )
    response.headers["Server"] = "Apache"
    return response


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    device = device_of(request)
    if request.path.startswith("/axisctl-sim/"):
        return await handler(request)
    latency = device.faults.take(FaultKind.LATENCY, request.path)
    if latency is not None:
        await asyncio.sleep(latency.seconds)
    error = device.faults.take(FaultKind.HTTP_ERROR, request.path)
    if error is not None:
        return web.Response(status=error.status, text=f"Simulated HTTP {error.status}\n")
    if device.faults.take(FaultKind.DROP, request.path) is not None:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=499, text="dropped")
    response = await handler(request)
    if device.faults.take(FaultKind.TRUNCATE, request.path) is not None and isinstance(
        response, web.Response
    ):
        body = response.body if isinstance(response.body, bytes) else b""
        truncated = web.StreamResponse(status=response.status, headers=response.headers)
        truncated.content_length = max(len(body), 2)
        await truncated.prepare(request)
        await truncated.write(body[: len(body) // 2])
        if request.transport is not None:
            request.transport.close()
        return truncated
    return response


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    device = device_of(request)
    header = request.headers.get("Authorization", "")
    scheme = header.partition(" ")[0].lower()
    schemes = schemes_for(device, request.secure)
    if header:
        if scheme == "digest" and "digest" in schemes:
            force_stale = device.faults.take(FaultKind.STALE_NONCE, request.path) is not None
            outcome, account = device.digest.verify(
                header, request.method, device.accounts, force_stale=force_stale
            )
            if outcome is Outcome.STALE:
                return unauthorized(request, stale=True)
        elif scheme == "basic" and "basic" in schemes:
            account = verify_basic(header, device.accounts)
        else:
            account = None
        if account is None:
            return unauthorized(request)
        request[ACCOUNT] = account
    if level_of(request) < PATH_LEVEL.get(request.path, Level.ANONYMOUS):
        return unauthorized(request)
    return await handler(request)


async def _faults_handler(request: web.Request) -> web.Response:
    device = device_of(request)
    if request.method == "DELETE":
        device.faults.clear()
    elif request.method == "POST":
        try:
            payload = await request.json()
            if not isinstance(payload, dict):
                raise ValueError("expected a JSON object")
            device.faults.add(Fault.from_json(payload))
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"faults": [f.to_json() for f in device.faults.active()]})


async def _requests_handler(request: web.Request) -> web.Response:
    device = device_of(request)
    if request.method == "DELETE":
        device.reset_stats()
    records = [
        {"method": r.method, "path": r.path, "status": r.status, "user": r.user}
        for r in device.requests
    ]
    return web.json_response({"count": len(records), "requests": records})


def build_app(device: SimulatedDevice) -> web.Application:
    app = web.Application(
        middlewares=[record_middleware, fault_middleware, auth_middleware],
        client_max_size=1024 * 1024,
    )
    app[DEVICE_KEY] = device
    router = app.router
    router.add_route("*", "/axis-cgi/param.cgi", handlers.param_cgi)
    router.add_route("*", "/axis-cgi/pwdgrp.cgi", handlers.pwdgrp_cgi)
    router.add_route("*", "/axis-cgi/basicdeviceinfo.cgi", handlers.basicdeviceinfo_cgi)
    router.add_route("*", "/axis-cgi/apidiscovery.cgi", handlers.apidiscovery_cgi)
    router.add_route("*", "/axis-cgi/systemready.cgi", handlers.systemready_cgi)
    for path, handler in (
        ("/axisctl-sim/faults", _faults_handler),
        ("/axisctl-sim/requests", _requests_handler),
    ):
        for method in ("GET", "POST", "DELETE"):
            router.add_route(method, path, handler)
    return app
