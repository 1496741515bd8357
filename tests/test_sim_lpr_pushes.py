"""Push events from the simulated gate camera to real HTTP and TCP receivers on loopback.

The receivers here are deliberately independent of axisctl's own push receiver: an aiohttp
server that parses multipart bodies with aiohttp's reader and checks Digest with the
simulator's DigestServer, and a plain TCP server.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiohttp import BodyPartReader, web

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.accounts import Account, AccountStore, DigestServer, Level, Outcome
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.images import jpeg_comment
from axisctl.sim.lpr.pusher import RESEND_INTERVAL_S
from axisctl.sim.lpr.state import PROTOCOL_FTP, PROTOCOL_TCP, RESEND_LIMIT, PlateEntry
from axisctl.sim.lpr.vehicles import Vehicle

WaitUntil = Callable[..., None]
NON_STRING_FIELDS = {
    "geotag",
    "plateCoordinates",
    "plateCoordinatesRelative",
    "imagesURI",
    "vehicle_info",
    "camera_info",
    "ImageArray",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- receivers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    name: str | None
    filename: str | None
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict[str, str]
    content_type: str
    body: bytes
    parts: tuple[Part, ...]

    @property
    def document(self) -> dict[str, Any]:
        raw = self.parts[0].content if self.parts else self.body
        value: dict[str, Any] = json.loads(raw)
        return value

    def part(self, name: str) -> Part:
        (found,) = [p for p in self.parts if p.name == name]
        return found


class HttpReceiver:
    """An aiohttp server on a fixed port that a test can stop and start again."""

    def __init__(self, port: int, *, user: str = "", password: str = "", digest: bool = False):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.status = 200
        self.user, self.password, self.digest = user, password, digest
        self._digest = DigestServer("receiver")
        self._accounts = AccountStore()
        self._accounts.accounts[user] = Account(user, password, Level.ADMIN)
        self._posts: list[Post] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def posts(self) -> list[Post]:
        with self._lock:
            return list(self._posts)

    def documents(self) -> list[dict[str, Any]]:
        return [post.document for post in self.posts]

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not self.user:
            return True
        if self.digest:
            outcome, _ = self._digest.verify(header, request.method, self._accounts)
            return outcome is Outcome.OK
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if not self._authorised(request):
            challenge = self._digest.challenges()[0] if self.digest else 'Basic realm="r"'
            return web.Response(status=401, headers={"WWW-Authenticate": challenge})
        parts: list[Part] = []
        body = b""
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                assert isinstance(part, BodyPartReader), "no nested multipart expected"
                content = await part.read(decode=False)
                parts.append(
                    Part(
                        part.name,
                        part.filename,
                        part.headers.get("Content-Type", ""),
                        bytes(content),
                    )
                )
        else:
            body = await request.read()
        post = Post(
            request.path,
            dict(request.headers),
            request.headers.get("Content-Type", ""),
            body,
            tuple(parts),
        )
        status = self.status
        if 200 <= status < 300:
            with self._lock:
                self._posts.append(post)
        return web.Response(status=status, text="OK")

    def start(self) -> None:
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_route("POST", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", self.port, reuse_address=True)
            loop.run_until_complete(site.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        assert ready.wait(10), "the receiver did not start"

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None


class TcpReceiver:
    """Records what each connection wrote before it closed."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        lock = threading.Lock()
        messages = self.messages

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                data = self.rfile.read()
                with lock:
                    messages.append(data)

        class Server(socketserver.TCPServer):
            # One connection at a time, in the order they were accepted: the order the
            # camera sent them, which a thread per connection would not keep.
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def documents(self) -> list[dict[str, Any]]:
        found = []
        for message in list(self.messages):
            assert message.endswith(b"\n")
            assert message.count(b"\n") == 1
            found.append(json.loads(message))
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    server = HttpReceiver(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tcp_receiver() -> Iterator[TcpReceiver]:
    server = TcpReceiver()
    yield server
    server.close()


def lpr(camera: SimulatedDevice) -> LprApp:
    assert camera.lpr is not None
    return camera.lpr


def push_to(camera: SimulatedDevice, url: str, index: int = 1, **settings: object) -> None:
    with camera.lock:
        profile = lpr(camera).state.profiles[index]
        profile.enable = True
        profile.url = url
        for name, value in settings.items():
            setattr(profile, name, value)


def idle(camera: SimulatedDevice, index: int = 1) -> Callable[[], bool]:
    """True once the profile has nothing queued (everything tried once)."""

    def check() -> bool:
        with camera.lock:
            return lpr(camera).pusher.pending(index)[0] == 0

    return check


def stats(camera: SimulatedDevice, index: int = 1) -> dict[str, Any]:
    with camera.lock:
        found: dict[str, Any] = lpr(camera).pusher.statistics()[index - 1]
        return found


# --- what arrives ---------------------------------------------------------------------------


def test_multipart_pushes_carry_the_event_and_the_plate_image(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    # The manual's URL form: an address without a scheme; the camera posts to "/".
    push_to(gate_camera, f"127.0.0.1:{receiver.port}", latitude="55.70421", longitude="13.19366")
    car_id = lpr(gate_camera).present(Vehicle("ABC123", direction="in", roi=2, dwell_s=1.0))
    gate_sim.clock.advance(20)
    wait_until(lambda: len(receiver.posts) == 3, what="NEW, UPDATE and LOST")
    posts = receiver.posts
    assert {post.path for post in posts} == {"/"}
    for post in posts:
        assert post.content_type.startswith("multipart/form-data; boundary=")
        assert [p.name for p in post.parts] == ["event", "image"]
        event = post.part("event")
        assert (event.filename, event.content_type) == ("event.json", "application/json")
        document = post.document
        image = post.part("image")
        assert image.filename == f"{document['carID']}_{document['packetCounter']}.jpg"
        assert image.content_type == "image/jpeg"
        assert document["plateImageSize"] == str(len(image.content))
        (uri,) = document["imagesURI"]
        name = uri.removeprefix("/local/fflprapp/tools.cgi?action=getImage&name=")
        assert lpr(gate_camera).image(name) == image.content
        assert document["imageFile"] == "localdata/images/" + name
        for key, value in document.items():
            assert isinstance(value, str) or key in NON_STRING_FIELDS, key
    new, update, lost = receiver.documents()
    assert [d["carState"] for d in (new, update, lost)] == ["new", "update", "lost"]
    assert [d["carMoveDirection"] for d in (new, update, lost)] == ["unknown", "in", "in"]
    assert {d["carID"] for d in (new, update, lost)} == {str(car_id)}
    assert [int(d["packetCounter"]) for d in (new, update, lost)] == [1, 2, 3]

    def ms(reading: float) -> int:
        return round(gate_sim.clock.wall_at(reading) * 1_000_000) // 1000

    assert int(new["capture_timestamp"]) == ms(0.0)
    assert int(lost["capture_timestamp"]) == ms(1.0)  # the last read's
    assert int(new["capture_ts"]) == int(new["capture_timestamp"]) * 1_000_000
    assert lost["frame_timestamp"] == "0"
    assert int(new["frame_timestamp"]) // 1000 == int(new["capture_timestamp"])
    assert re.fullmatch(r"\d{8} \d{9}", new["datetime"])
    assert (new["plateText"], new["plateUnicode"], new["plateUTF8"], new["plateASCII"]) == (
        "ABC123",
        "ABC123",
        "ABC123",
        "ABC123",
    )
    assert (new["plateList"], new["plateListMode"], new["roiID"]) == ("", "", "2")
    assert new["plateConfidence"] == "0.900000"
    assert new["geotag"] == {"lat": 55.70421, "lon": 13.19366}
    assert len(new["plateCoordinates"]) == 4
    assert all(isinstance(n, int) for n in new["plateCoordinates"])
    assert new["camera_info"] == {
        "SerialNumber": gate_camera.serial,
        "ProdShortName": "AXIS P1455-LE",
        "IPAddress": "127.0.0.1",
        "MACAddress": gate_camera.serial,
    }
    assert new["vehicle_info"] == {"view": "front", "type": "CAR", "color": ""}
    assert (new["profileID"], new["sensorProviderID"], new["GEOtarget"]) == (
        "1",
        "defaultID",
        "Camera",
    )
    wait_until(idle(gate_camera))  # the receiver has the POST a moment before the camera knows
    assert stats(gate_camera)["sent"] == 3


def test_a_list_hit_is_named_in_the_push(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    with gate_camera.lock:
        lpr(gate_camera).state.lists["block"].entries["CAR TEST1"] = PlateEntry(
            "CAR TEST1", description="car_test_1"
        )
    push_to(gate_camera, receiver.url, event_update=False, event_lost=False)
    lpr(gate_camera).present(Vehicle("CARTEST1"))
    wait_until(lambda: len(receiver.posts) == 1)
    document = receiver.documents()[0]
    assert (
        document["plateList"],
        document["plateListMode"],
        document["plateListDescription"],
    ) == ("Block list", "block", "car_test_1")


def test_json_bodies_carry_base64_images_unless_images_are_skipped(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    push_to(gate_camera, receiver.url + "/lpr/in", use_multipart=False, event_update=False)
    lpr(gate_camera).present(Vehicle("ABC123", dwell_s=0))
    wait_until(lambda: len(receiver.posts) == 1)
    with gate_camera.lock:
        lpr(gate_camera).state.profiles[1].skip_image_in_post = True
    gate_sim.clock.advance(10)
    wait_until(lambda: len(receiver.posts) == 2)
    new, lost = receiver.posts
    assert new.path == "/lpr/in"
    assert new.content_type == "application/json"
    (image,) = new.document["ImageArray"]
    assert (image["ImageType"], image["ImageFormat"]) == ("plate", "jpg")
    plate = base64.b64decode(image["BinaryImage"])
    assert jpeg_comment(plate) == "plate=ABC123 car=1 packet=1"
    assert new.document["plateImageSize"] == str(len(plate))
    assert "ImageArray" not in lost.document
    assert lost.document["plateImageSize"] == "0"


def test_multipart_without_images_and_with_a_second_image(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    push_to(gate_camera, receiver.url, send_second_image=True, event_update=False)
    lpr(gate_camera).present(Vehicle("ABC123", dwell_s=0))
    wait_until(lambda: len(receiver.posts) == 1)
    with gate_camera.lock:
        lpr(gate_camera).state.profiles[1].skip_image_in_post = True
    gate_sim.clock.advance(10)
    wait_until(lambda: len(receiver.posts) == 2)
    both, none = receiver.posts
    assert [p.name for p in both.parts] == ["event", "image", "image2"]
    assert both.part("image2").filename == "1_1_2.jpg"
    assert jpeg_comment(both.part("image2").content) == "roi=ABC123 car=1 packet=1"
    assert [p.name for p in none.parts] == ["event"]


def test_only_the_enabled_event_types_are_sent(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    push_to(gate_camera, receiver.url, event_new=False, event_update=False)
    lpr(gate_camera).present(Vehicle("ABC123", misread="A8C123", direction="in"))
    gate_sim.clock.advance(20)
    wait_until(lambda: len(receiver.posts) == 1)
    wait_until(idle(gate_camera))
    assert [d["carState"] for d in receiver.documents()] == ["lost"]


@pytest.mark.parametrize("digest", [False, True], ids=["basic", "digest"])
def test_credentials_and_the_auth_key_header(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil, digest: bool
) -> None:
    server = HttpReceiver(free_port(), user="cam", password="s3cret", digest=digest)
    server.start()
    try:
        push_to(
            gate_camera,
            server.url,
            user="cam",
            password="s3cret",
            http_auth_type=1 if digest else 0,
            x_auth_key="key-123",
            event_update=False,
            event_lost=False,
        )
        lpr(gate_camera).present(Vehicle("ABC123"))
        wait_until(lambda: len(server.posts) == 1, what="an authenticated POST")
        headers = server.posts[0].headers
        assert headers["X-Auth-Key"] == "key-123"
        assert headers["Authorization"].startswith("Digest " if digest else "Basic ")
        assert stats(gate_camera)["failed"] == 0
        # Wrong credentials: the receiver refuses, the camera counts a failure.
        with gate_camera.lock:
            lpr(gate_camera).state.profiles[1].password = "wrong"
        lpr(gate_camera).present(Vehicle("XYZ987"))
        wait_until(lambda: stats(gate_camera)["failed"] == 1)
        assert stats(gate_camera)["lastError"] == "the server answered HTTP 401"
        assert "wrong" not in repr(lpr(gate_camera).state.profiles[1])
    finally:
        server.stop()


def test_tcp_pushes_are_one_json_line_per_connection(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    tcp_receiver: TcpReceiver,
    wait_until: WaitUntil,
) -> None:
    push_to(gate_camera, f"127.0.0.1:{tcp_receiver.port}", protocol=PROTOCOL_TCP)
    lpr(gate_camera).present(Vehicle("ABC123", direction="out", dwell_s=0.5))
    gate_sim.clock.advance(20)
    wait_until(lambda: len(tcp_receiver.messages) == 3)
    documents = tcp_receiver.documents()
    assert [d["carState"] for d in documents] == ["new", "update", "lost"]
    assert [d["carMoveDirection"] for d in documents] == ["unknown", "out", "out"]
    for document in documents:
        (image,) = document["ImageArray"]
        assert jpeg_comment(base64.b64decode(image["BinaryImage"])) is not None


def test_every_enabled_profile_gets_every_event(
    gate_sim: Simulator,
    gate_camera: SimulatedDevice,
    receiver: HttpReceiver,
    tcp_receiver: TcpReceiver,
    wait_until: WaitUntil,
) -> None:
    push_to(gate_camera, receiver.url, index=1)
    push_to(gate_camera, f"127.0.0.1:{tcp_receiver.port}", index=2, protocol=PROTOCOL_TCP)
    with gate_camera.lock:
        lpr(gate_camera).state.profiles[3].url = receiver.url  # configured, not enabled
    lpr(gate_camera).present(Vehicle("ABC123", direction="in", dwell_s=0.5))
    gate_sim.clock.advance(20)
    wait_until(lambda: len(receiver.posts) == 3 and len(tcp_receiver.messages) == 3)
    http_docs, tcp_docs = receiver.documents(), tcp_receiver.documents()
    assert [d["packetCounter"] for d in http_docs] == [d["packetCounter"] for d in tcp_docs]
    assert {d["profileID"] for d in http_docs} == {"1"}
    assert {d["profileID"] for d in tcp_docs} == {"2"}
    wait_until(idle(gate_camera, 3))
    assert len(receiver.posts) == 3


def test_non_ascii_plates_are_sent_as_utf8_text(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    push_to(gate_camera, receiver.url, use_multipart=False, event_update=False, event_lost=False)
    lpr(gate_camera).present(Vehicle("TÖLSL123", country="DEU", region_code="TÖL"))
    wait_until(lambda: len(receiver.posts) == 1)
    post = receiver.posts[0]
    assert "TÖLSL123".encode() in post.body  # UTF-8 text, not \\u escapes
    document = post.document
    assert (document["plateUTF8"], document["plateASCII"], document["plateRegionCode"]) == (
        "TÖLSL123",
        "T?LSL123",
        "TÖL",
    )


# --- failures and the resend buffer -----------------------------------------------------------


def present_cars(camera: SimulatedDevice, count: int) -> list[int]:
    """``count`` vehicles read once each: with only NEW enabled, one push per vehicle."""
    ids = []
    for number in range(count):
        car_id = lpr(camera).present(Vehicle(f"CAR{number:04d}", dwell_s=0))
        assert car_id is not None
        ids.append(car_id)
    return ids


def test_resend_after_the_receiver_comes_back_nothing_lost_nothing_twice(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    port = free_port()
    server = HttpReceiver(port)  # not started: connections are refused
    push_to(gate_camera, f"127.0.0.1:{port}")
    for plate in ("ABC123", "DEF456", "GHI789"):
        lpr(gate_camera).present(Vehicle(plate, direction="in", dwell_s=0.5))
    gate_sim.clock.advance(11)  # all of NEW, UPDATE and LOST: nine events
    wait_until(lambda: stats(gate_camera)["failed"] == 9 and idle(gate_camera)(), what="9 fail")
    assert stats(gate_camera)["buffered"] == 9
    server.start()
    try:
        gate_sim.clock.advance(RESEND_INTERVAL_S - 1)
        assert stats(gate_camera)["resent"] == 0  # not before the resend timer
        gate_sim.clock.advance(1)
        wait_until(lambda: stats(gate_camera)["resent"] == 9, what="the resend")
        documents = server.documents()
        assert [int(d["packetCounter"]) for d in documents] == list(range(1, 10))
        assert [d["carState"] for d in documents if d["carID"] == "1"] == [
            "new",
            "update",
            "lost",
        ]
        # New events after the recovery go once too; nothing is sent again.
        lpr(gate_camera).present(Vehicle("JKL012", dwell_s=0))
        gate_sim.clock.advance(10 + RESEND_INTERVAL_S)
        wait_until(lambda: len(server.posts) == 11)
        wait_until(idle(gate_camera))
        counters = [d["packetCounter"] for d in server.documents()]
        assert len(counters) == len(set(counters)) == 11
        final = stats(gate_camera)
        assert (final["sent"], final["failed"], final["resent"], final["buffered"]) == (
            2,
            9,
            9,
            0,
        )
        assert final["dropped"] == 0
    finally:
        server.stop()


def test_a_successful_delivery_flushes_the_buffer_first_without_waiting_for_the_timer(
    gate_sim: Simulator, gate_camera: SimulatedDevice, receiver: HttpReceiver, wait_until: WaitUntil
) -> None:
    receiver.status = 503  # up, but failing: non-2xx answers are failures too
    push_to(gate_camera, receiver.url, event_update=False, event_lost=False)
    present_cars(gate_camera, 3)
    wait_until(lambda: stats(gate_camera)["failed"] == 3)
    assert stats(gate_camera)["lastError"] == "the server answered HTTP 503"
    receiver.status = 200
    present_cars(gate_camera, 1)
    wait_until(lambda: len(receiver.posts) == 4)
    assert [d["packetCounter"] for d in receiver.documents()] == ["1", "2", "3", "4"]
    wait_until(idle(gate_camera))
    assert (stats(gate_camera)["resent"], stats(gate_camera)["sent"]) == (3, 1)


def test_only_the_first_100_failed_events_are_resent(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    port = free_port()
    server = HttpReceiver(port)
    push_to(gate_camera, f"127.0.0.1:{port}", event_update=False, event_lost=False)
    present_cars(gate_camera, RESEND_LIMIT + 5)
    wait_until(lambda: stats(gate_camera)["failed"] == RESEND_LIMIT + 5, timeout=30)
    assert (stats(gate_camera)["buffered"], stats(gate_camera)["dropped"]) == (RESEND_LIMIT, 5)
    server.start()
    try:
        gate_sim.clock.advance(RESEND_INTERVAL_S)
        wait_until(lambda: stats(gate_camera)["resent"] == RESEND_LIMIT, timeout=30)
        counters = [int(d["packetCounter"]) for d in server.documents()]
        assert counters == list(range(1, RESEND_LIMIT + 1))
        assert stats(gate_camera)["buffered"] == 0
    finally:
        server.stop()


def test_without_the_event_buffer_failures_are_dropped(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    port = free_port()
    server = HttpReceiver(port)
    push_to(gate_camera, f"127.0.0.1:{port}", use_event_buffer=False, event_lost=False)
    present_cars(gate_camera, 2)
    wait_until(lambda: stats(gate_camera)["failed"] == 2)
    server.start()
    try:
        gate_sim.clock.advance(RESEND_INTERVAL_S * 3)
        present_cars(gate_camera, 1)
        wait_until(lambda: len(server.posts) == 1)
        wait_until(idle(gate_camera))
        assert server.documents()[0]["carID"] == "3"
        assert (stats(gate_camera)["dropped"], stats(gate_camera)["resent"]) == (2, 0)
    finally:
        server.stop()


def test_buffered_events_survive_a_restart_and_a_factory_default_drops_them(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    port = free_port()
    server = HttpReceiver(port)
    push_to(gate_camera, f"127.0.0.1:{port}", event_lost=False)
    present_cars(gate_camera, 2)
    wait_until(lambda: stats(gate_camera)["failed"] == 2)
    gate_camera.restart(seconds=5)
    server.start()
    try:
        gate_sim.clock.advance(RESEND_INTERVAL_S)
        wait_until(lambda: len(server.posts) == 2)
        assert [d["carID"] for d in server.documents()] == ["1", "2"]
        server.status = 500
        present_cars(gate_camera, 1)
        wait_until(lambda: stats(gate_camera)["buffered"] == 1)
        gate_camera.factory_default()
        assert stats(gate_camera)["buffered"] == 0
        assert stats(gate_camera)["enabled"] is False
    finally:
        server.stop()


def test_ftp_profiles_are_counted_as_unsupported(
    gate_sim: Simulator, gate_camera: SimulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    push_to(gate_camera, "ftp://10.21.65.77/LPR", protocol=PROTOCOL_FTP)
    present_cars(gate_camera, 2)
    assert stats(gate_camera)["unsupported"] == 2
    assert stats(gate_camera)["protocol"] == "ftp"
    assert caplog.text.count("protocol 16 is not simulated") == 1


def test_a_malformed_server_url_is_a_failure(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    push_to(gate_camera, "http://", event_update=False, event_lost=False)
    present_cars(gate_camera, 1)
    wait_until(lambda: stats(gate_camera)["failed"] == 1)
    assert "URL" in stats(gate_camera)["lastError"]


def test_push_statistics_on_the_control_surface(
    gate_sim: Simulator, gate_camera: SimulatedDevice, wait_until: WaitUntil
) -> None:
    port = free_port()
    push_to(gate_camera, f"127.0.0.1:{port}", event_lost=False, password="hidden")
    present_cars(gate_camera, 2)
    wait_until(lambda: stats(gate_camera)["failed"] == 2)
    answer = httpx.get(
        f"{gate_sim.urls[0]}/axisctl-sim/lpr/pushes", auth=httpx.DigestAuth("root", "pass")
    )
    assert answer.status_code == 200
    profiles = answer.json()["profiles"]
    assert [p["profile"] for p in profiles] == [1, 2, 3]
    first = profiles[0]
    assert (first["enabled"], first["protocol"], first["failed"], first["buffered"]) == (
        True,
        "http",
        2,
        2,
    )
    assert (first["sent"], first["resent"], first["dropped"]) == (0, 0, 0)
    assert "hidden" not in answer.text
