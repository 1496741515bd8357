"""The reader connector's life: its pty, the test-control route, ``axisctl sim``, feedback.

``axisctl sim --model intercom`` prints the connector's pty, and ``axisctl osdp reader`` on
that path presents typed cards to the intercom: both run as processes here, as a user runs
them in two terminals.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest

from axisctl.apis.access import CardData, ReaderSettings
from axisctl.drivers.osdp import (
    BuzzerCommand,
    LedColor,
    LedCommand,
    PtyPair,
    ReaderConfig,
    ReaderEmulator,
    TemporaryLedControl,
)
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.access.connector import ConnectorStatus
from axisctl.sim.access.connector_feedback import feedback_for
from axisctl.sim.access.connector_osdp import ConnectorLink
from axisctl.sim.access.decisions import AccessResult
from axisctl.sim.clock import SimClock

WaitUntil = Callable[..., None]
Run = Callable[..., subprocess.CompletedProcess[str]]
EnvFor = Callable[[str], dict[str, str]]

USER = "root"
PASSWORD = "pass"
SITE_KEY_HEX = "8899aabbccddeeff0011223344556677"
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)


def reader_threads() -> list[str]:
    return [
        thread.name
        for thread in threading.enumerate()
        if thread.name.startswith("axisctl-sim-reader") or thread.name == "osdp-cp"
    ]


# --- feedback on the reader ---------------------------------------------------------------------


def test_the_reader_shows_each_decision() -> None:
    settings = ReaderSettings(door_open_time_s=9, pin_timeout_s=20)
    led, beep = feedback_for(AccessResult.GRANTED, settings)
    assert isinstance(led, LedCommand)
    assert isinstance(beep, BuzzerCommand)
    assert (led.temporary_control, led.temporary_on_color) == (
        TemporaryLedControl.SET,
        LedColor.GREEN,
    )
    assert (led.temporary_off_time, led.temporary_timer) == (0, 90)  # steady, door open time
    assert (beep.on_time, beep.count) == (2, 1)

    led, beep = feedback_for(AccessResult.DENIED, settings)
    assert isinstance(led, LedCommand)
    assert isinstance(beep, BuzzerCommand)
    assert (led.temporary_on_color, led.temporary_timer) == (LedColor.RED, 20)
    assert (beep.on_time, beep.count) == (10, 1)

    (led,) = feedback_for(AccessResult.PIN_REQUIRED, settings)
    assert isinstance(led, LedCommand)
    assert led.temporary_on_color is LedColor.AMBER
    assert (led.temporary_on_time, led.temporary_off_time, led.temporary_timer) == (5, 5, 200)

    assert feedback_for(AccessResult.NOT_CHECKED, settings) == ()


# --- the pty ------------------------------------------------------------------------------------


def test_an_empty_connector_loses_frames_like_a_wire_instead_of_blocking() -> None:
    def frame(number: int) -> bytes:
        return number.to_bytes(2, "big") * 50

    with PtyPair() as pty:
        link = ConnectorLink(pty, 9600)
        try:
            # Far more than a pty buffers: without dropping stale bytes this would block.
            def write_frames() -> None:
                for number in range(400):
                    link.write(frame(number))

            writer = threading.Thread(target=write_frames, daemon=True)
            writer.start()
            writer.join(20)
            assert not writer.is_alive(), "the control panel's writes blocked"
            # What a reader opening the port now would find waiting for it.
            os.set_blocking(pty.device_fd, False)
            received = b""
            while select.select([pty.device_fd], [], [], 0.2)[0]:
                received += os.read(pty.device_fd, 4096)
            # The latest frames, not the 40 kB written: the oldest were lost as on a wire.
            assert received.endswith(frame(399))
            assert not received.startswith(frame(0))
            assert len(received) < 400 * 100
        finally:
            link.close()


def test_closing_the_device_joins_the_control_panel_and_closes_the_pty(
    wait_until: WaitUntil,
) -> None:
    device = SimulatedDevice("intercom", serial="B8A44F0000F1", clock=SimClock(manual=True))
    access = device.access
    assert access is not None
    access.set_settings(replace(access.settings, external_reader=True))
    path = access.connector_path
    assert path is not None
    assert os.path.exists(path)
    wait_until(lambda: "osdp-cp" in reader_threads(), what="the control panel running")
    wait_until(lambda: access.reader_connector.status is ConnectorStatus.CONNECTING)
    device.close()
    assert reader_threads() == []
    assert access.connector_path is None
    assert not os.path.exists(path)
    assert access.reader_connector.status is ConnectorStatus.NOT_CONNECTED


def test_the_pty_opens_on_demand_and_keeps_its_path() -> None:
    device = SimulatedDevice("intercom", serial="B8A44F0000F2", clock=SimClock(manual=True))
    try:
        access = device.access
        assert access is not None
        assert access.connector_path is None
        path = access.reader_connector.open()
        assert access.reader_connector.open() == path
        access.set_settings(replace(access.settings, external_reader=True))
        assert access.connector_path == path
        assert "external_reader" not in repr(access.reader_connector)
    finally:
        device.close()


def test_a_factory_default_turns_the_external_reader_off_and_forgets_its_key() -> None:
    device = SimulatedDevice("intercom", serial="B8A44F0000F4", clock=SimClock(manual=True))
    try:
        access = device.access
        assert access is not None
        connector = access.reader_connector
        connector.set_osdp_key(bytes(16), install_mode=True)
        access.set_settings(replace(access.settings, external_reader=True))
        path = access.connector_path
        assert connector.status.value != "not connected"
        device.factory_default()
        assert connector.status is ConnectorStatus.NOT_CONNECTED
        assert not connector.osdp_key_set
        assert not connector.install_mode
        assert access.connector_path == path  # the pty is the hardware: it stays
    finally:
        device.close()


def test_models_without_a_reader_have_no_connector() -> None:
    device = SimulatedDevice("d4200-ve", serial="B8A44F0000F3")
    try:
        assert device.access is None
    finally:
        device.close()


# --- the test-control route ---------------------------------------------------------------------


@pytest.fixture
def isim() -> Iterator[Simulator]:
    with Simulator("intercom", user=USER, password=PASSWORD, manual_clock=True) as simulator:
        yield simulator


@pytest.fixture
def control(isim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=isim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        yield client


def test_the_control_route_tells_where_the_reader_plugs_in_and_sets_its_key(
    isim: Simulator, control: httpx.Client, wait_until: WaitUntil
) -> None:
    state = control.get("/axisctl-sim/access/connector").json()
    assert state["status"] == "not connected"
    assert state["path"].startswith("/dev/")
    assert state["keySet"] is False
    assert state["wiegand"] is None

    refused = control.post("/axisctl-sim/access/connector", json={"scbk": "00112233"})
    assert refused.status_code == 400
    assert "32 hexadecimal digits" in refused.text
    assert "00112233" not in refused.text
    assert control.post("/axisctl-sim/access/connector", json={"key": 1}).status_code == 400
    answer = control.post("/axisctl-sim/access/connector", json={"scbk": SITE_KEY_HEX})
    assert answer.status_code == 200
    assert answer.json()["keySet"] is True
    assert SITE_KEY_HEX not in answer.text

    access = isim.devices[0].access
    assert access is not None
    access.set_settings(replace(access.settings, external_reader=True))
    config = ReaderConfig(scbk=bytes.fromhex(SITE_KEY_HEX))
    with ReaderEmulator.open(state["path"], config):
        wait_until(
            lambda: control.get("/axisctl-sim/access/connector").json()["status"] == "connected",
            what="the reader connected",
        )
        assert control.get("/axisctl-sim/access/connector").json()["secure"] is True


def test_the_control_route_shows_the_wiegand_pins(isim: Simulator, control: httpx.Client) -> None:
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    try:
        access = isim.devices[0].access
        assert access is not None
        access.reader_connector.attach_wiegand((5, 6), pin_factory=factory)
        state = control.get("/axisctl-sim/access/connector").json()
        assert state["wiegand"] == {"d0": 5, "d1": 6}
        access.reader_connector.detach_wiegand()
    finally:
        factory.close()


# --- the command line, as two terminals ---------------------------------------------------------


@pytest.fixture
def intercom_process(axisctl_command: list[str]) -> Iterator[tuple[str, str]]:
    """``axisctl sim --model intercom``: its URL and its reader connector's pty."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [*axisctl_command, "sim", "--model", "intercom", "--port", str(port), "--manual-clock"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        url = process.stdout.readline().strip()
        line = process.stderr.readline()
        while line and not line.startswith("reader connector of"):
            line = process.stderr.readline()
        assert line.startswith(f"reader connector of {url}: /dev/"), line
        yield url, line.rsplit(" ", 1)[1].strip()
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_card_typed_into_axisctl_osdp_reader_opens_the_simulated_door(
    intercom_process: tuple[str, str],
    axisctl_cli: Run,
    cli_env_for: EnvFor,
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    wait_until: WaitUntil,
) -> None:
    url, path = intercom_process
    env = cli_env_for(url)
    settings = axisctl_cli("reader", "settings", "set", "--external-reader", env=env)
    assert settings.returncode == 0, settings.stderr
    added = axisctl_cli(
        "reader", "entry-list", "add", "Gordon", "--wiegand", "Wiegand26", "--number", "10213",
        env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    reader = subprocess.Popen(
        [*axisctl_command, "osdp", "reader", "--port", path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_environ(None),
    )
    try:
        with httpx.Client(base_url=url, auth=httpx.DigestAuth(USER, PASSWORD)) as control:

            def status() -> str:
                return str(control.get("/axisctl-sim/access/connector").json()["status"])

            wait_until(lambda: status() == "connected", timeout=15, what="the reader connected")
            assert reader.stdin is not None
            reader.stdin.write(f"card {GORDON_CARD.bits}\n")
            reader.stdin.flush()

            def decisions() -> list[dict[str, object]]:
                log = control.get("/axisctl-sim/access/log").json()
                return list(log["decisions"])

            wait_until(lambda: decisions() != [], timeout=10, what="a decision")
            (decision,) = decisions()
            assert decision["result"] == "granted"
            door = control.get("/axisctl-sim/io/3").json()
            assert door["active"] is True
        reader.stdin.write("quit\n")
        reader.stdin.flush()
        out, err = reader.communicate(timeout=15)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait(timeout=10)
    assert reader.returncode == 0, err
    assert "LED 0: steady green" in out
