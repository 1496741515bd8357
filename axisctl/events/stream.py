"""The websocket event stream of a device (``/vapix/ws-data-stream``), as typed events.

>>> with Device("http://192.168.0.90", "root", "secret") as cam:          # doctest: +SKIP
...     with open_stream(cam, ["tns1:Device/tnsaxis:IO//."]) as stream:
...         for event in stream:
...             print(event.topic, dict(event.source), dict(event.data))

What it does for the caller (vapix-wire-formats §6.1):

- **Auth**: by default a session token from ``wssession.cgi`` (fetched over the device's
  ordinary HTTP client, so Digest, TLS trust and pinning are the same as for every call),
  fresh for every connection; or, with ``StreamSettings(use_token=False)``, Digest (or Basic,
  when the client options say so) on the upgrade request itself.
- **Filters**: ``events:configure`` with :class:`~axisctl.events.filters.EventFilter` objects.
  The device treats each filter as its own subscription, so an event that two filters match
  arrives twice. A refused configure raises :class:`ConfigureError` (2104 for an empty list).
- **Events**: typed by :func:`~axisctl.events.models.parse_notification`; topics axisctl does
  not model arrive as plain :class:`~axisctl.events.models.Event`.
- **Reconnect**: a lost connection is reopened with exponential backoff and jitter, the
  filters sent again, and the device then re-sends the state of its stateful topics. Silent
  dead connections are found by websocket pings. Authentication, permission, TLS and
  configure errors are not retried: they end the stream and are raised to the consumer.
- **Overflow**: events wait in a bounded queue (``max_queue``). When it is full the *oldest*
  event is dropped and :attr:`EventStream.dropped` counts it: a slow consumer sees the
  newest state rather than an ever older backlog.
- **Malformed frames** are logged, counted in :attr:`EventStream.malformed` and skipped.
- **Closing**: leaving ``async with``/``with``, :meth:`EventStream.close`, or cancelling the
  task that runs :meth:`EventStream.run` closes the socket and stops reconnecting.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import inspect
import itertools
import json
import logging
import random
import ssl
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, overload

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from axisctl import __version__
from axisctl.apis.events import EventsAPI
from axisctl.device import AsyncDevice, Device
from axisctl.errors import (
    AuthenticationError,
    AxisError,
    CertificatePinMismatchError,
    ConfigurationError,
    ConnectionLostError,
    DeviceError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ForbiddenError,
    HTTPStatusError,
    MalformedResponseError,
    TLSError,
    TransportError,
    UnsupportedAPIError,
)
from axisctl.events.filters import EventFilter
from axisctl.events.models import Event, EventParseError, parse_notification
from axisctl.transport.auth import Credentials, DigestAuth
from axisctl.transport.client import AsyncTransport, ClientOptions
from axisctl.transport.flow import AsyncMode
from axisctl.transport.tls import TLSConfig, certificate_fingerprint, normalize_fingerprint

__all__ = [
    "ALL_EVENTS",
    "ConfigureError",
    "EventStream",
    "StreamClosedError",
    "StreamSettings",
    "SyncEventStream",
    "open_stream",
]

log = logging.getLogger("axisctl.events.stream")
# The websockets library logs request lines and headers at DEBUG: the session token and the
# Digest answer would land in the logs. Its logger is ours and stays at INFO unless someone
# lowers it on purpose.
_wire_log = logging.getLogger("axisctl.events.stream.wire")
_wire_log.setLevel(logging.INFO)

WS_PATH = "/vapix/ws-data-stream"
API_NAME = "ws-data-stream"
API_VERSION = "1.0"
#: Every topic: the filter the stream uses when given none.
ALL_EVENTS = EventFilter.of("//.")

FilterLike = EventFilter | str
Callback = Callable[[Event], Awaitable[None] | None]


class ConfigureError(DeviceError):
    """The device refused ``events:configure``; ``code`` is its WS error code.

    2104 "Invalid event datasource payload: eventFilterList is empty" for an empty filter
    list, 2104 for a filter it cannot read, 2100 to 2103 for an envelope it does not accept.
    """


class StreamClosedError(AxisError):
    """The stream was closed (by :meth:`EventStream.close` or leaving its context)."""


@dataclass(frozen=True)
class StreamSettings:
    """How an event stream connects, waits and buffers.

    ``use_token`` — authenticate with a ``wssession.cgi`` token (default) rather than on the
    upgrade request. ``max_queue`` — events kept for a slow consumer; past it the oldest is
    dropped. ``backoff``/``max_backoff`` — first and longest pause between reconnects (each
    pause is drawn between half and all of the current ceiling, which doubles per failure).
    ``ping_interval``/``ping_timeout`` — a connection whose ping goes unanswered this long is
    taken for dead and reopened (``None`` turns pings off). ``open_timeout`` — seconds for
    connecting, the upgrade and the configure answer.
    """

    use_token: bool = True
    max_queue: int = 1000
    reconnect: bool = True
    backoff: float = 0.5
    max_backoff: float = 30.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    open_timeout: float = 10.0
    close_timeout: float = 2.0
    max_frame_bytes: int = 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_queue < 1:
            raise ConfigurationError("max_queue must be at least 1")
        if self.backoff <= 0 or self.max_backoff < self.backoff:
            raise ConfigurationError("backoff must be above 0 and not above max_backoff")


def _as_filter(value: FilterLike) -> EventFilter:
    return EventFilter.of(topic=value) if isinstance(value, str) else value


class _Buffer:
    """Events between the reader and the consumer: bounded, drop-oldest, thread-safe.

    The reader puts on the event loop's thread; consumers take either on that loop (async)
    or on any other thread (the sync stream).
    """

    def __init__(self, maxsize: int, name: str) -> None:
        self.maxsize = maxsize
        self.name = name
        self.dropped = 0
        self._items: deque[Event] = deque()
        self._cond = threading.Condition()
        self._ready: asyncio.Event | None = None
        self._end: BaseException | None = None

    def bind(self) -> None:
        """Call on the loop that will put: async consumers wait on an event of that loop."""
        self._ready = asyncio.Event()

    def put(self, event: Event) -> None:
        dropped = 0
        with self._cond:
            if self._end is not None:
                return
            if len(self._items) >= self.maxsize:
                self._items.popleft()
                self.dropped += 1
                dropped = self.dropped
            self._items.append(event)
            self._cond.notify_all()
        if self._ready is not None:
            self._ready.set()
        if dropped and _worth_logging(dropped):
            log.warning(
                "%s: event queue full (%d); dropped the oldest event, %d so far",
                self.name,
                self.maxsize,
                dropped,
            )

    def end(self, reason: BaseException, *, discard: bool = False) -> None:
        """No more events: consumers get what is queued (unless ``discard``), then ``reason``."""
        with self._cond:
            if self._end is None:
                self._end = reason
            if discard:
                self._items.clear()
            self._cond.notify_all()
        if self._ready is not None:
            self._ready.set()

    def _pop(self) -> Event | None:
        if self._items:
            return self._items.popleft()
        if self._end is not None:
            raise self._end
        return None

    async def get(self) -> Event:
        assert self._ready is not None, "the stream was not started"
        while True:
            with self._cond:
                event = self._pop()
            if event is not None:
                return event
            # Puts happen on this loop's thread, so nothing can slip in between the check
            # above and this clear.
            self._ready.clear()
            await self._ready.wait()

    def get_blocking(self, timeout: float | None) -> Event:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                event = self._pop()
                if event is not None:
                    return event
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"no event within {timeout} s")
                self._cond.wait(remaining)


def _worth_logging(count: int) -> bool:
    """1, 2, 3, 10, 100, 1000 ...: enough to notice a problem, not a line per frame."""
    return count <= 3 or (count % 10 == 0 and str(count).rstrip("0") == "1")


def _ssl_context(tls: TLSConfig) -> ssl.SSLContext:
    context = tls.ssl_context()
    if isinstance(context, ssl.SSLContext):
        return context
    if context:
        return ssl.create_default_context()
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    return unverified


def _pinned_connection(pin: str) -> type[ClientConnection]:
    class PinnedConnection(ClientConnection):
        """Checks the certificate before the upgrade request (and its credentials) is sent."""

        async def handshake(self, *args: Any, **kwargs: Any) -> None:
            ssl_object = self.transport.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(True) if ssl_object is not None else None
            if not der:
                raise CertificatePinMismatchError("device presented no certificate")
            seen = certificate_fingerprint(der)
            if not hmac.compare_digest(seen, pin):
                raise CertificatePinMismatchError(
                    f"certificate fingerprint sha256:{seen} is not the pinned one"
                )
            await super().handshake(*args, **kwargs)

    return PinnedConnection


def _retriable(error: AxisError) -> bool:
    """Worth another connection attempt: the network or a device that is (re)starting."""
    if isinstance(error, TLSError):
        return False
    if isinstance(error, (TransportError, MalformedResponseError)):
        return True
    return isinstance(error, HTTPStatusError) and error.status >= 500


class EventStream:
    """The event stream of one device, for asyncio code.

    >>> async with EventStream(url, "root", "pass", ["tns1:Device/tnsaxis:IO//."]) as stream:
    ...     async for event in stream:                                  # doctest: +SKIP
    ...         print(event)

    ``filters`` are :class:`EventFilter` objects or topic filter strings; by default every
    topic. TLS and HTTP auth come from ``options`` (or ``verify``/``ca_bundle``/
    ``pin_sha256``), as for :class:`~axisctl.AsyncDevice`; :func:`open_stream` takes them from
    a device object.
    """

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: str | None = None,
        filters: Iterable[FilterLike] = (ALL_EVENTS,),
        *,
        settings: StreamSettings | None = None,
        verify: bool = True,
        ca_bundle: str | Path | None = None,
        pin_sha256: str | None = None,
        options: ClientOptions | None = None,
    ) -> None:
        if (user is None) != (password is None):
            raise ValueError("give both a user name and a password, or neither")
        self._credentials = (
            Credentials(user, password) if user is not None and password is not None else None
        )
        self._options = options or ClientOptions(
            tls=TLSConfig(verify=verify, ca_bundle=ca_bundle, pin_sha256=pin_sha256)
        )
        self.settings = settings or StreamSettings()
        self._filters = [_as_filter(f) for f in filters]
        # The HTTP side (session tokens) validates the URL and the auth options up front.
        self._transport = AsyncTransport(url, self._credentials, self._options)
        self._api: EventsAPI[AsyncMode] = EventsAPI(self._transport)
        self.name = self._transport.name
        scheme, _, rest = self.name.partition("://")
        self._ws_base = ("wss://" if scheme == "https" else "ws://") + rest
        self._ssl = _ssl_context(self._options.tls) if scheme == "https" else None
        pin = self._options.tls.pin_sha256
        self._connection_class = (
            _pinned_connection(normalize_fingerprint(pin)) if pin is not None else None
        )
        self._digest = (
            DigestAuth(self._credentials)
            if self._credentials is not None and self._options.auth == "digest"
            else None
        )
        self._buffer = _Buffer(self.settings.max_queue, self.name)
        self._contexts = itertools.count(1)
        self._pending: dict[str, asyncio.Future[None]] = {}
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        #: Frames that were not a readable notification or answer (skipped).
        self.malformed = 0
        #: Events handed to the queue.
        self.received = 0
        #: Successful reconnections since the stream started.
        self.reconnects = 0

    def __repr__(self) -> str:
        user = f", user={self._credentials.username!r}" if self._credentials else ""
        state = "connected" if self.connected else ("closed" if self._closing else "idle")
        return f"<EventStream {self.name}{user} filters={len(self._filters)} {state}>"

    # --- what the consumer sees --------------------------------------------------------------

    @property
    def dropped(self) -> int:
        """Events dropped because the queue was full (always the oldest waiting one)."""
        return self._buffer.dropped

    @property
    def connected(self) -> bool:
        return self._ws is not None

    @property
    def filters(self) -> list[EventFilter]:
        return list(self._filters)

    async def start(self) -> None:
        """Connect and configure; raises what went wrong. ``async with`` calls it."""
        if self._task is not None:
            return
        if self._closing:
            raise StreamClosedError("the stream is closed; open a new one", device=self.name)
        self._buffer.bind()
        try:
            ws = await self._open()
        except BaseException:
            await self.close()
            raise
        self._ws = ws  # connected from here on, before the reader task first runs
        self._task = asyncio.create_task(self._run(ws), name=f"axisctl events {self.name}")

    async def close(self) -> None:
        """Close the socket and stop reconnecting; consumers then get the end of the stream."""
        if self._closing and self._task is None:
            return
        self._closing = True
        ws, task = self._ws, self._task
        self._task = None
        if ws is not None:
            await ws.close()
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            # wait() rather than awaiting the task: a cancelled close() must stay cancelled.
            await asyncio.wait([task])
        self._buffer.end(StreamClosedError("the stream was closed", device=self.name), discard=True)
        await self._transport.aclose()

    async def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` seconds without one.

        Raises :class:`StreamClosedError` once closed, and the error that ended the stream
        (authentication, configure ...) after the events queued before it.
        """
        await self.start()
        if timeout is None:
            return await self._buffer.get()
        try:
            return await asyncio.wait_for(self._buffer.get(), timeout)
        except asyncio.TimeoutError:  # not yet the builtin one on Python 3.10
            raise TimeoutError(f"no event within {timeout} s") from None

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        try:
            return await self.get()
        except StreamClosedError:
            raise StopAsyncIteration from None

    async def run(self, callback: Callback) -> None:
        """Call ``callback(event)`` (a function or a coroutine function) for every event.

        Runs until the stream is closed or fails, or the callback raises; the stream is
        closed when it returns, also when the task running it is cancelled.
        """
        try:
            async for event in self:
                result = callback(event)
                if inspect.isawaitable(result):
                    await result
        finally:
            await self.close()

    async def configure(self, filters: Iterable[FilterLike]) -> None:
        """Replace the filters; the device then sends the current state that matches them."""
        new = [_as_filter(f) for f in filters]
        ws = self._ws
        if ws is None:
            self._filters = new  # the next (re)connection sends them
            return
        future = await self._send_configure(ws, new)
        try:
            await asyncio.wait_for(future, self.settings.open_timeout)
        except asyncio.TimeoutError:
            raise DeviceTimeoutError(
                "no answer to events:configure", device=self.name, api=API_NAME
            ) from None
        except ConnectionLostError:
            pass  # dropped before the answer: the reconnection sends the new filters
        # Only now: filters the device refused (ConfigureError) must not be sent again on
        # every reconnection.
        self._filters = new

    async def __aenter__(self) -> EventStream:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- connecting ------------------------------------------------------------------------

    async def _open(self) -> ClientConnection:
        """A connected, configured socket, or an :class:`AxisError` saying why not."""
        try:
            ws = await self._connect()
        except AxisError as error:
            raise self._stamp(error) from error.__cause__
        except Exception as exc:
            raise self._map(exc) from exc
        try:
            future = await self._send_configure(ws, self._filters)
            await asyncio.wait_for(self._read_until(ws, future), self.settings.open_timeout)
        except BaseException as exc:
            self._pending.clear()
            await ws.close()
            if isinstance(exc, AxisError):
                raise self._stamp(exc) from exc.__cause__
            if isinstance(exc, asyncio.TimeoutError):
                raise DeviceTimeoutError(
                    "no answer to events:configure", device=self.name, api=API_NAME
                ) from None
            if isinstance(exc, Exception):
                raise self._map(exc) from exc
            raise
        return ws

    async def _connect(self) -> ClientConnection:
        query = "sources=events"
        authorization: str | None = None
        if self._credentials is not None and self.settings.use_token:
            token = await self._api.session_token()
            query = f"wssession={token}&sources=events"
        elif self._credentials is not None and self._digest is None:
            pair = f"{self._credentials.username}:{self._credentials.password}".encode()
            authorization = "Basic " + base64.b64encode(pair).decode()
        uri = f"{self._ws_base}{WS_PATH}?{query}"
        if self._digest is None or self.settings.use_token:
            return await self._upgrade(uri, authorization)
        # Digest on the upgrade: the transport's DigestAuth does the arithmetic (and reuses
        # its last challenge on reconnects); this drives its flow by hand around the upgrade.
        request = httpx.Request("GET", f"{self.name}{WS_PATH}?{query}")
        flow = self._digest.auth_flow(request)
        request = next(flow)
        try:
            return await self._upgrade(uri, request.headers.get("Authorization"))
        except InvalidStatus as exc:
            if exc.response.status_code != 401:
                raise
            challenges = exc.response.headers.get_all("WWW-Authenticate")
            answer = httpx.Response(
                401, headers=[("WWW-Authenticate", c) for c in challenges], request=request
            )
            try:
                request = flow.send(answer)
            except StopIteration:
                raise exc from None  # no Digest challenge we can answer: a plain 401
        return await self._upgrade(uri, request.headers.get("Authorization"))

    async def _upgrade(self, uri: str, authorization: str | None) -> ClientConnection:
        settings = self.settings
        extra: dict[str, Any] = {}
        if self._connection_class is not None:
            extra["create_connection"] = self._connection_class
        return await connect(
            uri,
            additional_headers={"Authorization": authorization} if authorization else None,
            user_agent_header=f"axisctl/{__version__}",
            ssl=self._ssl,
            proxy=None,
            open_timeout=settings.open_timeout,
            ping_interval=settings.ping_interval,
            ping_timeout=settings.ping_timeout,
            close_timeout=settings.close_timeout,
            max_size=settings.max_frame_bytes,
            logger=_wire_log,
            **extra,
        )

    async def _send_configure(
        self, ws: ClientConnection, filters: list[EventFilter]
    ) -> asyncio.Future[None]:
        context = f"axisctl-{next(self._contexts)}"
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending[context] = future
        body = {
            "apiVersion": API_VERSION,
            "context": context,
            "method": "events:configure",
            "params": {"eventFilterList": [f.to_json() for f in filters]},
        }
        await ws.send(json.dumps(body))
        return future

    async def _read_until(self, ws: ClientConnection, future: asyncio.Future[None]) -> None:
        while not future.done():
            self._handle(await ws.recv())
        future.result()

    def _stamp(self, error: AxisError) -> AxisError:
        if error.device is None:
            error.device = self.name
        return error

    def _map(self, exc: Exception) -> AxisError:
        """websockets' and the socket's exceptions as axisctl errors."""
        user = self._credentials.username if self._credentials else None
        error: AxisError
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            if status == 401:
                error = AuthenticationError(
                    f"the event stream refused user {user!r}"
                    if user
                    else "the event stream requires credentials",
                    api=API_NAME,
                )
            elif status == 403:
                error = ForbiddenError(f"user {user!r} may not open the event stream", api=API_NAME)
            elif status == 404:
                error = UnsupportedAPIError(
                    f"{WS_PATH} not found: the device has no websocket event stream", api=API_NAME
                )
            else:
                error = HTTPStatusError(
                    f"the event stream upgrade got HTTP {status}", status=status, api=API_NAME
                )
        elif isinstance(exc, ssl.SSLError):
            error = TLSError(f"TLS handshake failed: {exc}", api=API_NAME)
        elif isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            error = DeviceTimeoutError("timed out opening the event stream", api=API_NAME)
        elif isinstance(exc, ConnectionClosed):
            error = ConnectionLostError(f"the event stream closed: {exc}", api=API_NAME)
        elif isinstance(exc, OSError):
            error = DeviceUnreachableError(f"cannot connect: {exc}", api=API_NAME)
        elif isinstance(exc, (InvalidHandshake, InvalidURI)):
            error = TransportError(f"websocket handshake failed: {exc}", api=API_NAME)
        else:
            error = TransportError(f"{type(exc).__name__}: {exc}", api=API_NAME)
        error.device = self.name
        return error

    # --- reading ---------------------------------------------------------------------------

    async def _run(self, ws: ClientConnection) -> None:
        try:
            while True:
                self._ws = ws
                try:
                    async for frame in ws:
                        self._handle(frame)
                    reason = f"closed by the device (code {ws.close_code})"
                except ConnectionClosed as exc:
                    reason = f"lost ({exc})"
                finally:
                    self._ws = None
                    self._fail_pending(ConnectionLostError("the event stream closed"))
                if self._closing:
                    return
                if not self.settings.reconnect:
                    raise ConnectionLostError(f"the event stream was {reason}", api=API_NAME)
                log.warning("%s: event stream %s; reconnecting", self.name, reason)
                ws = await self._reconnect()
        except asyncio.CancelledError:
            await ws.close()
            raise
        except AxisError as error:
            log.error("%s: event stream ended: %s", self.name, error)
            self._buffer.end(self._stamp(error))
        except Exception as exc:  # a bug here must reach the consumer, not vanish in a task
            log.exception("%s: event stream failed", self.name)
            self._buffer.end(self._map(exc))

    async def _reconnect(self) -> ClientConnection:
        attempt = 0
        while True:
            ceiling = min(self.settings.max_backoff, self.settings.backoff * 2**attempt)
            delay = random.uniform(ceiling / 2, ceiling)
            attempt += 1
            await asyncio.sleep(delay)
            try:
                ws = await self._open()
            except AxisError as error:
                if not _retriable(error):
                    raise
                log.info("%s: reconnect attempt %d failed: %s", self.name, attempt, error.message)
                continue
            self.reconnects += 1
            log.info("%s: event stream reconnected after %d attempt(s)", self.name, attempt)
            return ws

    def _fail_pending(self, error: AxisError) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(self._stamp(error))

    def _malformed(self, why: str) -> None:
        self.malformed += 1
        if _worth_logging(self.malformed):
            log.warning(
                "%s: skipped a malformed event frame (%s); %d so far",
                self.name,
                why,
                self.malformed,
            )

    def _handle(self, frame: str | bytes) -> None:
        """One frame from the device: a notification, or the answer to a configure."""
        if isinstance(frame, bytes):
            self._malformed("binary frame")
            return
        try:
            body = json.loads(frame)
        except ValueError:
            self._malformed("not JSON")
            return
        if not isinstance(body, dict):
            self._malformed("not a JSON object")
            return
        method = body.get("method")
        if method == "events:notify":
            params = body.get("params")
            notification = params.get("notification") if isinstance(params, dict) else None
            try:
                event = parse_notification(notification)
            except EventParseError as error:
                self._malformed(error.message)
                return
            self.received += 1
            self._buffer.put(event)
        elif "error" in body or "data" in body:
            self._answer(body)
        else:
            self._malformed(f"unexpected method {str(method)[:40]!r}")

    def _answer(self, body: dict[str, Any]) -> None:
        context = body.get("context")
        future = self._pending.pop(context, None) if isinstance(context, str) else None
        if future is None and context is None and self._pending:
            # Real devices leave out the context on some errors; answers come in order.
            future = self._pending.pop(next(iter(self._pending)))
        error = body.get("error")
        failure: AxisError | None = None
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            failure = ConfigureError(
                str(message) if message is not None else "events:configure refused",
                code=code if isinstance(code, int) and not isinstance(code, bool) else None,
                method=str(body.get("method") or "events:configure"),
                device=self.name,
                api=API_NAME,
            )
        if future is None or future.done():
            if failure is not None:
                log.warning("%s: the device answered an error: %s", self.name, failure)
            return
        if failure is not None:
            future.set_exception(failure)
        else:
            future.set_result(None)


class SyncEventStream:
    """An :class:`EventStream` for blocking code: the connection lives on a background thread.

    Iterate it, call :meth:`get` with a timeout, or :meth:`run` a callback. Use it as a
    context manager (or call :meth:`close`) so the thread and the socket end.
    """

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._start_error: BaseException | None = None

    def __repr__(self) -> str:
        return repr(self._stream).replace("<EventStream", "<SyncEventStream", 1)

    @property
    def stream(self) -> EventStream:
        """The asyncio stream underneath (counters, settings)."""
        return self._stream

    @property
    def dropped(self) -> int:
        return self._stream.dropped

    @property
    def malformed(self) -> int:
        return self._stream.malformed

    @property
    def reconnects(self) -> int:
        return self._stream.reconnects

    @property
    def connected(self) -> bool:
        return self._stream.connected

    def start(self) -> None:
        """Connect and configure; raises what went wrong (``with`` calls it)."""
        if self._thread is not None:
            if self._start_error is not None:
                raise self._start_error
            return
        self._thread = threading.Thread(
            target=self._main, name=f"axisctl events {self._stream.name}", daemon=True
        )
        self._thread.start()
        try:
            self._started.wait()
        except BaseException:  # Ctrl-C while connecting: do not leave the thread behind
            self.close()
            raise
        if self._start_error is not None:
            self._thread.join()
            raise self._start_error

    def _main(self) -> None:
        asyncio.run(self._amain())

    async def _amain(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self._stream.start()
        except BaseException as exc:
            self._start_error = exc
            self._started.set()
            return
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            await self._stream.close()

    def close(self) -> None:
        """Close the socket, stop reconnecting and end the background thread."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stop.set)
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._stream._buffer.end(
            StreamClosedError("the stream was closed", device=self._stream.name), discard=True
        )

    def get(self, timeout: float | None = None) -> Event:
        """The next event; ``TimeoutError`` after ``timeout`` s, :class:`StreamClosedError`
        once closed, or the error that ended the stream."""
        self.start()
        return self._stream._buffer.get_blocking(timeout)

    def configure(self, filters: Iterable[FilterLike]) -> None:
        """Replace the filters on the live connection (see :meth:`EventStream.configure`)."""
        self.start()
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._stream.configure(filters), self._loop).result()

    def run(self, callback: Callable[[Event], object]) -> None:
        """Call ``callback(event)`` for every event until the stream ends; then close it."""
        try:
            for event in self:
                callback(event)
        finally:
            self.close()

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        try:
            return self.get()
        except StreamClosedError:
            raise StopIteration from None

    def __enter__(self) -> SyncEventStream:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@overload
def open_stream(
    device: AsyncDevice,
    filters: Iterable[FilterLike] = ...,
    *,
    settings: StreamSettings | None = ...,
) -> EventStream: ...


@overload
def open_stream(
    device: Device,
    filters: Iterable[FilterLike] = ...,
    *,
    settings: StreamSettings | None = ...,
) -> SyncEventStream: ...


def open_stream(
    device: Device | AsyncDevice,
    filters: Iterable[FilterLike] = (ALL_EVENTS,),
    *,
    settings: StreamSettings | None = None,
) -> EventStream | SyncEventStream:
    """The event stream of ``device``, with its account, TLS trust and auth options.

    An :class:`~axisctl.AsyncDevice` gives an :class:`EventStream` (``async with``/
    ``async for``), a :class:`~axisctl.Device` a :class:`SyncEventStream` (``with``/``for``).
    The stream has its own connections: closing the device does not close it.
    """
    url, credentials, options = device.connection_settings()
    stream = EventStream(
        url,
        credentials.username if credentials else None,
        credentials.password if credentials else None,
        filters,
        settings=settings,
        options=options,
    )
    return stream if isinstance(device, AsyncDevice) else SyncEventStream(stream)
