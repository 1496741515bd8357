"""OSDP frames: the packet layer below commands and replies, without any I/O.

Wire layout (SIA OSDP 2.2 section 5, confirmed against libosdp 3.2.9)::

    [FF mark]  53 | ADDR | LEN_lo LEN_hi | CTRL | [SCB: len type data...] | CODE | DATA... |
               [MAC 4 bytes] | checksum (1) or CRC-16 (2, low byte first)

* ``ADDR`` bit 7 marks a reply (PD to CP); ``0x7F`` is the broadcast address.
* ``LEN`` counts everything from SOM through the check bytes, but not the optional 0xFF mark.
* ``CTRL`` bits 0-1 are the sequence number, bit 2 selects CRC-16 over the checksum and
  bit 3 announces a security control block (SCB). Bits 4-7 are reserved: sent as 0 and
  ignored on receive.
* The MAC is present exactly when the SCB type is one of SCS_15 to SCS_18.

API notes for the control panel and reader built on this module (agreed shape, plus):

* :func:`encode` takes ``mark=True`` to prefix the 0xFF mark byte. libosdp's control panel
  always sends it; libosdp 3.2.9's reader answers without it. :class:`Packet` does not
  keep the mark; :attr:`FrameDecoder.last_marked` tells whether the last frame had one.
* :func:`mac_input` gives the bytes a MAC covers; :mod:`.secure` uses it.
* :meth:`FrameDecoder.flush` is the end-of-burst signal: call it when the line has been
  quiet (a sans-I/O decoder cannot know time); it abandons a partial frame and resyncs.
* :class:`FrameDecoder` keeps its recent errors in a bounded deque (``errors``) plus a
  running ``error_count``, so a bus that is noisy for days cannot grow memory.
* :class:`Packet`, :class:`SecurityBlock`, the constants and the CRC live in
  :mod:`.packet` and are re-exported here. :class:`Packet` validates its fields on
  construction and raises :class:`~axisctl.errors.InvalidSettingValueError` naming the field.
"""

from __future__ import annotations

from collections import deque

from axisctl.errors import InvalidSettingValueError

from .errors import (
    ChecksumError,
    FrameError,
    FrameLengthError,
    SecurityBlockError,
    StartOfMessageError,
)
from .packet import (
    BROADCAST,
    MARK,
    REPLY_FLAG,
    SOM,
    Packet,
    SecurityBlock,
    checksum,
    crc16,
)

__all__ = [
    "BROADCAST",
    "MARK",
    "MAX_FRAME_LENGTH",
    "REPLY_FLAG",
    "SOM",
    "FrameDecoder",
    "Packet",
    "SecurityBlock",
    "checksum",
    "crc16",
    "decode",
    "encode",
    "mac_input",
]

#: The spec (section 5.6) wants devices to tolerate frames for other devices up to this size.
MAX_FRAME_LENGTH = 1440

_CTRL_SEQUENCE = 0x03
_CTRL_CRC = 0x04
_CTRL_SCB = 0x08
_HEADER = 5  # SOM, ADDR, LEN_lo, LEN_hi, CTRL
_MAC_LENGTH = 4


def _header_and_body(packet: Packet) -> bytes:
    """SOM through the last data byte, with LEN already counting MAC and check bytes."""
    security = packet.security
    scb = b""
    if security is not None:
        scb = bytes((2 + len(security.data), security.type)) + security.data
    trailer = (2 if packet.use_crc else 1) + (
        _MAC_LENGTH if security is not None and security.has_mac else 0
    )
    length = _HEADER + len(scb) + 1 + len(packet.data) + trailer
    if length > MAX_FRAME_LENGTH:
        raise InvalidSettingValueError(
            f"the frame would be {length} bytes, more than OSDP's {MAX_FRAME_LENGTH}",
            field="data",
        )
    control = (
        packet.sequence
        | (_CTRL_CRC if packet.use_crc else 0)
        | (_CTRL_SCB if security is not None else 0)
    )
    head = bytes((SOM, packet.wire_address, length & 0xFF, length >> 8, control, *scb, packet.code))
    return head + packet.data


def mac_input(packet: Packet) -> bytes:
    """The bytes a secure-channel MAC covers: SOM through the last (encrypted) data byte.

    LEN in these bytes already counts the MAC and the check bytes, as on the wire.
    """
    return _header_and_body(packet)


def encode(packet: Packet, *, mark: bool = False) -> bytes:
    """The whole frame: optional 0xFF mark, header, SCB, code, data, MAC and CRC/checksum.

    Raises :class:`~axisctl.errors.InvalidSettingValueError` when an SCS_15..18 packet has
    no MAC yet (protect it with the secure channel first) or the frame would be too long.
    """
    security = packet.security
    if security is not None and security.has_mac and packet.mac is None:
        raise InvalidSettingValueError(
            f"a packet with security block {security.type:#04x} needs its 4-byte MAC",
            field="mac",
        )
    frame = _header_and_body(packet)
    if packet.mac is not None:
        frame += packet.mac
    if packet.use_crc:
        crc = crc16(frame)
        frame += bytes((crc & 0xFF, crc >> 8))
    else:
        frame += bytes((checksum(frame),))
    return b"\xff" + frame if mark else frame


def decode(frame: bytes) -> Packet:
    """Exactly one frame (leading 0xFF marks allowed) into a :class:`Packet`.

    Raises a :class:`~axisctl.drivers.osdp.errors.FrameError` subclass saying what is wrong.
    """
    start = 0
    while start < len(frame) and frame[start] == MARK:
        start += 1
    if start:
        frame = frame[start:]
    if not frame:
        raise FrameLengthError("empty frame: no SOM byte")
    if frame[0] != SOM:
        raise StartOfMessageError(f"frame starts with {frame[0]:#04x}, expected SOM 0x53")
    if len(frame) < _HEADER:
        raise FrameLengthError(f"frame of {len(frame)} bytes is shorter than the 5-byte header")
    length = frame[2] | frame[3] << 8
    if length != len(frame):
        raise FrameLengthError(f"LEN says {length} bytes but the frame has {len(frame)}")
    control = frame[4]
    use_crc = bool(control & _CTRL_CRC)
    minimum = _HEADER + 1 + (2 if use_crc else 1)
    if length < minimum:
        raise FrameLengthError(f"LEN {length} is below the minimum of {minimum}")
    if length > MAX_FRAME_LENGTH:
        raise FrameLengthError(f"LEN {length} exceeds OSDP's maximum of {MAX_FRAME_LENGTH}")
    if use_crc:
        end = length - 2
        expected = crc16(frame[:end])
        got = frame[end] | frame[end + 1] << 8
        if got != expected:
            raise ChecksumError(f"CRC is {got:#06x}, expected {expected:#06x}")
    else:
        end = length - 1
        expected = checksum(frame[:end])
        if frame[end] != expected:
            raise ChecksumError(f"checksum is {frame[end]:#04x}, expected {expected:#04x}")
    position = _HEADER
    security = None
    if control & _CTRL_SCB:
        block_length = frame[position]
        if block_length < 2 or position + block_length >= end:
            raise SecurityBlockError(
                f"security block length {block_length} does not fit: expected 2.."
                f"{end - position - 1}"
            )
        security = SecurityBlock(frame[position + 1], frame[position + 2 : position + block_length])
        position += block_length
    code = frame[position]
    position += 1
    mac = None
    if security is not None and security.has_mac:
        if end - _MAC_LENGTH < position:
            raise FrameLengthError(
                f"security block {security.type:#04x} needs a 4-byte MAC, "
                f"only {end - position} bytes follow the code"
            )
        end -= _MAC_LENGTH
        mac = frame[end : end + _MAC_LENGTH]
    return Packet(
        address=frame[1] & BROADCAST,
        reply=bool(frame[1] & REPLY_FLAG),
        sequence=control & _CTRL_SEQUENCE,
        code=code,
        data=bytes(frame[position:end]),
        use_crc=use_crc,
        security=security,
        mac=None if mac is None else bytes(mac),
    )


class FrameDecoder:
    """Splits a byte stream into packets; never raises on bad input.

    Bytes before a SOM are skipped (0xFF marks silently, anything else counted in
    :attr:`discarded`). A frame that fails to decode is recorded in :attr:`errors` (the most
    recent ``keep_errors``) and :attr:`error_count`, and the search for the next SOM resumes
    one byte after the bad frame's SOM, so a good frame right behind it is still found.

    A corrupted LEN (or a stray 0x53 in line noise) makes the decoder wait for bytes that
    may never come: the link calls :meth:`flush` when the line has gone quiet, which gives
    up on the partial frame and finds any good frame behind it.
    """

    def __init__(self, *, max_length: int = MAX_FRAME_LENGTH, keep_errors: int = 32) -> None:
        self.max_length = max_length
        self.errors: deque[FrameError] = deque(maxlen=keep_errors)
        self.error_count = 0
        self.discarded = 0
        #: Whether the most recently decoded frame was preceded by a 0xFF mark byte.
        self.last_marked = False
        self._buffer = bytearray()
        self._marked = False

    @property
    def pending(self) -> int:
        """Bytes held back as the start of an incomplete frame."""
        return len(self._buffer)

    def reset(self) -> int:
        """Drops a partial frame (for example after an inter-character timeout).

        Returns the number of bytes dropped.
        """
        dropped = len(self._buffer)
        self._buffer.clear()
        self._marked = False
        return dropped

    def feed(self, data: bytes) -> list[Packet]:
        """Adds received bytes; returns the packets completed by them, in order."""
        self._buffer += data
        return self._drain(final=False)

    def flush(self) -> list[Packet]:
        """Declares the line idle: no more bytes are coming for a partial frame.

        The partial frame is recorded as an error and the bytes behind its SOM are searched
        again, so a good frame that a stray SOM with a large LEN was holding back still comes
        out. Call it when the line has been quiet for longer than a character takes. Returns
        the packets found; afterwards nothing is pending.
        """
        return self._drain(final=True)

    def _drain(self, *, final: bool) -> list[Packet]:
        buffer = self._buffer
        packets: list[Packet] = []
        while buffer:
            if buffer[0] != SOM:
                som = buffer.find(SOM)
                skipped = buffer if som < 0 else buffer[:som]
                self.discarded += len(skipped) - skipped.count(MARK)
                self._marked = skipped[-1] == MARK
                if som < 0:
                    buffer.clear()
                    break
                del buffer[:som]
            length = buffer[2] | buffer[3] << 8 if len(buffer) >= 4 else None
            if length is not None and not 7 <= length <= self.max_length:
                self._drop(FrameLengthError(f"LEN {length} is outside 7..{self.max_length}"))
                continue
            if length is None or len(buffer) < length:
                if not final:
                    break
                self._drop(
                    FrameLengthError(
                        f"frame cut short: {len(buffer)} bytes arrived"
                        + ("" if length is None else f", LEN says {length}")
                    )
                )
                continue
            try:
                packet = decode(bytes(buffer[:length]))
            except FrameError as error:
                self._drop(error)
                continue
            del buffer[:length]
            self.last_marked = self._marked
            self._marked = False
            packets.append(packet)
        return packets

    def _drop(self, error: FrameError) -> None:
        """Records ``error`` and resumes the search for SOM one byte further."""
        self.errors.append(error)
        self.error_count += 1
        del self._buffer[:1]
        self._marked = False
