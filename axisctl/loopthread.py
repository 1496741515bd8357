"""Run an asyncio service on a background thread, for blocking code.

The synchronous faces of the event stream and of the LPR push receiver are the same shape:
start the service on a private event loop in a daemon thread, wait until it has started
(raising what went wrong), keep the loop running until asked to stop, then stop the
service on that loop and join the thread. :class:`LoopThread` is that shape once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """``start`` and ``stop`` are coroutine functions run on the thread's own loop."""

    def __init__(
        self,
        name: str,
        start: Callable[[], Awaitable[object]],
        stop: Callable[[], Awaitable[object]],
    ) -> None:
        self.name = name
        self._start = start
        self._stop_service = stop
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the service once; raises what its ``start`` raised (again on later calls)."""
        if self._thread is not None:
            if self._error is not None:
                raise self._error
            return
        self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
        self._thread.start()
        try:
            self._started.wait()
        except BaseException:  # Ctrl-C while starting: do not leave the thread behind
            self.stop()
            raise
        if self._error is not None:
            self._thread.join()
            raise self._error

    def stop(self) -> None:
        """Stop the service and end the thread; safe to call more than once, or never started."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(stop.set)
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the service's loop and wait for its result."""
        if self._loop is None:
            coroutine.close()
            raise RuntimeError(f"{self.name} is not running")
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coroutine, self._loop
        )
        return future.result()

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self._start()
        except BaseException as error:
            self._error = error
            self._started.set()
            return
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            await self._stop_service()
