"""The JSON envelope shared by most device APIs, in one place.

Request: ``{"apiVersion", "context", "method", "params"}``. Answer: the same keys with
``data`` on success or ``error: {code, message}`` on failure — and failures arrive with
HTTP 200, so an answer is only a success when it carries ``data`` and no ``error``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from axisctl.errors import DeviceError, ForbiddenError, MalformedResponseError
from axisctl.transport.flow import Flow, HttpRequest, HttpResponse

CONTEXT = "axisctl"

#: Error codes that mean "your role is too low" in the old ("2001 Access forbidden") and the
#: new ("2105 Authorization failed") families of general error codes.
FORBIDDEN_CODES = frozenset({2001, 2105})


def build_envelope(
    method: str, params: Mapping[str, Any] | None = None, api_version: str | None = "1.0"
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if api_version is not None:
        body["apiVersion"] = api_version
    body["context"] = CONTEXT
    body["method"] = method
    if params is not None:
        body["params"] = dict(params)
    return body


def parse_envelope(
    response: HttpResponse,
    *,
    api: str,
    method: str,
    forbidden_codes: frozenset[int] = FORBIDDEN_CODES,
) -> dict[str, Any]:
    """Return the ``data`` object of an answer, or raise the error it carries."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; so is an integer longer
        # than Python's digit limit. Absurd nesting exhausts the parser's recursion.
        raise MalformedResponseError(f"{method}: answer is not JSON ({exc})", api=api) from None
    if not isinstance(body, dict):
        raise MalformedResponseError(
            f"{method}: answer is a JSON {type(body).__name__}, expected an object", api=api
        )
    error = body.get("error")
    if error is not None:
        if not isinstance(error, dict):
            raise MalformedResponseError(f"{method}: 'error' is not an object", api=api)
        code = error.get("code")
        message = error.get("message")
        if not isinstance(code, int) or isinstance(code, bool):
            raise MalformedResponseError(f"{method}: error without an integer code", api=api)
        text = message if isinstance(message, str) else "(no message)"
        if code in forbidden_codes:
            raise ForbiddenError(f"{method}: error {code}: {text}", api=api)
        raise DeviceError(text, code=code, method=method, api=api)
    data = body.get("data")
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"{method}: answer has neither 'data' nor 'error'"
            if data is None
            else f"{method}: 'data' is a JSON {type(data).__name__}, expected an object",
            api=api,
        )
    return data


def json_call(
    *,
    api: str,
    path: str,
    method: str,
    params: Mapping[str, Any] | None = None,
    api_version: str | None = "1.0",
    idempotent: bool = False,
    authenticate: bool = True,
    forbidden_codes: frozenset[int] = FORBIDDEN_CODES,
    timeout: float | None = None,
) -> Flow[dict[str, Any]]:
    """POST one JSON-envelope request and return its ``data``."""
    response = yield HttpRequest(
        "POST",
        path,
        api=api,
        json=build_envelope(method, params, api_version),
        idempotent=idempotent,
        authenticate=authenticate,
        timeout=timeout,
    )
    return parse_envelope(response, api=api, method=method, forbidden_codes=forbidden_codes)


def supported_versions(*, api: str, path: str) -> Flow[list[str]]:
    """``getSupportedVersions``, which every JSON API answers the same way."""
    data = yield from json_call(
        api=api, path=path, method="getSupportedVersions", api_version=None, idempotent=True
    )
    versions = data.get("apiVersions")
    if not isinstance(versions, list):
        raise MalformedResponseError("getSupportedVersions: 'apiVersions' is not a list", api=api)
    return [str(v) for v in versions]
