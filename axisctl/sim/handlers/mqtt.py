"""``mqtt/client.cgi`` and ``mqtt/event.cgi`` of a simulated device.

The JSON envelope of the "new" family of error codes: 2103 for a missing and 2104 for an
invalid setting, with a message that names the field; 2106 for a body over
:data:`MAX_BODY`. Both CGIs are for administrators only (the route level in
:mod:`axisctl.sim.http`); a lower role is answered 401, as AXIS OS does, which the client
reports as :class:`~axisctl.errors.ForbiddenError`.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from typing import Any

from aiohttp import web

from axisctl.sim.accounts import Level
from axisctl.sim.handlers._jsonrpc import (
    NEW_FAMILY,
    MethodHandler,
    RpcError,
    RpcRequest,
    answer,
    dispatch,
)
from axisctl.sim.mqtt import MqttBridge, MqttConfigError
from axisctl.sim.webctx import device_of

#: getSupportedVersions: the highest minor of each major, as API discovery announces.
CLIENT_VERSIONS = ("1.3",)
EVENT_VERSIONS = ("1.1",)
#: Largest request body accepted; a bigger one is refused with 2106 (size is the
#: simulator's choice, the reference gives none).
MAX_BODY = 64 * 1024
REQUEST_TOO_LARGE = 2106


@contextlib.contextmanager
def _bridge(request: web.Request) -> Iterator[MqttBridge]:
    """The device's MQTT bridge under the device lock; refused settings become RPC errors."""
    device = device_of(request)
    with device.lock:
        bridge = device.mqtt
        if bridge is None:  # routes exist only for models with the API
            raise RpcError(1100, "Internal error: this device has no MQTT client")
        try:
            yield bridge
        except MqttConfigError as error:
            raise RpcError(error.code, error.message) from None


def _configure_client(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        bridge.configure_client(rpc.params)
    return {}


def _activate(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        bridge.activate()
    return {}


def _deactivate(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        bridge.deactivate()
    return {}


def _client_status(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        return bridge.status()


def _configure_publication(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        bridge.configure_publication(rpc.params)
    return {}


def _publication_config(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        return {"eventPublicationConfig": copy.deepcopy(bridge.publication)}


def _configure_subscriptions(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        bridge.configure_subscriptions(rpc.params)
    return {}


def _subscription_config(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    with _bridge(request) as bridge:
        return {"mqttSubscriptionConfig": copy.deepcopy(bridge.subscriptions)}


_CLIENT_METHODS = {
    "configureClient": (Level.ADMIN, _configure_client),
    "activateClient": (Level.ADMIN, _activate),
    "deactivateClient": (Level.ADMIN, _deactivate),
    "getClientStatus": (Level.ADMIN, _client_status),
}

_EVENT_METHODS = {
    "configureEventPublication": (Level.ADMIN, _configure_publication),
    "getEventPublicationConfig": (Level.ADMIN, _publication_config),
    "configureMqttSubscription": (Level.ADMIN, _configure_subscriptions),
    "getMqttSubscriptionConfig": (Level.ADMIN, _subscription_config),
}


async def _too_large(request: web.Request, version: str) -> web.Response | None:
    # aiohttp keeps the body once read, so dispatch parses the same bytes afterwards.
    declared = request.content_length
    if (declared is not None and declared > MAX_BODY) or len(await request.read()) > MAX_BODY:
        error = RpcError(REQUEST_TOO_LARGE, f"Request size too large (over {MAX_BODY} bytes)")
        return answer(None, api_version=version, error=error)
    return None


async def _serve(
    request: web.Request,
    versions: tuple[str, ...],
    methods: Mapping[str, tuple[Level, MethodHandler]],
) -> web.StreamResponse:
    refused = await _too_large(request, versions[-1])
    if refused is not None:
        return refused
    return await dispatch(
        request,
        family=NEW_FAMILY,
        versions=versions,
        methods=methods,
        answer_version=versions[-1],
    )


async def client_cgi(request: web.Request) -> web.StreamResponse:
    return await _serve(request, CLIENT_VERSIONS, _CLIENT_METHODS)


async def event_cgi(request: web.Request) -> web.StreamResponse:
    return await _serve(request, EVENT_VERSIONS, _EVENT_METHODS)
