"""Cross-check of our codec against libosdp: sniff a libosdp CP talking to a libosdp PD.

Both libosdp ends run in-process over a real pseudo-terminal pair. Every byte each side
writes is recorded; our FrameDecoder splits the streams, our SecureChannel re-derives the
session from the handshake, verifies every MAC, decrypts every payload and, given the plain
packet, produces the very bytes libosdp put on the wire. Our payload decoders must read
every command and reply libosdp sent.
"""

from __future__ import annotations

import os
import threading
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest

from axisctl.drivers.osdp.frame import FrameDecoder, Packet, encode
from axisctl.drivers.osdp.messages import (
    BuzzerCommand,
    Challenge,
    ClientCryptogram,
    Command,
    InitialRmac,
    KeypadData,
    KeySet,
    LedColor,
    LedCommand,
    OutputCommand,
    OutputControl,
    RawCardData,
    Reply,
    ServerCryptogram,
    TemporaryLedControl,
    TextCommand,
    decode_command,
    decode_reply,
)
from axisctl.drivers.osdp.secure import (
    DEFAULT_SCBK,
    SecureChannel,
    client_cryptogram,
    derive_session_keys,
    initial_rmac,
    server_cryptogram,
)

# The unrelated PyPI package `osdp` also installs a top-level `osdp`; libosdp brings osdp_sys.
pytest.importorskip("osdp_sys", reason="libosdp (pip install libosdp) is not installed")
import osdp  # type: ignore[import-untyped]

ADDRESS = 101
SCBK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
SITE_KEY = bytes.fromhex("f0e0d0c0b0a090807060504030201000")
CARD_BITS = "10111101100010001110101110"  # H10301, facility 123, card 4567


class Wire:
    """What each side wrote, in the order written (the bus is half-duplex)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writes: list[tuple[str, bytes]] = []

    def add(self, sender: str, data: bytes) -> None:
        with self.lock:
            self.writes.append((sender, bytes(data)))


class FdChannel(osdp.Channel):  # type: ignore[misc]
    """libosdp channel on a raw, non-blocking file descriptor."""

    def __init__(self, fd: int, wire: Wire, sender: str) -> None:
        super().__init__()
        self.fd, self.wire, self.sender = fd, wire, sender
        os.set_blocking(fd, False)

    def read(self, max_bytes: int) -> bytes:
        try:
            return os.read(self.fd, max_bytes)
        except (BlockingIOError, InterruptedError, OSError):
            return b""

    def write(self, buf: bytes) -> int:
        # Record before writing: the peer cannot answer, and record its answer, any earlier.
        self.wire.add(self.sender, buf)
        written = os.write(self.fd, buf)
        assert written == len(buf)
        return written

    def flush(self) -> None:
        while self.read(4096):
            pass


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("libosdp did not get there in time")
        time.sleep(0.02)


@dataclass
class Session:
    wire: Wire
    received_keys: list[bytes]


def run_libosdp(scenario: str) -> Session:
    """A libosdp CP and PD talk over a pty until commands and events went through."""
    wire = Wire()
    master, slave = os.openpty()
    tty.setraw(slave)
    cp_channel = FdChannel(master, wire, "cp")
    pd_channel = FdChannel(slave, wire, "pd")
    flags = osdp.LibFlag
    if scenario == "secure":
        pd_info = osdp.PDInfo(ADDRESS, pd_channel, scbk=SCBK, flags=[flags.EnforceSecure])
        cp_info = osdp.PDInfo(ADDRESS, cp_channel, scbk=SCBK, flags=[flags.EnforceSecure])
    else:  # install mode: the PD has no key yet, the CP moves it to SCBK via SCBK-D
        pd_info = osdp.PDInfo(ADDRESS, pd_channel, scbk=None, flags=[flags.InstallMode])
        cp_info = osdp.PDInfo(ADDRESS, cp_channel, scbk=SCBK)
    pd_info.id = osdp.PdId(2, 7, 0x00A0B1, 0x12345678, 0x010203)
    capabilities = osdp.PDCapabilities(
        [
            (osdp.Capability.OutputControl, 1, 4),
            (osdp.Capability.LEDControl, 1, 2),
            (osdp.Capability.AudibleControl, 1, 1),
            (osdp.Capability.TextOutput, 1, 1),
            (osdp.Capability.CardDataFormat, 1, 1),
        ]
    )
    received_keys: list[bytes] = []

    def on_command(command: dict[str, Any]) -> tuple[int, None]:
        # Runs inside libosdp's refresh: only record, never call back into libosdp.
        if command["command"] == osdp.Command.Keyset:
            received_keys.append(command["data"])
        return 0, None

    pd = osdp.PeripheralDevice(
        pd_info, capabilities, log_level=osdp.LogLevel.Error, command_handler=on_command
    )
    cp = osdp.ControlPanel([cp_info], log_level=osdp.LogLevel.Error)
    pd.start()  # the PD first: a CP whose first ID goes unanswered backs off for 300 s
    cp.start()
    try:
        wait_for(lambda: cp.is_sc_active(ADDRESS) and pd.is_sc_active())
        commands: list[dict[str, Any]] = [
            {
                "command": osdp.Command.LED,
                "reader": 0,
                "led_number": 0,
                "control_code": 2,
                "on_count": 5,
                "off_count": 5,
                "on_color": osdp.CommandLEDColor.Red,
                "off_color": osdp.CommandLEDColor.Black,
                "timer_count": 30,
                "temporary": True,
            },
            {
                "command": osdp.Command.Buzzer,
                "reader": 0,
                "control_code": 2,
                "on_count": 2,
                "off_count": 2,
                "rep_count": 3,
            },
            {"command": osdp.Command.Output, "output_no": 1, "control_code": 5, "timer_count": 20},
            {
                "command": osdp.Command.Text,
                "reader": 0,
                "control_code": 1,
                "temp_time": 0,
                "offset_row": 1,
                "offset_col": 1,
                "data": "HELLO",
            },
        ]
        if scenario == "secure":
            commands.append({"command": osdp.Command.Keyset, "type": 1, "data": SITE_KEY})
        for command in commands:
            assert cp.submit_command(ADDRESS, command)
            wait_for(partial(_pd_got, pd, command["command"]))
        if scenario == "secure":
            wait_for(lambda: cp.is_sc_active(ADDRESS) and pd.is_sc_active())
        card = (int(CARD_BITS, 2) << 6).to_bytes(4, "big")
        assert pd.submit_event(
            {
                "event": osdp.Event.CardRead,
                "reader_no": 0,
                "direction": 0,
                "format": osdp.CardFormat.Wiegand,
                "length": 26,
                "data": card,
            }
        )
        assert pd.submit_event({"event": osdp.Event.KeyPress, "reader_no": 0, "data": b"12\x7f\r"})
        events: list[int] = []
        wait_for(lambda: _cp_got_events(cp, events))
    finally:
        cp.teardown()
        pd.teardown()
        os.close(slave)
        os.close(master)
    return Session(wire, received_keys)


def _pd_got(pd: Any, command: int) -> bool:
    got = pd.get_command(timeout=0.05)
    return got is not None and got["command"] == command


def _cp_got_events(cp: Any, events: list[int]) -> bool:
    event = cp.get_event(ADDRESS, timeout=0.05)
    if event is not None:
        events.append(event["event"])
    return {osdp.Event.CardRead, osdp.Event.KeyPress} <= set(events)


@dataclass
class Sniffed:
    sender: str
    packet: Packet
    plain: Packet
    payload: object


def sniff(wire: Wire, keys: list[bytes]) -> Iterator[Sniffed]:
    """Decodes the recorded traffic like a passive bus monitor that knows the keys."""
    decoders = {"cp": FrameDecoder(), "pd": FrameDecoder()}
    cp_side = pd_side = None
    rnd_a = rnd_b = b""
    session_keys = None
    for sender, chunk in wire.writes:
        decoder = decoders[sender]
        for packet in decoder.feed(chunk):
            plain = packet
            if packet.security is not None and packet.security.has_mac:
                assert cp_side is not None
                assert pd_side is not None
                if sender == "cp":
                    plain = pd_side.unprotect(packet)
                    assert cp_side.protect(plain) == packet
                else:
                    plain = cp_side.unprotect(packet)
                    assert pd_side.protect(plain) == packet
            elif packet.code == Command.CHLNG and not packet.reply:
                rnd_a = Challenge.decode(packet.data).rnd_a
                cp_side = pd_side = None
            elif packet.code == Reply.CCRYPT and packet.reply:
                ccrypt = ClientCryptogram.decode(packet.data)
                rnd_b = ccrypt.rnd_b
                # A failed attempt (the wrong key) leaves no session keys.
                candidates = [derive_session_keys(key, rnd_a) for key in keys]
                session_keys = next(
                    (
                        candidate
                        for candidate in candidates
                        if client_cryptogram(candidate, rnd_a, rnd_b) == ccrypt.cryptogram
                    ),
                    None,
                )
            elif packet.code == Command.SCRYPT and not packet.reply:
                assert session_keys is not None
                expected = server_cryptogram(session_keys, rnd_a, rnd_b)
                assert ServerCryptogram.decode(packet.data).cryptogram == expected
            elif packet.code == Reply.RMAC_I and packet.reply:
                assert session_keys is not None
                scrypt = server_cryptogram(session_keys, rnd_a, rnd_b)
                rmac_i = initial_rmac(session_keys, scrypt)
                assert InitialRmac.decode(packet.data).rmac == rmac_i
                cp_side = SecureChannel(session_keys, rmac_i, role="cp")
                pd_side = SecureChannel(session_keys, rmac_i, role="pd")
            decode = decode_reply if plain.reply else decode_command
            yield Sniffed(sender, packet, plain, decode(plain.code, plain.data))
    for decoder in decoders.values():
        assert decoder.error_count == 0
        assert decoder.discarded == 0


def _frames_reencode(wire: Wire) -> None:
    decoders = {"cp": FrameDecoder(), "pd": FrameDecoder()}
    for sender, chunk in wire.writes:
        # libosdp writes each frame with one write() call.
        decoder = decoders[sender]
        (packet,) = decoder.feed(chunk)
        assert encode(packet, mark=decoder.last_marked) == chunk
        if sender == "cp":
            # libosdp's CP prefixes every command with the 0xFF mark (its PD, as of 3.2.9,
            # answers without one, whatever a reading of osdp_phy.c suggests).
            assert decoder.last_marked


@pytest.mark.timeout(60)
@pytest.mark.parametrize("scenario", ["secure", "install"])
def test_libosdp_traffic_decodes_and_verifies_with_our_codec(scenario: str) -> None:
    session = run_libosdp(scenario)
    _frames_reencode(session.wire)
    sniffed = list(sniff(session.wire, [SCBK, SITE_KEY, DEFAULT_SCBK]))
    payloads = [item.payload for item in sniffed]
    secured = [item for item in sniffed if item.packet.security and item.packet.security.has_mac]
    assert len(secured) > 10
    assert (
        LedCommand(
            temporary_control=TemporaryLedControl.SET,
            temporary_on_time=5,
            temporary_off_time=5,
            temporary_on_color=LedColor.RED,
            temporary_timer=30,
        ),
    ) in payloads
    assert (BuzzerCommand(on_time=2, off_time=2, count=3),) in payloads
    assert (OutputCommand(1, OutputControl.TEMPORARY_ON, 20),) in payloads
    assert TextCommand("HELLO") in payloads
    assert RawCardData.from_bits(CARD_BITS) in payloads
    assert KeypadData(0, "12*#") in payloads
    keysets = [payload for payload in payloads if isinstance(payload, KeySet)]
    if scenario == "secure":
        assert keysets == [KeySet(SITE_KEY)]
        assert session.received_keys == [SITE_KEY]
    else:
        assert keysets == [KeySet(SCBK)]
        assert session.received_keys == [SCBK]
    # Sessions were established twice: before and after the KEYSET.
    rmacs = [item for item in sniffed if item.plain.reply and item.plain.code == Reply.RMAC_I]
    assert len(rmacs) == 2
