"""Serve simulated devices on real sockets: in the foreground, or in a background thread.

>>> with Simulator("d4200-ve") as sim:                      # doctest: +SKIP
...     with Device(sim.urls[0], "root", "pass") as dev:
...         print(dev.params.brand().prod_nbr)
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from axisctl.sim import certs
from axisctl.sim.catalog import ModelSpec, model
from axisctl.sim.clock import SimClock
from axisctl.sim.device import SimulatedDevice, serial_for
from axisctl.sim.http import build_app


class Simulator:
    """``count`` devices of one model on consecutive ports starting at ``port``.

    ``port=0`` picks a free port for each device. ``https=True`` serves TLS with a freshly
    generated self-signed certificate (see :attr:`certificate`). The devices share one
    ``clock``; pass ``SimClock(manual=True)`` (or ``manual_clock=True``) to move time
    yourself with ``sim.clock.advance(seconds)``.
    """

    def __init__(
        self,
        model_key: str | ModelSpec = "d4200-ve",
        *,
        count: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        user: str | None = "root",
        password: str | None = "pass",
        https: bool = False,
        digest_algorithms: tuple[str, ...] = ("MD5",),
        first_index: int = 0,
        clock: SimClock | None = None,
        manual_clock: bool = False,
        virtual_inputs: int | None = None,
        poe_class: str = "4",
    ) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        if not 0 <= port <= 65535 or (port and port + count - 1 > 65535):
            raise ValueError(f"ports {port}..{port + count - 1} are out of range")
        self.spec = model(model_key) if isinstance(model_key, str) else model_key
        self.host = host
        self.port = port
        self._owns_clock = clock is None
        self.clock = clock if clock is not None else SimClock(manual=manual_clock)
        self.devices = [
            SimulatedDevice(
                self.spec,
                serial=serial_for(self.spec, first_index + index),
                user=user,
                password=password,
                digest_algorithms=digest_algorithms,
                clock=self.clock,
                virtual_inputs=virtual_inputs,
                poe_class=poe_class,
            )
            for index in range(count)
        ]
        self.certificate = (
            certs.generate(f"{self.spec.prod_nbr} simulator", hosts=(host, "localhost"))
            if https
            else None
        )
        self._runners: list[web.AppRunner] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def urls(self) -> list[str]:
        return [device.url for device in self.devices]

    @property
    def scheme(self) -> str:
        return "https" if self.certificate is not None else "http"

    async def start(self) -> None:
        """Bind every device; on failure nothing stays bound."""
        ssl_context = self.certificate.server_context() if self.certificate else None
        try:
            for index, device in enumerate(self.devices):
                runner = web.AppRunner(build_app(device), access_log=None, handle_signals=False)
                await runner.setup()
                self._runners.append(runner)
                sock = _bind(self.host, self.port + index if self.port else 0)
                site = web.SockSite(runner, sock, ssl_context=ssl_context)
                await site.start()
                bound_port = sock.getsockname()[1]
                host = f"[{self.host}]" if ":" in self.host else self.host
                device.url = f"{self.scheme}://{host}:{bound_port}"
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()
        for device in self.devices:
            # Joins the device's MQTT client thread, so off the event loop.
            await asyncio.to_thread(device.close)
        if self._owns_clock:
            self.clock.close()

    async def serve(self, on_ready: Callable[[Simulator], None] | None = None) -> None:
        """Serve until SIGINT/SIGTERM or :meth:`shutdown`."""
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        await self.start()
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    self._loop.add_signal_handler(sig, self._stop.set)
            if on_ready is not None:
                on_ready(self)
            self._ready.set()
            await self._stop.wait()
        finally:
            await self.stop()

    def shutdown(self) -> None:
        """Stop :meth:`serve` from any thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    # Background-thread use, for sync code and tests.
    def __enter__(self) -> Simulator:
        self._thread = threading.Thread(target=self._thread_main, name="axisctl-sim", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._error is not None:
            raise self._error
        if not self._ready.is_set():
            raise TimeoutError("simulator did not start within 30 s")
        return self

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._serve_in_thread())
        except BaseException as exc:
            self._error = exc
            self._ready.set()

    async def _serve_in_thread(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        await self.start()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.stop()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=30)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock
