"""Per-request context of the simulator: which device, which account, and 401 answers."""

from __future__ import annotations

from aiohttp import web

from axisctl.sim.accounts import Account, Level
from axisctl.sim.device import SimulatedDevice

DEVICE_KEY = web.AppKey("device", SimulatedDevice)
ACCOUNT = web.RequestKey("account", Account)

_UNAUTHORIZED_BODY = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    "<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n"
    "<p>This server could not verify that you\nare authorized to access the document\n"
    "requested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\n"
    "browser doesn't understand how to supply\nthe credentials required.</p>\n</body></html>\n"
)


def device_of(request: web.Request) -> SimulatedDevice:
    return request.app[DEVICE_KEY]


def account_of(request: web.Request) -> Account | None:
    account: Account | None = request.get(ACCOUNT)
    return account


def level_of(request: web.Request) -> Level:
    account = account_of(request)
    return account.level if account is not None else Level.ANONYMOUS


def schemes_for(device: SimulatedDevice, secure: bool) -> tuple[str, ...]:
    policy = device.params.value("Network.HTTP.AuthenticationPolicy")
    if policy == "Basic":
        return ("basic",)
    if policy == "Digest":
        return ("digest",)
    if policy == "Basic_Digest":
        return ("digest", "basic")
    return ("basic",) if secure else ("digest",)  # "Recommended"


def unauthorized(
    request: web.Request, *, stale: bool = False, body: str | None = None
) -> web.Response:
    """A 401 with the challenges the authentication policy allows."""
    device = device_of(request)
    response = web.Response(
        status=401,
        text=body if body is not None else _UNAUTHORIZED_BODY,
        content_type="text/html",
        charset="iso-8859-1",
    )
    schemes = schemes_for(device, request.secure)
    if "digest" in schemes:
        for challenge in device.digest.challenges(stale=stale):
            response.headers.add("WWW-Authenticate", challenge)
    if "basic" in schemes:
        response.headers.add("WWW-Authenticate", f'Basic realm="{device.digest.realm}"')
    return response
