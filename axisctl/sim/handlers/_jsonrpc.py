"""Server side of the JSON envelope: parse, check version and method, answer with data or error.

Errors go out with HTTP 200 and ``error{code,message}``, as every device API does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from axisctl.sim.accounts import Level
from axisctl.sim.webctx import level_of, unauthorized


@dataclass(frozen=True)
class ErrorFamily:
    """The general error codes of one family of APIs (see the reference's envelope section)."""

    invalid_json: int
    only_post: int | None
    version: int
    method: int
    missing: int
    invalid_value: int
    forbidden: int | None


OLD_FAMILY = ErrorFamily(
    invalid_json=4000,
    only_post=2002,
    version=2003,
    method=2004,
    missing=4002,
    invalid_value=1000,
    forbidden=2001,
)

#: The family of siren_and_light, portmanagement, mqtt and ws-data-stream. It has no
#: "only POST" code and no "forbidden" code: a role too low is refused with 401.
NEW_FAMILY = ErrorFamily(
    invalid_json=2101,
    only_post=None,
    version=2100,
    method=2102,
    missing=2103,
    invalid_value=2104,
    forbidden=None,
)


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RpcRequest:
    method: str
    api_version: str | None
    context: str | None
    params: dict[str, Any]


def answer(
    request: RpcRequest | None,
    *,
    api_version: str,
    data: dict[str, Any] | None = None,
    error: RpcError | None = None,
    echo_method: bool = True,
) -> web.Response:
    body: dict[str, Any] = {"apiVersion": api_version}
    if request is not None and request.context is not None:
        body["context"] = request.context
    if request is not None and echo_method:
        body["method"] = request.method
    if error is not None:
        body["error"] = {"code": error.code, "message": error.message}
    else:
        body["data"] = data if data is not None else {}
    return web.Response(text=json.dumps(body), content_type="application/json")


async def parse(request: web.Request, family: ErrorFamily, versions: tuple[str, ...]) -> RpcRequest:
    """Read the envelope; raise :class:`RpcError` with the family's code for what is wrong."""
    if request.method != "POST" and family.only_post is not None:
        raise RpcError(family.only_post, "HTTP request type not supported. Only POST is supported")
    try:
        body = json.loads(await request.read())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RpcError(family.invalid_json, "Invalid JSON") from None
    if not isinstance(body, dict):
        raise RpcError(family.invalid_json, "Invalid JSON")
    method = body.get("method")
    if not isinstance(method, str):
        raise RpcError(family.missing, "Required parameter missing: method")
    context = body.get("context")
    api_version = body.get("apiVersion")
    params = body.get("params", {})
    if not isinstance(params, dict):
        raise RpcError(family.invalid_value, "Invalid parameter value specified: params")
    rpc = RpcRequest(
        method,
        api_version if isinstance(api_version, str) else None,
        context if isinstance(context, str) else None,
        params,
    )
    if method != "getSupportedVersions":
        if rpc.api_version is None:
            raise RpcError(family.missing, "Required parameter missing: apiVersion")
        if rpc.api_version.split(".")[0] not in {v.split(".")[0] for v in versions}:
            raise RpcError(
                family.version, f"The requested API version is not supported: {rpc.api_version}"
            )
    return rpc


MethodHandler = Callable[[web.Request, RpcRequest], dict[str, Any]]


async def dispatch(
    request: web.Request,
    *,
    family: ErrorFamily,
    versions: tuple[str, ...],
    methods: Mapping[str, tuple[Level, MethodHandler]],
    answer_version: str,
    silent_method: frozenset[str] = frozenset(),
) -> web.StreamResponse:
    """Parse the envelope, check the caller's role for the method, run it, answer.

    ``getSupportedVersions`` is answered here for every API. A method handler returns the
    ``data`` object or raises :class:`RpcError`.
    """
    rpc: RpcRequest | None = None
    try:
        rpc = await parse(request, family, versions)
        if rpc.method == "getSupportedVersions" and "getSupportedVersions" not in methods:
            return answer(rpc, api_version=answer_version, data={"apiVersions": list(versions)})
        entry = methods.get(rpc.method)
        if entry is None:
            raise RpcError(family.method, f"Method not supported: {rpc.method}")
        needed, handler = entry
        level = level_of(request)
        if level < needed:
            if level is Level.ANONYMOUS or family.forbidden is None:
                return unauthorized(request)
            raise RpcError(family.forbidden, "Access forbidden")
        data = handler(request, rpc)
    except RpcError as error:
        return answer(rpc, api_version=answer_version, error=error)
    return answer(
        rpc, api_version=answer_version, data=data, echo_method=rpc.method not in silent_method
    )
