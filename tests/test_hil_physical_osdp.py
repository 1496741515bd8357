"""The physical rig's OSDP reader on a real serial port: a pty, opened through pyserial.

The test plays the device's control panel on the pty's other end, as an intercom polls its
external reader on the RS-485 bus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from axisctl.drivers.osdp import ControlPanel, PdConfig, PtyPair
from axisctl.drivers.osdp.cp_types import CardRead
from axisctl.hil.bench import Bench, open_bench
from axisctl.hil.physical_site import PhysicalSite
from axisctl.hil.rig import Rig, parse_rig
from axisctl.sim import Simulator

KEY = "8899aabbccddeeff0011223344556677"


@pytest.fixture(scope="module")
def intercom() -> Iterator[Simulator]:
    with Simulator("intercom", user="operator", password="door-secret") as simulator:
        yield simulator


@pytest.fixture
def bus() -> Iterator[PtyPair]:
    with PtyPair() as pair:
        yield pair


def door_rig(url: str, port: str, *, secure: bool) -> Rig:
    key = "\n  scbk_env: T_OSDP_KEY" if secure else ""
    return parse_rig(
        f"""
name: door-bench
devices:
  intercom:
    model: intercom
    url: {url}
    credentials: {{user_env: T_DOOR_USER, password_env: T_DOOR_PASSWORD}}
osdp:
  port: {port}
  baud: 9600{key}
  readers:
    door-osdp: {{address: 3, device: intercom}}
""",
        source="door-bench.yaml",
    )


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_DOOR_USER", "operator")
    monkeypatch.setenv("T_DOOR_PASSWORD", "door-secret")
    monkeypatch.setenv("T_OSDP_KEY", KEY)


def osdp_entries(bench: Bench) -> list[str]:
    return [e.detail for e in bench.timeline.entries(kind="osdp") if e.source == "door-osdp"]


@pytest.mark.parametrize("secure", [False, True], ids=["plaintext", "secure-channel"])
def test_the_reader_answers_the_devices_polls_over_the_serial_port(
    intercom: Simulator, bus: PtyPair, secure: bool, wait_until: Callable[..., None]
) -> None:
    rig = door_rig(intercom.urls[0], bus.port, secure=secure)
    config = PdConfig(3, scbk=bytes.fromhex(KEY) if secure else None)
    with (
        ControlPanel(bus.controller_link(), config) as panel,
        open_bench(rig, site=PhysicalSite(pin_factory=MockFactory())) as bench,
    ):
        info = panel.wait_online(3, timeout=10)
        assert info.secure is secure
        reader = bench.osdp_reader("door-osdp")
        assert reader.online
        reader.present_card_number(26, 0x2F623AE)  # H10301 facility 123, card 4567
        event = panel.next_event(timeout=5)
        while event is not None and not isinstance(event, CardRead):
            event = panel.next_event(timeout=5)
        assert isinstance(event, CardRead)
        assert event.bit_count == 26
        assert int.from_bytes(event.data, "big") >> 6 == 0x2F623AE
        # The reader records the card as handed over when the next poll finds it gone.
        wait_until(lambda: "RAW" in osdp_entries(bench), what="the RAW report recorded")
        osdp = osdp_entries(bench)
        assert "online" in osdp
        if secure:
            assert "secure channel up" in osdp
        assert KEY not in "\n".join(e.line() for e in bench.timeline.entries())


def test_a_reader_nobody_polls_stays_offline_and_the_bench_still_opens(
    intercom: Simulator, bus: PtyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("axisctl.hil.bench.READER_ONLINE_TIMEOUT", 0.2)
    rig = door_rig(intercom.urls[0], bus.port, secure=False)
    with open_bench(rig, site=PhysicalSite(pin_factory=MockFactory())) as bench:
        assert not bench.osdp_reader("door-osdp").online
        notes = [e.detail for e in bench.timeline.entries(kind="note")]
        assert any("not polled" in note for note in notes)
