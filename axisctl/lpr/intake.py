"""Between the listeners and the user: duplicate keys, the read queue, the counters."""

from __future__ import annotations

import asyncio
import enum
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from axisctl.errors import AxisError
from axisctl.lpr.models import PlateRead, ReadKey

__all__ = ["ReadQueue", "ReceiverClosedError", "ReceiverStats", "RecentKeys", "RejectReason"]


class ReceiverClosedError(AxisError):
    """The receiver was stopped and every read it had queued has been taken."""


class RejectReason(str, enum.Enum):
    """Why a push was refused; the keys of :attr:`ReceiverStats.rejected`."""

    UNAUTHORIZED = "unauthorized"
    METHOD = "method"
    TOO_LARGE = "too_large"
    CONTENT_TYPE = "content_type"
    MALFORMED = "malformed"
    TIMEOUT = "timeout"
    INCOMPLETE = "incomplete"
    HANDLER_FAILED = "handler_failed"


@dataclass(frozen=True)
class ReceiverStats:
    """Counters of a receiver, as a snapshot.

    ``accepted`` counts new reads, ``duplicates`` resends of reads already accepted (answered
    200 all the same, so that the camera stops resending), ``dropped`` reads pushed out of a
    full queue before anyone took them, ``challenged`` requests answered with a 401 challenge
    because they came without credentials (the first step of Digest), and ``rejected`` the
    refused pushes by :class:`RejectReason` value.
    """

    accepted: int = 0
    duplicates: int = 0
    dropped: int = 0
    challenged: int = 0
    rejected: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def summary(self) -> str:
        """``"12 accepted, 1 duplicate, 3 rejected (2 malformed, 1 unauthorized)"``."""
        text = f"{self.accepted} accepted, {self.duplicates} duplicate"
        text += "" if self.duplicates == 1 else "s"
        text += f", {self.rejected_total} rejected"
        if self.rejected:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.rejected.items()))
            text += f" ({reasons})"
        if self.dropped:
            text += f", {self.dropped} dropped from a full queue"
        return text


class Counters:
    """The live counters behind :class:`ReceiverStats`, changed on the receiver's loop."""

    def __init__(self) -> None:
        self.accepted = 0
        self.duplicates = 0
        self.challenged = 0
        self._rejected: Counter[str] = Counter()
        # Snapshots are taken from other threads; a new key mid-copy would break the copy.
        self._lock = threading.Lock()

    def reject(self, why: RejectReason) -> None:
        with self._lock:
            self._rejected[why.value] += 1

    def snapshot(self, dropped: int) -> ReceiverStats:
        with self._lock:
            rejected = dict(self._rejected)
        return ReceiverStats(
            accepted=self.accepted,
            duplicates=self.duplicates,
            dropped=dropped,
            challenged=self.challenged,
            rejected=MappingProxyType(rejected),
        )


class RecentKeys:
    """The last ``capacity`` read keys: remembers enough to spot the camera's resends.

    The camera resends at most its first 100 failed events, soon after; ten thousand keys
    cover that many times over while keeping memory flat.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[ReadKey, None] = OrderedDict()

    def __contains__(self, key: ReadKey) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: ReadKey) -> None:
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.capacity:
            self._keys.popitem(last=False)

    def discard(self, key: ReadKey) -> None:
        self._keys.pop(key, None)


class ReadQueue:
    """Reads waiting for a consumer: bounded, drop-oldest, thread-safe.

    The receiver puts on its event loop; consumers take on that loop (``await get()``) or
    from any thread (``get_blocking``, ``take``). ``maxsize`` 0 keeps nothing (a receiver
    used only through its callback).
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.dropped = 0
        self._items: deque[PlateRead] = deque()
        self._cond = threading.Condition()
        self._ready: asyncio.Event | None = None
        self._closed = False

    def bind(self) -> None:
        """Call on the loop that puts: async consumers wait on an event of that loop."""
        self._ready = asyncio.Event()

    def put(self, read: PlateRead) -> bool:
        """Queue ``read``; ``True`` if the oldest read had to go to make room."""
        if self.maxsize == 0:
            return False
        dropped = False
        with self._cond:
            if len(self._items) >= self.maxsize:
                self._items.popleft()
                self.dropped += 1
                dropped = True
            self._items.append(read)
            self._cond.notify_all()
        if self._ready is not None:
            self._ready.set()
        return dropped

    def close(self) -> None:
        """No more reads: consumers get what is queued, then :class:`ReceiverClosedError`."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._ready is not None:
            self._ready.set()

    def _pop(self) -> PlateRead | None:
        if self._items:
            return self._items.popleft()
        if self._closed:
            raise ReceiverClosedError("the receiver was stopped")
        return None

    async def get(self) -> PlateRead:
        if self.maxsize == 0:
            raise ReceiverClosedError("the receiver keeps no queue (queue_size=0)")
        assert self._ready is not None, "the receiver was not started"
        while True:
            with self._cond:
                read = self._pop()
                if read is None:
                    # Puts happen on this loop's thread: nothing slips in before the wait.
                    self._ready.clear()
            if read is not None:
                return read
            await self._ready.wait()

    def get_blocking(self, timeout: float | None = None) -> PlateRead:
        return self.take(1, timeout)[0]

    def take(self, count: int, timeout: float | None = None) -> list[PlateRead]:
        """The next ``count`` reads, once that many are queued; ``TimeoutError`` leaves all."""
        if self.maxsize == 0:
            raise ReceiverClosedError("the receiver keeps no queue (queue_size=0)")
        if count > self.maxsize:
            raise ValueError(f"cannot wait for {count} reads with a queue of {self.maxsize}")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while len(self._items) < count:
                if self._closed:
                    raise ReceiverClosedError(
                        f"the receiver was stopped with {len(self._items)} of {count} reads"
                    )
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(
                        f"{len(self._items)} of {count} plate reads within {timeout:g} s"
                    )
                self._cond.wait(remaining)
            return [self._items.popleft() for _ in range(count)]

    def drain(self) -> list[PlateRead]:
        """Everything queued now, without waiting."""
        with self._cond:
            reads = list(self._items)
            self._items.clear()
            return reads
