"""The HTTP face of a simulated device: middlewares for logging, faults and auth, and routes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from axisctl.sim import control, handlers
from axisctl.sim.accounts import Level, Outcome, verify_basic
from axisctl.sim.device import RequestRecord, SimulatedDevice
from axisctl.sim.faults import FaultKind
from axisctl.sim.handlers import access as access_handlers
from axisctl.sim.handlers import events as event_handlers
from axisctl.sim.handlers import io as io_handlers
from axisctl.sim.handlers import lpr as lpr_handlers
from axisctl.sim.handlers import mqtt as mqtt_handlers
from axisctl.sim.handlers import sirenlight as sirenlight_handlers
from axisctl.sim.handlers import virtualinput as virtualinput_handlers
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
    "/axis-cgi/io/port.cgi": Level.VIEWER,
    "/axis-cgi/io/portmanagement.cgi": Level.VIEWER,
    "/axis-cgi/virtualinput/activate.cgi": Level.OPERATOR,
    "/axis-cgi/virtualinput/deactivate.cgi": Level.OPERATOR,
    "/axis-cgi/virtualinput/getschemaversions.cgi": Level.OPERATOR,
    "/axis-cgi/siren_and_light.cgi": Level.OPERATOR,
    "/axis-cgi/wssession.cgi": Level.VIEWER,
    "/vapix/ws-data-stream": Level.VIEWER,
    "/vapix/services": Level.VIEWER,
    "/axis-cgi/mqtt/client.cgi": Level.ADMIN,
    "/axis-cgi/mqtt/event.cgi": Level.ADMIN,
    "/vapix/idpoint": Level.ADMIN,
    "/vapix/pacs": Level.ADMIN,
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
    if request.path.startswith(control.PREFIX):
        return await handler(request)
    if device.restarting:
        return web.Response(status=503, text="Restarting\n")
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
    elif request.path == "/vapix/ws-data-stream" and "wssession" in request.query:
        # A wssession.cgi token stands in for Digest on the websocket upgrade (§6.1).
        account = event_handlers.session_account(device, request.query["wssession"])
        if account is None:
            return unauthorized(request)
        request[ACCOUNT] = account
    admin_only = request.path.startswith((control.PREFIX, lpr_handlers.PREFIX))
    needed = Level.ADMIN if admin_only else Level.ANONYMOUS
    if level_of(request) < PATH_LEVEL.get(request.path, needed):
        return unauthorized(request)
    return await handler(request)


def build_app(device: SimulatedDevice) -> web.Application:
    app = web.Application(
        middlewares=[record_middleware, fault_middleware, auth_middleware],
        client_max_size=1024 * 1024,
    )
    app[DEVICE_KEY] = device
    app.on_shutdown.append(event_handlers.close_streams)  # open websockets would hold it up
    router = app.router
    router.add_route("*", "/axis-cgi/param.cgi", handlers.param_cgi)
    router.add_route("*", "/axis-cgi/pwdgrp.cgi", handlers.pwdgrp_cgi)
    router.add_route("*", "/axis-cgi/basicdeviceinfo.cgi", handlers.basicdeviceinfo_cgi)
    router.add_route("*", "/axis-cgi/apidiscovery.cgi", handlers.apidiscovery_cgi)
    router.add_route("*", "/axis-cgi/systemready.cgi", handlers.systemready_cgi)
    router.add_route("*", "/axis-cgi/io/port.cgi", io_handlers.port_cgi)
    router.add_route("*", "/axis-cgi/io/portmanagement.cgi", io_handlers.portmanagement_cgi)
    for name in ("activate", "deactivate", "getschemaversions"):
        router.add_route(
            "*",
            f"/axis-cgi/virtualinput/{name}.cgi",
            getattr(virtualinput_handlers, f"{name}_cgi"),
        )
    if device.siren_light is not None:
        router.add_route(
            "*", "/axis-cgi/siren_and_light.cgi", sirenlight_handlers.siren_and_light_cgi
        )
    router.add_route("GET", "/vapix/ws-data-stream", event_handlers.ws_data_stream)
    router.add_route("*", "/axis-cgi/wssession.cgi", event_handlers.wssession_cgi)
    router.add_route("*", "/vapix/services", event_handlers.services)
    if any(api.id == "mqtt-client" for api in device.spec.apis):
        router.add_route("*", "/axis-cgi/mqtt/client.cgi", mqtt_handlers.client_cgi)
        router.add_route("*", "/axis-cgi/mqtt/event.cgi", mqtt_handlers.event_cgi)
    if device.lpr is not None:
        lpr_handlers.add_routes(router)
    if device.access is not None:
        access_handlers.add_routes(router)
    control.add_routes(router)
    return app
