"""The event stream for blocking code: an :class:`EventStream` on a background thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType

from axisctl.events.models import Event
from axisctl.events.stream.async_stream import EventStream
from axisctl.events.stream.settings import FilterLike, StreamClosedError
from axisctl.loopthread import LoopThread


class SyncEventStream:
    """An :class:`EventStream` for blocking code: the connection lives on a background thread.

    Iterate it, call :meth:`get` with a timeout, or :meth:`run` a callback. Use it as a
    context manager (or call :meth:`close`) so the thread and the socket end.
    """

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream
        self._runner = LoopThread(f"axisctl events {stream.name}", stream.start, stream.close)

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
        self._runner.start()

    def close(self) -> None:
        """Close the socket, stop reconnecting and end the background thread."""
        self._runner.stop()
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
        self._runner.call(self._stream.configure(filters))

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
