"""Our OSDP codec versus libosdp: frames per second, plain and under the secure channel.

libosdp's Python binding has no standalone codec: it only runs whole control panels and
peripherals. So there are two parts.

1. Our codec alone, frames per second for encode and decode of a POLL and of a 14-byte LED
   command, plain and secured (MAC, AES-CBC); no libosdp equivalent exists to compare.
2. The comparable work on both stacks: a CP->PD LED command and its ACK, each side encoding
   and decoding its frames, in one process, in memory. For libosdp, a ControlPanel and a
   PeripheralDevice on a loopback channel, their ``refresh()`` driven in a tight loop with
   the CP's command queue kept full, so that no 50 ms poll timer paces it; this includes
   libosdp's state machines and its calls into Python (channel, command callback). For
   ours, the same exchange through the sans-I/O layers (payload, Packet, SecureChannel,
   encode, FrameDecoder, decode_command/decode_reply); no state machine.

Exchanges per CPU second (``time.process_time``), median of rounds, side by side with the
ratio libosdp / ours (above 1 = ours slower); asserts nothing.

    python -m benchmarks.bench_osdp [--frames N] [--exchanges M] [--rounds R]
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from axisctl.drivers.osdp.frame import FrameDecoder, Packet, decode, encode
from axisctl.drivers.osdp.messages import (
    Command,
    LedColor,
    LedCommand,
    Reply,
    TemporaryLedControl,
    decode_command,
    decode_reply,
)
from axisctl.drivers.osdp.secure import (
    SecureChannel,
    derive_session_keys,
    initial_rmac,
    server_cryptogram,
)

ADDRESS = 101
SCBK = bytes(range(16))
LED = LedCommand(
    temporary_control=TemporaryLedControl.SET,
    temporary_on_time=5,
    temporary_off_time=5,
    temporary_on_color=LedColor.RED,
    temporary_timer=30,
)
POLL = Packet(ADDRESS, False, 1, Command.POLL)
LED_PACKET = Packet(ADDRESS, False, 1, Command.LED, LED.encode())
ACK = Packet(ADDRESS, True, 1, Reply.ACK)


def channels() -> tuple[SecureChannel, SecureChannel]:
    rnd_a, rnd_b = bytes(range(8)), bytes(range(8, 16))
    keys = derive_session_keys(SCBK, rnd_a)
    rmac_i = initial_rmac(keys, server_cryptogram(keys, rnd_a, rnd_b))
    return SecureChannel(keys, rmac_i, role="cp"), SecureChannel(keys, rmac_i, role="pd")


def rate(count: int, work: Callable[[], object]) -> float:
    """Calls per CPU second."""
    start = time.process_time()
    for _ in range(count):
        work()
    return count / (time.process_time() - start)


def codec_rates(frames: int) -> dict[str, float]:
    poll_frame, led_frame = encode(POLL), encode(LED_PACKET)
    cp, pd = channels()
    secured_frame = encode(cp.protect(LED_PACKET))

    # Neither chain moves without the other side's answer, so repeating one call redoes the
    # same work: the CP protects the same command again, the PD checks it again.
    def secure_encode() -> bytes:
        return encode(cp.protect(LED_PACKET))

    def secure_decode() -> object:
        plain = pd.unprotect(decode(secured_frame))
        return decode_command(plain.code, plain.data)

    stream = led_frame * 64
    return {
        "encode POLL": rate(frames, lambda: encode(POLL)),
        "decode POLL": rate(frames, lambda: decode(poll_frame)),
        "encode LED": rate(frames, lambda: encode(Packet(ADDRESS, False, 1, 0x69, LED.encode()))),
        "decode LED": rate(frames, lambda: decode_command(0x69, decode(led_frame).data)),
        "stream LED (x64)": 64 * rate(max(1, frames // 64), lambda: FrameDecoder().feed(stream)),
        "secure encode LED": rate(frames, secure_encode),
        "secure decode LED": rate(frames, secure_decode),
    }


def ours_exchanges(count: int, secure: bool) -> float:
    cp, pd = channels()
    cp_decoder, pd_decoder = FrameDecoder(), FrameDecoder()
    payload = LED.encode()

    def exchange() -> None:
        command = Packet(ADDRESS, False, 1, Command.LED, payload)
        (received,) = pd_decoder.feed(encode(cp.protect(command) if secure else command))
        plain = pd.unprotect(received) if secure else received
        decode_command(plain.code, plain.data)
        reply = pd.protect(ACK) if secure else ACK
        (answer,) = cp_decoder.feed(encode(reply))
        plain = cp.unprotect(answer) if secure else answer
        decode_reply(plain.code, plain.data)

    return rate(count, exchange)


def libosdp_exchanges(count: int, secure: bool) -> float:
    import osdp  # type: ignore[import-untyped]  # test dependency, imported only here

    class Loopback(osdp.Channel):  # type: ignore[misc]
        def __init__(self, inbox: deque[bytes], outbox: deque[bytes]) -> None:
            super().__init__()
            self.inbox, self.outbox, self.writes = inbox, outbox, 0

        def read(self, max_bytes: int) -> bytes:
            return self.inbox.popleft() if self.inbox else b""

        def write(self, buf: bytes) -> int:
            self.outbox.append(bytes(buf))
            self.writes += 1
            return len(buf)

        def flush(self) -> None:
            self.inbox.clear()

    to_pd: deque[bytes] = deque()
    to_cp: deque[bytes] = deque()
    cp_channel, pd_channel = Loopback(to_cp, to_pd), Loopback(to_pd, to_cp)
    key = SCBK if secure else None
    pd = osdp.PeripheralDevice(
        osdp.PDInfo(ADDRESS, pd_channel, scbk=key),
        osdp.PDCapabilities([(osdp.Capability.LEDControl, 1, 1)]),
        log_level=osdp.LogLevel.Error,
        command_handler=lambda command: (0, None),
    )
    cp = osdp.ControlPanel([osdp.PDInfo(ADDRESS, cp_channel, scbk=key)], osdp.LogLevel.Error)
    command: dict[str, Any] = {
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
    }
    deadline = time.monotonic() + 10
    while not (cp.ctx.status() and (not secure or cp.ctx.sc_status())):
        if time.monotonic() > deadline:
            raise RuntimeError("libosdp did not come online")
        cp.ctx.refresh()
        pd.ctx.refresh()
    first = cp_channel.writes
    nones = sys.getrefcount(None)
    start = time.process_time()
    while cp_channel.writes - first < count:
        cp.ctx.submit_command(0, command)
        cp.ctx.refresh()
        pd.ctx.refresh()
        pd.command_queue.queue.clear()  # the wrapper queues every command for get_command()
    elapsed = time.process_time() - start
    _give_back_none_references(nones)
    return (cp_channel.writes - first) / elapsed


def _give_back_none_references(before: int) -> None:
    """Undoes libosdp's stray decrefs of None, or the interpreter aborts at exit.

    With a libosdp CP and PD in one CPython 3.11 process, libosdp 3.2.9's binding drops
    about one reference to None per exchange that it never took ("Fatal Python error:
    none_dealloc" once the count reaches zero). Measured here, restored by hand.
    """
    lost = before - sys.getrefcount(None)
    for _ in range(max(0, lost)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=20000, help="frames per codec measure")
    parser.add_argument("--exchanges", type=int, default=5000, help="exchanges per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is shown")
    args = parser.parse_args()

    codec = [codec_rates(args.frames) for _ in range(args.rounds)]
    print(f"our codec alone, frames per CPU second (median of {args.rounds} rounds)")
    for name in codec[0]:
        print(f"  {name:<22}{statistics.median(r[name] for r in codec):>12,.0f}")

    print(
        f"\nLED command + ACK exchanges per CPU second, {args.exchanges} per round, "
        f"median of {args.rounds} rounds"
    )
    print(f"  {'':<22}{'axisctl':>12}{'libosdp':>12}{'ratio':>8}")
    # osdp_sys comes with libosdp only, not with the unrelated PyPI package `osdp`.
    if importlib.util.find_spec("osdp_sys") is None:
        print("  libosdp is not installed (pip install libosdp): no comparison")
        return
    for secure in (False, True):
        ours = statistics.median(ours_exchanges(args.exchanges, secure) for _ in range(args.rounds))
        theirs = statistics.median(
            libosdp_exchanges(args.exchanges, secure) for _ in range(args.rounds)
        )
        label = "secure channel" if secure else "plain"
        print(f"  {label:<22}{ours:>12,.0f}{theirs:>12,.0f}{theirs / ours:>8.2f}")
    print(
        "  ratio: libosdp / axisctl (above 1 = axisctl slower). libosdp's figure includes its"
        " CP and PD state machines and its calls into Python; ours is the codec layers only."
    )


if __name__ == "__main__":
    main()
