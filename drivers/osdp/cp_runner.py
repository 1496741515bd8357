"""A control panel on a real link: a thread drives the core; blocking and asyncio faces.

:class:`ControlPanel` runs :class:`~.cp.ControlPanelCore` on a background thread over a
:class:`~.link.Link` (a serial port, a pty end, ...). Commands are blocking calls that
return typed replies; :meth:`ControlPanel.submit` returns a future instead. Events (card
reads, key presses, status reports, readers going online or offline) go to an ``on_event``
callback, run on the control panel's thread, and to an iterator (:meth:`ControlPanel.events`).
:class:`~.cp_async.AsyncControlPanel` offers the same commands as coroutines.

Unlike libosdp, the callback may submit commands: only the blocking calls are refused on
the control panel's own thread (they would wait for themselves).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import TypeVar

from axisctl.errors import AxisError, DeviceTimeoutError

from . import cp_calls
from .cp import ControlPanelCore, ReaderInfo
from .cp_calls import Call
from .cp_types import CpEvent, CpTimings, PdConfig, PdOfflineError
from .link import Link, Rs485Settings, SerialLink
from .link_runner import LinkRunner
from .messages import (
    BuzzerCommand,
    ComSet,
    ComSettings,
    InputStatus,
    LedCommand,
    LocalStatus,
    OutputCommand,
    OutputStatus,
    PdCapabilities,
    PdId,
    ReaderStatus,
    ReplyPayload,
    TextCommand,
)

__all__ = ["ControlPanel"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The longest the thread sleeps without looking at the core (it is woken for new work).
_IDLE = 0.5
#: Events kept for the iterator when nobody reads them; the oldest are dropped beyond this.
_EVENT_BACKLOG = 1000


class ControlPanel(LinkRunner):
    """An OSDP control panel for the readers ``readers`` on ``link``.

    Use it as a context manager (or call :meth:`start` and :meth:`stop`). ``command_timeout``
    bounds each blocking call; the core itself fails a command once its reader is offline.
    The link is closed by :meth:`stop` only if the control panel opened it (:meth:`open`).
    """

    _THREAD_NAME = "osdp-cp"

    def __init__(
        self,
        link: Link,
        readers: PdConfig | Iterable[PdConfig],
        *,
        timings: CpTimings | None = None,
        on_event: Callable[[CpEvent], object] | None = None,
        command_timeout: float = 10.0,
        mark: bool = True,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[int], bytes] | None = None,
    ) -> None:
        configs = [readers] if isinstance(readers, PdConfig) else list(readers)
        timings = timings or CpTimings(baud_rate=link.baud_rate)
        super().__init__(link)
        self._core = ControlPanelCore(configs, timings, mark=mark, random=random)
        self._on_event = on_event
        self._events: queue.Queue[CpEvent] = queue.Queue()
        self.command_timeout = command_timeout
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        port: str,
        readers: PdConfig | Iterable[PdConfig],
        *,
        baud_rate: int = 9600,
        rs485: Rs485Settings | None = Rs485Settings(),  # noqa: B008 - frozen
        timings: CpTimings | None = None,
        on_event: Callable[[CpEvent], object] | None = None,
        command_timeout: float = 10.0,
    ) -> ControlPanel:
        """A control panel on serial port ``port`` (a path or pyserial URL), which it owns."""
        link = SerialLink(port, baud_rate, rs485=rs485)
        try:
            panel = cls(
                link, readers, timings=timings, on_event=on_event, command_timeout=command_timeout
            )
        except BaseException:
            link.close()
            raise
        panel._owns_link = True
        return panel

    # --- lifecycle ---------------------------------------------------------------------------

    def _thread_stopped(self) -> None:
        # Pending commands fail now rather than wait for their timeout.
        with self._lock:
            self._core.close()

    # --- readers and events -----------------------------------------------------------------

    @property
    def addresses(self) -> list[int]:
        with self._lock:
            return self._core.addresses

    def reader(self, address: int) -> ReaderInfo:
        """What is known about the reader at ``address`` now."""
        with self._lock:
            return self._core.reader_info(address)

    def wait_online(self, address: int, timeout: float = 5.0) -> ReaderInfo:
        """Waits until the reader is online; raises :class:`PdOfflineError` saying why not."""
        self._refuse_own_thread("wait_online")
        deadline = time.monotonic() + timeout
        while True:
            info = self.reader(address)
            if info.online:
                return info
            if self.error is not None:
                raise self.error
            if time.monotonic() >= deadline:
                why = info.last_error or "no answer yet"
                raise PdOfflineError(
                    f"reader {address} not online within {timeout:g} s: {why}", address=address
                )
            time.sleep(0.01)

    def next_event(self, timeout: float | None = None) -> CpEvent | None:
        """The oldest event not yet taken, waiting up to ``timeout`` s (None: forever)."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def events(self, timeout: float | None = None) -> Iterator[CpEvent]:
        """Events as they come; ends after ``timeout`` s without one, or when stopped."""
        while not self._stopping.is_set() or not self._events.empty():
            event = self.next_event(timeout if timeout is not None else _IDLE)
            if event is not None:
                yield event
            elif timeout is not None:
                return

    # --- commands ---------------------------------------------------------------------------

    def submit(self, address: int, call: Call[T]) -> Future[T]:
        """Queues a command; the future gets its typed result (thread-safe, never blocks)."""
        result: Future[T] = Future()
        with self._lock:
            raw = self._core.submit(address, call.code, call.data)
        _chain(raw, result, call.result)
        self._link.interrupt()
        return result

    def call(self, address: int, call: Call[T]) -> T:
        """Sends a command and waits for its typed result."""
        self._refuse_own_thread("a blocking command")
        future = self.submit(address, call)
        try:
            return future.result(self.command_timeout)
        except FutureTimeoutError:
            raise DeviceTimeoutError(
                f"reader {address}: no result within {self.command_timeout:g} s", api="osdp"
            ) from None

    def identify(self, address: int) -> PdId:
        return self.call(address, cp_calls.identify())

    def capabilities(self, address: int) -> PdCapabilities:
        return self.call(address, cp_calls.capabilities())

    def local_status(self, address: int) -> LocalStatus:
        return self.call(address, cp_calls.local_status())

    def input_status(self, address: int) -> InputStatus:
        return self.call(address, cp_calls.input_status())

    def output_status(self, address: int) -> OutputStatus:
        return self.call(address, cp_calls.output_status())

    def reader_status(self, address: int) -> ReaderStatus:
        return self.call(address, cp_calls.reader_status())

    def output(self, address: int, *records: OutputCommand) -> OutputStatus | None:
        return self.call(address, cp_calls.output(*records))

    def led(self, address: int, *records: LedCommand) -> None:
        self.call(address, cp_calls.led(*records))

    def buzzer(self, address: int, *records: BuzzerCommand) -> None:
        self.call(address, cp_calls.buzzer(*records))

    def text(self, address: int, command: TextCommand) -> None:
        self.call(address, cp_calls.text(command))

    def set_communication(self, address: int, settings: ComSet) -> ComSettings:
        return self.call(address, cp_calls.set_communication(settings))

    def set_key(self, address: int, scbk: bytes) -> None:
        self.call(address, cp_calls.set_key(scbk))

    # --- the thread -------------------------------------------------------------------------

    def _refuse_own_thread(self, what: str) -> None:
        if self._thread is threading.current_thread():
            raise RuntimeError(
                f"{what} from the control panel's own thread (an on_event callback) would "
                "wait for itself; use submit() there"
            )

    def _run(self) -> None:
        link, core, clock = self._link, self._core, self._clock
        try:
            while not self._stopping.is_set():
                with self._lock:
                    frame = core.data_to_send(clock())
                    deadline = core.next_deadline()
                if frame:
                    link.write(frame)
                    continue
                wait = _IDLE if deadline is None else min(max(deadline - clock(), 0.0), _IDLE)
                data = link.read(wait)
                with self._lock:
                    core.receive_data(data, clock())
                    events = core.take_events()
                for event in events:
                    self._deliver(event)
        except AxisError as error:
            logger.error("OSDP control panel stopped: %s", error)
            self.error = error
            self._stopping.set()
        finally:
            with self._lock:
                core.close()
            for event in core.take_events():
                self._deliver(event)

    def _deliver(self, event: CpEvent) -> None:
        if self._events.qsize() >= _EVENT_BACKLOG:
            with contextlib.suppress(queue.Empty):
                self._events.get_nowait()
        self._events.put(event)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                logger.exception("OSDP on_event callback failed")


def _chain(
    source: Future[ReplyPayload], target: Future[T], convert: Callable[[ReplyPayload], T]
) -> None:
    """Completes ``target`` with ``convert(result)`` once ``source`` is done."""

    def done(finished: Future[ReplyPayload]) -> None:
        if not target.set_running_or_notify_cancel():
            return
        error = finished.exception()
        if error is not None:
            target.set_exception(error)
        else:
            target.set_result(convert(finished.result()))

    source.add_done_callback(done)
