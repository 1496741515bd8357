"""The reader emulator on a real link: a thread answers the control panel.

:class:`ReaderEmulator` runs :class:`~.pd.PeripheralCore` over a :class:`~.link.Link`.
Present cards and key presses with :meth:`~ReaderEmulator.present_card` and
:meth:`~ReaderEmulator.press_keys`; look at what the control panel asked for with
:meth:`~ReaderEmulator.led`, :meth:`~ReaderEmulator.buzzer` and
:meth:`~ReaderEmulator.text`, or get each accepted command through ``on_command``.

``on_key_change`` receives a new SCBK after KEYSET: store it and pass it as
``ReaderConfig.scbk`` next time, as a real reader keeps its key across power cycles.
Callbacks run on the emulator's thread and must be quick: the control panel waits for the
reply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from axisctl.errors import AxisError, ConfigurationError

from .link import Link, Rs485Settings, SerialLink
from .link_runner import LinkRunner
from .messages import CardFormat, RawCardData, TextCommand
from .pd import (
    CommandReceived,
    KeyChanged,
    PdEvent,
    PeripheralCore,
    SecureChannelChanged,
    SettingsChanged,
)
from .pd_config import ReaderConfig
from .pd_state import BuzzerState, EmulatorState, LedState

__all__ = ["ReaderEmulator"]

logger = logging.getLogger(__name__)

_IDLE = 0.5


class ReaderEmulator(LinkRunner):
    """An emulated OSDP reader (peripheral device) answering on ``link``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    _THREAD_NAME = "osdp-pd"

    def __init__(
        self,
        link: Link,
        config: ReaderConfig | None = None,
        *,
        on_command: Callable[[CommandReceived], object] | None = None,
        on_key_change: Callable[[bytes], object] | None = None,
        on_event: Callable[[PdEvent], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[int], bytes] | None = None,
    ) -> None:
        self.config = config or ReaderConfig()
        self.state = EmulatorState(
            inputs=self.config.inputs, outputs=self.config.outputs, clock=clock
        )
        super().__init__(link)
        self._core = PeripheralCore(self.config, self.state, random=random)
        self._on_command = on_command
        self._on_key_change = on_key_change
        self._on_event = on_event
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        port: str,
        config: ReaderConfig | None = None,
        *,
        baud_rate: int = 9600,
        rs485: Rs485Settings | None = Rs485Settings(),  # noqa: B008 - frozen
        on_command: Callable[[CommandReceived], object] | None = None,
        on_key_change: Callable[[bytes], object] | None = None,
    ) -> ReaderEmulator:
        """An emulator on serial port ``port`` (a path or pyserial URL), which it owns."""
        link = SerialLink(port, baud_rate, rs485=rs485)
        try:
            emulator = cls(link, config, on_command=on_command, on_key_change=on_key_change)
        except BaseException:
            link.close()
            raise
        emulator._owns_link = True
        return emulator

    # --- what the reader does ---------------------------------------------------------------

    @property
    def address(self) -> int:
        """The address it answers on (COMSET may have changed it)."""
        return self._core.address

    @property
    def online(self) -> bool:
        """Whether a control panel talked to it within the last 8 s."""
        with self._lock:
            return self._core.online(self._clock())

    @property
    def secure(self) -> bool:
        """Whether a secure channel session is active."""
        with self._lock:
            return self._core.secure

    @property
    def install_mode(self) -> bool:
        """Whether it still accepts the install-mode key SCBK-D."""
        with self._lock:
            return self._core.install_mode

    def present_card(
        self, bits: str | RawCardData, *, reader: int = 0, format: CardFormat = CardFormat.WIEGAND
    ) -> RawCardData:
        """Queues a card read (bits as ``0``/``1``, first transmitted first) for the next POLL."""
        return self.state.present_card(bits, reader=reader, format=format)

    def present_card_number(self, bit_count: int, value: int, *, reader: int = 0) -> RawCardData:
        """Queues a card given as its bit count and its bits read as one number.

        That is the Axis convention for card data (``26:0x2f623ae`` for facility 123, card
        4567 in H10301); the bits go on the wire first bit first.
        """
        if bit_count <= 0 or value < 0 or value >> bit_count:
            raise ConfigurationError(
                f"card value does not fit in {bit_count} bits"
                if bit_count > 0
                else f"bit count must be positive, got {bit_count}"
            )
        return self.present_card(format(value, f"0{bit_count}b"), reader=reader)

    def press_keys(self, keys: str, *, reader: int = 0) -> None:
        """Queues key presses: ``0``-``9``, ``*``, ``#`` (and ``A``-``H`` function keys)."""
        self.state.press_keys(keys, reader=reader)

    def led(self, led: int = 0, reader: int = 0) -> LedState:
        return self.state.led(led, reader)

    def buzzer(self, reader: int = 0) -> BuzzerState:
        return self.state.buzzer(reader)

    def text(self, reader: int = 0) -> list[TextCommand]:
        return self.state.text(reader)

    # --- the thread -------------------------------------------------------------------------

    def _run(self) -> None:
        link, core, clock = self._link, self._core, self._clock
        try:
            while not self._stopping.is_set():
                data = link.read(_IDLE)
                if not data:
                    continue
                with self._lock:
                    reply = core.receive_data(data, clock())
                    events = core.take_events()
                if reply:
                    link.write(reply)
                for event in events:
                    self._handle(event)
        except AxisError as error:
            logger.error("OSDP reader emulator stopped: %s", error)
            self.error = error

    def _handle(self, event: PdEvent) -> None:
        if isinstance(event, SettingsChanged) and event.baud_rate != self._link.baud_rate:
            try:
                self._link.baud_rate = event.baud_rate
            except (AxisError, AttributeError) as error:
                logger.warning("cannot switch to %d baud: %s", event.baud_rate, error)
        try:
            if isinstance(event, CommandReceived) and self._on_command is not None:
                self._on_command(event)
            elif isinstance(event, KeyChanged) and self._on_key_change is not None:
                self._on_key_change(event.scbk)
            if self._on_event is not None:
                self._on_event(event)
        except Exception:
            logger.exception("OSDP reader emulator callback failed")
        if isinstance(event, SecureChannelChanged) and not event.active:
            logger.info("secure channel closed: %s", event.reason)
