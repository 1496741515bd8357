"""Barrier mode "Open from lists": the camera's own output, or a relay of an I/O relay module.

The own output is port 2 of the P1455-LE (pin 4); the relay module is a simulated AXIS
A9188 on the gate camera's clock, reached over real HTTP with Digest authentication.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.bus import TOPIC_OUTPUT_PORT
from axisctl.sim.clock import SimClock
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.state import PlateEntry, Schedule
from axisctl.sim.lpr.vehicles import Vehicle

WaitUntil = Callable[..., None]
OUTPUT = 2  # the P1455-LE's output, pin 4


@pytest.fixture
def camera() -> Iterator[SimulatedDevice]:
    device = SimulatedDevice("p1455-le-3", serial="ACCC8E0000B1", clock=SimClock(manual=True))
    yield device
    device.close()


def gate(camera: SimulatedDevice, **access: object) -> LprApp:
    """The camera's app set up as a gate: allowlist ABC123, blocklist BAD666, own output."""
    app = camera.lpr
    assert app is not None
    with camera.lock:
        app.state.lists["allow"].entries["ABC123"] = PlateEntry("ABC123", description="staff")
        app.state.lists["block"].entries["BAD666"] = PlateEntry("BAD666")
        settings = app.state.access
        settings.type = "io"
        settings.barrier_mode = "open_from_lists"
        settings.io_port = OUTPUT
        settings.pulse_ms = 1500
        for name, value in access.items():
            setattr(settings, name, value)
    return app


def pulses(camera: SimulatedDevice, port_index: str = "1") -> list[tuple[float, str]]:
    """(time, state) of the output's OutputPort events after the initial one."""
    return [
        (event.time, event.data["state"])
        for event in camera.bus.events(TOPIC_OUTPUT_PORT)
        if event.source["port"] == port_index
    ][1:]


# --- the camera's own output ----------------------------------------------------------------


def test_an_allowlisted_vehicle_driving_in_pulses_the_output(camera: SimulatedDevice) -> None:
    app = gate(camera)
    car_id = app.present(Vehicle("ABC123", direction="in"))
    assert not camera.io.output_active(OUTPUT)  # NEW: the direction is not known yet
    camera.clock.advance(0.5)  # the second read learns "in"
    assert camera.io.output_active(OUTPUT)
    camera.clock.advance(1.4)
    assert camera.io.output_active(OUTPUT)
    camera.clock.advance(0.1)
    assert not camera.io.output_active(OUTPUT)
    assert pulses(camera) == [(0.5, "1"), (2.0, "0")]
    assert [(o.car_id, o.target, o.port, o.pulse_ms) for o in app.openings] == [
        (car_id, "io", OUTPUT, 1500)
    ]
    camera.clock.advance(20)
    assert pulses(camera) == [(0.5, "1"), (2.0, "0")]  # once per vehicle
    updates = camera.bus.events("tnsaxis:CameraApplicationPlatform/ALPV.Update")
    assert updates[-1].data["action"] == "Accepted"


def test_a_blocklisted_vehicle_does_not_open(camera: SimulatedDevice) -> None:
    app = gate(camera)
    app.present(Vehicle("BAD666", direction="in"))
    camera.clock.advance(20)
    assert pulses(camera) == []
    assert app.openings == []


def test_the_wrong_direction_does_not_open(camera: SimulatedDevice) -> None:
    app = gate(camera)
    app.present(Vehicle("ABC123", direction="out"))
    app.present(Vehicle("ABC123", direction="unknown"))
    camera.clock.advance(20)
    assert pulses(camera) == []


def test_the_wrong_region_of_interest_does_not_open(camera: SimulatedDevice) -> None:
    app = gate(camera, roi="2")
    app.present(Vehicle("ABC123", direction="in", roi=1))
    camera.clock.advance(20)
    assert pulses(camera) == []
    app.present(Vehicle("ABC123", direction="in", roi=2))
    camera.clock.advance(1)
    assert [o.car_id for o in app.openings] == [2]


def test_one_character_off_opens_unless_strict(camera: SimulatedDevice) -> None:
    app = gate(camera)
    app.present(Vehicle("ABC123", direction="in"))  # exact, for contrast
    app.present(Vehicle("A8C123", direction="in"))
    camera.clock.advance(20)
    assert [o.car_id for o in app.openings] == [1, 2]
    with camera.lock:
        app.state.detection.strict_matching = True
    app.present(Vehicle("A8C123", direction="in"))
    camera.clock.advance(20)
    assert [o.car_id for o in app.openings] == [1, 2]


def test_direction_any_opens_on_new(camera: SimulatedDevice) -> None:
    app = gate(camera, direction="any")
    app.present(Vehicle("ABC123", direction="out"))
    assert camera.io.output_active(OUTPUT)
    assert app.openings[0].time == 0.0


def test_a_misread_opens_once_the_text_is_corrected(camera: SimulatedDevice) -> None:
    app = gate(camera, direction="any")
    app.present(Vehicle("ABC123", misread="XBC1Z3", direction="in"))
    assert not camera.io.output_active(OUTPUT)
    camera.clock.advance(0.5)
    assert camera.io.output_active(OUTPUT)


def test_a_plate_on_both_lists_stays_closed(camera: SimulatedDevice) -> None:
    app = gate(camera)
    with camera.lock:
        app.state.lists["block"].entries["ABC123"] = PlateEntry("ABC123")
    app.present(Vehicle("ABC123", direction="in"))
    camera.clock.advance(20)
    assert app.openings == []


def test_a_list_outside_its_schedule_does_not_open(camera: SimulatedDevice) -> None:
    app = gate(camera)
    now = dt.datetime.fromtimestamp(camera.clock.wall(), dt.timezone.utc)
    start = (now.hour * 60 + now.minute + 60) % 1440  # a one-hour window starting in an hour
    with camera.lock:
        app.state.lists["allow"].schedules = [Schedule(True, start, (start + 60) % 1440)]
    app.present(Vehicle("ABC123", direction="in"))
    camera.clock.advance(20)
    assert app.openings == []


def test_only_the_chosen_lists_open_and_never_a_block_mode_one(camera: SimulatedDevice) -> None:
    app = gate(camera, barrier_lists=frozenset({"custom"}))
    with camera.lock:
        app.state.lists["custom"].entries["CUS001"] = PlateEntry("CUS001")
    app.present(Vehicle("ABC123", direction="in"))  # allowlisted, but not a barrier list
    app.present(Vehicle("CUS001", direction="in"))
    camera.clock.advance(20)
    assert [o.car_id for o in app.openings] == [2]
    with camera.lock:
        app.state.lists["custom"].mode = "block"
    app.present(Vehicle("CUS001", direction="in"))
    camera.clock.advance(20)
    assert [o.car_id for o in app.openings] == [2]


def test_barrier_mode_off_never_opens(camera: SimulatedDevice) -> None:
    app = gate(camera, barrier_mode="off")
    app.present(Vehicle("ABC123", direction="in"))
    camera.clock.advance(20)
    assert app.openings == []


def test_an_output_that_is_not_one_is_logged_and_skipped(
    camera: SimulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    app = gate(camera, io_port=1)  # port 1 is the input
    app.present(Vehicle("ABC123", direction="in"))
    camera.clock.advance(20)
    assert app.openings == []
    assert "cannot pulse output 1" in caplog.text


# --- an I/O relay module --------------------------------------------------------------------


@pytest.fixture
def relay_module(gate_sim: Simulator) -> Iterator[Simulator]:
    with Simulator("a9188", clock=gate_sim.clock, user="relay", password="secret") as module:
        yield module


def relay_gate(gate_camera: SimulatedDevice, module: Simulator, **access: object) -> LprApp:
    url = module.urls[0].removeprefix("http://")  # the manual's form: an address, no scheme
    settings = {
        "type": "relay",
        "relay_url": url,
        "relay_user": "relay",
        "relay_password": "secret",
        "relay_port": 9,
        **access,
    }
    return gate(gate_camera, **settings)


def test_relay_port_9_switches_relay_1_of_the_module(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    relay_module: Simulator,
    wait_until: WaitUntil,
) -> None:
    module = relay_module.devices[0]
    app = relay_gate(gate_camera, relay_module)
    app.present(Vehicle("ABC123", direction="in"))
    gate_sim.clock.advance(0.5)
    wait_until(lambda: module.io.output_active(9), what="relay 1 switches on")
    assert module.io.name(9) == "Relay 1"
    assert not any(module.io.output_active(port) for port in range(10, 17))
    gate_sim.clock.advance(1.5)
    assert not module.io.output_active(9)
    assert not gate_camera.io.output_active(OUTPUT)  # the camera's own output stays put
    requests = [r for r in module.requests if r.path == "/axis-cgi/io/port.cgi"]
    assert [(r.status, r.user) for r in requests][-1] == (200, "relay")
    with gate_camera.lock:
        assert (app.barrier.relay_stats.sent, app.barrier.relay_stats.failed) == (1, 0)


def test_relay_port_16_is_relay_8(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    relay_module: Simulator,
    wait_until: WaitUntil,
) -> None:
    module = relay_module.devices[0]
    app = relay_gate(gate_camera, relay_module, relay_port=16)
    app.present(Vehicle("ABC123", direction="in"))
    gate_sim.clock.advance(0.5)
    wait_until(lambda: module.io.output_active(16), what="relay 8 switches on")
    assert module.io.name(16) == "Relay 8"


def test_a_blocklisted_vehicle_sends_nothing_to_the_module(
    gate_sim: Simulator, gate_camera: SimulatedDevice, relay_module: Simulator
) -> None:
    module = relay_module.devices[0]
    app = relay_gate(gate_camera, relay_module)
    app.present(Vehicle("BAD666", direction="in"))
    gate_sim.clock.advance(20)
    assert app.openings == []
    assert module.request_count("/axis-cgi/io/port.cgi") == 0


def test_wrong_module_credentials_are_counted_and_leave_the_relay_alone(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    relay_module: Simulator,
    wait_until: WaitUntil,
) -> None:
    module = relay_module.devices[0]
    app = relay_gate(gate_camera, relay_module, relay_password="wrong")
    app.present(Vehicle("ABC123", direction="in"))
    gate_sim.clock.advance(0.5)

    def failed() -> bool:
        with gate_camera.lock:
            return app.barrier.relay_stats.failed == 1

    wait_until(failed, what="the relay request fails")
    assert not module.io.output_active(9)
    with gate_camera.lock:
        assert app.barrier.relay_stats.last_error == "the relay module answered HTTP 401"
        assert "wrong" not in app.barrier.relay_stats.last_error
