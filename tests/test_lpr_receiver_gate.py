"""The simulated P1455-LE-3 gate camera pushing to axisctl's receiver, end to end.

The camera runs on a manual clock; the receiver on its own thread, so the tests take reads
with ``get``/``wait_for`` while moving the camera's time.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from axisctl.lpr import CarState, Direction, ListHit, ListMode, PushReceiver, ThreadedPushReceiver
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.pusher import RESEND_INTERVAL_S
from axisctl.sim.lpr.state import HTTP_AUTH_DIGEST, PROTOCOL_TCP, PlateEntry
from axisctl.sim.lpr.vehicles import Vehicle

WaitUntil = Callable[..., None]


def lpr(camera: SimulatedDevice) -> LprApp:
    assert camera.lpr is not None
    return camera.lpr


def push_to(camera: SimulatedDevice, url: str, index: int = 1, **settings: Any) -> None:
    with camera.lock:
        profile = lpr(camera).state.profiles[index]
        profile.enable = True
        profile.url = url
        for name, value in settings.items():
            setattr(profile, name, value)


@pytest.fixture
def receiver() -> Iterator[ThreadedPushReceiver]:
    receiver = PushReceiver(
        user="camera", password="s3cret", auth="digest", auth_key="k-1", tcp_port=0
    )
    with receiver.in_thread() as running:
        yield running


def image_of(camera: SimulatedDevice, uri: str) -> bytes | None:
    name = uri.removeprefix("/local/fflprapp/tools.cgi?action=getImage&name=")
    with camera.lock:
        return lpr(camera).image(name)


def test_a_block_listed_car_arrives_as_new_update_lost_with_its_images(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: ThreadedPushReceiver
) -> None:
    with gate_camera.lock:
        lpr(gate_camera).state.lists["block"].entries["TÖLSL123"] = PlateEntry(
            "TÖLSL123", description="car_test_1"
        )
    # The manual's URL form, host:port, over Digest with the auth header key, multipart.
    host_port = receiver.url.removeprefix("http://").rstrip("/")
    push_to(
        gate_camera,
        host_port,
        user="camera",
        password="s3cret",
        http_auth_type=HTTP_AUTH_DIGEST,
        x_auth_key="k-1",
    )
    car_id = lpr(gate_camera).present(
        Vehicle("TÖLSL123", country="DEU", region_code="TÖL", direction="out", dwell_s=1.0)
    )
    gate_sim.clock.advance(20)
    new, update, lost = receiver.wait_for(3, timeout=10)
    assert [read.car_state for read in (new, update, lost)] == [
        CarState.NEW,
        CarState.UPDATE,
        CarState.LOST,
    ]
    assert [read.direction for read in (new, update, lost)] == [
        Direction.UNKNOWN,
        Direction.OUT,
        Direction.OUT,
    ]
    for read in (new, update, lost):
        assert read.text == "TÖLSL123"
        assert read.car_id == car_id
        assert read.country == "DEU"
        assert read.region_code == "TÖL"
        assert read.list_hit == ListHit("Block list", ListMode.BLOCK, "car_test_1")
        assert read.captured_at.tzinfo is dt.timezone.utc
        (image,) = read.images
        assert (image.kind, image.format) == ("plate", "jpeg")
        assert image.data == image_of(gate_camera, read.image_uris[0])
    assert lost.frame_time is None
    assert lost.captured_at > new.captured_at
    assert receiver.stats.rejected_total == 0


def test_json_pushes_with_base64_images_and_the_tcp_push(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: ThreadedPushReceiver
) -> None:
    credentials = {"user": "camera", "password": "s3cret", "http_auth_type": HTTP_AUTH_DIGEST}
    push_to(gate_camera, receiver.url, 1, use_multipart=False, x_auth_key="k-1", **credentials)
    with PushReceiver(tcp_port=0).in_thread() as tcp_receiver:
        assert tcp_receiver.tcp_address is not None
        tcp_host, tcp_port = tcp_receiver.tcp_address
        push_to(gate_camera, f"{tcp_host}:{tcp_port}", 2, protocol=PROTOCOL_TCP)
        lpr(gate_camera).present(Vehicle("ABC1234", direction="in", dwell_s=0.0))
        gate_sim.clock.advance(20)
        over_http = receiver.wait_for(2, timeout=10)
        over_tcp = tcp_receiver.wait_for(2, timeout=10)
    for reads, profile in ((over_http, 1), (over_tcp, 2)):
        assert [read.car_state for read in reads] == [CarState.NEW, CarState.LOST]
        for read in reads:
            assert read.profile_id == profile
            assert read.text == "ABC1234"
            assert read.images
            assert read.images[0].data == image_of(gate_camera, read.image_uris[0])
    assert [read.key for read in over_http] == [read.key for read in over_tcp]


def test_one_event_through_two_profiles_to_one_receiver_comes_once(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    receiver: ThreadedPushReceiver,
    wait_until: WaitUntil,
) -> None:
    assert receiver.tcp_address is not None
    tcp_host, tcp_port = receiver.tcp_address
    credentials = {"user": "camera", "password": "s3cret", "http_auth_type": HTTP_AUTH_DIGEST}
    push_to(gate_camera, receiver.url, 1, x_auth_key="k-1", **credentials)
    push_to(gate_camera, f"{tcp_host}:{tcp_port}", 2, protocol=PROTOCOL_TCP)
    lpr(gate_camera).present(Vehicle("ABC1234", direction="in", dwell_s=0.0))
    gate_sim.clock.advance(20)
    # The camera numbers events, not deliveries: the second copy is the same event.
    wait_until(lambda: receiver.stats.duplicates == 2, what="the second copies")
    reads = receiver.reads()
    assert [read.car_state for read in reads] == [CarState.NEW, CarState.LOST]


def test_pushes_refused_for_a_wrong_password_come_after_the_fix(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    receiver: ThreadedPushReceiver,
    wait_until: WaitUntil,
) -> None:
    push_to(
        gate_camera,
        receiver.url,
        user="camera",
        password="wrong",
        http_auth_type=HTTP_AUTH_DIGEST,
        x_auth_key="k-1",
    )
    lpr(gate_camera).present(Vehicle("XYZ9876", dwell_s=0.0))
    gate_sim.clock.advance(15)
    wait_until(lambda: receiver.stats.rejected.get("unauthorized", 0) >= 2, what="refusals")
    assert receiver.reads() == []
    with gate_camera.lock:
        lpr(gate_camera).state.profiles[1].password = "s3cret"
    # The camera's resend timer: everything it kept arrives, each once, in order.
    gate_sim.clock.advance(RESEND_INTERVAL_S)
    wait_until(lambda: receiver.stats.accepted == 2, what="the resent NEW and LOST")
    reads = receiver.wait_for(2, timeout=10)
    assert [read.car_state for read in reads] == [CarState.NEW, CarState.LOST]
    assert reads[0].packet_counter is not None
    assert reads[1].packet_counter is not None
    assert reads[0].packet_counter < reads[1].packet_counter
    assert receiver.stats.duplicates == 0
    assert "wrong" not in repr(receiver)


def test_a_stopped_receiver_refuses_connections(receiver: ThreadedPushReceiver) -> None:
    assert receiver.tcp_address is not None
    address = receiver.tcp_address
    receiver.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2).close()
