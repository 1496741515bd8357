"""libosdp as an optional backend: its control panel and reader behind axisctl's types.

libosdp (PyPI ``libosdp``, imported as ``osdp`` with the C extension ``osdp_sys``) is the
reference C implementation of OSDP. This module runs it over axisctl's links and speaks
axisctl's typed commands and events, so that the same test or bench script can swap the
pure-Python control panel or reader for libosdp's. It is imported lazily: axisctl works
without libosdp (there is no wheel for 32-bit ARM), and an unrelated PyPI package also
called ``osdp`` is detected and refused.

libosdp's Python binding has sharp edges that this wrapper files down or documents:

* its callbacks run inside libosdp's refresh while a non-reentrant lock is held, so calling
  libosdp from them deadlocks: the wrapper only queues there;
* its control panel takes a reader offline for a fixed 300 s after any NAK or missed reply:
  :meth:`LibosdpControlPanel.recover` disables and re-enables the reader to probe it now;
* its Python layer truncates OUT and LED timers to 8 bits: the wrapper refuses timers above
  255 instead of sending something else;
* its reader cannot answer ISTAT or OSTAT from Python (it NAKs, which takes a libosdp
  control panel offline);
* it logs through C to standard error; ``log_level`` sets how much.
"""

from __future__ import annotations

import importlib
import queue
import time
from collections.abc import Callable, Iterable
from types import ModuleType, TracebackType
from typing import Any

from axisctl.errors import AxisError, ConfigurationError

from .cp_types import CardRead, CpEvent, KeyPress, PdConfig, PdOffline, PdOnline, StatusReport
from .link import Link
from .messages import (
    BuzzerCommand,
    CapabilityFunction,
    CardFormat,
    ComSet,
    InputStatus,
    KeypadData,
    KeySet,
    LedCommand,
    LocalStatus,
    OutputCommand,
    OutputStatus,
    PdCapabilities,
    PdCapability,
    PdId,
    RawCardData,
    TextCommand,
)
from .pd_config import ReaderConfig
from .secure import DEFAULT_SCBK

__all__ = [
    "LibosdpCommand",
    "LibosdpControlPanel",
    "LibosdpReader",
    "LibosdpUnavailableError",
    "load_libosdp",
]

#: libosdp's Python layer keeps only the low byte of OUT and LED timers.
_MAX_TIMER = 0xFF


class LibosdpUnavailableError(AxisError):
    """libosdp is not installed, or the ``osdp`` module found is another package."""


def load_libosdp() -> ModuleType:
    """The ``osdp`` module of libosdp, or :class:`LibosdpUnavailableError` saying why not."""
    try:
        importlib.import_module("osdp_sys")
        module = importlib.import_module("osdp")
    except ImportError as error:
        raise LibosdpUnavailableError(
            f"libosdp is not installed ({error}); install it with 'pip install libosdp'"
        ) from None
    if not hasattr(module, "ControlPanel") or not hasattr(module, "PeripheralDevice"):
        raise LibosdpUnavailableError(
            "the 'osdp' module found is not libosdp's (is the unrelated PyPI package 'osdp' "
            "installed? uninstall it and install 'libosdp')"
        )
    return module


def _channel(osdp: ModuleType, link: Link, channel_id: int) -> Any:
    """A libosdp channel over ``link``: non-blocking reads, whole writes."""

    class LinkChannel(osdp.Channel):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            # Channels with equal ids count as one shared bus; ours are separate.
            self.id = channel_id

        def read(self, max_bytes: int) -> bytes:
            return link.read(0)[:max_bytes] if max_bytes else b""

        def write(self, buf: bytes) -> int:
            link.write(bytes(buf))
            return len(buf)

        def flush(self) -> None:
            # libosdp calls this before every frame it sends, to drop stale input.
            while link.read(0):
                pass

    return LinkChannel()


_channel_ids = iter(range(1, 1 << 30))


def _timer(field: str, value: int) -> int:
    if value > _MAX_TIMER:
        raise ConfigurationError(
            f"{field} {value}: libosdp's Python binding sends only the low byte of timers; "
            f"use at most {_MAX_TIMER} (x 100 ms) with the libosdp backend"
        )
    return value


# --- control panel --------------------------------------------------------------------------


class LibosdpControlPanel:
    """libosdp's control panel on ``link`` for ``readers``, with axisctl's events.

    Commands are submitted to libosdp's queue and return at once (libosdp reports no
    per-command result to Python); replies that carry data (ID, CAP) come from what libosdp
    learnt while bringing the reader online. Install mode without an SCBK opens the
    secure channel with SCBK-D; an SCBK without install mode requires the secure channel.
    ``on_event`` runs inside libosdp's refresh: it must not call this control panel.
    """

    def __init__(
        self,
        link: Link,
        readers: PdConfig | Iterable[PdConfig],
        *,
        on_event: Callable[[CpEvent], object] | None = None,
        log_level: int | None = None,
    ) -> None:
        osdp = self._osdp = load_libosdp()
        configs = [readers] if isinstance(readers, PdConfig) else list(readers)
        channel = _channel(osdp, link, next(_channel_ids))
        infos = []
        for config in configs:
            flags = [osdp.LibFlag.EnableNotification]
            scbk = config.scbk
            if scbk is not None and not config.install_mode:
                flags.append(osdp.LibFlag.EnforceSecure)
            elif scbk is None and config.install_mode:
                scbk = DEFAULT_SCBK
            infos.append(osdp.PDInfo(config.address, channel, scbk=scbk, flags=flags))
        self._events: queue.Queue[CpEvent] = queue.Queue()
        self._on_event = on_event
        self._panel = osdp.ControlPanel(
            infos,
            log_level=osdp.LogLevel.Error if log_level is None else log_level,
            event_handler=self._handle,
        )
        self._started = False

    def _handle(self, index: int, event: dict[str, Any]) -> int:
        # Runs inside libosdp's refresh with its lock held: queue only, never call libosdp.
        converted = _convert_cp_event(self._osdp, self._panel.pd_addr[index], event)
        if converted is not None:
            self._events.put(converted)
            if self._on_event is not None:
                self._on_event(converted)
        return 0

    def start(self) -> None:
        if not self._started:
            self._panel.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._panel.teardown()
            self._started = False

    def __enter__(self) -> LibosdpControlPanel:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def is_online(self, address: int) -> bool:
        return bool(self._panel.is_online(address))

    def is_secure(self, address: int) -> bool:
        return bool(self._panel.is_sc_active(address))

    def wait_online(self, address: int, timeout: float = 5.0, *, secure: bool = False) -> bool:
        """Waits (polling every 20 ms) until the reader is online (and secure, if asked)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.is_online(address) and (not secure or self.is_secure(address)):
                return True
            time.sleep(0.02)
        return False

    def recover(self, address: int) -> None:
        """Probes an offline reader now instead of after libosdp's 300 s lockout."""
        self._panel.disable_pd(address)
        time.sleep(0.1)
        self._panel.enable_pd(address)

    def next_event(self, timeout: float | None = None) -> CpEvent | None:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def identify(self, address: int) -> PdId:
        raw = self._panel.get_pd_id(address)
        firmware = raw.firmware_version & 0xFFFFFF
        return PdId(
            raw.vendor_code & 0xFFFFFF,
            raw.model & 0xFF,
            raw.version & 0xFF,
            raw.serial_number & 0xFFFFFFFF,
            (firmware >> 16, (firmware >> 8) & 0xFF, firmware & 0xFF),
        )

    def capabilities(self, address: int) -> PdCapabilities:
        entries = []
        for function in CapabilityFunction:
            try:
                compliance, count = self._panel.check_capability(address, int(function))
            except (TypeError, ValueError, OSError):
                continue
            if compliance or count:
                entries.append(PdCapability(int(function), compliance & 0xFF, count & 0xFF))
        return PdCapabilities(tuple(entries))

    def _submit(self, address: int, command: dict[str, Any]) -> None:
        if not self._panel.submit_command(address, command):
            raise ConfigurationError(
                f"libosdp refused the command for reader {address} (offline, or a KEYSET "
                "without the secure channel)"
            )

    def led(self, address: int, *records: LedCommand) -> None:
        for record in records:
            for command in _led_dicts(self._osdp, record):
                self._submit(address, command)

    def buzzer(self, address: int, *records: BuzzerCommand) -> None:
        for record in records:
            self._submit(
                address,
                {
                    "command": self._osdp.Command.Buzzer,
                    "reader": record.reader,
                    "control_code": int(record.tone),
                    "on_count": record.on_time,
                    "off_count": record.off_time,
                    "rep_count": record.count,
                },
            )

    def output(self, address: int, *records: OutputCommand) -> None:
        for record in records:
            self._submit(
                address,
                {
                    "command": self._osdp.Command.Output,
                    "output_no": record.output,
                    "control_code": int(record.control),
                    "timer_count": _timer("timer", record.timer),
                },
            )

    def text(self, address: int, command: TextCommand) -> None:
        self._submit(
            address,
            {
                "command": self._osdp.Command.Text,
                "reader": command.reader,
                "control_code": int(command.control),
                "temp_time": command.temporary_time,
                "offset_row": command.row,
                "offset_col": command.column,
                "data": command.text,
            },
        )

    def set_communication(self, address: int, settings: ComSet) -> None:
        self._submit(
            address,
            {
                "command": self._osdp.Command.Comset,
                "address": settings.address,
                "baud_rate": settings.baud_rate,
            },
        )

    def set_key(self, address: int, scbk: bytes) -> None:
        key = KeySet(scbk)
        self._submit(address, {"command": self._osdp.Command.Keyset, "type": 1, "data": key.key})


def _led_dicts(osdp: ModuleType, record: LedCommand) -> list[dict[str, Any]]:
    """libosdp's LED dicts hold one block each: one for the temporary, one for the permanent."""
    base = {"command": osdp.Command.LED, "reader": record.reader, "led_number": record.led}
    dicts = []
    if record.temporary_control:
        dicts.append(
            base
            | {
                "temporary": True,
                "control_code": int(record.temporary_control),
                "on_count": record.temporary_on_time,
                "off_count": record.temporary_off_time,
                "on_color": int(record.temporary_on_color),
                "off_color": int(record.temporary_off_color),
                "timer_count": _timer("temporary_timer", record.temporary_timer),
            }
        )
    if record.permanent_control:
        dicts.append(
            base
            | {
                "temporary": False,
                "control_code": int(record.permanent_control),
                "on_count": record.permanent_on_time,
                "off_count": record.permanent_off_time,
                "on_color": int(record.permanent_on_color),
                "off_color": int(record.permanent_off_color),
            }
        )
    return dicts


def _convert_cp_event(osdp: ModuleType, address: int, event: dict[str, Any]) -> CpEvent | None:
    kind = event.get("event")
    if kind == osdp.Event.CardRead:
        data = bytes(event.get("data", b""))
        card_format = (
            CardFormat.WIEGAND
            if event.get("format") == osdp.CardFormat.Wiegand
            else CardFormat.UNSPECIFIED
        )
        bit_count = int(event.get("length", len(data) * 8))
        return CardRead(address, int(event.get("reader_no", 0)), card_format, bit_count, data)
    if kind == osdp.Event.KeyPress:
        keys = bytes(event.get("data", b""))
        digits = KeypadData.decode(bytes((0, len(keys))) + keys).digits
        return KeyPress(address, int(event.get("reader_no", 0)), digits)
    if kind == osdp.Event.Status:
        report = bytes(event.get("report", b""))
        status_type = event.get("type")
        if status_type == osdp.StatusReportType.Input:
            return StatusReport(address, InputStatus.decode(report))
        if status_type == osdp.StatusReportType.Output:
            return StatusReport(address, OutputStatus.decode(report))
        if status_type == osdp.StatusReportType.Local:
            return StatusReport(address, LocalStatus.decode(report[:2]))
        return None
    if (
        kind == osdp.Event.Notification
        and event.get("type") == osdp.EventNotification.PeripheralDeviceStatus
    ):
        if event.get("arg0"):
            return PdOnline(address, secure=False)
        return PdOffline(address, "libosdp reports the reader offline")
    return None


# --- reader ---------------------------------------------------------------------------------


class LibosdpCommand(dict[str, Any]):
    """A command libosdp's reader received, as libosdp's dict (``command`` names the kind)."""


class LibosdpReader:
    """libosdp's peripheral device on ``link``, configured like :class:`~.pd_runner.ReaderEmulator`.

    Received commands are queued (:meth:`next_command`); ``received_keys`` collects the
    SCBKs installed by KEYSET, which a real reader would store.
    """

    def __init__(
        self, link: Link, config: ReaderConfig | None = None, *, log_level: int | None = None
    ) -> None:
        osdp = self._osdp = load_libosdp()
        config = config or ReaderConfig()
        self.config = config
        flags = []
        if config.install_mode and config.scbk is not None:
            flags.append(osdp.LibFlag.InstallMode)
        if config.require_secure:
            flags.append(osdp.LibFlag.EnforceSecure)
        identity = config.identity
        firmware = identity.firmware
        info = osdp.PDInfo(
            config.address,
            _channel(osdp, link, next(_channel_ids)),
            scbk=config.scbk,
            flags=flags,
            id=osdp.PdId(
                identity.version,
                identity.model,
                identity.vendor_code,
                identity.serial_number,
                firmware[0] << 16 | firmware[1] << 8 | firmware[2],
            ),
        )
        capabilities = [
            (osdp.Capability.CardDataFormat, 1, 1),
            (osdp.Capability.LEDControl, 1, config.leds),
            (osdp.Capability.AudibleControl, 1, 1),
            (osdp.Capability.TextOutput, 1, 1),
        ]
        if config.outputs:
            capabilities.append((osdp.Capability.OutputControl, 1, config.outputs))
        if config.inputs:
            capabilities.append((osdp.Capability.ContactStatusMonitoring, 1, config.inputs))
        self._commands: queue.Queue[LibosdpCommand] = queue.Queue()
        self.received_keys: list[bytes] = []
        self._device = osdp.PeripheralDevice(
            info,
            osdp.PDCapabilities(capabilities),
            log_level=osdp.LogLevel.Error if log_level is None else log_level,
            command_handler=self._handle,
        )
        self._started = False

    def _handle(self, command: dict[str, Any]) -> tuple[int, None]:
        # Runs inside libosdp's refresh with its lock held: queue only, never call libosdp.
        if command.get("command") == self._osdp.Command.Keyset:
            self.received_keys.append(bytes(command["data"]))
        self._commands.put(LibosdpCommand(command))
        return 0, None

    def start(self) -> None:
        if not self._started:
            self._device.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._device.teardown()
            self._started = False

    def __enter__(self) -> LibosdpReader:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def online(self) -> bool:
        return bool(self._device.is_online())

    @property
    def secure(self) -> bool:
        return bool(self._device.is_sc_active())

    def next_command(self, timeout: float | None = None) -> LibosdpCommand | None:
        try:
            return self._commands.get(timeout=timeout)
        except queue.Empty:
            return None

    def present_card(self, bits: str, *, reader: int = 0) -> RawCardData:
        """Queues a Wiegand card read (bits as ``0``/``1``) for the control panel's next poll."""
        raw = RawCardData.from_bits(bits, reader=reader)
        self._submit(
            {
                "event": self._osdp.Event.CardRead,
                "reader_no": reader,
                "direction": 0,
                "format": self._osdp.CardFormat.Wiegand,
                "length": raw.bit_count,
                "data": raw.data,
            }
        )
        return raw

    def press_keys(self, keys: str, *, reader: int = 0) -> None:
        encoded = KeypadData(reader, keys).encode()[2:]
        self._submit({"event": self._osdp.Event.KeyPress, "reader_no": reader, "data": encoded})

    def _submit(self, event: dict[str, Any]) -> None:
        if not self._device.submit_event(event):
            raise ConfigurationError("libosdp refused the event (its queue is full?)")
