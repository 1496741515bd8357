"""``hil check`` through the physical site: devices at the rig file's URLs with the
environment's accounts, the Pi's pins from a pin factory.

Simulators are the devices; the far end of each wire is played by the virtual rig's
wiring code on the same mock pin factory the physical site is given (or by nothing at
all, for a bench whose wires are all loose).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from gpiozero.pins.mock import MockFactory

from axisctl.device import Device
from axisctl.hil.check import Status, check_rig
from axisctl.hil.physical_site import PhysicalSite
from axisctl.hil.rig import Rig, parse_rig
from axisctl.hil.timeline import Timeline
from axisctl.hil.virtual_wiring import VirtualWiring
from axisctl.sim import Simulator

USER = "operator"
PASSWORD = "c6c1-bench-password"


@dataclass
class Site:
    simulators: dict[str, Simulator]
    connector: str

    def rig(self, *, osdp: bool = True, strobe_url: str | None = None) -> Rig:
        urls = {name: sim.urls[0] for name, sim in self.simulators.items()}
        if strobe_url is not None:
            urls["strobe"] = strobe_url
        bus = (
            f"osdp:\n  port: {self.connector}\n  readers:\n"
            "    door-osdp: {address: 0, device: intercom}\n"
            if osdp
            else ""
        )
        return parse_rig(
            f"""
name: lab-bench
kind: physical
safe_state: inactive
devices:
  strobe:
    model: d4200-ve
    url: {urls["strobe"]}
    credentials: {{user_env: T_USER, password_env: T_PASSWORD}}
  gate-camera:
    model: p1455-le-3
    url: {urls["gate-camera"]}
    credentials: {{user_env: T_USER, password_env: T_PASSWORD}}
  intercom:
    model: intercom
    url: {urls["intercom"]}
    credentials: {{user_env: T_USER, password_env: T_PASSWORD}}
relay_boards:
  relays: {{active: low, channels: {{1: 5, 2: 6}}}}
wires:
  gate-loop: {{device: gate-camera, port: 1, direction: pi-to-device, via: relay, relay: relays/1}}
  gate-output: {{device: gate-camera, port: 2, direction: device-to-pi, via: direct, bcm: 17}}
  strobe-trigger: {{device: strobe, port: 1, direction: pi-to-device, via: relay, relay: relays/2}}
  strobe-output:
    device: strobe
    port: 2
    direction: device-to-pi
    via: optocoupler
    bcm: 16
    active: low
  door-relay: {{device: intercom, pin: "5-6", direction: device-to-pi, via: direct, bcm: 12}}
wiegand:
  door-wiegand: {{device: intercom, d0: 23, d1: 24, direction: pi-to-device, via: level-shifter}}
{bus}sensors:
  strobe-light: {{kind: light, bcm: 22, device: strobe, watches: light, active: low}}
""",
            source="lab-bench.yaml",
        )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with (
        Simulator("d4200-ve", user=USER, password=PASSWORD) as strobe,
        Simulator("p1455-le-3", user=USER, password=PASSWORD) as camera,
        Simulator("intercom", user=USER, password=PASSWORD) as intercom,
    ):
        # As an operator commissions a strobe: out of maintenance mode, which pulses the light.
        with Device(strobe.urls[0], USER, PASSWORD) as device:
            device.siren_light.set_maintenance(False)
        access = intercom.devices[0].access
        assert access is not None
        yield Site(
            {"strobe": strobe, "gate-camera": camera, "intercom": intercom},
            access.reader_connector.open(),
        )


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_USER", USER)
    monkeypatch.setenv("T_PASSWORD", PASSWORD)


def test_a_bench_wired_as_its_rig_file_says_checks_ok(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The intercom polls no reader until the check turns its external reader on.
    monkeypatch.setattr("axisctl.hil.bench.READER_ONLINE_TIMEOUT", 0.5)
    rig = site.rig()
    factory = MockFactory()
    wiring = VirtualWiring(factory, Timeline())
    wiring.build(rig, {name: sim.devices[0] for name, sim in site.simulators.items()})
    access = site.simulators["intercom"].devices[0].access
    assert access is not None
    assert not access.settings.external_reader
    try:
        report = check_rig(rig, timeout=3.0, site=PhysicalSite(pin_factory=factory))
    finally:
        wiring.close()
        factory.close()
    assert report.ok, [r for r in report.results if r.status is not Status.OK]
    assert {r.item for r in report.results} == {
        *rig.devices, *rig.wires, *rig.wiegand, "door-osdp", "strobe-light",
    }  # fmt: skip
    assert report.pins == "MockFactory"
    devices = {r.item: r for r in report.results if r.kind == "device"}
    assert devices["strobe"].path == site.simulators["strobe"].urls[0]
    assert "D4200-VE" in devices["strobe"].detail
    assert any("external reader on for the check" in note for note in report.notes)
    assert not access.settings.external_reader, "put back after the check"
    assert PASSWORD not in str(report.to_json())


def test_loose_wires_are_no_change(site: Site) -> None:
    factory = MockFactory()
    try:
        report = check_rig(
            site.rig(osdp=False), timeout=0.5, site=PhysicalSite(pin_factory=factory)
        )
        for bcm in (5, 6):
            assert factory.pin(bcm).state == 1, "relays released at the end"
    finally:
        factory.close()
    found = {r.item: r for r in report.results}
    for item in ("gate-loop", "strobe-trigger", "gate-output", "strobe-output", "door-relay"):
        assert found[item].status is Status.NO_CHANGE, item
    assert found["gate-loop"].detail == "gate-camera port 1 never moved"
    assert found["strobe-light"].status is Status.NO_CHANGE
    assert found["door-wiegand"].status is Status.NO_CHANGE
    assert not report.ok


def test_a_device_that_does_not_answer_is_named_and_nothing_is_moved(site: Site) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{probe.getsockname()[1]}"
    rig = site.rig(osdp=False, strobe_url=nobody)
    factory = MockFactory()
    try:
        report = check_rig(rig, timeout=0.5, site=PhysicalSite(pin_factory=factory))
        # A pin once claimed stays in the factory (closing it only makes it an input again).
        claimed = sorted(info.number for info in factory.pins)
    finally:
        factory.close()
    found = {r.item: r for r in report.results}
    assert found["strobe"].status is Status.ERROR
    assert found["strobe"].path == nobody
    assert found["gate-camera"].status is Status.OK
    assert found["strobe-trigger"].status is Status.SKIPPED
    assert "strobe did not answer" in found["strobe-trigger"].detail
    assert found["gate-loop"].status is Status.SKIPPED
    assert "not checked: strobe did not answer" in found["gate-loop"].detail
    assert claimed == [], "no Pi line was opened"
    assert not report.ok
