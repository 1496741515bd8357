"""The event stream for asyncio: the reader task, reconnects, configure and what consumers see."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import random
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from axisctl.errors import AxisError, ConnectionLostError, DeviceTimeoutError
from axisctl.events.filters import EventFilter
from axisctl.events.models import Event, EventParseError, parse_notification
from axisctl.events.stream.buffer import EventBuffer
from axisctl.events.stream.connection import Connector, retriable
from axisctl.events.stream.settings import (
    ALL_EVENTS,
    API_NAME,
    API_VERSION,
    Callback,
    ConfigureError,
    FilterLike,
    StreamClosedError,
    StreamSettings,
    as_filter,
    log,
    worth_logging,
)
from axisctl.transport.auth import Credentials
from axisctl.transport.client import ClientOptions
from axisctl.transport.tls import TLSConfig


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
        self._filters = [as_filter(f) for f in filters]
        self._connector = Connector(url, self._credentials, self._options)
        self.name = self._connector.name
        self._buffer = EventBuffer(self.settings.max_queue, self.name)
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
        await self._connector.aclose()

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
        new = [as_filter(f) for f in filters]
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
            ws = await self._connector.connect(self.settings)
        except AxisError as error:
            raise self._stamp(error) from error.__cause__
        except Exception as exc:
            raise self._connector.map_error(exc) from exc
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
                raise self._connector.map_error(exc) from exc
            raise
        return ws

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
            self._buffer.end(self._connector.map_error(exc))

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
                if not retriable(error):
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
        if worth_logging(self.malformed):
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
