"""The simulator's I/O bank: what the manuals say ports do, and the test-control surface."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from axisctl.codecs.port_action import PortAction
from axisctl.sim import Level, Simulator
from axisctl.sim.bus import (
    TOPIC_DIGITAL_INPUT,
    TOPIC_INPUT_PORT,
    TOPIC_OUTPUT_PORT,
    TOPIC_RELAY,
    EventBus,
    SimEvent,
)
from axisctl.sim.catalog import MODELS
from axisctl.sim.clock import SimClock
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.io import IOBank, SequenceOngoingError
from axisctl.sim.paramstore import ParamStore, initial_params


def make_bank(model: str, clock: SimClock) -> IOBank:
    spec = MODELS[model]
    return IOBank(spec, ParamStore(initial_params(spec, "SERIAL")), clock, EventBus())


@pytest.fixture
def bank(clock: SimClock) -> IOBank:
    """A D4200-VE's bank with port 2 configured as an output."""
    io = make_bank("d4200-ve", clock)
    io.params.apply({"IOPort.I1.Direction": "output"})
    return io


@pytest.fixture
def camera(clock: SimClock) -> IOBank:
    """The P1455-LE's fixed input 1 and output 2."""
    return make_bank("p1455-le-3", clock)


# --- inputs -----------------------------------------------------------------------------


def test_inputs_float_open_and_close_when_tied_to_pin_one(camera: IOBank) -> None:
    assert camera.circuit(1) == "open"
    assert camera.is_active(1) is False
    camera.press(1)
    assert camera.circuit(1) == "closed"
    assert camera.is_active(1) is True
    camera.release(1)
    assert camera.circuit(1) == "open"
    assert camera.is_active(1) is False


@pytest.mark.parametrize(
    ("volts", "circuit"),
    [(None, "open"), (0.0, "closed"), (0.9, "closed"), (1.0, "closed"), (1.01, "open"),
     (12.0, "open"), (30.0, "open"), (float("nan"), "open")],
)  # fmt: skip
def test_input_reads_open_above_one_volt(camera: IOBank, volts: float | None, circuit: str) -> None:
    camera.press(1)
    camera.drive_input(1, volts)
    assert camera.circuit(1) == circuit


def test_trig_parameter_decides_the_inputs_normal_state(camera: IOBank) -> None:
    assert camera.normal_state(1) == "open"  # Trig=closed: active when closed
    camera.params.apply({"IOPort.I0.Input.Trig": "open"})
    assert camera.normal_state(1) == "closed"
    assert camera.is_active(1) is True  # floating, so open, which is now the active state
    camera.press(1)
    assert camera.is_active(1) is False


def test_outputs_cannot_be_driven_and_inputs_cannot_be_set(camera: IOBank) -> None:
    with pytest.raises(ValueError, match="output"):
        camera.press(2)
    with pytest.raises(ValueError, match="input"):
        camera.set_output(1, True)
    with pytest.raises(ValueError, match=r"1\.\.2"):
        camera.circuit(3)


# --- outputs ----------------------------------------------------------------------------


def test_output_active_against_its_normal_state(camera: IOBank) -> None:
    assert camera.circuit(2) == "open"
    assert camera.set_output(2, True) is True
    assert camera.circuit(2) == "closed"
    assert camera.set_output(2, True) is False  # already active
    camera.params.apply({"IOPort.I1.Output.Active": "open"})
    # The setting change put it back to normal, which is now closed.
    assert camera.circuit(2) == "closed"
    assert camera.output_active(2) is False
    camera.set_output(2, True)
    assert camera.circuit(2) == "open"


def test_restart_opens_outputs_then_returns_them_to_normal(camera: IOBank) -> None:
    camera.params.apply({"IOPort.I1.Output.Active": "open"})  # normal state: closed
    assert camera.circuit(2) == "closed"
    camera.begin_restart()
    assert camera.circuit(2) == "open"
    camera.set_output(2, False)  # nothing drives outputs while the device is down
    assert camera.circuit(2) == "open"
    camera.end_restart()
    assert camera.circuit(2) == "closed"
    assert camera.output_active(2) is False


def test_restart_cancels_a_running_pulse(camera: IOBank, clock: SimClock) -> None:
    camera.run_action(PortAction.pulse(2, 1000))
    camera.begin_restart()
    camera.end_restart()
    camera.set_output(2, True)
    clock.advance(5)
    assert camera.output_active(2) is True


def test_whole_device_restart_opens_outputs_for_its_duration(clock: SimClock) -> None:
    device = SimulatedDevice("p1455-le-3", serial="X", clock=clock)
    device.params.apply({"IOPort.I1.Output.Active": "open"})
    device.restart(5)
    assert device.io.circuit(2) == "open"
    clock.advance(4.9)
    assert device.io.circuit(2) == "open"
    clock.advance(0.1)
    assert device.io.circuit(2) == "closed"


def test_any_io_setting_change_returns_outputs_to_normal(camera: IOBank) -> None:
    camera.set_output(2, True)
    camera.params.apply({"Time.POSIXTimeZone": "CET"})  # not an I/O setting
    assert camera.output_active(2) is True
    camera.params.apply({"IOPort.I0.Input.Name": "Door"})  # another port's name
    assert camera.output_active(2) is False


def test_pulses_and_waits_follow_the_clock(bank: IOBank, clock: SimClock) -> None:
    bank.run_action(PortAction(2, (True, False, True), (100, 200)))
    assert bank.output_active(2)
    clock.advance(0.1)
    assert not bank.output_active(2)
    clock.advance(0.199)
    assert not bank.output_active(2)
    clock.advance(0.001)
    assert bank.output_active(2)
    assert clock.pending() == 0  # the last state is permanent, nothing left to do


# --- sequences --------------------------------------------------------------------------


def test_sequence_runs_once_and_keeps_its_last_state(bank: IOBank, clock: SimClock) -> None:
    bank.start_sequence(2, [("closed", 1000), ("open", 2000), ("closed", 500)])
    assert bank.circuit(2) == "closed"
    assert bank.sequence_running(2)
    clock.advance(1)
    assert bank.circuit(2) == "open"
    clock.advance(2)
    assert bank.circuit(2) == "closed"
    assert not bank.sequence_running(2)
    clock.advance(100)
    assert bank.circuit(2) == "closed"


def test_second_sequence_is_refused_while_one_runs(bank: IOBank, clock: SimClock) -> None:
    bank.start_sequence(2, [("closed", 1000), ("open", 0)])
    with pytest.raises(SequenceOngoingError, match="already ongoing"):
        bank.start_sequence(2, [("open", 0)])
    clock.advance(1)
    bank.start_sequence(2, [("closed", 0)])
    assert bank.circuit(2) == "closed"


def test_state_set_during_a_sequence_is_overridden_by_the_next_step(
    bank: IOBank, clock: SimClock
) -> None:
    bank.start_sequence(2, [("closed", 1000), ("closed", 0)])
    bank.set_output_circuit(2, "open")
    assert bank.circuit(2) == "open"
    clock.advance(1)
    assert bank.circuit(2) == "closed"


def test_settings_change_cancels_a_sequence(bank: IOBank, clock: SimClock) -> None:
    bank.start_sequence(2, [("closed", 1000), ("open", 1000), ("closed", 0)])
    _, errors = bank.set_ports([{"port": "1", "normalState": "closed"}])
    assert errors == []
    assert not bank.sequence_running(2)
    assert bank.circuit(2) == "closed"  # the new normal state
    assert bank.output_active(2) is False
    clock.advance(10)
    assert bank.circuit(2) == "closed"
    bank.start_sequence(2, [("open", 0)])  # no 2200 after a cancel
    assert bank.output_active(2) is True


def test_setting_a_value_it_already_has_changes_nothing(bank: IOBank, clock: SimClock) -> None:
    bank.start_sequence(2, [("closed", 1000), ("open", 0)])
    changed, errors = bank.set_ports([{"port": "1", "normalState": "open"}])
    assert (changed, errors) == (["1"], [])
    assert bank.sequence_running(2)
    assert bank.output_active(2) is True


@pytest.mark.parametrize(
    "steps",
    [[], [("ajar", 10)], [("open", -1)], [("open", 65536)], [("open", 1.5)], [("open", True)]],
)
def test_bad_sequences_are_refused_without_effect(
    bank: IOBank, steps: list[tuple[str, int]]
) -> None:
    with pytest.raises(ValueError, match=r"step|sequence"):
        bank.start_sequence(2, steps)
    assert not bank.sequence_running(2)
    assert bank.circuit(2) == "open"


# --- setPorts ---------------------------------------------------------------------------


def test_set_ports_writes_the_parameters(bank: IOBank) -> None:
    changed, errors = bank.set_ports(
        [
            {"port": "0", "name": "Button", "usage": "Button", "normalState": "closed"},
            {"port": "1", "normalState": "closed", "state": "open"},
            {"port": "1"},
        ]
    )
    assert errors == []
    assert changed == ["0", "1"]
    assert bank.params.value("IOPort.I0.Input.Name") == "Button"
    assert bank.params.value("IOPort.I0.Input.Trig") == "open"
    assert bank.params.value("IOPort.I1.Output.Active") == "open"
    # state is applied after normalState: open on a normally closed output is active.
    assert bank.circuit(2) == "open"
    assert bank.output_active(2) is True


def test_set_ports_direction_change_updates_the_counts(bank: IOBank) -> None:
    assert bank.params.value("Output.NbrOfOutputs") == "1"
    bank.set_ports([{"port": "0", "direction": "output"}])
    assert bank.direction(1) == "output"
    assert bank.params.value("Input.NbrOfInputs") == "0"
    assert bank.params.value("Output.NbrOfOutputs") == "2"


def test_set_ports_reports_each_bad_property(bank: IOBank) -> None:
    _, errors = bank.set_ports(
        [
            {"port": "0", "state": "closed", "name": "kept"},
            {"port": "1", "normalState": "sideways", "colour": "red"},
            {"port": "7"},
            "not an object",
        ]
    )
    assert [(e.code, e.port, e.property_name) for e in errors] == [
        (2104, "0", "state"),
        (2104, "1", "colour"),
        (2104, "1", "normalState"),
        (2104, "7", "port"),
        (2104, None, None),
    ]
    assert bank.params.value("IOPort.I0.Input.Name") == "kept"


# --- events -----------------------------------------------------------------------------


def test_power_up_publishes_the_state_of_every_port(camera: IOBank) -> None:
    current = {(e.topic, tuple(e.source.items())): dict(e.data) for e in camera.bus.current()}
    assert current[(TOPIC_INPUT_PORT, (("port", "0"),))] == {"state": "0"}
    assert current[(TOPIC_DIGITAL_INPUT, (("InputToken", "0"),))] == {"LogicalState": "false"}
    assert current[(TOPIC_OUTPUT_PORT, (("port", "1"),))] == {"state": "0"}


def test_flips_publish_port_and_onvif_events_with_clock_time(
    camera: IOBank, clock: SimClock
) -> None:
    seen: list[SimEvent] = []
    camera.bus.subscribe(seen.append)
    clock.advance(2.5)
    camera.press(1)
    camera.press(1)  # no flip, no event
    camera.set_output(2, True)
    assert [(e.topic, dict(e.source), dict(e.data), e.time) for e in seen] == [
        (TOPIC_INPUT_PORT, {"port": "0"}, {"state": "1"}, 2.5),
        (TOPIC_DIGITAL_INPUT, {"InputToken": "0"}, {"LogicalState": "true"}, 2.5),
        (TOPIC_OUTPUT_PORT, {"port": "1"}, {"state": "1"}, 2.5),
    ]


def test_input_normal_state_change_emits_an_active_event(camera: IOBank) -> None:
    seen: list[SimEvent] = []
    camera.bus.subscribe(seen.append)
    camera.set_ports([{"port": "0", "normalState": "closed"}])
    assert [(e.topic, dict(e.data)) for e in seen if e.topic == TOPIC_INPUT_PORT] == [
        (TOPIC_INPUT_PORT, {"state": "1"})
    ]


def test_relays_also_publish_the_onvif_relay_topic(clock: SimClock) -> None:
    module = make_bank("a9188", clock)
    seen: list[SimEvent] = []
    module.bus.subscribe(seen.append)
    module.set_output(9, True)
    module.set_output(9, False)
    relay = [(dict(e.source), dict(e.data)) for e in seen if e.topic == TOPIC_RELAY]
    assert relay == [
        ({"RelayToken": "8"}, {"LogicalState": "active"}),
        ({"RelayToken": "8"}, {"LogicalState": "inactive"}),
    ]
    assert module.is_relay(9)
    assert not module.is_relay(8)


def test_reset_floats_inputs_and_normalises_outputs(camera: IOBank, clock: SimClock) -> None:
    camera.press(1)
    camera.start_sequence(2, [("closed", 1000), ("open", 1000), ("closed", 0)])
    camera.reset()
    assert camera.circuit(1) == "open"
    assert camera.circuit(2) == "open"
    assert not camera.sequence_running(2)
    clock.advance(5)
    assert camera.circuit(2) == "open"


def test_factory_default_resets_io_settings(clock: SimClock) -> None:
    device = SimulatedDevice("d4200-ve", serial="X", clock=clock)
    device.io.set_ports([{"port": "1", "direction": "output", "name": "Horn"}])
    device.io.set_output(2, True)
    device.factory_default()
    assert device.io.describe(2) == {
        "port": 2,
        "name": "Port 2",
        "direction": "input",
        "normalState": "open",
        "circuit": "open",
        "active": False,
    }


# --- the test-control surface -----------------------------------------------------------


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.urls[0] + "/axisctl-sim", auth=httpx.DigestAuth("root", "pass")
    ) as client:
        yield client


def test_control_lists_ports(control: httpx.Client) -> None:
    answer = control.get("/io")
    assert answer.status_code == 200
    assert answer.json() == {
        "ports": [
            {
                "port": n,
                "name": f"Port {n}",
                "direction": "input",
                "normalState": "open",
                "circuit": "open",
                "active": False,
            }
            for n in (1, 2)
        ]
    }


def test_control_drives_inputs_that_the_api_then_reads(
    control: httpx.Client, sim: Simulator
) -> None:
    pressed = control.post("/io/1", json={"circuit": "closed"})
    assert pressed.status_code == 200
    assert pressed.json()["active"] is True
    port_cgi = httpx.get(
        sim.urls[0] + "/axis-cgi/io/port.cgi",
        params={"checkactive": "1"},
        auth=httpx.DigestAuth("root", "pass"),
    )
    assert port_cgi.text == "port1=active\r\n"
    assert control.post("/io/1", json={"volts": 12}).json()["circuit"] == "open"
    assert control.post("/io/1", json={"volts": 0.2}).json()["circuit"] == "closed"
    assert control.post("/io/1", json={"volts": None}).json()["circuit"] == "open"
    assert control.get("/io/1").json()["active"] is False


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/io/3", {"circuit": "closed"}, "port must be 1..2"),
        ("/io/0", {"circuit": "closed"}, "port must be 1..2"),
        ("/io/1", {"circuit": "ajar"}, "circuit must be"),
        ("/io/1", {"volts": "high"}, "volts must be"),
        ("/io/1", {}, "give 'circuit'"),
        ("/io/2", {"circuit": "closed"}, "is an output"),
    ],
)
def test_control_rejects_bad_requests_and_keeps_serving(
    control: httpx.Client, sim: Simulator, path: str, body: dict[str, object], fragment: str
) -> None:
    sim.devices[0].io.set_ports([{"port": "1", "direction": "output"}])
    answer = control.post(path, json=body)
    assert answer.status_code == 400
    assert fragment in answer.json()["error"]
    assert control.get("/io").status_code == 200


def test_control_needs_an_administrator(sim: Simulator) -> None:
    sim.devices[0].add_account("olga", "olga-pw", Level.OPERATOR)
    url = sim.urls[0] + "/axisctl-sim/io/1"
    assert httpx.post(url, json={"circuit": "closed"}).status_code == 401
    operator = httpx.post(url, json={"circuit": "closed"}, auth=httpx.DigestAuth("olga", "olga-pw"))
    assert operator.status_code == 401
    assert sim.devices[0].io.circuit(1) == "open"


def test_control_reads_relay_module_outputs() -> None:
    with Simulator("a9188") as sim:
        sim.devices[0].io.set_output(16, True)
        answer = httpx.get(
            sim.urls[0] + "/axisctl-sim/io/16", auth=httpx.DigestAuth("root", "pass")
        ).json()
    assert answer == {
        "port": 16,
        "name": "Relay 8",
        "direction": "output",
        "normalState": "open",
        "circuit": "closed",
        "active": True,
    }
