"""Interoperability with libosdp, the reference implementation, over real pseudo-terminals.

Our control panel drives libosdp's reader, and libosdp's control panel drives our reader
emulator, each plain, with a shared site key, and in install mode (the control panel sets
the site key with KEYSET). libosdp runs on its own refresh thread; our side runs its
runner. The happy paths avoid everything that makes libosdp's control panel lock a reader
out for 300 s (any NAK, any missed reply): our reader answers every command it receives,
and libosdp's reader is never asked for ISTAT or OSTAT, which its Python binding cannot
answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from axisctl.drivers.osdp import (
    BuzzerCommand,
    CardRead,
    ControlPanel,
    CpEvent,
    CpTimings,
    KeyInstalled,
    KeyPress,
    LedColor,
    LedCommand,
    LocalStatus,
    OutputCommand,
    OutputControl,
    PdConfig,
    PdId,
    PermanentLedControl,
    PtyPair,
    ReaderConfig,
    ReaderEmulator,
    SerialLink,
    TemporaryLedControl,
    TextCommand,
    ToneCode,
)

libosdp = pytest.importorskip("axisctl.drivers.osdp.libosdp")
try:
    osdp = libosdp.load_libosdp()
except libosdp.LibosdpUnavailableError as missing:  # pragma: no cover - CI installs it
    pytest.skip(str(missing), allow_module_level=True)

E = TypeVar("E", bound=CpEvent)
SITE_KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
H10301_123_4567 = "10111101100010001110101110"
IDENTITY = PdId(
    vendor_code=0x00A0B1, model=7, version=2, serial_number=0x12345678, firmware=(1, 2, 3)
)
#: libosdp answers within its 20 ms refresh; leave room for a loaded CI machine.
TIMINGS = CpTimings(reply_timeout=0.3, retries=3, poll_interval=0.05, offline_retry=0.5)
TIMEOUT = 10.0

SCENARIOS = {
    # name: (control panel config, reader config)
    "plain": (PdConfig(101), ReaderConfig(101, identity=IDENTITY, outputs=2)),
    "secure": (
        PdConfig(101, scbk=SITE_KEY),
        ReaderConfig(101, identity=IDENTITY, outputs=2, scbk=SITE_KEY, require_secure=True),
    ),
    "install": (
        PdConfig(101, scbk=SITE_KEY, install_mode=True),
        ReaderConfig(101, identity=IDENTITY, outputs=2),
    ),
}

GREEN = LedCommand(
    permanent_control=PermanentLedControl.SET,
    permanent_on_time=1,
    permanent_on_color=LedColor.GREEN,
)
RED_FLASH = LedCommand(
    temporary_control=TemporaryLedControl.SET,
    temporary_on_time=5,
    temporary_off_time=5,
    temporary_on_color=LedColor.RED,
    temporary_timer=30,
)


@pytest.fixture
def pty() -> Iterator[PtyPair]:
    with PtyPair() as pair:
        yield pair


@pytest.fixture
def device_link(pty: PtyPair) -> Iterator[SerialLink]:
    link = pty.device_link()
    yield link
    link.close()


def eventually(condition: Callable[[], object], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.02)


def next_event(source: Any, kind: type[E], timeout: float = TIMEOUT) -> E:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = source.next_event(0.1)
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout} s")


def next_command(reader: Any, kind: int, timeout: float = TIMEOUT) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        command = reader.next_command(0.1)
        if command is not None and command["command"] == kind:
            return dict(command)
    raise AssertionError(f"libosdp's reader got no command {kind} within {timeout} s")


# --- our control panel, libosdp's reader ----------------------------------------------------


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_our_control_panel_drives_libosdps_reader(
    pty: PtyPair, device_link: SerialLink, scenario: str
) -> None:
    cp_config, pd_config = SCENARIOS[scenario]
    with (
        libosdp.LibosdpReader(device_link, pd_config) as reader,
        ControlPanel(pty.controller_link(), cp_config, timings=TIMINGS) as panel,
    ):
        info = panel.wait_online(101, TIMEOUT)
        assert info.secure is (scenario != "plain")
        assert info.identity == IDENTITY
        assert info.capabilities is not None
        assert info.capabilities.get(2) == (2, 1, 2)
        if scenario == "install":
            assert reader.received_keys == [SITE_KEY]
            assert isinstance(next_event(panel, KeyInstalled), KeyInstalled)
        eventually(lambda: reader.secure is (scenario != "plain"))

        panel.led(101, RED_FLASH)
        led = next_command(reader, osdp.Command.LED)
        assert (led["temporary"], led["on_color"], led["timer_count"]) == (True, 1, 30)
        panel.buzzer(101, BuzzerCommand(tone=ToneCode.DEFAULT, on_time=2, off_time=2, count=3))
        buzz = next_command(reader, osdp.Command.Buzzer)
        assert (buzz["on_count"], buzz["rep_count"]) == (2, 3)
        # Our codec sends the whole 16-bit timer (libosdp's own Python API keeps 8 bits).
        panel.output(101, OutputCommand(1, OutputControl.TEMPORARY_ON, timer=600))
        out = next_command(reader, osdp.Command.Output)
        assert (out["output_no"], out["control_code"], out["timer_count"]) == (1, 5, 600)
        panel.text(101, TextCommand("HELLO"))
        assert next_command(reader, osdp.Command.Text)["data"] == "HELLO"
        assert panel.local_status(101) == LocalStatus()

        reader.present_card(H10301_123_4567)
        card = next_event(panel, CardRead)
        assert isinstance(card, CardRead)
        assert card.bits == H10301_123_4567
        reader.press_keys("1234#")
        assert next_event(panel, KeyPress) == KeyPress(101, 0, "1234#")
        assert panel.reader(101).online


def test_our_control_panel_rekeys_libosdps_reader(pty: PtyPair, device_link: SerialLink) -> None:
    _, pd_config = SCENARIOS["secure"]
    new_key = bytes(range(0xF0, 0x100))
    with (
        libosdp.LibosdpReader(device_link, pd_config) as reader,
        ControlPanel(pty.controller_link(), PdConfig(101, scbk=SITE_KEY), timings=TIMINGS) as panel,
    ):
        panel.wait_online(101, TIMEOUT)
        panel.set_key(101, new_key)
        assert reader.received_keys == [new_key]
        eventually(lambda: panel.reader(101).secure)
        assert panel.local_status(101) == LocalStatus()


# --- libosdp's control panel, our reader ----------------------------------------------------


def bring_online(panel: Any, address: int, *, secure: bool) -> None:
    """Waits for libosdp's control panel to bring the reader online.

    One missed reply locks a reader out of libosdp's control panel for 300 s; on a heavily
    loaded machine the very first exchange can miss, so probe once more before failing.
    """
    if not panel.wait_online(address, TIMEOUT / 2, secure=secure):
        panel.recover(address)
        assert panel.wait_online(address, TIMEOUT, secure=secure)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_libosdps_control_panel_drives_our_reader(
    pty: PtyPair, device_link: SerialLink, scenario: str
) -> None:
    cp_config, pd_config = SCENARIOS[scenario]
    keys: list[bytes] = []
    secure = scenario != "plain"
    # The reader first: libosdp's control panel locks out a reader that misses ID or CAP.
    with (
        ReaderEmulator(device_link, pd_config, on_key_change=keys.append) as reader,
        libosdp.LibosdpControlPanel(pty.controller_link(), cp_config) as panel,
    ):
        bring_online(panel, 101, secure=secure)
        eventually(lambda: reader.secure is secure)
        if scenario == "install":
            assert keys == [SITE_KEY]
            assert not reader.install_mode
        assert panel.identify(101) == IDENTITY
        assert panel.capabilities(101).get(2) == (2, 1, 2)

        panel.led(101, GREEN)
        panel.buzzer(101, BuzzerCommand(tone=ToneCode.DEFAULT, on_time=2, off_time=2, count=0))
        panel.output(101, OutputCommand(0, OutputControl.PERMANENT_ON_ABORT))
        panel.text(101, TextCommand("WELCOME", row=2))
        eventually(lambda: [t.text for t in reader.text()] == ["WELCOME"])
        assert reader.led().describe() == "steady green"
        assert reader.buzzer().active
        assert reader.state.outputs() == (True, False)

        reader.present_card(H10301_123_4567)
        card = next_event(panel, CardRead)
        assert isinstance(card, CardRead)
        assert card.bits == H10301_123_4567
        assert card.data == bytes.fromhex("bd88eb80")
        reader.press_keys("12*#")
        assert next_event(panel, KeyPress) == KeyPress(101, 0, "12*#")
        assert panel.is_online(101)
        assert panel.is_secure(101) is secure


def test_libosdps_timer_truncation_is_refused_not_sent(pty: PtyPair) -> None:
    panel = libosdp.LibosdpControlPanel(pty.controller_link(), PdConfig(1))
    with pytest.raises(ValueError, match="only the low byte"):
        panel.output(1, OutputCommand(0, OutputControl.TEMPORARY_ON, timer=300))


def test_a_missing_or_foreign_osdp_module_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    monkeypatch.setitem(sys.modules, "osdp", types.ModuleType("osdp"))
    with pytest.raises(libosdp.LibosdpUnavailableError, match="not libosdp's"):
        libosdp.load_libosdp()
    monkeypatch.setitem(sys.modules, "osdp_sys", None)
    with pytest.raises(libosdp.LibosdpUnavailableError, match="pip install libosdp"):
        libosdp.load_libosdp()
