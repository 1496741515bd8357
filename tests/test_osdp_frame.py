"""OSDP frames: CRC and checksum vectors, encoding, decoding errors and the stream decoder."""

from __future__ import annotations

import pytest

from axisctl.drivers.osdp.errors import (
    ChecksumError,
    FrameError,
    FrameLengthError,
    SecurityBlockError,
    StartOfMessageError,
)
from axisctl.drivers.osdp.frame import (
    MAX_FRAME_LENGTH,
    FrameDecoder,
    Packet,
    SecurityBlock,
    checksum,
    crc16,
    decode,
    encode,
    mac_input,
)
from axisctl.errors import InvalidSettingValueError, ParseError


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_crc16_check_value_is_aug_ccitt() -> None:
    assert crc16(b"123456789") == 0xE5CC
    assert crc16(b"") == 0x1D0F


@pytest.mark.parametrize(
    ("body", "crc"),
    [
        # SIA OSDP Annex E, CRC examples 1 and 2.
        ("53 7F 0D 00 04 6E 00 80 25 00 00", "6E 38"),
        ("53 00 09 00 04 61 00", "C0 66"),
        # libosdp test-cp-phy.c vectors.
        ("53 65 08 00 04 60", "60 90"),
        ("53 65 09 00 04 61 00", "D9 7A"),
        ("53 65 10 00 04 76 01 02 03 04 05 06 07 08", "0D 20"),
        ("53 E5 09 00 05 41 01", "0E 8F"),
    ],
)
def test_crc16_matches_published_vectors(body: str, crc: str) -> None:
    value = crc16(h(body))
    assert bytes((value & 0xFF, value >> 8)) == h(crc)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("53 7F 0C 00 00 6E 00 80 25 00 00", 0x0F),  # Annex E checksum example 1
        ("53 00 08 00 00 61 00", 0x44),  # Annex E checksum example 2
        ("53 E5 07 00 01 40", 0x80),  # libosdp: ACK from 0x65, SQN 1
    ],
)
def test_checksum_matches_published_vectors(body: str, check: int) -> None:
    assert checksum(h(body)) == check


def test_comset_broadcast_vector_decodes_and_reencodes() -> None:
    frame = h("53 7F 0D 00 04 6E 00 80 25 00 00 6E 38")
    packet = decode(frame)
    assert packet == Packet(
        address=0x7F, reply=False, sequence=0, code=0x6E, data=h("00 80 25 00 00")
    )
    assert encode(packet) == frame


def test_checksum_frame_round_trips() -> None:
    frame = h("53 E5 07 00 01 40 80")
    packet = decode(frame)
    assert packet == Packet(address=0x65, reply=True, sequence=1, code=0x40, use_crc=False)
    assert encode(packet) == frame


@pytest.mark.parametrize(
    "frame",
    [
        # A Mercury panel talking to a libosdp reader (libosdp issue 102).
        "53 00 08 00 04 60 EB AA",
        "53 80 08 00 04 40 59 AC",
        "53 00 09 00 05 61 00 F0 51",
        "53 80 14 00 05 45 5C 26 23 14 10 00 03 08 CC 04 00 04 3A 41",
    ],
)
def test_field_trace_frames_round_trip(frame: str) -> None:
    assert encode(decode(h(frame))) == h(frame)


def test_reply_to_broadcast_has_address_ff() -> None:
    packet = Packet(address=0x7F, reply=True, sequence=0, code=0x40)
    assert packet.wire_address == 0xFF
    assert encode(packet)[1] == 0xFF
    assert decode(encode(packet)) == packet


def test_mark_byte_is_outside_length_and_crc() -> None:
    packet = Packet(address=0x65, reply=False, sequence=0, code=0x60)
    assert encode(packet, mark=True) == b"\xff" + h("53 65 08 00 04 60 60 90")
    assert decode(b"\xff\xff\xff" + encode(packet)) == packet


def test_security_block_and_mac_layout() -> None:
    # POLL under SCS_15 from the golden libosdp session (docs Appendix A).
    frame = h("53 65 0e 00 0d 02 15 60 63 b1 4b 3c 46 43")
    packet = decode(frame)
    assert packet.sequence == 1
    assert packet.security == SecurityBlock(0x15)
    assert packet.mac == h("63 b1 4b 3c")
    assert packet.data == b""
    assert encode(packet) == frame
    assert mac_input(packet) == frame[:8]


def test_handshake_security_block_carries_data() -> None:
    frame = h("53 65 13 00 0e 03 11 01 76 d7 64 c8 cc e9 32 55 c4 f1 05")
    packet = decode(frame)
    assert packet.security == SecurityBlock(0x11, b"\x01")
    assert packet.mac is None
    assert packet.data == h("d7 64 c8 cc e9 32 55 c4")
    assert encode(packet) == frame


def test_reserved_control_bits_are_ignored() -> None:
    body = bytearray(h("53 65 08 00 04 60"))
    body[4] |= 0xF0
    crc = crc16(bytes(body))
    packet = decode(bytes(body) + bytes((crc & 0xFF, crc >> 8)))
    assert packet == Packet(address=0x65, reply=False, sequence=0, code=0x60)


def _with_crc(body: bytes) -> bytes:
    crc = crc16(body)
    return body + bytes((crc & 0xFF, crc >> 8))


@pytest.mark.parametrize(
    ("frame", "error", "words"),
    [
        (b"", FrameLengthError, "empty"),
        (b"\xff\xff", FrameLengthError, "empty"),
        (h("54 65 08 00 04 60 60 90"), StartOfMessageError, "expected SOM"),
        (h("53 65 08"), FrameLengthError, "header"),
        (h("53 65 09 00 04 60 60 90"), FrameLengthError, "LEN says 9"),
        (h("53 65 08 00 04 60 60 91"), ChecksumError, "CRC is 0x9160, expected 0x9060"),
        (h("53 E5 07 00 01 40 81"), ChecksumError, "checksum is 0x81, expected 0x80"),
        (_with_crc(h("53 65 07 00 04")), FrameLengthError, "below the minimum of 8"),
        (_with_crc(h("53 65 0a 00 0c 01 15 60")), SecurityBlockError, "length 1"),
        (_with_crc(h("53 65 0a 00 0c 03 15 60")), SecurityBlockError, "length 3"),
        (_with_crc(h("53 65 0c 00 0c 02 15 60 00 00")), FrameLengthError, "4-byte MAC"),
    ],
)
def test_decode_names_what_is_wrong(frame: bytes, error: type[FrameError], words: str) -> None:
    with pytest.raises(error, match=words) as caught:
        decode(frame)
    assert isinstance(caught.value, ParseError)


def test_decode_rejects_frames_over_the_spec_maximum() -> None:
    length = MAX_FRAME_LENGTH + 1
    body = bytes((0x53, 0x01, length & 0xFF, length >> 8, 0x04, 0x60)) + bytes(length - 8)
    with pytest.raises(FrameLengthError, match="exceeds"):
        decode(_with_crc(body))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"address": 0x80}, "address"),
        ({"address": -1}, "address"),
        ({"sequence": 4}, "sequence"),
        ({"code": 256}, "code"),
        ({"mac": b"\x00" * 3, "security": SecurityBlock(0x15)}, "mac"),
        ({"mac": b"\x00" * 4}, "mac"),
        ({"mac": b"\x00" * 4, "security": SecurityBlock(0x11)}, "mac"),
    ],
)
def test_packet_rejects_bad_fields(fields: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"address": 1, "reply": False, "sequence": 0, "code": 0x60}
    arguments.update(fields)
    with pytest.raises(InvalidSettingValueError) as caught:
        Packet(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_encode_refuses_a_mac_type_block_without_mac() -> None:
    packet = Packet(1, False, 0, 0x60, security=SecurityBlock(0x17))
    with pytest.raises(InvalidSettingValueError, match="needs its 4-byte MAC"):
        encode(packet)


def test_encode_refuses_frames_over_the_maximum() -> None:
    packet = Packet(1, False, 0, 0x6F, data=bytes(MAX_FRAME_LENGTH))
    with pytest.raises(InvalidSettingValueError) as caught:
        encode(packet)
    assert caught.value.field == "data"


POLL = Packet(address=0x65, reply=False, sequence=1, code=0x60)
ACK = Packet(address=0x65, reply=True, sequence=1, code=0x40, use_crc=False)


def test_decoder_returns_frames_split_over_many_feeds() -> None:
    stream = encode(POLL, mark=True) + encode(ACK)
    decoder = FrameDecoder()
    packets = []
    for byte in stream:
        packets += decoder.feed(bytes((byte,)))
    assert packets == [POLL, ACK]
    assert decoder.pending == 0
    assert decoder.error_count == 0


def test_decoder_skips_garbage_and_counts_it_but_not_marks() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"\x00\x01\xff\xff" + encode(POLL) + b"\xff\x02") == [POLL]
    assert decoder.discarded == 3
    assert decoder.error_count == 0


def test_decoder_tracks_whether_the_frame_had_a_mark() -> None:
    decoder = FrameDecoder()
    decoder.feed(encode(POLL, mark=True)[:1])
    decoder.feed(encode(POLL, mark=True)[1:])
    assert decoder.last_marked
    decoder.feed(encode(POLL))
    assert not decoder.last_marked


def test_decoder_drops_a_bad_frame_and_decodes_the_next() -> None:
    bad = bytearray(encode(POLL))
    bad[-1] ^= 0x01
    decoder = FrameDecoder()
    assert decoder.feed(bytes(bad) + encode(ACK)) == [ACK]
    assert decoder.error_count == 1
    assert isinstance(decoder.errors[0], ChecksumError)


def test_decoder_resyncs_after_an_impossible_length() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(h("53 01 02 00") + encode(POLL)) == [POLL]
    assert isinstance(decoder.errors[-1], FrameLengthError)


def test_decoder_honours_a_smaller_maximum() -> None:
    decoder = FrameDecoder(max_length=64)
    big = encode(Packet(1, False, 0, 0x6F, data=bytes(100)))
    assert decoder.feed(big + encode(POLL)) == [POLL]
    assert decoder.error_count >= 1


def test_decoder_keeps_a_bounded_error_history() -> None:
    decoder = FrameDecoder(keep_errors=3)
    for _ in range(10):
        decoder.feed(h("53 01 02 00"))
    assert decoder.error_count == 10
    assert len(decoder.errors) == 3


def test_flush_gives_up_on_a_partial_frame_and_finds_the_one_behind_it() -> None:
    decoder = FrameDecoder()
    # A stray SOM with a plausible length holds back everything after it ...
    assert decoder.feed(b"\x53\x01\x40\x00" + encode(POLL) + encode(ACK)[:3]) == []
    assert decoder.pending > 0
    # ... until the line goes quiet and the link flushes the decoder.
    assert decoder.flush() == [POLL]
    assert decoder.pending == 0
    assert decoder.error_count == 2
    assert "cut short" in str(decoder.errors[-1])


def test_reset_drops_everything_pending() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(encode(POLL)[:5]) == []
    assert decoder.reset() == 5
    assert decoder.feed(encode(ACK)) == [ACK]
