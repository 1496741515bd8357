"""The TCP push: JSON documents on a plain connection, cut apart however they arrive."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.lpr import PlateImage, PushReceiver, ThreadedPushReceiver
from axisctl.lpr.tcp import DocumentSplitter, DocumentTooLargeError

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(3000) + b"\xff\xd9"

WaitUntil = Callable[..., None]


def doc(packet: int, **extra: Any) -> dict[str, Any]:
    return {
        "carID": "100",
        "carState": "update",
        "capture_timestamp": "1702297625507",
        "plateUnicode": "TÖLSL123",
        "packetCounter": str(packet),
        "ImageArray": [
            {"ImageType": "", "ImageFormat": "jpg", "BinaryImage": base64.b64encode(JPEG).decode()}
        ],
        **extra,
    }


def line(document: dict[str, Any]) -> bytes:
    """What the camera writes: the document in UTF-8, then a newline."""
    return json.dumps(document, ensure_ascii=False).encode() + b"\n"


@pytest.fixture
def receiver() -> Iterator[ThreadedPushReceiver]:
    with PushReceiver(tcp_port=0, max_body=64 * 1024, read_timeout=1.0).in_thread() as rx:
        yield rx


def send(receiver: ThreadedPushReceiver, *chunks: bytes) -> None:
    assert receiver.tcp_address is not None
    with socket.create_connection(receiver.tcp_address, timeout=5) as connection:
        for chunk in chunks:
            connection.sendall(chunk)


def test_one_document_per_connection_as_the_camera_sends_it(
    receiver: ThreadedPushReceiver,
) -> None:
    send(receiver, line(doc(1)))
    read = receiver.get(timeout=5)
    assert read.text == "TÖLSL123"
    assert read.packet_counter == 1
    assert read.images == (PlateImage("plate", "jpeg", JPEG),)


def test_several_documents_on_one_connection_in_pieces(receiver: ThreadedPushReceiver) -> None:
    stream = line(doc(1)) + json.dumps(doc(2)).encode() + b"  \r\n\t" + json.dumps(doc(3)).encode()
    send(receiver, *(stream[i : i + 1000] for i in range(0, len(stream), 1000)))
    reads = receiver.wait_for(3, timeout=5)
    assert [read.packet_counter for read in reads] == [1, 2, 3]


def test_a_bad_document_is_counted_and_skipped(
    receiver: ThreadedPushReceiver, wait_until: WaitUntil
) -> None:
    bad = {k: v for k, v in doc(2).items() if k != "carID"}
    send(receiver, line(doc(1)), line(bad), b"not json at all\n", b'{"x": [}\n', line(doc(3)))
    reads = receiver.wait_for(2, timeout=5)
    assert [read.packet_counter for read in reads] == [1, 3]
    wait_until(lambda: receiver.stats.rejected.get("malformed") == 3, what="3 malformed")


def test_a_resend_over_tcp_is_a_duplicate(
    receiver: ThreadedPushReceiver, wait_until: WaitUntil
) -> None:
    send(receiver, line(doc(5)))
    send(receiver, line(doc(5)))
    wait_until(lambda: receiver.stats.duplicates == 1, what="a duplicate")
    assert len(receiver.reads()) == 1


def test_a_document_past_the_cap_cuts_the_connection(
    receiver: ThreadedPushReceiver, wait_until: WaitUntil
) -> None:
    huge = doc(1, ImageArray=[{"BinaryImage": base64.b64encode(os.urandom(100_000)).decode()}])
    # Cut while still sending is the point: the error is expected.
    with contextlib.suppress(ConnectionResetError, BrokenPipeError):
        send(receiver, line(huge))
    wait_until(lambda: receiver.stats.rejected.get("too_large") == 1, what="too large")
    send(receiver, line(doc(2)))
    assert receiver.get(timeout=5).packet_counter == 2


def test_a_connection_that_ends_mid_document_is_counted(
    receiver: ThreadedPushReceiver, wait_until: WaitUntil
) -> None:
    send(receiver, line(doc(1))[:500])
    wait_until(lambda: receiver.stats.rejected.get("incomplete") == 1, what="incomplete")
    assert receiver.reads() == []


def test_a_silent_connection_is_cut_after_the_read_timeout(
    receiver: ThreadedPushReceiver, wait_until: WaitUntil
) -> None:
    assert receiver.tcp_address is not None
    with socket.create_connection(receiver.tcp_address, timeout=5) as stalled:
        stalled.sendall(line(doc(1))[:200])
        # Others are served while it stalls.
        send(receiver, line(doc(2)))
        assert receiver.get(timeout=5).packet_counter == 2
        assert stalled.recv(1) == b""  # the receiver hung up on it
    assert receiver.stats.rejected == {"timeout": 1}


# --- the splitter ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
objects = st.dictionaries(st.text(max_size=6), json_values, max_size=4)
whitespace = st.text(alphabet=" \t\r\n", max_size=3)


@given(st.lists(st.tuples(objects, whitespace, st.booleans()), max_size=6), st.data())
def test_documents_come_out_whole_however_the_stream_is_cut(
    items: list[tuple[dict[str, Any], str, bool]], data: st.DataObject
) -> None:
    stream = b"".join(
        json.dumps(obj, ensure_ascii=ascii_only).encode() + space.encode()
        for obj, space, ascii_only in items
    )
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    splitter = DocumentSplitter(max_document=1_000_000)
    found: list[bytes | str] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        found.extend(splitter.feed(stream[start:end]))
    assert [json.loads(piece) for piece in found if isinstance(piece, bytes)] == [
        obj for obj, _, _ in items
    ]
    assert not any(isinstance(piece, str) for piece in found)
    assert not splitter.pending


@given(st.binary(max_size=200), st.integers(1, 50))
def test_any_bytes_give_pieces_problems_or_the_size_error(data: bytes, step: int) -> None:
    splitter = DocumentSplitter(max_document=64)
    try:
        for start in range(0, len(data), step):
            for piece in splitter.feed(data[start : start + step]):
                assert isinstance(piece, (bytes, str))
                if isinstance(piece, bytes):
                    assert piece.startswith(b"{")
                    assert piece.endswith(b"}")
    except DocumentTooLargeError:
        pass


def test_braces_inside_strings_and_escaped_quotes_do_not_end_a_document() -> None:
    tricky = {"a": '}{"\\', "b": ['}"]', {"c": "\\\\}"}]}
    stream = json.dumps(tricky).encode()
    splitter = DocumentSplitter(max_document=1000)
    pieces = [p for i in range(len(stream)) for p in splitter.feed(stream[i : i + 1])]
    assert [json.loads(p) for p in pieces if isinstance(p, bytes)] == [tricky]


def test_garbage_between_documents_is_skipped_to_the_next_line() -> None:
    splitter = DocumentSplitter(max_document=1000)
    pieces = splitter.feed(b'{"a": 1} junk {"lost": 1}\n{"b": 2}')
    assert pieces == [
        b'{"a": 1}',
        "data outside a JSON object, skipped to the next line",
        b'{"b": 2}',
    ]
