"""Event service of a simulated device: ``/vapix/ws-data-stream``, ``wssession.cgi``, SOAP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from axisctl.codecs import safexml
from axisctl.errors import ParseError
from axisctl.events.declarations import NS_EVENT1, NS_SOAP, declarations_xml, fault_xml
from axisctl.events.filters import EventFilter, FilterError
from axisctl.events.models import Event
from axisctl.sim.accounts import Account
from axisctl.sim.bus import SimEvent
from axisctl.sim.declarations import declarations_for
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.handlers._jsonrpc import RpcError
from axisctl.sim.webctx import account_of, device_of, unauthorized

# --- websocket event stream (vapix-wire-formats §6.1) ----------------------------------------

WS_API_VERSION = "1.0"
#: Seconds a wssession.cgi token stays valid (the documented 15 s).
SESSION_LIFETIME_S = 15.0
#: Longest text frame taken; a longer one is answered 2107 and the stream goes on.
MAX_REQUEST_BYTES = 64 * 1024
#: Notifications waiting for a slow client; past it the oldest go, as a device cannot buffer
#: without end either.
MAX_PENDING_FRAMES = 10_000
_WS_ERRORS = {
    1100: "Internal Error",
    2100: "The API version is not supported",
    2101: "Invalid JSON",
    2102: "Method not supported",
    2103: "Required parameter missing",
    2104: "Invalid parameter value specified",
    2107: "Request too large",
}
EMPTY_FILTER_LIST = "Invalid event datasource payload: eventFilterList is empty"


class WsSessions:
    """Tokens of ``wssession.cgi``: each opens one websocket within ``lifetime_s`` of real time.

    ``time`` is the clock tokens age on; tests replace it (or ``lifetime_s``) instead of waiting.
    """

    def __init__(self) -> None:
        self.lifetime_s = SESSION_LIFETIME_S
        self.time: Callable[[], float] = time.monotonic
        self._tokens: dict[str, tuple[float, Account]] = {}

    def issue(self, account: Account) -> str:
        now = self.time()
        for token in [t for t, (made, _) in self._tokens.items() if now - made > self.lifetime_s]:
            del self._tokens[token]
        # Digits only, like the documented example token 1331901001644832701.
        token = str(secrets.randbelow(9 * 10**18) + 10**18)
        self._tokens[token] = (now, account)
        return token

    def redeem(self, token: str) -> Account | None:
        """The account a valid token was issued to; the token is used up either way."""
        entry = self._tokens.pop(token, None)
        if entry is None or self.time() - entry[0] > self.lifetime_s:
            return None
        return entry[1]


_SESSIONS: weakref.WeakKeyDictionary[SimulatedDevice, WsSessions] = weakref.WeakKeyDictionary()
_OPEN_STREAMS: weakref.WeakKeyDictionary[web.Application, set[web.WebSocketResponse]] = (
    weakref.WeakKeyDictionary()
)


def ws_sessions(device: SimulatedDevice) -> WsSessions:
    """The websocket session tokens of ``device``."""
    sessions = _SESSIONS.get(device)
    if sessions is None:
        sessions = _SESSIONS[device] = WsSessions()
    return sessions


def session_account(device: SimulatedDevice, token: str | None) -> Account | None:
    """For the auth middleware: the account behind a ``wssession`` token, if it is valid."""
    return ws_sessions(device).redeem(token) if token else None


async def wssession_cgi(request: web.Request) -> web.StreamResponse:
    if request.method != "GET":
        return web.Response(status=405, headers={"Allow": "GET"}, text="Method Not Allowed\n")
    account = account_of(request)
    if account is None:  # the middleware lets no anonymous caller through; be sure anyway
        return unauthorized(request)
    token = ws_sessions(device_of(request)).issue(account)
    return web.Response(text=token, content_type="text/plain")


async def close_streams(app: web.Application) -> None:
    """``on_shutdown``: close open websockets (1001), or the server waits for them to end."""
    for ws in list(_OPEN_STREAMS.get(app, ())):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutdown")


class _StreamSession:
    """One websocket: its filters, and the frames waiting to be written in order.

    Bus subscribers run under the device lock, on whatever thread changed the state (the
    clock's timers included). Frames are queued under that lock too, so notifications,
    configure answers and initial states leave in the order they happened; the event loop is
    only woken up to write them.
    """

    def __init__(self, device: SimulatedDevice, loop: asyncio.AbstractEventLoop) -> None:
        self.device = device
        self.loop = loop
        self.filters: tuple[EventFilter, ...] = ()
        self.frames: deque[str] = deque()
        self.dropped = 0
        self.wake = asyncio.Event()
        self._wake_pending = False

    def on_event(self, event: SimEvent) -> None:
        """Bus subscriber (device lock held): one notification per matching filter."""
        for frame in self._notifications(event, event.time):
            self._queue(frame)

    def _notifications(self, event: SimEvent, reading: float) -> list[str]:
        probe = Event(topic=event.topic, source=event.source, key=event.key, data=event.data)
        matching = sum(1 for f in self.filters if f.matches(probe))
        if not matching:
            return []
        notification = {
            "topic": event.topic,
            "timestamp": int(self.device.clock.wall_at(reading) * 1000),
            "message": {
                "source": {k: str(v) for k, v in event.source.items()},
                "key": {k: str(v) for k, v in event.key.items()},
                "data": {k: str(v) for k, v in event.data.items()},
            },
        }
        frame = json.dumps(
            {
                "apiVersion": WS_API_VERSION,
                "method": "events:notify",
                "params": {"notification": notification},
            }
        )
        # Each filter is its own subscription: an event two filters match is sent twice.
        return [frame] * matching

    def _queue(self, frame: str) -> None:
        if len(self.frames) >= MAX_PENDING_FRAMES:
            self.frames.popleft()
            self.dropped += 1
        self.frames.append(frame)
        if not self._wake_pending:
            self._wake_pending = True
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody to tell
                self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self._wake_pending = False
        self.wake.set()

    def take(self) -> list[str]:
        with self.device.lock:
            frames = list(self.frames)
            self.frames.clear()
            return frames

    def handle(self, text: str) -> None:
        """Answer one text frame from the client."""
        request: dict[str, Any] = {}
        try:
            if len(text.encode()) > MAX_REQUEST_BYTES:
                raise RpcError(2107, _WS_ERRORS[2107])
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                raise RpcError(2101, _WS_ERRORS[2101]) from None
            if not isinstance(body, dict):
                raise RpcError(2101, _WS_ERRORS[2101])
            request = body
            filters = self._parse_configure(body)
        except RpcError as error:
            self.refuse(error, request)
            return
        with self.device.lock:
            # One step under the lock: no event can fall between the old filters, the
            # answer and the current state.
            self.filters = filters
            self._queue(self._answer(request))
            now = self.device.clock.now()
            for event in self.device.bus.current():
                for frame in self._notifications(event, now):
                    self._queue(frame)

    def refuse(self, error: RpcError, request: dict[str, Any] | None = None) -> None:
        """Answer a bad frame with a WS error code; the stream and its filters stay."""
        with self.device.lock:
            self._queue(self._answer(request or {}, error=error))

    def _parse_configure(self, body: dict[str, Any]) -> tuple[EventFilter, ...]:
        method = body.get("method")
        if not isinstance(method, str):
            raise RpcError(2103, f"{_WS_ERRORS[2103]}: method")
        version = body.get("apiVersion")
        if not isinstance(version, str):
            raise RpcError(2103, f"{_WS_ERRORS[2103]}: apiVersion")
        if version.split(".")[0] != WS_API_VERSION.split(".")[0]:
            raise RpcError(2100, _WS_ERRORS[2100])
        if method != "events:configure":
            raise RpcError(2102, _WS_ERRORS[2102])
        params = body.get("params")
        if not isinstance(params, dict) or "eventFilterList" not in params:
            raise RpcError(2103, f"{_WS_ERRORS[2103]}: eventFilterList")
        entries = params["eventFilterList"]
        if not isinstance(entries, list):
            raise RpcError(2104, f"{_WS_ERRORS[2104]}: eventFilterList")
        if not entries:
            raise RpcError(2104, EMPTY_FILTER_LIST)
        try:
            return tuple(EventFilter.from_json(entry) for entry in entries)
        except FilterError as error:
            raise RpcError(2104, f"{_WS_ERRORS[2104]}: {error.message}") from None

    @staticmethod
    def _answer(request: dict[str, Any], *, error: RpcError | None = None) -> str:
        body: dict[str, Any] = {"apiVersion": WS_API_VERSION}
        context = request.get("context")
        if isinstance(context, str):
            body["context"] = context
        method = request.get("method")
        if isinstance(method, str):
            body["method"] = method
        if error is None:
            body["data"] = {}
        else:
            body["error"] = {"code": error.code, "message": error.message}
        return json.dumps(body)


async def ws_data_stream(request: web.Request) -> web.StreamResponse:
    sources = {s.strip() for s in request.query.get("sources", "").split(",")}
    if "events" not in sources:
        return web.Response(status=400, text="sources must include events\n")
    ws = web.WebSocketResponse(max_msg_size=4 * MAX_REQUEST_BYTES, timeout=2.0)
    if not ws.can_prepare(request).ok:
        return web.Response(status=400, text="expected a websocket upgrade\n")
    await ws.prepare(request)
    device = device_of(request)
    session = _StreamSession(device, asyncio.get_running_loop())
    streams = _OPEN_STREAMS.setdefault(request.app, set())
    streams.add(ws)
    with device.lock:
        unsubscribe = device.bus.subscribe(session.on_event)
    writer = asyncio.create_task(_write_frames(ws, session))
    try:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                session.handle(message.data)
            elif message.type is WSMsgType.BINARY:
                session.refuse(RpcError(2101, _WS_ERRORS[2101]))
    finally:
        with device.lock:
            unsubscribe()
        streams.discard(ws)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
        await ws.close()
    return ws


async def _write_frames(ws: web.WebSocketResponse, session: _StreamSession) -> None:
    while not ws.closed:
        await session.wake.wait()
        session.wake.clear()
        for frame in session.take():
            try:
                await ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return  # the client went away; the reader ends the session


# --- Event1 SOAP service, GetEventInstances (vapix-wire-formats §6.3) -------------------------


def _soap(body: bytes, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=body, content_type="application/soap+xml", charset="utf-8"
    )


def _soap_operation(body: bytes) -> tuple[str | None, str] | str:
    """``(namespace, name)`` of the requested operation, or why the request is no SOAP call."""
    try:
        envelope = safexml.parse_xml(body, what="SOAP request")
    except ParseError as error:
        return error.message
    if safexml.namespace_of(envelope) != NS_SOAP or safexml.local_name(envelope) != "Envelope":
        return "SOAP request: expected a SOAP 1.2 Envelope"
    soap_body = safexml.child(envelope, NS_SOAP, "Body")
    operation = None if soap_body is None else next(soap_body.iterchildren("{*}*"), None)
    if operation is None:
        return "SOAP request: the Body names no operation"
    return safexml.namespace_of(operation), safexml.local_name(operation)


async def services(request: web.Request) -> web.StreamResponse:
    """``POST /vapix/services``: GetEventInstances; anything else a SOAP fault.

    Faults follow the SOAP 1.2 HTTP binding: a request the device cannot use is the
    sender's fault (HTTP 400); the simulator has no receiver faults (HTTP 500) to give.
    """
    if request.method != "POST":
        return web.Response(status=405, headers={"Allow": "POST"}, text="Method Not Allowed\n")
    operation = _soap_operation(await request.read())
    if isinstance(operation, str):
        return _soap(fault_xml(operation), status=400)
    namespace, name = operation
    if (namespace, name) != (NS_EVENT1, "GetEventInstances"):
        # gSOAP's wording for an unknown operation; AXIS OS answers are gSOAP envelopes.
        reason = f"Method '{name}' not implemented: method name or namespace not recognized"
        return _soap(fault_xml(reason), status=400)
    device = device_of(request)
    with device.lock:
        declared = declarations_for(
            device.spec,
            virtual_inputs=device.virtual_inputs.count,
            siren_light=device.siren_light is not None,
        )
    return _soap(declarations_xml(declared))
