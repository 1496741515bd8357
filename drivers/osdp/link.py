"""Byte links that carry OSDP: a serial port through pyserial, a raw file descriptor, a pty pair.

OSDP runs half duplex on a two-wire RS-485 bus: one side talks, then the other answers. A
:class:`Link` moves bytes and nothing else; the control panel and the reader (``cp.py`` and
``pd.py``) decide what to send and when. Every link offers the same four calls, so the same
control panel runs over a USB RS-485 adapter, the Pi's UART, a pseudo-terminal in a test or
any pyserial URL (``socket://``, ``rfc2217://``, ``loop://``).

RS-485 direction control belongs to the kernel or the adapter, never to Python (toggling RTS
from Python is tens of milliseconds late). :class:`SerialLink` therefore asks the UART driver
for RS-485 mode (``TIOCSRS485`` through pyserial's ``rs485_mode``) and tolerates drivers and
pseudo-terminals that lack it: it logs that once per port and carries on, since USB adapters
with automatic direction control need no help.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from axisctl.errors import ConfigurationError, TransportError

if TYPE_CHECKING:
    from types import ModuleType

    import serial.rs485

__all__ = [
    "BAUD_RATES",
    "FdLink",
    "Link",
    "PtyPair",
    "Rs485Settings",
    "SerialLink",
    "wire_time",
]

logger = logging.getLogger(__name__)

#: The rates OSDP devices commonly offer (COMSET); 9600 is the out-of-the-box default.
BAUD_RATES = (9600, 19200, 38400, 57600, 115200, 230400)

#: Ports whose missing RS-485 support was already logged, so that a poll loop or a CLI that
#: reopens the port does not repeat the warning.
_rs485_warned: set[str] = set()


def _pyserial() -> ModuleType:
    """pyserial, imported when a serial port is opened (the codec works without it)."""
    try:
        import serial
    except ImportError:
        raise ConfigurationError(
            "serial ports need pyserial: pip install pyserial (or axisctl[pi])"
        ) from None
    return serial


def wire_time(byte_count: int, baud_rate: int) -> float:
    """Seconds that ``byte_count`` bytes take on an 8N1 line (10 bits per byte)."""
    return byte_count * 10 / baud_rate


class Link(Protocol):
    """What the control panel and reader runners need from a byte link."""

    #: The line speed, for timing (how long a frame takes on the wire).
    baud_rate: int

    def read(self, timeout: float) -> bytes:
        """Bytes received so far; waits up to ``timeout`` s for the first one, ``b""`` if none.

        Returns early with ``b""`` after :meth:`interrupt`.
        """

    def write(self, data: bytes) -> None:
        """Sends all of ``data`` and returns once it has left the transmitter."""

    def interrupt(self) -> None:
        """Makes a :meth:`read` waiting in another thread return now (thread-safe)."""

    def close(self) -> None:
        """Releases the port; idempotent."""


@dataclass(frozen=True)
class Rs485Settings:
    """Kernel RS-485 mode for UARTs that drive the transceiver's DE/RE line themselves.

    ``rts_level_for_tx``/``rts_level_for_rx`` are the RTS levels while sending and receiving
    (RTS drives DE); the delays are seconds before and after sending (the kernel takes whole
    milliseconds). ``loopback`` keeps the receiver on while sending, so the port hears its own
    frames: harmless for OSDP, whose control panel ignores commands and whose reader ignores
    replies.
    """

    rts_level_for_tx: bool = True
    rts_level_for_rx: bool = False
    delay_before_tx: float | None = None
    delay_before_rx: float | None = None
    loopback: bool = False

    def to_pyserial(self) -> serial.rs485.RS485Settings:
        import serial.rs485

        return serial.rs485.RS485Settings(
            rts_level_for_tx=self.rts_level_for_tx,
            rts_level_for_rx=self.rts_level_for_rx,
            loopback=self.loopback,
            delay_before_tx=self.delay_before_tx,
            delay_before_rx=self.delay_before_rx,
        )


class SerialLink:
    """An OSDP link over pyserial: a device path (``/dev/ttyUSB0``) or any pyserial URL.

    ``rs485`` asks the driver for kernel RS-485 mode (``None`` leaves the port as it is);
    where the driver or a pseudo-terminal lacks it the link logs a warning once and works on,
    unless ``require_rs485`` is set, in which case opening fails. ``turnaround`` is the least
    silence in seconds between the last byte received and the next byte sent, for
    transceivers on the bus that release the line slowly.
    """

    def __init__(
        self,
        port: str,
        baud_rate: int = 9600,
        *,
        rs485: Rs485Settings | None = Rs485Settings(),
        require_rs485: bool = False,
        turnaround: float = 0.0,
    ) -> None:
        if baud_rate <= 0:
            raise ConfigurationError(f"baud rate must be positive, got {baud_rate}")
        if turnaround < 0:
            raise ConfigurationError(f"turnaround must be >= 0 s, got {turnaround}")
        self.port = port
        self.turnaround = turnaround
        self._last_receive = 0.0
        serial = _pyserial()
        #: What pyserial raises when the port misbehaves.
        self._errors: tuple[type[Exception], ...] = (serial.SerialException, OSError, ValueError)
        try:
            self._serial = serial.serial_for_url(port, baudrate=baud_rate, timeout=0)
        except self._errors as error:
            raise TransportError(f"cannot open serial port {port}: {error}") from error
        #: (read, write) ends of a pipe that wakes a waiting read, for native ports only.
        self._wake: tuple[int, int] | None = (
            os.pipe() if isinstance(self._serial, serial.Serial) else None
        )
        #: Whether the driver accepted kernel RS-485 mode.
        self.rs485_active = False
        if rs485 is not None:
            self._enable_rs485(rs485, require_rs485)

    def _enable_rs485(self, settings: Rs485Settings, required: bool) -> None:
        try:
            self._serial.rs485_mode = settings.to_pyserial()
        except self._errors as error:
            # Leave the port without RS-485 mode; otherwise pyserial would try (and fail)
            # again on every later reconfiguration, such as a baud-rate change.
            with contextlib.suppress(*self._errors):
                self._serial.rs485_mode = None
            if required:
                self._serial.close()
                raise TransportError(
                    f"{self.port} does not support kernel RS-485 mode: {error}"
                ) from error
            if self.port not in _rs485_warned:
                _rs485_warned.add(self.port)
                # A pseudo-terminal never has RS-485 mode; saying so is noise.
                level = logging.DEBUG if self.port.startswith("/dev/pts/") else logging.WARNING
                logger.log(
                    level,
                    "%s: no kernel RS-485 mode (%s); relying on the adapter's automatic "
                    "direction control",
                    self.port,
                    error,
                )
        else:
            self.rs485_active = True

    @property
    def baud_rate(self) -> int:
        return int(self._serial.baudrate)

    @baud_rate.setter
    def baud_rate(self, value: int) -> None:
        """Changes the line speed (after a COMSET), keeping the port open."""
        try:
            self._serial.baudrate = value
        except self._errors as error:
            raise ConfigurationError(f"{self.port} cannot run at {value} baud: {error}") from error

    def read(self, timeout: float) -> bytes:
        port = self._serial
        try:
            if self._wake is not None:
                # A native port: wait on its descriptor ourselves, because changing pyserial's
                # timeout re-applies every termios (and RS-485) setting of the port.
                wake_read = self._wake[0]
                ready, _, _ = select.select([port.fileno(), wake_read], [], [], max(timeout, 0))
                if wake_read in ready:
                    os.read(wake_read, 4096)
                    return b""
                if not ready:
                    return b""
                data = port.read(max(port.in_waiting, 1))
            else:
                port.timeout = max(timeout, 0.0)
                data = port.read(1)
                if data:
                    port.timeout = 0
                    waiting = port.in_waiting
                    if waiting:
                        data += port.read(waiting)
        except self._errors as error:
            raise TransportError(f"reading {self.port} failed: {error}") from error
        if data:
            self._last_receive = time.monotonic()
        return bytes(data)

    def write(self, data: bytes) -> None:
        if self.turnaround:
            quiet_for = time.monotonic() - self._last_receive
            if quiet_for < self.turnaround:
                time.sleep(self.turnaround - quiet_for)
        try:
            self._serial.write(data)
            # Wait until the UART has sent the last stop bit: the reply timeout starts there
            # and, in kernel RS-485 mode, the driver releases the bus there.
            self._serial.flush()
        except self._errors as error:
            raise TransportError(f"writing {self.port} failed: {error}") from error

    def interrupt(self) -> None:
        with contextlib.suppress(*self._errors):
            if self._wake is not None:
                os.write(self._wake[1], b"x")
            else:
                cancel = getattr(self._serial, "cancel_read", None)
                if cancel is not None:
                    cancel()

    def close(self) -> None:
        with contextlib.suppress(*self._errors):
            self._serial.close()
        if self._wake is not None:
            for fd in self._wake:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._wake = None

    def __enter__(self) -> SerialLink:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SerialLink({self.port!r}, {self.baud_rate}, rs485_active={self.rs485_active})"


class FdLink:
    """An OSDP link over a file descriptor, typically the controlling end of a pseudo-terminal.

    The descriptor is made non-blocking. ``baud_rate`` is nominal: a pty delivers at once,
    but the control panel still budgets reply time as if the line ran at that speed. The
    descriptor is closed by :meth:`close` only when ``owns_fd`` is set.
    """

    def __init__(self, fd: int, baud_rate: int = 9600, *, owns_fd: bool = False) -> None:
        self.fd = fd
        self.baud_rate = baud_rate
        self.owns_fd = owns_fd
        os.set_blocking(fd, False)
        self._wake_read, self._wake_write = os.pipe()
        self._closed = False
        self._lock = threading.Lock()

    def read(self, timeout: float) -> bytes:
        if self._closed:
            return b""
        try:
            ready, _, _ = select.select([self.fd, self._wake_read], [], [], max(timeout, 0.0))
        except (OSError, ValueError):  # closed underneath us by another thread
            return b""
        if self._wake_read in ready:
            with contextlib.suppress(OSError):
                os.read(self._wake_read, 4096)
            return b""
        if not ready:
            return b""
        try:
            return os.read(self.fd, 4096)
        except BlockingIOError:
            return b""
        except OSError as error:
            if error.errno == errno.EIO:
                # A pty whose other end nobody holds open reads as EIO; that is silence.
                time.sleep(max(timeout, 0.0))
                return b""
            raise TransportError(f"reading fd {self.fd} failed: {error}") from error

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.fd, view)
            except BlockingIOError:
                select.select([], [self.fd], [], 0.05)
                continue
            except OSError as error:
                raise TransportError(f"writing fd {self.fd} failed: {error}") from error
            view = view[written:]

    def interrupt(self) -> None:
        with self._lock:
            if not self._closed:
                with contextlib.suppress(OSError):
                    os.write(self._wake_write, b"x")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for fd in (self._wake_read, self._wake_write):
                with contextlib.suppress(OSError):
                    os.close(fd)
            if self.owns_fd:
                with contextlib.suppress(OSError):
                    os.close(self.fd)

    def __enter__(self) -> FdLink:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FdLink(fd={self.fd}, baud_rate={self.baud_rate})"


class PtyPair:
    """A pseudo-terminal pair standing in for an RS-485 bus between two devices.

    One side uses :meth:`controller_link` (the pty's controlling end, an :class:`FdLink`),
    the other opens :attr:`port` (the ``/dev/pts/N`` path) like any serial port, with
    :class:`SerialLink`, libosdp or ``axisctl osdp ... --port``. The pair keeps its own handle
    on the device end open, so the controlling end never sees a hang-up while the other
    side reopens the port. Stop every thread that reads a link before closing the pair.
    """

    def __init__(self) -> None:
        import tty

        self.controller_fd, self.device_fd = os.openpty()
        # Raw: no echo, no CR/LF translation, no signals from control characters.
        tty.setraw(self.device_fd)
        self.port = os.ttyname(self.device_fd)
        self._links: list[FdLink] = []
        self._closed = False

    def controller_link(self, baud_rate: int = 9600) -> FdLink:
        """A link on the controlling end (closed with the pair)."""
        link = FdLink(self.controller_fd, baud_rate)
        self._links.append(link)
        return link

    def device_link(self, baud_rate: int = 9600) -> SerialLink:
        """The device end opened through pyserial, as a program would open a real port."""
        return SerialLink(self.port, baud_rate)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for link in self._links:
            link.close()
        for fd in (self.controller_fd, self.device_fd):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> PtyPair:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PtyPair(port={self.port!r})"
