"""Rig files that are right load into the model a harness needs; the virtual rig validates."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from axisctl.errors import ConfigurationError
from axisctl.hil.rig import (
    Credentials,
    Direction,
    Level,
    Rig,
    RigError,
    RigKind,
    SafeState,
    SensorKind,
    Via,
    load_rig,
    parse_rig,
    virtual_rig,
    virtual_rig_text,
)
from axisctl.sim.catalog import MODELS

BENCH = textwrap.dedent(
    """\
    version: 1
    name: bench-1
    description: Strobe and intercom on the lab bench
    safe_state: inactive
    devices:
      strobe:
        model: d4200-ve
        url: https://192.0.2.10
        credentials:
          user_env: STROBE_USER
          password_env: STROBE_PASSWORD
      intercom:
        model: intercom
        url: http://192.0.2.11:8080
        credentials: {user_env: DOOR_USER, password_env: DOOR_PASSWORD}
    relay_boards:
      hat:
        active: low
        channels:
          1: 5
          2: {bcm: 6, safe_state: active}
    wires:
      strobe-in:
        device: strobe
        port: 1
        direction: pi-to-device
        via: relay
        relay: hat/1
      strobe-out:
        device: strobe
        pin: "4"
        direction: device-to-pi
        via: direct
        bcm: 17
      door:
        device: intercom
        port: 3
        direction: device-to-pi
        via: optocoupler
        bcm: 18
        active: low
    wiegand:
      reader:
        device: intercom
        d0: 23
        d1: 24
        direction: pi-to-device
        via: level-shifter
    osdp:
      port: /dev/serial0
      baud: 115200
      scbk_env: BENCH_SCBK
      readers:
        door-reader: {address: 1, device: intercom}
    sensors:
      light:
        kind: light
        bcm: 22
        device: strobe
        watches: light
        active: low
    """
)


@pytest.fixture
def bench_rig() -> Rig:
    return parse_rig(BENCH, source="bench_rig.yaml")


def test_devices_keep_model_url_and_the_names_of_credential_variables(bench_rig: Rig) -> None:
    assert bench_rig.name == "bench-1"
    assert bench_rig.kind is RigKind.PHYSICAL
    strobe = bench_rig.devices["strobe"]
    assert strobe.model == "d4200-ve"
    assert strobe.model_spec is MODELS["d4200-ve"]
    assert strobe.url == "https://192.0.2.10"
    assert strobe.credentials == Credentials("STROBE_USER", "STROBE_PASSWORD")
    assert list(bench_rig.devices) == ["strobe", "intercom"]


def test_a_wire_through_a_relay_takes_the_channel_line_and_level(bench_rig: Rig) -> None:
    wire = bench_rig.wires["strobe-in"]
    assert wire.direction is Direction.TO_DEVICE
    assert wire.via is Via.RELAY
    assert wire.relay == "hat/1"
    assert wire.bcm == 5
    assert wire.active is Level.LOW
    assert wire.safe_state is None  # the channel holds it
    assert bench_rig.relay_boards["hat"].channels[1].safe_state is SafeState.INACTIVE
    assert bench_rig.relay_boards["hat"].channels[2].safe_state is SafeState.ACTIVE


def test_a_wire_given_by_connector_pin_gets_its_port_number(bench_rig: Rig) -> None:
    wire = bench_rig.wires["strobe-out"]
    assert (wire.port, wire.pin) == (2, "4")
    assert wire.active is Level.LOW  # direct: tied to pin 1 when active
    assert bench_rig.port_spec(wire).name == "Port 2"
    door = bench_rig.wires["door"]
    assert (door.port, door.pin) == (3, "5-6")
    assert bench_rig.port_spec(door).relay


def test_readers_bus_and_sensors(bench_rig: Rig) -> None:
    link = bench_rig.wiegand["reader"]
    assert (link.device, link.d0, link.d1, link.via) == ("intercom", 23, 24, Via.LEVEL_SHIFTER)
    assert bench_rig.osdp is not None
    assert (bench_rig.osdp.port, bench_rig.osdp.baud, bench_rig.osdp.scbk_env) == (
        "/dev/serial0",
        115200,
        "BENCH_SCBK",
    )
    assert bench_rig.osdp.readers["door-reader"].address == 1
    sensor = bench_rig.sensors["light"]
    assert (sensor.kind, sensor.bcm, sensor.device, sensor.active) == (
        SensorKind.LIGHT,
        22,
        "strobe",
        Level.LOW,
    )


def test_every_pi_output_has_a_safe_level(bench_rig: Rig) -> None:
    assert bench_rig.safe_levels() == {
        5: Level.HIGH,  # relay released: active low, inactive
        6: Level.LOW,  # relay held: safe_state active
        23: Level.HIGH,  # Wiegand lines idle high
        24: Level.HIGH,
    }
    # The OSDP bus on the Pi's own UART takes its TX and RX lines.
    assert bench_rig.lines() == {
        5: "hat/1",
        6: "hat/2",
        14: "osdp.TX",
        15: "osdp.RX",
        17: "strobe-out",
        18: "door",
        22: "light",
        23: "reader.D0",
        24: "reader.D1",
    }


def test_items_remember_where_they_were_declared(bench_rig: Rig) -> None:
    at = bench_rig.wires["door"].at
    assert at is not None
    line = BENCH.splitlines().index("  door:") + 1
    assert (at.source, at.line, at.column) == ("bench_rig.yaml", line, 3)


def test_the_file_format_version_may_be_left_out() -> None:
    rig = parse_rig(BENCH.replace("version: 1\n", ""))
    assert rig.name == "bench-1"


def test_load_rig_reads_a_file_and_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "bench_rig.yaml"
    path.write_text(BENCH)
    assert load_rig(path).name == "bench-1"
    path.write_text(BENCH.replace("bcm: 22", "bcm: 99"))
    with pytest.raises(RigError) as caught:
        load_rig(path)
    assert str(caught.value).startswith(f"{path}:")


def test_a_missing_file_is_a_rig_error(tmp_path: Path) -> None:
    with pytest.raises(RigError, match=r"nope\.yaml:1:1: cannot read the rig file"):
        load_rig(tmp_path / "nope.yaml")


def test_rig_error_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        parse_rig("name: x\n")


def test_the_virtual_rig_validates_and_describes_the_simulated_site() -> None:
    rig = virtual_rig()
    assert rig.kind is RigKind.VIRTUAL
    assert load_rig("virtual") == rig
    models = {device.model for device in rig.devices.values()}
    assert models == {"p1455-le-3", "d4200-ve", "intercom", "a9188", "ptz-camera"}
    assert all(device.url is None for device in rig.devices.values())
    barrier = rig.wires["barrier"]
    assert (barrier.device, barrier.port) == ("relay-module", 9)
    assert rig.port_spec(barrier).name == "Relay 1"
    assert rig.wires["door-relay"].port == 3
    assert rig.sensors["strobe-light"].kind is SensorKind.LIGHT
    assert rig.sensors["strobe-light"].device == "strobe"
    assert rig.wiegand["door-wiegand"].device == "intercom"
    assert rig.osdp is not None
    assert rig.osdp.port is None
    assert rig.osdp.readers["door-osdp"].device == "intercom"
    # Every output has a safe state, and each line has one user.
    assert {output.bcm for output in rig.outputs()} <= set(rig.lines())
    assert all(output.safe_state is SafeState.INACTIVE for output in rig.outputs())


def test_the_virtual_rig_text_is_the_bundled_file() -> None:
    bundled = Path(__file__).resolve().parent.parent / "hil" / "rigs" / "virtual.yaml"
    assert virtual_rig_text() == bundled.read_text()


def test_the_virtual_rig_ships_as_package_data() -> None:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    root = Path(__file__).resolve().parent.parent
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = data["package-data"]["axisctl.hil"]
    shipped = {path for pattern in patterns for path in (root / "hil").glob(pattern)}
    assert set((root / "hil" / "rigs").glob("*.yaml")) <= shipped


def test_the_documented_example_is_a_valid_rig() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "hil-rig-file.md").read_text()
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    rig = parse_rig(example, source="docs/hil-rig-file.md")
    assert rig.name == "bench-1"
    assert set(rig.wires) == {"strobe-trigger", "strobe-output", "gate-input", "door-relay"}
    assert rig.wires["strobe-output"].port == 2
    assert rig.osdp is not None
    assert rig.osdp.scbk_env == "BENCH_OSDP_SCBK"


def test_a_physical_rig_names_its_broker_and_the_rules_set_up_by_hand() -> None:
    text = BENCH.replace("name: bench-1\n", "name: bench-1\nmqtt_broker: 192.0.2.5:1883\n").replace(
        "      password_env: STROBE_PASSWORD\n",
        "      password_env: STROBE_PASSWORD\n    rules: [strobe-on-input, strobe-on-mqtt]\n",
    )
    rig = parse_rig(text, source="bench_rig.yaml")
    assert rig.mqtt_broker == "192.0.2.5:1883"
    assert rig.devices["strobe"].rules == ("strobe-on-input", "strobe-on-mqtt")
    assert rig.devices["intercom"].rules == ()
    assert parse_rig(BENCH).mqtt_broker is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("name: bench-1\n", "name: bench-1\nmqtt_broker: broker\n"),
            "bench_rig.yaml:3:14: 'mqtt_broker'",
        ),
        (
            ("  intercom:\n", "  intercom:\n    rules: [door, door]\n"),
            "expected each name once, got 'door' again",
        ),
        (
            ("  intercom:\n", "  intercom:\n    rules: door\n"),
            "expected a list of names",
        ),
    ],
)
def test_a_bad_broker_or_rule_list_is_reported_at_its_line(
    change: tuple[str, str], message: str
) -> None:
    with pytest.raises(RigError) as caught:
        parse_rig(BENCH.replace(*change), source="bench_rig.yaml")
    assert message in str(caught.value)


def test_a_virtual_rig_may_not_name_a_broker() -> None:
    text = virtual_rig_text().replace(
        "safe_state: inactive\n", "safe_state: inactive\nmqtt_broker: h:1\n"
    )
    with pytest.raises(RigError, match="a virtual rig starts its own MQTT broker"):
        parse_rig(text)


def test_wiegand_lines_through_an_optocoupler_idle_low_on_the_pi() -> None:
    rig = parse_rig(BENCH.replace("via: level-shifter", "via: optocoupler"))
    assert rig.safe_levels()[23] is Level.LOW
    assert rig.safe_levels()[24] is Level.LOW
    assert parse_rig(BENCH).safe_levels()[23] is Level.HIGH
