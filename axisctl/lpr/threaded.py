"""The push receiver for blocking code and tests: the server runs on a background thread.

>>> with PushReceiver(port=8080).in_thread() as receiver:      # doctest: +SKIP
...     read = receiver.get(timeout=30)
...     print(read.text)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from types import TracebackType

from axisctl.lpr.intake import ReceiverClosedError, ReceiverStats
from axisctl.lpr.models import PlateRead
from axisctl.lpr.receiver import PushReceiver

__all__ = ["ThreadedPushReceiver"]


class ThreadedPushReceiver:
    """A :class:`PushReceiver` on its own thread and event loop.

    ``with ThreadedPushReceiver(PushReceiver(...)) as receiver`` (or ``PushReceiver(...)
    .in_thread()``) starts it; leaving the block stops it. Take reads with :meth:`get`,
    :meth:`wait_for` or :meth:`reads`, or iterate. A ``on_read`` callback of the receiver
    runs on the background thread.
    """

    def __init__(self, receiver: PushReceiver) -> None:
        self.receiver = receiver
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        return repr(self.receiver).replace("<PushReceiver", "<ThreadedPushReceiver", 1)

    @property
    def url(self) -> str:
        return self.receiver.url

    @property
    def tcp_address(self) -> tuple[str, int] | None:
        return self.receiver.tcp_address

    @property
    def stats(self) -> ReceiverStats:
        return self.receiver.stats

    def start(self) -> None:
        """Bind and serve; raises what went wrong (binding, the image folder)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._main, name="axisctl lpr receiver", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.receiver.start()
        except BaseException as error:
            self._error = error
            self._started.set()
            return
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            await self.receiver.stop()

    def stop(self) -> None:
        """Stop serving and end the thread; reads still queued can be taken afterwards."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(stop.set)
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def get(self, timeout: float | None = None) -> PlateRead:
        """The next read; ``TimeoutError`` after ``timeout`` s, :class:`ReceiverClosedError`
        once stopped and drained."""
        return self.receiver.queue.get_blocking(timeout)

    def wait_for(self, count: int, timeout: float | None = None) -> list[PlateRead]:
        """The next ``count`` reads, once they have all come; ``TimeoutError`` (saying how
        many came) takes none of them."""
        return self.receiver.queue.take(count, timeout)

    def reads(self) -> list[PlateRead]:
        """Every read queued now, without waiting."""
        return self.receiver.queue.drain()

    def __iter__(self) -> Iterator[PlateRead]:
        while True:
            try:
                yield self.get()
            except ReceiverClosedError:
                return

    def __enter__(self) -> ThreadedPushReceiver:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
