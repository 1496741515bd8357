"""The receiver under abuse stays up: garbage, truncated multipart, huge bodies, slow clients.

Hypothesis throws bodies, content types and raw bytes at one running receiver; after every
example a well-formed push must still be taken. Slow clients are real sockets that trickle
their request while other pushes are served.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axisctl.lpr import PushReceiver, ThreadedPushReceiver

MAX_BODY = 32 * 1024
WaitUntil = Callable[..., None]
network = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Pusher:
    """One receiver for the whole module, and a client that checks it still takes pushes."""

    def __init__(self, receiver: ThreadedPushReceiver) -> None:
        self.receiver = receiver
        self.client = httpx.Client(timeout=10)
        self.packet = 0

    def post(self, body: bytes, content_type: str | None, **headers: str) -> httpx.Response:
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self.client.post(self.receiver.url, content=body, headers=headers)

    def still_takes_pushes(self) -> None:
        self.packet += 1
        document = {
            "carID": "1",
            "carState": "new",
            "capture_timestamp": "1702297625507",
            "plateUnicode": "OK1234",
            "packetCounter": str(self.packet),
        }
        answer = self.client.post(self.receiver.url, json=document)
        assert answer.status_code == 200, answer.text
        self.receiver.reads()  # keep the queue short


@pytest.fixture(scope="module")
def pusher() -> Iterator[Pusher]:
    receiver = PushReceiver(max_body=MAX_BODY, read_timeout=2.0, queue_size=10)
    with receiver.in_thread() as running:
        helper = Pusher(running)
        yield helper
        helper.client.close()


def valid_document(**extra: Any) -> dict[str, Any]:
    return {
        "carID": "77",
        "carState": "update",
        "capture_timestamp": "1702297625507",
        "plateUnicode": "FUZ123",
        **extra,
    }


content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "multipart/form-data; boundary=b",
        "multipart/form-data",
        "text/plain",
        "application/octet-stream",
    ]
) | st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(
    str.strip  # h11 refuses a header value with blanks around it before it is sent
)


@network
@given(body=st.binary(max_size=3000), content_type=st.none() | content_types)
def test_garbage_bodies_get_a_4xx_and_never_stop_it(
    pusher: Pusher, body: bytes, content_type: str | None
) -> None:
    answer = pusher.post(body, content_type)
    assert answer.status_code in (400, 413, 415), answer.text
    assert answer.text.strip()  # a reason, always
    pusher.still_takes_pushes()


@network
@given(document=st.dictionaries(st.text(max_size=20), st.text(max_size=20), max_size=8))
def test_json_of_the_wrong_shape_is_a_400_naming_the_problem(
    pusher: Pusher, document: dict[str, str]
) -> None:
    answer = pusher.post(json.dumps(document).encode(), "application/json")
    assert answer.status_code == 400
    assert answer.text.startswith("bad push: ")
    pusher.still_takes_pushes()


def multipart(document: dict[str, Any], image: bytes, boundary: str) -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="event"; filename="event.json"\r\n'
        "Content-Type: application/json\r\n\r\n".encode()
        + json.dumps(document).encode()
        + f"\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="image"; filename="77_1.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )


@network
@given(
    image=st.binary(max_size=2000),
    boundary=st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz0123456789'()+_-", min_size=1, max_size=40
    ),
    data=st.data(),
)
def test_truncated_multipart_is_a_400(
    pusher: Pusher, image: bytes, boundary: str, data: st.DataObject
) -> None:
    body = multipart(valid_document(), image, boundary)
    closing = body.rindex(f"--{boundary}--".encode())
    cut = data.draw(st.integers(0, len(body) - 1), label="cut")
    answer = pusher.post(body[:cut], f"multipart/form-data; boundary={boundary}")
    if cut < closing + len(boundary) + 4:
        assert answer.status_code == 400, (cut, answer.text)
    else:
        assert answer.status_code == 200  # only the final CRLF is missing: still whole
    pusher.still_takes_pushes()


@network
@given(extra=st.integers(1, 50 * MAX_BODY), chunked=st.booleans())
def test_huge_bodies_are_a_413(pusher: Pusher, extra: int, chunked: bool) -> None:
    body = json.dumps(valid_document(pad="x" * (MAX_BODY + extra))).encode()
    content: bytes | Iterator[bytes] = (
        iter([body[i : i + 8192] for i in range(0, len(body), 8192)]) if chunked else body
    )
    try:
        answer = pusher.client.post(
            pusher.receiver.url, content=content, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 413
    except (httpx.RemoteProtocolError, httpx.WriteError):
        pass  # hung up on while still sending the rest of a chunked body
    pusher.still_takes_pushes()


@network
@given(raw=st.binary(min_size=1, max_size=2000))
def test_raw_bytes_on_the_socket_never_stop_it(pusher: Pusher, raw: bytes) -> None:
    host, port = httpx.URL(pusher.receiver.url).host, httpx.URL(pusher.receiver.url).port
    assert port is not None
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        try:
            answer = connection.recv(4096)
        except (ConnectionResetError, TimeoutError):
            answer = b""
    assert answer == b"" or answer.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4")), answer[:40]
    pusher.still_takes_pushes()


# --- slow clients ----------------------------------------------------------------------------


def trickle(address: tuple[str, int], head: bytes, rest: bytes, stop: threading.Event) -> bytes:
    """Send ``head`` at once, then ``rest`` a byte every 50 ms until cut off or ``stop``;
    returns what the receiver answered (``b""`` when it just hung up)."""
    with socket.create_connection(address, timeout=10) as connection:
        try:
            connection.sendall(head)
            for byte in rest:
                if stop.is_set():
                    break
                connection.sendall(bytes([byte]))
                time.sleep(0.05)
            return connection.recv(4096)
        except (ConnectionResetError, BrokenPipeError):
            return b""


def test_slow_clients_are_cut_off_and_others_served_meanwhile(wait_until: WaitUntil) -> None:
    body = json.dumps(valid_document()).encode()
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    endless_headers = b"X-Padding: 1\r\n" * 1000
    answers: list[bytes] = []
    stop = threading.Event()
    with PushReceiver(read_timeout=2.0).in_thread() as receiver:
        address = (httpx.URL(receiver.url).host, httpx.URL(receiver.url).port or 80)
        # At 20 bytes a second neither the bodies nor the headers complete in time.
        slow = [
            threading.Thread(target=lambda h=h, r=r: answers.append(trickle(address, h, r, stop)))
            for h, r in ((head, body), (head, body), (head[:20], endless_headers))
        ]
        for thread in slow:
            thread.start()
        try:
            with httpx.Client(timeout=5) as client:
                for packet in range(1, 11):
                    document = valid_document(packetCounter=str(packet))
                    assert client.post(receiver.url, json=document).status_code == 200
            # All ten were taken while every slow client was still connected.
            assert all(thread.is_alive() for thread in slow)
            for thread in slow:
                thread.join(timeout=30)
        finally:
            stop.set()
        assert not any(thread.is_alive() for thread in slow)
        assert len(receiver.wait_for(10, timeout=5)) == 10
        wait_until(lambda: receiver.stats.rejected.get("timeout") == 2, what="two 408s")
    # Cut off: a 408 with the reason, or (headers never done, or a reset) hung up on.
    assert len(answers) == 3
    assert all(answer == b"" or answer.startswith(b"HTTP/1.1 408") for answer in answers)
