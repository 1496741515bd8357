"""Issue 5 end to end: a gate camera set up through the library, a known car, a barrier.

Everything goes through the surfaces a user has: the camera is configured with
``device.lpr`` over HTTP, the car is presented through the test-control surface, the pushes
arrive at axisctl's receiver, the barrier is watched on the output port and the event
stream. The camera runs on a manual clock, so the barrier's pulse and the LOST timeout are
exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from axisctl import Device
from axisctl.apis.lpr import HttpAuthType, ListKey, PushConfig, PushProtocol
from axisctl.events import Event, LicensePlateEvent
from axisctl.events.stream import SyncEventStream, open_stream
from axisctl.lpr import CarState, Direction, ListMode, PlateRead, PushReceiver
from axisctl.lpr import ThreadedPushReceiver as Receiver
from axisctl.sim import Simulator

WaitUntil = Callable[..., None]
ALL_PLATES = "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates"
OUTPUT_PORT = "tns1:Device/tnsaxis:IO/OutputPort"
#: The P1455-LE's pin 4 output, port 2 in VAPIX numbering.
BARRIER_PORT = 2
PULSE_MS = 1500


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """axisctl's receiver, asking for Digest and the auth header key, TCP too."""
    push_receiver = PushReceiver(
        user="gate", password="push-secret", auth="digest", auth_key="key-7", tcp_port=0
    )
    with push_receiver.in_thread() as running:
        yield running


def present(sim: Simulator, **vehicle: Any) -> int:
    """What a test bench does: drive a car past the camera, through the control surface."""
    answer = httpx.post(
        f"{sim.urls[0]}/axisctl-sim/lpr/vehicles",
        json=vehicle,
        auth=httpx.DigestAuth("root", "pass"),
    )
    answer.raise_for_status()
    car_id = answer.json()["carId"]
    assert isinstance(car_id, int)
    return car_id


def set_up_gate(camera: Device, receiver: Receiver) -> None:
    """The manual's access-control recipe, done with the library."""
    lpr = camera.lpr
    lpr.add_plate(ListKey.ALLOW, "ABC123", description="Delivery van")
    lpr.add_plate(ListKey.BLOCK, "XYZ987", description="Banned")
    lpr.set_settings(
        access_control="io",
        barrier_mode="open_from_lists",
        barrier_lists=[ListKey.ALLOW],
        barrier_direction="in",
        barrier_roi="all",
        io_port=BARRIER_PORT,
        pulse_ms=PULSE_MS,
    )
    lpr.set_push_config(
        PushConfig(
            url=receiver.receiver.url,
            enabled=True,
            user="gate",
            password="push-secret",
            http_auth=HttpAuthType.DIGEST,
            auth_key="key-7",
        )
    )


def stream_events(stream: SyncEventStream, count: int) -> list[Event]:
    return [stream.get(timeout=10) for _ in range(count)]


def test_a_known_car_opens_the_barrier_and_every_surface_shows_it(
    gate_sim: Simulator, gate_device: Device, receiver: Receiver
) -> None:
    set_up_gate(gate_device, receiver)
    with open_stream(gate_device, [ALL_PLATES, OUTPUT_PORT]) as stream:
        initial = stream.get(timeout=10)  # a stateful topic's state after configure
        assert initial.topic == OUTPUT_PORT
        assert initial.data["state"] == "0"

        # A one-character misread of the allowlisted plate ("AXI S1234"-style deviation).
        car = present(gate_sim, plate="ABC123", misread="A8C123", direction="in", dwell_s=1.0)
        gate_sim.clock.advance(0.5)  # the next read corrects the text; no direction yet
        assert gate_device.io.check_active(BARRIER_PORT) == {BARRIER_PORT: False}
        gate_sim.clock.advance(0.5)  # the read after learns "in": the barrier opens
        assert gate_device.io.check_active(BARRIER_PORT) == {BARRIER_PORT: True}
        gate_sim.clock.advance(PULSE_MS / 1000)
        assert gate_device.io.check_active(BARRIER_PORT) == {BARRIER_PORT: False}
        gate_sim.clock.advance(10)  # LOST 10 s after the last read
        events = stream_events(stream, 6)

    reads = receiver.wait_for(4, timeout=10)
    assert [r.car_state for r in reads] == [
        CarState.NEW,
        CarState.UPDATE,
        CarState.UPDATE,
        CarState.LOST,
    ]
    assert {r.car_id for r in reads} == {car}
    assert [r.text for r in reads] == ["A8C123", "ABC123", "ABC123", "ABC123"]
    assert [r.direction for r in reads] == [Direction.UNKNOWN] * 2 + [Direction.IN] * 2
    last_hit = reads[-1].list_hit
    assert last_hit is not None
    assert (last_hit.mode, last_hit.description) == (ListMode.ALLOW, "Delivery van")
    assert all(read.images and read.images[0].data.startswith(b"\xff\xd8") for read in reads)
    assert receiver.receiver.stats.duplicates == 0

    # The event stream: the same car's reads, and the barrier's pulse of exactly PULSE_MS.
    plates = [e for e in events if isinstance(e, LicensePlateEvent)]
    assert [(e.car_state, e.car_id, e.plate, e.direction) for e in plates] == [
        ("new", str(car), "A8C123", "unknown"),
        ("update", str(car), "ABC123", "unknown"),
        ("update", str(car), "ABC123", "in"),
        ("lost", str(car), "ABC123", "in"),
    ]
    output = [e for e in events if e.topic == OUTPUT_PORT]
    assert [e.data["state"] for e in output] == ["1", "0"]
    opened, closed = output
    assert opened.timestamp is not None
    assert closed.timestamp is not None
    assert (closed.timestamp - opened.timestamp).total_seconds() == pytest.approx(PULSE_MS / 1000)
    assert opened.timestamp == plates[2].timestamp  # opened by the read that saw "in"

    # The app's own event log has the car, on the allow list, driving in.
    logged = gate_device.lpr.search_events(plate="ABC123")
    assert [(e.car_id, e.direction.name) for e in logged.events] == [(car, "IN")]


def test_a_blocklisted_car_is_pushed_but_the_barrier_stays_closed(
    gate_sim: Simulator, gate_device: Device, receiver: Receiver
) -> None:
    set_up_gate(gate_device, receiver)
    present(gate_sim, plate="XYZ987", direction="in", dwell_s=1.0)
    for _ in range(24):
        gate_sim.clock.advance(0.5)
        assert gate_device.io.check_active(BARRIER_PORT) == {BARRIER_PORT: False}
    reads = receiver.wait_for(3, timeout=10)  # NEW, UPDATE with "in", LOST
    assert {r.list_hit.mode if r.list_hit else None for r in reads} == {ListMode.BLOCK}


def test_over_tcp_too(gate_sim: Simulator, gate_device: Device, receiver: Receiver) -> None:
    address = receiver.receiver.tcp_address
    assert address is not None
    host, port = address
    gate_device.lpr.set_push_config(
        PushConfig(url=f"{host}:{port}", protocol=PushProtocol.TCP, enabled=True)
    )
    # Read once: NEW, then LOST ten seconds later with the direction it drove.
    car = present(gate_sim, plate="TÖLSL123", country="DEU", direction="out", dwell_s=0.0)
    gate_sim.clock.advance(10)
    reads: list[PlateRead] = receiver.wait_for(2, timeout=10)
    assert [(r.car_id, r.text, r.country) for r in reads] == [(car, "TÖLSL123", "DEU")] * 2
    assert [r.direction for r in reads] == [Direction.UNKNOWN, Direction.OUT]


def test_through_a_relay_module_relay_1_is_port_9(
    gate_sim: Simulator, gate_device: Device, receiver: Receiver, wait_until: WaitUntil
) -> None:
    """The manual's relay recipe: the camera asks an I/O relay module to pulse its relay."""
    with (
        Simulator("a9188", clock=gate_sim.clock) as module_sim,
        Device(module_sim.urls[0], "root", "pass") as module,
    ):
        set_up_gate(gate_device, receiver)
        gate_device.lpr.set_settings(
            access_control="relay",
            relay_url=module_sim.urls[0],
            relay_user="root",
            relay_password="pass",
            relay_port=9,
        )
        present(gate_sim, plate="ABC123", direction="in", dwell_s=1.0)
        gate_sim.clock.advance(0.5)  # the read that learns "in"
        wait_until(lambda: module.io.check_active(9) == {9: True}, what="relay 1 to close")
        assert module.io.check_active(1) == {1: False}  # port 1 is an input, not relay 1
        assert gate_device.io.check_active(BARRIER_PORT) == {BARRIER_PORT: False}
        gate_sim.clock.advance(PULSE_MS / 1000)
        assert module.io.check_active(9) == {9: False}
