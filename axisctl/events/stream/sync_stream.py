"""The event stream for blocking code: an :class:`EventStream` on a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType

from axisctl.events.models import Event
from axisctl.events.stream.async_stream import EventStream
from axisctl.events.stream.settings import FilterLike, StreamClosedError


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
