"""The push receiver over real HTTP: what a camera's pushes get back, and what comes out.

Every test serves a real :class:`PushReceiver` on a loopback port and pushes to it the way
the License Plate Verifier does (multipart or JSON, Basic or Digest, ``X-Auth-Key``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from axisctl.errors import ConfigurationError
from axisctl.lpr import (
    CarState,
    PlateImage,
    PlateRead,
    PushReceiver,
    ReceiverClosedError,
    ThreadedPushReceiver,
)

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(2000) + b"\xff\xd9"
JPEG2 = b"\xff\xd8\xff\xe1" + os.urandom(500) + b"\xff\xd9"

Start = Callable[..., ThreadedPushReceiver]


def doc(car: int = 54950, packet: int | None = 1, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "carID": str(car),
        "carState": "new",
        "capture_timestamp": "1702297625507",
        "frame_timestamp": "1702297625507641",
        "plateText": "HWR6677",
        "plateUnicode": "HWR6677",
        "plateUTF8": "HWR6677",
        "plateASCII": "HWR6677",
        "plateCountry": "DEU",
        "carMoveDirection": "unknown",
        "imageType": "plate",
        "camera_info": {"SerialNumber": "ACCC8EBFB452", "ProdShortName": "AXIS P1455-LE-3"},
    }
    if packet is not None:
        document["packetCounter"] = str(packet)
    document.update(extra)
    return document


def multipart(document: dict[str, Any], *images: tuple[str, bytes]) -> tuple[bytes, str]:
    """The body the app sends with use_multipart=1: an ``event`` part, then image parts."""
    boundary = "------------------------a1b2c3d4e5f6"
    car, packet = document.get("carID"), document.get("packetCounter")
    parts = [
        (
            'Content-Disposition: form-data; name="event"; filename="event.json"\r\n'
            "Content-Type: application/json",
            json.dumps(document, ensure_ascii=False).encode(),
        )
    ]
    for name, data in images:
        parts.append(
            (
                f'Content-Disposition: form-data; name="{name}"; filename="{car}_{packet}.jpg"\r\n'
                "Content-Type: image/jpeg",
                data,
            )
        )
    body = b"".join(
        f"--{boundary}\r\n{headers}\r\n\r\n".encode() + data + b"\r\n" for headers, data in parts
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def with_images(document: dict[str, Any], *images: bytes) -> dict[str, Any]:
    """The body the app sends with use_multipart=0: images base64 in ImageArray."""
    array = [
        {"ImageType": "plate", "ImageFormat": "jpg", "BinaryImage": base64.b64encode(i).decode()}
        for i in images
    ]
    return {**document, "ImageArray": array}


def post(url: str, document: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return httpx.post(url, json=document, timeout=10, **kwargs)


def post_multipart(
    url: str, document: dict[str, Any], *images: tuple[str, bytes], **kwargs: Any
) -> httpx.Response:
    body, content_type = multipart(document, *images)
    return httpx.post(
        url, content=body, headers={"Content-Type": content_type}, timeout=10, **kwargs
    )


@pytest.fixture
def start() -> Iterator[Start]:
    """``start(**PushReceiver options)``: a receiver on a background thread, stopped after."""
    started: list[ThreadedPushReceiver] = []

    def make(**options: Any) -> ThreadedPushReceiver:
        receiver = PushReceiver(**options).in_thread()
        receiver.start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


# --- pushes that are taken -------------------------------------------------------------------


def test_a_multipart_push_with_its_image_is_a_typed_read(start: Start) -> None:
    receiver = start()
    answer = post_multipart(receiver.url, doc(plateUnicode="TÖLSL123"), ("image", JPEG))
    assert answer.status_code == 200
    assert answer.text == "accepted\n"
    read = receiver.get(timeout=5)
    assert read.text == "TÖLSL123"
    assert read.car_state is CarState.NEW
    assert read.car_id == 54950
    assert read.images == (PlateImage("plate", "jpeg", JPEG),)
    assert read.received_at is not None
    assert read.duplicate is False


def test_a_second_image_part_keeps_its_part_name(start: Start) -> None:
    receiver = start()
    post_multipart(receiver.url, doc(), ("image", JPEG), ("image2", JPEG2))
    read = receiver.get(timeout=5)
    assert [(image.kind, image.data) for image in read.images] == [
        ("plate", JPEG),
        ("image2", JPEG2),
    ]


def test_a_multipart_push_without_images(start: Start) -> None:
    receiver = start()
    assert post_multipart(receiver.url, doc()).status_code == 200
    assert receiver.get(timeout=5).images == ()


def test_a_json_push_with_base64_images(start: Start) -> None:
    receiver = start()
    answer = post(receiver.url, with_images(doc(), JPEG))
    assert answer.status_code == 200
    read = receiver.get(timeout=5)
    assert read.images == (PlateImage("plate", "jpeg", JPEG),)
    assert "BinaryImage" not in read.raw["ImageArray"][0]


def test_reads_come_out_in_arrival_order(start: Start) -> None:
    receiver = start()
    for packet in range(1, 21):
        assert post(receiver.url, doc(packet=packet)).status_code == 200
    reads = receiver.wait_for(20, timeout=5)
    assert [read.packet_counter for read in reads] == list(range(1, 21))
    assert receiver.stats.accepted == 20


def test_a_path_other_than_the_receivers_is_not_found(start: Start) -> None:
    receiver = start(path="/lpr/push")
    assert receiver.url.endswith("/lpr/push")
    assert post(receiver.url, doc()).status_code == 200
    assert post(receiver.url.replace("/lpr/push", "/other"), doc(packet=2)).status_code == 404


# --- duplicates ------------------------------------------------------------------------------


def test_a_resend_is_answered_200_and_not_delivered_again(start: Start) -> None:
    receiver = start()
    first = post(receiver.url, doc(packet=7))
    again = post_multipart(receiver.url, doc(packet=7), ("image", JPEG))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.text.startswith("duplicate")
    post(receiver.url, doc(packet=8))
    reads = receiver.wait_for(2, timeout=5)
    assert [read.packet_counter for read in reads] == [7, 8]
    assert receiver.reads() == []
    stats = receiver.stats
    assert (stats.accepted, stats.duplicates, stats.rejected_total) == (2, 1, 0)


def test_duplicates_can_be_delivered_marked(start: Start) -> None:
    receiver = start(deliver_duplicates=True)
    post(receiver.url, doc(packet=7))
    post(receiver.url, doc(packet=7))
    first, second = receiver.wait_for(2, timeout=5)
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.key == second.key


def test_two_cameras_with_the_same_car_and_counter_are_both_taken(start: Start) -> None:
    receiver = start()
    post(receiver.url, doc(packet=1))
    other = doc(packet=1, camera_info={"SerialNumber": "ACCC8E000001"})
    assert post(receiver.url, other).text == "accepted\n"
    assert len(receiver.wait_for(2, timeout=5)) == 2


def test_without_a_packet_counter_nothing_counts_as_a_duplicate(start: Start) -> None:
    receiver = start()
    post(receiver.url, doc(packet=None))
    post(receiver.url, doc(packet=None))
    assert len(receiver.wait_for(2, timeout=5)) == 2
    assert receiver.stats.duplicates == 0


def test_the_memory_of_keys_is_bounded(start: Start) -> None:
    receiver = start(remember=3)
    for packet in (1, 2, 3, 4):
        post(receiver.url, doc(packet=packet))
    assert post(receiver.url, doc(packet=4)).text.startswith("duplicate")
    # Packet 1 was forgotten after 3 newer keys: its resend counts as new.
    assert post(receiver.url, doc(packet=1)).text == "accepted\n"


# --- refusals --------------------------------------------------------------------------------


def test_a_missing_field_is_a_400_that_names_it(start: Start) -> None:
    receiver = start()
    document = doc()
    del document["carID"]
    answer = post(receiver.url, document)
    assert answer.status_code == 400
    assert "carID is missing" in answer.text
    assert receiver.stats.rejected == {"malformed": 1}


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b'["a list"]', "application/json", "expected a JSON object"),
        (b"--x\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc\r\n--x--\r\n",
         "multipart/form-data; boundary=x", "no 'event' part"),
        (b"--x\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n{\"carID\": \"1\"",
         "multipart/form-data; boundary=x", "ends before its closing boundary"),
        (b"whatever", "multipart/form-data", "no usable boundary"),
    ],
)  # fmt: skip
def test_malformed_bodies_are_a_400_with_the_reason(
    start: Start, body: bytes, content_type: str, words: str
) -> None:
    receiver = start()
    answer = httpx.post(receiver.url, content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 400
    assert words in answer.text
    assert post(receiver.url, doc()).status_code == 200  # and it keeps serving


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_a_wrong_content_type_is_a_415(start: Start, content_type: str) -> None:
    receiver = start()
    headers = {"Content-Type": content_type} if content_type else {}
    answer = httpx.post(receiver.url, content=json.dumps(doc()).encode(), headers=headers)
    assert answer.status_code == 415
    assert "application/json or multipart/form-data" in answer.text
    assert receiver.stats.rejected == {"content_type": 1}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_anything_but_post_is_a_405(start: Start, method: str) -> None:
    receiver = start()
    answer = httpx.request(method, receiver.url)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"


def test_a_body_over_max_body_is_a_413_by_its_length(start: Start) -> None:
    receiver = start(max_body=4096)
    answer = post(receiver.url, with_images(doc(), os.urandom(8000)))
    assert answer.status_code == 413
    assert "larger than 4096 bytes" in answer.text
    assert post(receiver.url, doc()).status_code == 200


def test_a_chunked_body_is_cut_at_max_body(start: Start) -> None:
    receiver = start(max_body=100_000)
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"carID": "1", "plateUnicode": "'
        while sent < 50_000_000:  # the receiver must stop this long before
            sent += 65536
            yield b"A" * 65536

    try:
        answer = httpx.post(
            receiver.url, content=endless(), headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 413
    except (httpx.RemoteProtocolError, httpx.WriteError):
        pass  # the server may close before the client has read its answer
    assert sent < 10_000_000  # socket buffers' worth past the cap, not the whole stream
    assert receiver.stats.rejected == {"too_large": 1}
    assert post(receiver.url, doc()).status_code == 200


def test_a_client_that_hangs_up_mid_body_is_counted(
    start: Start, wait_until: Callable[..., None]
) -> None:
    receiver = start()
    url = httpx.URL(receiver.url)
    with socket.create_connection((url.host, url.port or 80), timeout=5) as connection:
        connection.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n" + json.dumps(doc()).encode()[:100]
        )
    wait_until(lambda: receiver.stats.rejected == {"incomplete": 1}, what="incomplete")
    assert receiver.reads() == []
    assert post(receiver.url, doc()).status_code == 200


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "auth"),
    [
        ("any", httpx.DigestAuth("camera", "s3cret")),
        ("any", httpx.BasicAuth("camera", "s3cret")),
        ("digest", httpx.DigestAuth("camera", "s3cret")),
        ("basic", httpx.BasicAuth("camera", "s3cret")),
    ],
)
def test_the_right_credentials_are_taken(start: Start, scheme: str, auth: httpx.Auth) -> None:
    receiver = start(user="camera", password="s3cret", auth=scheme)
    assert post(receiver.url, doc(), auth=auth).status_code == 200
    assert receiver.get(timeout=5).car_id == 54950
    assert receiver.stats.rejected_total == 0


def test_digest_resends_reuse_the_connection_and_nonce(start: Start) -> None:
    receiver = start(user="camera", password="s3cret", auth="digest")
    with httpx.Client(auth=httpx.DigestAuth("camera", "s3cret")) as client:
        for packet in range(1, 4):
            assert client.post(receiver.url, json=doc(packet=packet)).status_code == 200
    assert receiver.stats.accepted == 3
    assert receiver.stats.challenged == 1  # only the very first request is challenged


@pytest.mark.parametrize(
    ("scheme", "auth", "reason"),
    [
        ("any", httpx.BasicAuth("camera", "wrong"), "wrong user name or password"),
        ("any", httpx.DigestAuth("camera", "wrong"), "wrong user name or password"),
        ("any", httpx.BasicAuth("intruder", "s3cret"), "wrong user name or password"),
        ("digest", httpx.BasicAuth("camera", "s3cret"), "use Digest authentication"),
        ("basic", httpx.DigestAuth("camera", "s3cret"), "credentials required"),
    ],
)
def test_wrong_credentials_are_a_401_with_a_challenge(
    start: Start,
    scheme: str,
    auth: httpx.Auth,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver = start(user="camera", password="s3cret", auth=scheme)
    with caplog.at_level(logging.DEBUG, logger="axisctl.lpr"):
        answer = post(receiver.url, doc(), auth=auth)
    assert answer.status_code == 401
    assert reason in answer.text
    challenges = answer.headers.get_list("WWW-Authenticate")
    assert [c.split()[0] for c in challenges] == {
        "any": ["Digest", "Basic"],
        "digest": ["Digest"],
        "basic": ["Basic"],
    }[scheme]
    assert receiver.reads() == []
    assert "s3cret" not in caplog.text
    assert "s3cret" not in repr(receiver)


def test_a_push_without_credentials_is_challenged_not_counted_as_refused(start: Start) -> None:
    receiver = start(user="camera", password="s3cret")
    answer = post(receiver.url, doc())
    assert answer.status_code == 401
    assert any(c.startswith("Digest ") for c in answer.headers.get_list("WWW-Authenticate"))
    assert receiver.stats.challenged == 1
    assert receiver.stats.rejected_total == 0


def test_the_auth_key_header_is_required(start: Start) -> None:
    receiver = start(auth_key="k-123")
    missing = post(receiver.url, doc())
    wrong = post(receiver.url, doc(), headers={"X-Auth-Key": "k-124"})
    right = post(receiver.url, doc(), headers={"X-Auth-Key": "k-123"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert "missing X-Auth-Key" in missing.text
    assert "wrong X-Auth-Key" in wrong.text
    assert "k-12" not in wrong.text
    assert receiver.stats.rejected == {"unauthorized": 2}


def test_auth_key_and_credentials_are_both_required_when_both_are_set(start: Start) -> None:
    receiver = start(user="camera", password="s3cret", auth_key="k-123")
    basic = httpx.BasicAuth("camera", "s3cret")
    assert post(receiver.url, doc(), auth=basic).status_code == 401
    key = {"X-Auth-Key": "k-123"}
    assert post(receiver.url, doc(), headers=key).status_code == 401
    assert post(receiver.url, doc(), headers=key, auth=basic).status_code == 200


def test_credentials_are_checked_before_the_body_is_read(start: Start) -> None:
    receiver = start(user="camera", password="s3cret", max_body=1000)
    answer = post(receiver.url, with_images(doc(), os.urandom(5000)))
    assert answer.status_code == 401  # not 413: strangers learn nothing about the limits


# --- callback, queue, images -----------------------------------------------------------------


def test_a_callback_gets_each_read_before_the_camera_gets_its_answer(start: Start) -> None:
    seen: list[PlateRead] = []
    receiver = start(on_read=seen.append)
    post(receiver.url, doc(packet=1))
    assert [read.packet_counter for read in seen] == [1]  # already there when post() returns
    assert receiver.get(timeout=5) == seen[0]


def test_an_async_callback_is_awaited(start: Start) -> None:
    seen: list[int | None] = []

    async def on_read(read: PlateRead) -> None:
        await asyncio.sleep(0)
        seen.append(read.packet_counter)

    receiver = start(on_read=on_read)
    post(receiver.url, doc(packet=5))
    assert seen == [5]


def test_a_failing_callback_gets_a_500_and_the_resend_is_taken(
    start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int | None] = []

    def on_read(read: PlateRead) -> None:
        calls.append(read.packet_counter)
        if len(calls) == 1:
            raise RuntimeError("database down")

    receiver = start(on_read=on_read)
    with caplog.at_level(logging.ERROR, logger="axisctl.lpr"):
        failed = post(receiver.url, doc(packet=3))
    assert failed.status_code == 500
    assert "database down" in caplog.text
    assert receiver.reads() == []
    resent = post(receiver.url, doc(packet=3))
    assert resent.text == "accepted\n"  # not a duplicate: the first was never taken
    assert calls == [3, 3]
    assert [read.packet_counter for read in receiver.reads()] == [3]
    assert receiver.stats.rejected == {"handler_failed": 1}


def test_a_full_queue_drops_the_oldest_reads(start: Start) -> None:
    receiver = start(queue_size=2)
    for packet in (1, 2, 3, 4):
        assert post(receiver.url, doc(packet=packet)).status_code == 200
    assert [read.packet_counter for read in receiver.reads()] == [3, 4]
    assert receiver.stats.dropped == 2
    assert "2 dropped from a full queue" in receiver.stats.summary()


def test_a_callback_only_receiver_keeps_no_queue(start: Start) -> None:
    seen: list[PlateRead] = []
    receiver = start(queue_size=0, on_read=seen.append)
    for packet in range(1, 6):
        post(receiver.url, doc(packet=packet))
    assert len(seen) == 5
    assert receiver.stats.dropped == 0
    with pytest.raises(ReceiverClosedError, match="queue_size=0"):
        receiver.get(timeout=0.1)


def test_wait_for_takes_nothing_when_it_times_out(start: Start) -> None:
    receiver = start()
    post(receiver.url, doc(packet=1))
    with pytest.raises(TimeoutError, match="1 of 2 plate reads"):
        receiver.wait_for(2, timeout=0.2)
    assert [read.packet_counter for read in receiver.reads()] == [1]


def test_images_are_saved_to_the_folder(start: Start, tmp_path: Path) -> None:
    folder = tmp_path / "plates"
    receiver = start(image_dir=folder)
    post_multipart(receiver.url, doc(packet=9), ("image", JPEG), ("image2", JPEG2))
    post(receiver.url, with_images(doc(packet=10), JPEG))
    post_multipart(receiver.url, doc(packet=9), ("image", JPEG))  # a resend: not saved again
    first, second = receiver.wait_for(2, timeout=5)
    assert [path.name for path in first.image_paths] == [
        "54950_9_plate.jpg",
        "54950_9_image2.jpg",
    ]
    assert first.image_paths[0].read_bytes() == JPEG
    assert first.image_paths[1].read_bytes() == JPEG2
    assert [path.name for path in second.image_paths] == ["54950_10_plate.jpg"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["54950_9_plate.jpg", "54950_9_image2.jpg", "54950_10_plate.jpg"]
    )


def test_image_names_never_leave_the_folder(start: Start, tmp_path: Path) -> None:
    folder = tmp_path / "plates"
    receiver = start(image_dir=folder)
    image = {"ImageType": "../../escape", "ImageFormat": "../x", "BinaryImage": "AAAA"}
    post(receiver.url, {**doc(), "ImageArray": [image]})
    (read,) = receiver.wait_for(1, timeout=5)
    assert [path.parent for path in read.image_paths] == [folder]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["54950_1_escape.bin"]


# --- lifecycle -------------------------------------------------------------------------------


async def test_async_iteration_ends_when_the_receiver_stops() -> None:
    receiver = PushReceiver(tcp_port=0)
    async with receiver:
        async with httpx.AsyncClient() as client:
            for packet in (1, 2):
                answer = await client.post(receiver.url, json=doc(packet=packet))
                assert answer.status_code == 200
        first = await receiver.get()
        assert first.packet_counter == 1
    # Stopped: what is queued still comes out, then the iteration ends.
    assert [read.packet_counter async for read in receiver] == [2]
    assert receiver.tcp_address is not None


def test_iterating_a_threaded_receiver_ends_when_it_stops(start: Start) -> None:
    receiver = start()
    post(receiver.url, doc(packet=1))
    collected: list[PlateRead] = []
    thread = threading.Thread(target=lambda: collected.extend(receiver))
    thread.start()
    receiver.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert [read.packet_counter for read in collected] == [1]


def test_a_busy_port_is_an_error_at_start() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="address already in use"):
            PushReceiver(port=port).in_thread().start()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"user": "camera"}, "both user and password"),
        ({"password": "x"}, "both user and password"),
        ({"user": "a:b", "password": "x"}, "without ':'"),
        ({"path": "lpr"}, "must start with '/'"),
        ({"auth": "ntlm"}, "basic, digest or any"),
        ({"auth_key": ""}, "must not be empty"),
        ({"max_body": 0}, "must be positive"),
        ({"port": 70000}, "0 to 65535"),
    ],
)
def test_bad_options_are_refused_before_anything_listens(
    options: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigurationError, match=words):
        PushReceiver(**options)


def test_repr_names_the_address_and_never_a_secret(start: Start) -> None:
    receiver = start(user="camera", password="s3cret", auth_key="k-123")
    text = repr(receiver)
    assert receiver.url in text
    assert "s3cret" not in text
    assert "k-123" not in text
