"""The physical rig's site on gpiozero's mock pins, with simulators standing in for the devices.

The simulators are "real devices" here: reached over HTTP at the URLs a physical rig file
names, with the account from environment variables. The test plays the far end of each
wire by reading and driving the mock pins.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import Device as GpioDevice
from gpiozero.pins.mock import MockFactory

from axisctl.errors import ConfigurationError
from axisctl.hil.bench import Bench, MissingCapability, open_bench
from axisctl.hil.physical_site import PhysicalSite
from axisctl.hil.rig import Level, Rig, RigKind, parse_rig, virtual_rig
from axisctl.hil.timeline import Timeline
from axisctl.sim import Simulator

USER = "bench-operator"
PASSWORD = "pw-7f3a9c1e-never-shown"
GUIDE = Path(__file__).parent.parent / "docs" / "hil-rig-guide.md"


def rig_text(strobe_url: str, camera_url: str, *, extra: str = "") -> str:
    return f"""
version: 1
name: pi-bench
kind: physical
safe_state: inactive
mqtt_broker: 127.0.0.1:1883
devices:
  strobe:
    model: d4200-ve
    url: {strobe_url}
    credentials: {{user_env: T_STROBE_USER, password_env: T_STROBE_PASSWORD}}
    rules: [strobe-on-input]
  camera:
    model: p1455-le-3
    url: {camera_url}
    credentials: {{user_env: T_CAMERA_USER, password_env: T_CAMERA_PASSWORD}}
relay_boards:
  relays:
    active: low
    channels: {{1: 5, 2: 6}}
wires:
  strobe-trigger: {{device: strobe, port: 1, direction: pi-to-device, via: relay, relay: relays/1}}
  strobe-output: {{device: strobe, port: 2, direction: device-to-pi, via: direct, bcm: 16}}
  camera-input:
    device: camera
    port: 1
    direction: pi-to-device
    via: optocoupler
    bcm: 20
    active: high
  camera-output: {{device: camera, port: 2, direction: device-to-pi, via: direct, bcm: 17}}
sensors:
  strobe-light: {{kind: light, bcm: 22, device: strobe, watches: light, active: low}}
{extra}"""


ENV = {
    "T_STROBE_USER": USER,
    "T_STROBE_PASSWORD": PASSWORD,
    "T_CAMERA_USER": USER,
    "T_CAMERA_PASSWORD": PASSWORD,
}


@pytest.fixture(scope="module")
def devices() -> Iterator[dict[str, Simulator]]:
    with (
        Simulator("d4200-ve", user=USER, password=PASSWORD) as strobe,
        Simulator("p1455-le-3", user=USER, password=PASSWORD) as camera,
    ):
        yield {"strobe": strobe, "camera": camera}


@pytest.fixture
def rig(devices: dict[str, Simulator]) -> Rig:
    return parse_rig(
        rig_text(devices["strobe"].urls[0], devices["camera"].urls[0]), source="pi-bench.yaml"
    )


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return dict(ENV)


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pins = MockFactory()
    yield pins
    pins.close()


@pytest.fixture
def pi_bench(rig: Rig, env: dict[str, str], factory: MockFactory) -> Iterator[Bench]:
    with open_bench(rig, site=PhysicalSite(pin_factory=factory)) as started:
        yield started


def high(factory: MockFactory, bcm: int) -> bool:
    return bool(factory.pin(bcm).state)


def test_outputs_start_safe_and_drive_the_pis_own_pins(
    pi_bench: Bench, factory: MockFactory
) -> None:
    assert pi_bench.kind is RigKind.PHYSICAL
    # Safe: the active-low relay released (high), the optocoupler's LED dark (low).
    assert high(factory, 5)
    assert high(factory, 6)
    assert not high(factory, 20)
    pi_bench.output("strobe-trigger").activate()
    assert not high(factory, 5), "the relay's coil line goes low to close the contact"
    pi_bench.output("camera-input").activate()
    assert high(factory, 20), "the optocoupler's LED line goes high"
    pi_bench.output("camera-input").deactivate()
    assert not high(factory, 20)
    gpio = [e for e in pi_bench.timeline.entries(kind="gpio") if e.source == "strobe-trigger"]
    assert gpio[-1].detail == "active"
    assert gpio[-1].data == {"bcm": "5", "level": "low"}


def test_inputs_follow_what_the_far_end_drives(pi_bench: Bench, factory: MockFactory) -> None:
    output = pi_bench.input("strobe-output")
    assert not output.is_active, "the Pi's pull-up holds an open-drain line inactive"
    t0 = pi_bench.timeline.now()
    factory.pin(16).drive_low()  # the strobe's output conducts to pin 1
    when = output.wait_for(True, after=t0, timeout=2)
    assert when >= t0
    factory.pin(16).drive_high()
    output.wait_for(False, after=when, timeout=2)
    factory.pin(22).drive_low()  # a light module pulls DO low when lit
    assert pi_bench.input("strobe-light").is_active


def test_devices_are_reached_with_the_environments_account(pi_bench: Bench) -> None:
    info = pi_bench.device("strobe").info.get(["ProdNbr"])
    assert info.prod_nbr == "D4200-VE"
    assert pi_bench.device_url("camera") == pi_bench.rig.devices["camera"].url
    assert pi_bench.simulated("strobe") is None
    t0 = pi_bench.timeline.now()
    pi_bench.device("strobe").virtual_inputs.activate(3)
    pi_bench.events("strobe").wait_for("VirtualInput", after=t0, timeout=5)


def test_close_leaves_every_output_at_its_safe_level(
    rig: Rig, env: dict[str, str], factory: MockFactory
) -> None:
    bench = open_bench(rig, site=PhysicalSite(pin_factory=factory))
    for line in bench.outputs.values():
        line.activate()
    assert not high(factory, 5)
    bench.close()
    for bcm, level in rig.safe_levels().items():
        assert high(factory, bcm) is (level is Level.HIGH), f"BCM {bcm}"
    bench.close()  # idempotent


def test_capabilities_come_from_the_rig_file(pi_bench: Bench) -> None:
    caps = pi_bench.capabilities
    assert {"rule:strobe/strobe-on-input", "mqtt-broker", "wire:camera-input"} <= caps
    assert "plate-display" not in caps
    assert "simulator" not in caps
    reasons = pi_bench.missing("plate-display", "simulator", "rule:strobe/gate-alarm")
    assert len(reasons) == 3
    assert "plate" in reasons[0]
    assert "physical" in reasons[1]
    assert "gate-alarm" in reasons[2]
    assert "rules:" in reasons[2]
    assert pi_bench.mqtt_broker == ("127.0.0.1", 1883)
    pi_bench.install_rule("strobe", "strobe-on-input", {"ignored": "set up by hand"})
    with pytest.raises(MissingCapability, match="gate-alarm"):
        pi_bench.install_rule("strobe", "gate-alarm", {})
    with pytest.raises(MissingCapability, match="plate"):
        pi_bench.show_plate("camera", "ABC123")


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_variable_is_named_never_a_value(
    rig: Rig, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("T_CAMERA_PASSWORD")
    else:
        monkeypatch.setenv("T_CAMERA_PASSWORD", value)
    with pytest.raises(ConfigurationError) as caught:
        PhysicalSite(pin_factory=MockFactory()).start(rig, Timeline())
    message = str(caught.value)
    assert "T_CAMERA_PASSWORD" in message
    assert "camera" in message
    assert PASSWORD not in message
    assert USER not in message


def test_credentials_stay_out_of_reprs_logs_and_the_timeline(
    rig: Rig, env: dict[str, str], factory: MockFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    site = PhysicalSite(pin_factory=factory)
    with open_bench(rig, site=site) as bench:
        bench.output("strobe-trigger").pulse(0.01)
        bench.device("strobe").io.check_active(1)
        shown = [repr(site), repr(bench), repr(site.device_endpoint("strobe"))]
        log = "\n".join(entry.line() for entry in bench.timeline.entries())
    assert all(PASSWORD not in text for text in shown)
    assert USER not in repr(site)
    assert PASSWORD not in caplog.text
    assert USER not in caplog.text
    assert PASSWORD not in log
    assert USER not in log


def test_the_pin_factory_follows_gpiozero_pin_factory(
    rig: Rig, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GpioDevice, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    site = PhysicalSite()
    site.start(rig, Timeline())
    try:
        assert isinstance(site.pin_factory, MockFactory)
    finally:
        site.close()
        site.pin_factory.close()


def test_without_a_gpio_backend_it_says_what_to_install(
    rig: Rig, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GpioDevice, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-backend")
    with pytest.raises(ConfigurationError, match="python3-lgpio") as caught:
        PhysicalSite().start(rig, Timeline())
    assert "GPIOZERO_PIN_FACTORY=no-such-backend" in str(caught.value)


def test_a_virtual_rig_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="virtual"):
        PhysicalSite(pin_factory=MockFactory()).start(virtual_rig(), Timeline())


def test_a_direct_wire_into_a_device_input_is_warned_about(
    env: dict[str, str], factory: MockFactory, caplog: pytest.LogCaptureFixture
) -> None:
    rig = parse_rig(
        """
name: direct
safe_state: inactive
devices:
  strobe:
    model: d4200-ve
    url: http://127.0.0.1:9
    credentials: {user_env: T_STROBE_USER, password_env: T_STROBE_PASSWORD}
wires:
  strobe-direct: {device: strobe, port: 1, direction: pi-to-device, via: direct, bcm: 26}
""",
        source="direct.yaml",
    )
    timeline = Timeline()
    PhysicalSite(pin_factory=factory).start(rig, timeline)
    assert "strobe-direct" in caplog.text
    assert "push-pull" in caplog.text
    assert any("strobe-direct" in e.detail for e in timeline.entries(kind="note"))


def _with_osdp(rig_yaml: str, osdp: str) -> Rig:
    intercom = """
  intercom:
    model: intercom
    url: http://127.0.0.1:9
    credentials: {user_env: T_CAMERA_USER, password_env: T_CAMERA_PASSWORD}
"""
    text = rig_yaml.replace("relay_boards:", intercom.lstrip("\n") + "relay_boards:")
    return parse_rig(text + osdp, source="t")


def test_osdp_port_problems_are_explained(rig: Rig, env: dict[str, str]) -> None:
    base = rig_text("http://127.0.0.1:9", "http://127.0.0.1:9")
    missing = _with_osdp(
        base,
        "osdp:\n  port: /dev/no-such-adapter\n  readers:\n"
        "    door: {address: 0, device: intercom}\n",
    )
    with pytest.raises(ConfigurationError, match="does not exist"):
        PhysicalSite(pin_factory=MockFactory()).start(missing, Timeline())
    two = _with_osdp(
        base,
        "osdp:\n  port: socket://127.0.0.1:9\n  readers:\n"
        "    door: {address: 0, device: intercom}\n    gate: {address: 1, device: intercom}\n",
    )
    with pytest.raises(ConfigurationError, match="one OSDP reader per bus"):
        PhysicalSite(pin_factory=MockFactory()).start(two, Timeline())


def test_a_bad_scbk_names_its_variable_not_its_value(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = rig_text("http://127.0.0.1:9", "http://127.0.0.1:9")
    rig = _with_osdp(
        base,
        "osdp:\n  port: socket://127.0.0.1:9\n  scbk_env: T_SCBK\n  readers:\n"
        "    door: {address: 0, device: intercom}\n",
    )
    with pytest.raises(ConfigurationError, match="T_SCBK"):
        PhysicalSite(pin_factory=MockFactory()).start(rig, Timeline())
    monkeypatch.setenv("T_SCBK", "zz112233445566778899aabbccddeeff")
    with pytest.raises(ConfigurationError, match="T_SCBK") as caught:
        PhysicalSite(pin_factory=MockFactory()).start(rig, Timeline())
    assert "zz1122" not in str(caught.value)
    monkeypatch.setenv("T_SCBK", "00112233445566778899aabbccddeeff")
    site = PhysicalSite(pin_factory=MockFactory())
    site.start(rig, Timeline())
    link = site.osdp_link("door")
    assert link.scbk == bytes.fromhex("00112233445566778899aabbccddeeff")
    assert link.port == "socket://127.0.0.1:9"
    assert link.rs485 is not None
    assert "0011223344" not in repr(link)


def test_the_guides_rig_file_is_the_virtual_rigs_twin() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
    physical = parse_rig(blocks[0], source="docs/hil-rig-guide.md")
    virtual = virtual_rig()
    assert physical.kind is RigKind.PHYSICAL
    assert set(physical.devices) == set(virtual.devices)
    assert set(physical.wires) == set(virtual.wires)
    assert set(physical.sensors) == set(virtual.sensors)
    for name, wire in physical.wires.items():
        assert wire.bcm == virtual.wires[name].bcm, name
        assert (wire.device, wire.port) == (virtual.wires[name].device, virtual.wires[name].port)
    scenarios = (GUIDE.parent / "hil-scenarios.md").read_text("utf-8")
    for device in physical.devices.values():
        for rule in device.rules:
            assert f"`{rule}`" in scenarios, f"{device.name}: {rule} is not a scenario's rule"
    assert physical.osdp is not None
    assert virtual.osdp is not None
    assert set(physical.osdp.readers) == set(virtual.osdp.readers)
