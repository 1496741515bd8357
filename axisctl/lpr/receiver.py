"""The push receiver: an HTTP server (and optionally a TCP listener) for the app's pushes.

>>> async with PushReceiver(port=8080) as receiver:            # doctest: +SKIP
...     async for read in receiver:
...         print(read.text, read.car_state.value, read.direction.value)
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import inspect
import logging
import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from aiohttp import web

from axisctl.errors import ConfigurationError
from axisctl.lpr.auth import AuthScheme, PushAuth
from axisctl.lpr.http_handler import PushHandler
from axisctl.lpr.images import save_images
from axisctl.lpr.intake import Counters, ReadQueue, ReceiverClosedError, ReceiverStats, RecentKeys
from axisctl.lpr.models import PlateRead
from axisctl.lpr.tcp import TcpListener

if TYPE_CHECKING:
    from axisctl.lpr.threaded import ThreadedPushReceiver

__all__ = ["DEFAULT_MAX_BODY", "OnRead", "PushReceiver"]

log = logging.getLogger("axisctl.lpr")

#: 10 MiB: two full-HD JPEGs in base64 with room to spare.
DEFAULT_MAX_BODY = 10 * 1024 * 1024

#: A callback for each read: a plain function, or one returning an awaitable (``async def``).
OnRead = Callable[[PlateRead], object]


class PushReceiver:
    """Receives the License Plate Verifier's pushes and hands out typed plate reads.

    HTTP pushes (JSON with base64 images, or multipart with image parts) are answered 200
    when taken, also for a resend of a read already taken (same camera, ``carID`` and
    ``packetCounter``), so that the camera stops resending; that resend is not delivered
    again unless ``deliver_duplicates``. Refused pushes get a 4xx with the reason and the
    server keeps serving. ``tcp_port`` (0 = any free port) also listens for the TCP push.

    Reads come out in arrival order: ``async for read in receiver``, ``await
    receiver.get()``, and ``on_read(read)`` (a function or coroutine function, called one
    read at a time on the receiver's loop, before the camera gets its 200: if it raises, the
    camera gets a 500 and resends). ``image_dir`` saves each read's images there.

    ``user``/``password`` require Basic or Digest (``auth``); ``auth_key`` requires the
    ``X-Auth-Key`` header. ``max_body`` caps a request body (and a TCP document);
    ``read_timeout`` is how long a body may take to arrive. ``queue_size`` reads wait for a
    consumer, the oldest dropped past that; 0 keeps none (a receiver used by callback only).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        path: str = "/",
        user: str | None = None,
        password: str | None = None,
        auth: AuthScheme = "any",
        auth_key: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        tcp_port: int | None = None,
        image_dir: str | os.PathLike[str] | None = None,
        on_read: OnRead | None = None,
        queue_size: int = 1000,
        read_timeout: float = 30.0,
        deliver_duplicates: bool = False,
        remember: int = 10_000,
    ) -> None:
        if not path.startswith("/"):
            raise ConfigurationError(f"the path must start with '/': {path!r}")
        for name, value in (("port", port), ("tcp_port", tcp_port)):
            if value is not None and not 0 <= value <= 65535:
                raise ConfigurationError(f"{name} must be 0 to 65535, not {value}")
        if max_body < 1 or queue_size < 0 or remember < 1 or not read_timeout > 0:
            raise ConfigurationError(
                "max_body, remember and read_timeout must be positive, queue_size not negative"
            )
        self.host = host
        self.port = port
        self.path = path
        self.tcp_port = tcp_port
        self.image_dir = Path(image_dir) if image_dir is not None else None
        self.on_read = on_read
        self.deliver_duplicates = deliver_duplicates
        self._auth = PushAuth(user, password, scheme=auth, auth_key=auth_key)
        self._counters = Counters()
        self._recent = RecentKeys(remember)
        self._queue = ReadQueue(queue_size)
        self._handler = PushHandler(
            auth=self._auth,
            max_body=max_body,
            read_timeout=read_timeout,
            counters=self._counters,
            ingest=self._ingest,
        )
        self._tcp = TcpListener(
            max_document=max_body,
            read_timeout=read_timeout,
            counters=self._counters,
            ingest=self._ingest,
        )
        self._read_timeout = read_timeout
        self._runner: web.AppRunner | None = None
        self._bound: tuple[str, int] | None = None
        self._tcp_bound: tuple[str, int] | None = None
        self._lock: asyncio.Lock | None = None
        self._stopped = False

    def __repr__(self) -> str:
        where = self.url if self._bound else f"{self.host}:{self.port}"
        return f"<PushReceiver {where} {self._auth!r}>"

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the HTTP server (and the TCP listener); on failure nothing stays bound."""
        if self._runner is not None or self._stopped:
            raise RuntimeError("a PushReceiver starts once")
        if self.image_dir is not None:
            self.image_dir.mkdir(parents=True, exist_ok=True)
        self._lock = asyncio.Lock()
        self._queue.bind()
        app = web.Application()
        app.router.add_route("*", self.path, self._handler.handle)
        # keepalive_timeout also cuts a client that trickles its headers (aiohttp starts
        # that timer at connect); the handler bounds the body itself.
        self._runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            keepalive_timeout=self._read_timeout,
            shutdown_timeout=5.0,
        )
        try:
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port, reuse_address=True).start()
            self._bound = self._runner.addresses[0][:2]
            if self.tcp_port is not None:
                await self._tcp.start(self.host, self.tcp_port)
                self._tcp_bound = self._tcp.address
        except BaseException:
            await self.stop()
            raise
        log.info("listening for pushes on %s", self.url)

    async def stop(self) -> None:
        """Stop listening; consumers get the reads still queued, then the iteration ends."""
        self._stopped = True
        runner, self._runner = self._runner, None
        await self._tcp.stop()
        if runner is not None:
            await runner.cleanup()
        self._queue.close()

    async def __aenter__(self) -> PushReceiver:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def in_thread(self) -> ThreadedPushReceiver:
        """This receiver on a background thread, for blocking code (``with`` it)."""
        from axisctl.lpr.threaded import ThreadedPushReceiver

        return ThreadedPushReceiver(self)

    # --- where it listens, what it did -------------------------------------------------------

    @property
    def url(self) -> str:
        """The URL to give the camera's push profile, e.g. ``http://127.0.0.1:8080/``."""
        if self._bound is None:
            raise RuntimeError("the receiver is not started")
        host, port = self._bound
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.path}"

    @property
    def tcp_address(self) -> tuple[str, int] | None:
        """``(host, port)`` of the TCP listener, ``None`` without one."""
        return self._tcp_bound

    @property
    def stats(self) -> ReceiverStats:
        return self._counters.snapshot(self._queue.dropped)

    # --- reads -------------------------------------------------------------------------------

    async def get(self) -> PlateRead:
        """The next read; :class:`ReceiverClosedError` once stopped and drained."""
        return await self._queue.get()

    def __aiter__(self) -> PushReceiver:
        return self

    async def __anext__(self) -> PlateRead:
        try:
            return await self._queue.get()
        except ReceiverClosedError:
            raise StopAsyncIteration from None

    @property
    def queue(self) -> ReadQueue:
        """The reads waiting for a consumer (thread-safe; used by the threaded wrapper)."""
        return self._queue

    async def _ingest(self, read: PlateRead) -> bool:
        """Take one parsed read: drop or mark a resend, save images, call back, queue."""
        assert self._lock is not None
        read = dataclasses.replace(read, received_at=dt.datetime.now(dt.timezone.utc))
        # One at a time: reads leave in the order they came and callbacks never overlap.
        async with self._lock:
            keyed = read.packet_counter is not None
            if keyed and read.key in self._recent:
                self._counters.duplicates += 1
                if self.deliver_duplicates:
                    await self._deliver(dataclasses.replace(read, duplicate=True))
                return False
            if keyed:
                self._recent.add(read.key)
            try:
                if self.image_dir is not None and read.images:
                    paths = await asyncio.to_thread(save_images, read, self.image_dir)
                    read = dataclasses.replace(read, image_paths=paths)
                await self._deliver(read)
            except BaseException:
                # Not taken: the camera gets an error and its resend must count as new.
                self._recent.discard(read.key)
                raise
            self._counters.accepted += 1
            return True

    async def _deliver(self, read: PlateRead) -> None:
        if self.on_read is not None:
            result = self.on_read(read)
            if inspect.isawaitable(result):
                await result
        if self._queue.put(read) and _worth_logging(self._queue.dropped):
            log.warning(
                "read queue full (%d): dropped the oldest read, %d so far",
                self._queue.maxsize,
                self._queue.dropped,
            )


def _worth_logging(count: int) -> bool:
    """1, 2 ... 10, 20 ... 100, 200 ...: a flood stays a handful of log lines."""
    scale: int = 10 ** (len(str(count)) - 1)
    return count % scale == 0
