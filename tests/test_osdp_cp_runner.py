"""The threaded control panel and reader emulator over real pseudo-terminals, and the links.

The control panel holds the pty's controlling end; the reader emulator opens the device end
by its path through pyserial, as it would open /dev/ttyUSB0. Timings are short but every
wait has a timeout; nothing asserts how fast anything is.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from typing import TypeVar

import pytest

from axisctl.drivers.osdp import (
    AsyncControlPanel,
    BuzzerCommand,
    CardRead,
    ComSet,
    ControlPanel,
    CpEvent,
    CpTimings,
    FdLink,
    KeyPress,
    LedColor,
    LedCommand,
    Link,
    LocalStatus,
    PdConfig,
    PdOffline,
    PdOfflineError,
    PdOnline,
    PermanentLedControl,
    PtyPair,
    ReaderConfig,
    ReaderEmulator,
    Rs485Settings,
    SerialLink,
    TextCommand,
    cp_calls,
)
from axisctl.drivers.osdp import link as link_module
from axisctl.errors import ConfigurationError, TransportError

E = TypeVar("E", bound=CpEvent)
SITE_KEY = bytes.fromhex("8899aabbccddeeff0011223344556677")
H10301_123_4567 = "10111101100010001110101110"
FAST = CpTimings(reply_timeout=0.2, retries=2, poll_interval=0.02, offline_retry=0.3)
GREEN = LedCommand(
    permanent_control=PermanentLedControl.SET,
    permanent_on_time=1,
    permanent_on_color=LedColor.GREEN,
)


@pytest.fixture
def pty() -> Iterator[PtyPair]:
    with PtyPair() as pair:
        yield pair


@pytest.fixture
def reader_link(pty: PtyPair) -> Iterator[SerialLink]:
    link = pty.device_link()
    yield link
    link.close()


def wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the timeout"
        time.sleep(0.01)


def next_of(panel: ControlPanel, kind: type[E], timeout: float = 5.0) -> E:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = panel.next_event(0.1)
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout} s")


@pytest.mark.parametrize("secure", [False, True], ids=["plain", "secure"])
def test_control_panel_and_reader_emulator_over_a_pty(
    pty: PtyPair, reader_link: SerialLink, secure: bool
) -> None:
    key = SITE_KEY if secure else None
    received: list[object] = []
    config = ReaderConfig(7, scbk=key, outputs=1)
    with (
        ReaderEmulator(reader_link, config, on_command=received.append) as reader,
        ControlPanel(pty.controller_link(), PdConfig(7, scbk=key), timings=FAST) as panel,
    ):
        info = panel.wait_online(7)
        assert info.secure is secure
        assert panel.identify(7) == config.identity
        panel.led(7, GREEN)
        panel.buzzer(7, BuzzerCommand(on_time=2, off_time=1, count=2))
        panel.text(7, TextCommand("HELLO"))
        assert reader.led().describe() == "steady green"
        assert reader.buzzer().active
        assert [t.text for t in reader.text()] == ["HELLO"]
        assert panel.local_status(7) == LocalStatus()
        assert panel.output_status(7).outputs == (False,)
        reader.present_card(H10301_123_4567)
        card = next_of(panel, CardRead)
        assert isinstance(card, CardRead)
        assert card.bits == H10301_123_4567
        reader.press_keys("42#")
        assert next_of(panel, KeyPress) == KeyPress(7, 0, "42#")
        assert reader.secure is secure
        assert reader.online
    assert len(received) >= 4


def test_events_reach_a_callback_that_may_submit_but_not_block(
    pty: PtyPair, reader_link: SerialLink
) -> None:
    outcomes: list[object] = []
    done = threading.Event()

    def on_event(event: CpEvent) -> None:
        if isinstance(event, CardRead):
            try:
                panel.led(3, GREEN)
            except RuntimeError as error:
                outcomes.append(error)
            # Answer a card with a green LED, the way a door controller would.
            future = panel.submit(3, cp_calls.led(GREEN))
            future.add_done_callback(lambda _: done.set())

    with (
        ReaderEmulator(reader_link, ReaderConfig(3)) as reader,
        ControlPanel(pty.controller_link(), PdConfig(3), timings=FAST, on_event=on_event) as panel,
    ):
        panel.wait_online(3)
        reader.present_card(H10301_123_4567)
        assert done.wait(5)
        assert reader.led().on_color is LedColor.GREEN
    (error,) = outcomes
    assert "use submit() there" in str(error)


def test_a_missing_reader_is_reported_offline_with_the_reason(pty: PtyPair) -> None:
    with ControlPanel(pty.controller_link(), PdConfig(9), timings=FAST) as panel:
        with pytest.raises(PdOfflineError, match=r"not online within 0\.5 s: no reply to ID"):
            panel.wait_online(9, timeout=0.5)
        with pytest.raises(PdOfflineError, match="offline"):
            panel.local_status(9)


def test_a_reader_that_goes_away_goes_offline_and_comes_back(
    pty: PtyPair, reader_link: SerialLink
) -> None:
    with ControlPanel(pty.controller_link(), PdConfig(2), timings=FAST) as panel:
        with ReaderEmulator(reader_link, ReaderConfig(2)):
            panel.wait_online(2)
        assert isinstance(next_of(panel, PdOffline), PdOffline)
        with ReaderEmulator(reader_link, ReaderConfig(2)):
            assert isinstance(next_of(panel, PdOnline), PdOnline)
            assert panel.reader(2).online


def test_stop_fails_what_is_pending(pty: PtyPair) -> None:
    panel = ControlPanel(pty.controller_link(), PdConfig(2), timings=FAST)
    future = panel.submit(2, cp_calls.local_status())
    panel.stop()
    with pytest.raises(PdOfflineError, match="stopped"):
        future.result(1)


def test_control_panel_open_owns_its_serial_port(pty: PtyPair) -> None:
    with ReaderEmulator(pty.controller_link(), ReaderConfig(4)) as reader:
        with ControlPanel.open(pty.port, PdConfig(4), timings=FAST) as panel:
            panel.wait_online(4)
            panel.led(4, GREEN)
        assert reader.led().on_color is LedColor.GREEN
    with pytest.raises(TransportError, match="cannot open serial port"):
        ControlPanel.open("/dev/does-not-exist", PdConfig(1))


def test_comset_moves_the_emulated_reader(pty: PtyPair, reader_link: SerialLink) -> None:
    with (
        ReaderEmulator(reader_link, ReaderConfig(5)) as reader,
        ControlPanel(pty.controller_link(), PdConfig(5), timings=FAST) as panel,
    ):
        panel.wait_online(5)
        settings = panel.set_communication(5, ComSet(6, 19200))
        assert (settings.address, settings.baud_rate) == (6, 19200)
        assert reader.address == 6
        wait_for(lambda: reader_link.baud_rate == 19200)
        assert panel.local_status(6) == LocalStatus()


def test_install_mode_over_a_pty_stores_the_new_key(pty: PtyPair, reader_link: SerialLink) -> None:
    keys: list[bytes] = []
    with (
        ReaderEmulator(reader_link, ReaderConfig(1), on_key_change=keys.append) as reader,
        ControlPanel(
            pty.controller_link(), PdConfig(1, scbk=SITE_KEY, install_mode=True), timings=FAST
        ) as panel,
    ):
        assert panel.wait_online(1).secure
        assert keys == [SITE_KEY]
        assert not reader.install_mode


async def test_the_async_control_panel(pty: PtyPair, reader_link: SerialLink) -> None:
    with ReaderEmulator(reader_link, ReaderConfig(8, scbk=SITE_KEY)) as reader:
        async with AsyncControlPanel(
            pty.controller_link(), PdConfig(8, scbk=SITE_KEY), timings=FAST
        ) as panel:
            assert (await panel.wait_online(8)).secure
            await panel.led(8, GREEN)
            assert reader.led().on_color is LedColor.GREEN
            assert await panel.local_status(8) == LocalStatus()
            reader.present_card(H10301_123_4567)

            async def first_card() -> CardRead:
                async for event in panel.events():
                    if isinstance(event, CardRead):
                        return event
                raise AssertionError("events ended")

            card = await asyncio.wait_for(first_card(), 5)
            assert card.bits == H10301_123_4567


# --- links ----------------------------------------------------------------------------------


def test_a_pty_lacks_rs485_mode_which_is_logged_once(
    pty: PtyPair, caplog: pytest.LogCaptureFixture
) -> None:
    link_module._rs485_warned.discard(pty.port)
    caplog.set_level(logging.DEBUG, logger="axisctl.drivers.osdp.link")
    first = SerialLink(pty.port, rs485=Rs485Settings(delay_before_rx=0.001))
    second = SerialLink(pty.port)
    try:
        assert not first.rs485_active
        assert not second.rs485_active
        warnings = [r for r in caplog.records if "no kernel RS-485 mode" in r.getMessage()]
        assert len(warnings) == 1
        # The port still works after the refused ioctl, including a speed change.
        second.baud_rate = 115200
        second.write(b"\x01\x02")
        assert pty.controller_link().read(1.0) == b"\x01\x02"
    finally:
        first.close()
        second.close()
    with pytest.raises(TransportError, match="does not support kernel RS-485 mode"):
        SerialLink(pty.port, require_rs485=True)
    unchecked = SerialLink(pty.port, rs485=None)
    assert not unchecked.rs485_active
    unchecked.close()


def test_a_pyserial_url_works_as_a_link() -> None:
    with SerialLink("loop://", 115200) as loop:
        assert loop.rs485_active, "loop:// accepts RS-485 settings"
        loop.write(b"\x53\x01")
        assert loop.read(1.0) == b"\x53\x01"
        assert loop.read(0.05) == b""


def test_an_interrupt_wakes_a_waiting_read(pty: PtyPair) -> None:
    links: list[Link] = [pty.controller_link(), SerialLink(pty.port, rs485=None)]
    try:
        for link in links:
            timer = threading.Timer(0.1, link.interrupt)
            timer.start()
            start = time.monotonic()
            assert link.read(10.0) == b""
            assert time.monotonic() - start < 5.0
            timer.join()
    finally:
        links[1].close()


def test_link_settings_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="baud rate"):
        SerialLink("loop://", 0)
    with pytest.raises(ConfigurationError, match="turnaround"):
        SerialLink("loop://", turnaround=-1)


def test_turnaround_keeps_the_line_quiet_after_receiving() -> None:
    with SerialLink("loop://", turnaround=0.05) as loop:
        loop.write(b"x")
        assert loop.read(1.0) == b"x"
        start = time.monotonic()
        loop.write(b"y")
        assert time.monotonic() - start >= 0.04
        assert loop.read(1.0) == b"y"


def test_an_fd_link_closed_twice_is_fine() -> None:
    with PtyPair() as pair:
        link = FdLink(pair.controller_fd)
        link.close()
        link.close()
        assert link.read(0.01) == b""
