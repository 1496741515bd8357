"""The asyncio face of the control panel: the same commands as coroutines, events async."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from types import TracebackType
from typing import TypeVar

from axisctl.errors import DeviceTimeoutError

from . import cp_calls
from .cp_calls import Call
from .cp_runner import ControlPanel
from .cp_steps import ReaderInfo
from .cp_types import CpEvent, CpTimings, PdConfig
from .link import Link
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
    TextCommand,
)

__all__ = ["AsyncControlPanel"]

T = TypeVar("T")


class AsyncControlPanel:
    """The asyncio face of :class:`ControlPanel`: the same commands, awaited.

    ``async with AsyncControlPanel(link, readers) as cp: await cp.led(1, ...)``; events come
    from ``async for event in cp.events()``. The control panel still runs on its own thread,
    so a slow coroutine never delays the bus.
    """

    def __init__(
        self,
        link: Link,
        readers: PdConfig | Iterable[PdConfig],
        *,
        timings: CpTimings | None = None,
        mark: bool = True,
    ) -> None:
        self._queue: asyncio.Queue[CpEvent] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.panel = ControlPanel(link, readers, timings=timings, mark=mark, on_event=self._forward)

    def _forward(self, event: CpEvent) -> None:
        loop, events = self._loop, self._queue
        if loop is not None and events is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed under us
                loop.call_soon_threadsafe(events.put_nowait, event)

    async def __aenter__(self) -> AsyncControlPanel:
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self.panel.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.panel.stop)

    async def events(self) -> AsyncIterator[CpEvent]:
        """Events as they come, until the control panel stops."""
        if self._queue is None:
            raise RuntimeError("use 'async with AsyncControlPanel(...)' first")
        while True:
            yield await self._queue.get()

    async def wait_online(self, address: int, timeout: float = 5.0) -> ReaderInfo:
        return await asyncio.get_running_loop().run_in_executor(
            None, self.panel.wait_online, address, timeout
        )

    def reader(self, address: int) -> ReaderInfo:
        return self.panel.reader(address)

    async def call(self, address: int, call: Call[T]) -> T:
        future = self.panel.submit(address, call)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.panel.command_timeout)
        except asyncio.TimeoutError:
            raise DeviceTimeoutError(
                f"reader {address}: no result within {self.panel.command_timeout:g} s",
                api="osdp",
            ) from None

    async def identify(self, address: int) -> PdId:
        return await self.call(address, cp_calls.identify())

    async def capabilities(self, address: int) -> PdCapabilities:
        return await self.call(address, cp_calls.capabilities())

    async def local_status(self, address: int) -> LocalStatus:
        return await self.call(address, cp_calls.local_status())

    async def input_status(self, address: int) -> InputStatus:
        return await self.call(address, cp_calls.input_status())

    async def output_status(self, address: int) -> OutputStatus:
        return await self.call(address, cp_calls.output_status())

    async def reader_status(self, address: int) -> ReaderStatus:
        return await self.call(address, cp_calls.reader_status())

    async def output(self, address: int, *records: OutputCommand) -> OutputStatus | None:
        return await self.call(address, cp_calls.output(*records))

    async def led(self, address: int, *records: LedCommand) -> None:
        await self.call(address, cp_calls.led(*records))

    async def buzzer(self, address: int, *records: BuzzerCommand) -> None:
        await self.call(address, cp_calls.buzzer(*records))

    async def text(self, address: int, command: TextCommand) -> None:
        await self.call(address, cp_calls.text(command))

    async def set_communication(self, address: int, settings: ComSet) -> ComSettings:
        return await self.call(address, cp_calls.set_communication(settings))

    async def set_key(self, address: int, scbk: bytes) -> None:
        await self.call(address, cp_calls.set_key(scbk))
