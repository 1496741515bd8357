"""The push receiver for blocking code and tests: the server runs on a background thread.

>>> with PushReceiver(port=8080).in_thread() as receiver:      # doctest: +SKIP
...     read = receiver.get(timeout=30)
...     print(read.text)
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

from axisctl.loopthread import LoopThread
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
        self._runner = LoopThread("axisctl lpr receiver", receiver.start, receiver.stop)

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
        self._runner.start()

    def stop(self) -> None:
        """Stop serving and end the thread; reads still queued can be taken afterwards."""
        self._runner.stop()

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
