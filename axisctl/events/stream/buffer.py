"""The bounded, drop-oldest queue between the stream's reader and its consumers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque

from axisctl.events.models import Event
from axisctl.events.stream.settings import log, worth_logging


class EventBuffer:
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
        if dropped and worth_logging(dropped):
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
