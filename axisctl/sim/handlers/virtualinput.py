"""``virtualinput/*.cgi`` of a simulated device: XML answers, HTTP 200 for errors too.

Argument checks run in a fixed order, each answering the first failure only: schema version
(missing 10, unsupported 30), port (missing 10, not a port of this device 20), duration
(not a whole number of seconds in range 50). A model without virtual inputs answers 404,
as a device without the API would.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from aiohttp import web
from multidict import MultiDict

from axisctl.sim.handlers._form import arguments
from axisctl.sim.virtualinputs import MAX_DURATION, InvalidDuration, VirtualInputNotFound
from axisctl.sim.webctx import device_of

NAMESPACE = "http://www.axis.com/vapix/http_cgi/virtualinput1"
#: The schema version the simulator speaks; requests may ask for major version 1.
SCHEMA_MAJOR = 1
SCHEMA_MINOR = 1

MISSING_ARGUMENT = 10
NO_SUCH_INPUT = 20
SCHEMA_NOT_SUPPORTED = 30
INTERNAL_ERROR = 40
INVALID_DURATION = 50

#: The descriptions of the API's error table (no device capture shows other wording).
DESCRIPTIONS = {
    MISSING_ARGUMENT: "Missing argument.",
    NO_SUCH_INPUT: "The specified virtual input does not exist.",
    SCHEMA_NOT_SUPPORTED: "The specified schema version is not supported.",
    INTERNAL_ERROR: "Internal server error.",
    INVALID_DURATION: "Invalid duration.",
}

_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    f'<VirtualInputResponse xmlns="{NAMESPACE}"\n'
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    f' SchemaVersion="{SCHEMA_MAJOR}.{SCHEMA_MINOR}"\n'
    f'    xsi:schemaLocation="{NAMESPACE} http://www.axis.com/vapix/http_cgi/virtualinput1_0.xsd">\n'
)
_TAIL = "</VirtualInputResponse>\n"

_SCHEMA_VERSION = re.compile(r"([0-9]{1,9})(?:\.[0-9]{1,9})?")
#: Ten digits hold every value up to MAX_DURATION; longer strings are refused before int()
#: so that a huge argument costs nothing (and never hits int()'s digit limit).
_NUMBER = re.compile(r"[0-9]{1,10}")


class _Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(DESCRIPTIONS[code])
        self.code = code


def _xml(body: str) -> web.Response:
    return web.Response(body=(_HEAD + body + _TAIL).encode("utf-8"), content_type="text/xml")


def _success(name: str, state_changed: bool) -> web.Response:
    value = "true" if state_changed else "false"
    return _xml(
        "  <Success>\n"
        f"    <{name}>\n"
        f"      <StateChanged>{value}</StateChanged>\n"
        f"    </{name}>\n"
        "  </Success>\n"
    )


def _error(code: int) -> web.Response:
    return _xml(
        "  <Error>\n"
        "    <GeneralError>\n"
        f"      <ErrorCode>{code}</ErrorCode>\n"
        f"      <ErrorDescription>{escape(DESCRIPTIONS[code])}</ErrorDescription>\n"
        "    </GeneralError>\n"
        "  </Error>\n"
    )


def _not_allowed(request: web.Request) -> web.Response | None:
    if request.method in ("GET", "HEAD", "POST"):
        return None
    return web.Response(status=405, headers={"Allow": "GET, POST"}, text="Method Not Allowed\n")


def _not_offered(request: web.Request) -> web.Response | None:
    if device_of(request).virtual_inputs.count:
        return None
    return web.Response(status=404, text="Not Found\n")


def _argument(args: MultiDict[str], name: str) -> str:
    value = args.get(name, "")
    if not value:
        raise _Refused(MISSING_ARGUMENT)
    return value


def _check_schema_version(args: MultiDict[str]) -> None:
    match = _SCHEMA_VERSION.fullmatch(_argument(args, "schemaversion"))
    if match is None or int(match.group(1)) != SCHEMA_MAJOR:
        raise _Refused(SCHEMA_NOT_SUPPORTED)


def _port(args: MultiDict[str], count: int) -> int:
    text = _argument(args, "port")
    if not _NUMBER.fullmatch(text) or not 1 <= int(text) <= count:
        raise _Refused(NO_SUCH_INPUT)
    return int(text)


def _duration(args: MultiDict[str]) -> int | None:
    if "duration" not in args:
        return None
    text = args.get("duration", "")
    if not _NUMBER.fullmatch(text) or int(text) > MAX_DURATION:
        raise _Refused(INVALID_DURATION)
    return int(text)


async def _switch(request: web.Request, *, activate: bool) -> web.StreamResponse:
    early = _not_allowed(request) or _not_offered(request)
    if early is not None:
        return early
    device = device_of(request)
    args = await arguments(request)
    try:
        _check_schema_version(args)
        port = _port(args, device.virtual_inputs.count)
        duration = _duration(args) if activate else None
        with device.lock:
            if activate:
                changed = device.virtual_inputs.activate(port, duration)
            else:
                changed = device.virtual_inputs.deactivate(port)
    except _Refused as refused:
        return _error(refused.code)
    except VirtualInputNotFound:
        return _error(NO_SUCH_INPUT)
    except InvalidDuration:
        return _error(INVALID_DURATION)
    return _success("ActivateSuccess" if activate else "DeactivateSuccess", changed)


async def activate_cgi(request: web.Request) -> web.StreamResponse:
    return await _switch(request, activate=True)


async def deactivate_cgi(request: web.Request) -> web.StreamResponse:
    return await _switch(request, activate=False)


async def getschemaversions_cgi(request: web.Request) -> web.StreamResponse:
    early = _not_allowed(request) or _not_offered(request)
    if early is not None:
        return early
    return _xml(
        "  <Success>\n"
        "    <GetSchemaVersionsSuccess>\n"
        "      <SchemaVersion>\n"
        f"        <MajorVersion>{SCHEMA_MAJOR}</MajorVersion>\n"
        f"        <MinorVersion>{SCHEMA_MINOR}</MinorVersion>\n"
        "      </SchemaVersion>\n"
        "    </GetSchemaVersionsSuccess>\n"
        "  </Success>\n"
    )
