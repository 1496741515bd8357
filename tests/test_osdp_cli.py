"""``axisctl osdp`` as a real process on one end of a pseudo-terminal pair.

The control panel commands run as processes against the reader emulator in this test; the
``reader`` command runs as a process answering a control panel in this test. Keys go
through the environment and must never appear in any output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from axisctl.drivers.osdp import (
    CardRead,
    ControlPanel,
    CpTimings,
    KeyPress,
    LedColor,
    LedCommand,
    PdConfig,
    PermanentLedControl,
    PtyPair,
    ReaderConfig,
    ReaderEmulator,
    TextCommand,
)

SITE_KEY = "000102030405060708090a0b0c0d0e0f"
H10301_123_4567 = "10111101100010001110101110"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def pty() -> Iterator[PtyPair]:
    with PtyPair() as pair:
        yield pair


@pytest.fixture
def emulator(pty: PtyPair) -> Iterator[ReaderEmulator]:
    config = ReaderConfig(3, scbk=bytes.fromhex(SITE_KEY))
    with ReaderEmulator(pty.controller_link(), config) as reader:
        yield reader


def osdp_args(pty: PtyPair, *args: str) -> list[str]:
    return ["osdp", args[0], "--port", pty.port, *args[1:]]


def secret_env() -> dict[str, str]:
    return {"AXISCTL_OSDP_SCBK": SITE_KEY}


def assert_no_key(result: subprocess.CompletedProcess[str]) -> None:
    assert SITE_KEY not in result.stdout + result.stderr


# --- control panel commands -----------------------------------------------------------------


def test_id_prints_the_readers_identity(
    axisctl_cli: Run, pty: PtyPair, emulator: ReaderEmulator
) -> None:
    result = axisctl_cli(*osdp_args(pty, "id", "--address", "3"), env=secret_env())
    assert result.returncode == 0, result.stderr
    assert "vendor code  00AC75" in result.stdout
    assert "serial       00000001" in result.stdout
    assert "secure       yes" in result.stdout
    assert_no_key(result)


def test_id_and_cap_as_json(axisctl_cli: Run, pty: PtyPair, emulator: ReaderEmulator) -> None:
    identity = axisctl_cli(*osdp_args(pty, "id", "--address", "3", "--json"), env=secret_env())
    assert json.loads(identity.stdout) == {
        "vendor_code": 0x00AC75,
        "model": 1,
        "version": 1,
        "serial_number": 1,
        "firmware": [1, 0, 0],
        "secure": True,
    }
    caps = axisctl_cli(*osdp_args(pty, "cap", "--address", "3", "--json"), env=secret_env())
    assert caps.returncode == 0, caps.stderr
    functions = {entry["name"]: entry for entry in json.loads(caps.stdout)}
    assert functions["communication security"]["compliance"] == 1
    assert functions["reader led control"]["items"] == 1


def test_led_and_buzz_reach_the_reader(
    axisctl_cli: Run, pty: PtyPair, emulator: ReaderEmulator
) -> None:
    args = ["--address", "3", "--color", "red", "--on-time", "0.5", "--off-time", "0.5"]
    led = axisctl_cli(*osdp_args(pty, "led", *args, "--temporary", "30"), env=secret_env())
    assert led.returncode == 0, led.stderr
    shown = emulator.led()
    assert shown.temporary
    assert (shown.on_color, shown.on_time, shown.off_time) == (LedColor.RED, 0.5, 0.5)
    buzz = axisctl_cli(*osdp_args(pty, "buzz", "--address", "3", "--count", "0"), env=secret_env())
    assert buzz.returncode == 0, buzz.stderr
    assert emulator.buzzer().active
    stop = axisctl_cli(*osdp_args(pty, "buzz", "--address", "3", "--stop"), env=secret_env())
    assert stop.returncode == 0, stop.stderr
    assert not emulator.buzzer().active


def test_a_wrong_key_is_refused_without_showing_it(
    axisctl_cli: Run, pty: PtyPair, emulator: ReaderEmulator
) -> None:
    wrong = "ffeeddccbbaa99887766554433221100"
    args = osdp_args(pty, "id", "--address", "3", "--timeout", "1")
    result = axisctl_cli(*args, env={"AXISCTL_OSDP_SCBK": wrong})
    assert result.returncode == 3
    assert "cryptogram does not match the configured SCBK" in result.stderr
    assert wrong not in result.stdout + result.stderr
    short = axisctl_cli(*args, "--scbk", "0123456789")
    assert short.returncode == 2
    assert "32 hexadecimal digits, got 10" in short.stderr
    assert "0123456789" not in short.stderr


def test_a_missing_reader_exits_with_unreachable(axisctl_cli: Run, pty: PtyPair) -> None:
    result = axisctl_cli(*osdp_args(pty, "led", "--address", "9", "--timeout", "0.5"))
    assert result.returncode == 3
    assert "reader 9 not online within 0.5 s: no reply to ID" in result.stderr


def test_watch_prints_cards_and_keys_as_json_lines(
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    pty: PtyPair,
    emulator: ReaderEmulator,
) -> None:
    args = osdp_args(pty, "watch", "--address", "3", "--json", "--duration", "20")
    with subprocess.Popen(
        [*axisctl_command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_environ(secret_env()),
    ) as watch:
        assert watch.stdout is not None
        try:
            online = json.loads(watch.stdout.readline())
            assert (online["event"], online["address"], online["secure"]) == ("online", 3, True)
            emulator.present_card(H10301_123_4567)
            card = json.loads(watch.stdout.readline())
            assert card["event"] == "card"
            assert card["bits"] == H10301_123_4567
            assert card["data"] == "bd88eb80"
            emulator.press_keys("1234#")
            keys = json.loads(watch.stdout.readline())
            assert (keys["event"], keys["keys"]) == ("keys", "1234#")
        finally:
            watch.send_signal(signal.SIGINT)
            _, errors = watch.communicate(timeout=10)
    assert watch.returncode == 0, errors
    assert SITE_KEY not in errors


# --- the reader emulator --------------------------------------------------------------------


class Lines:
    """Collects a process's output lines on a thread, so a test can wait for one."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no line with {text!r} within {timeout} s: {self.lines}")


@pytest.fixture
def reader_process(
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    pty: PtyPair,
    tmp_path: Path,
) -> Iterator[tuple[subprocess.Popen[str], Lines, Path]]:
    key_file = tmp_path / "reader.key"
    args = [*osdp_args(pty, "reader", "--address", "2", "--key-file", str(key_file))]
    process = subprocess.Popen(
        [*axisctl_command, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=cli_environ(None),
    )
    assert process.stdout is not None
    lines = Lines(process.stdout)
    try:
        lines.wait_for("reader 2 on")
        yield process, lines, key_file
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(10)


def test_the_reader_command_shows_commands_and_presents_typed_cards(
    reader_process: tuple[subprocess.Popen[str], Lines, Path], pty: PtyPair
) -> None:
    process, lines, key_file = reader_process
    assert process.stdin is not None
    key = bytes.fromhex(SITE_KEY)
    config = PdConfig(2, scbk=key, install_mode=True)
    timings = CpTimings(reply_timeout=0.5)
    with ControlPanel(pty.controller_link(), config, timings=timings) as panel:
        assert panel.wait_online(2, 10).secure
        green = LedCommand(
            permanent_control=PermanentLedControl.SET,
            permanent_on_time=1,
            permanent_on_color=LedColor.GREEN,
        )
        panel.led(2, green)
        panel.text(2, TextCommand("WELCOME"))
        lines.wait_for("LED 0: steady green")
        lines.wait_for("text row 1 col 1: WELCOME")
        process.stdin.write("card h10301:123:4567\nnonsense\nkeys 12#\n")
        process.stdin.flush()
        card = _next(panel, CardRead)
        assert isinstance(card, CardRead)
        assert card.bits == H10301_123_4567
        assert _next(panel, KeyPress) == KeyPress(2, 0, "12#")
        lines.wait_for("error: unknown input 'nonsense'")
    lines.wait_for("new key saved to")
    assert key_file.read_text().strip() == SITE_KEY
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    assert not any(SITE_KEY in line for line in lines.lines)
    process.stdin.write("quit\n")
    process.stdin.flush()
    assert process.wait(10) == 0


def _next(panel: ControlPanel, kind: type) -> Any:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        event = panel.next_event(0.1)
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__}")
