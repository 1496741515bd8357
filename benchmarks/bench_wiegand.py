"""The Wiegand codec and edge decoder: speed, and CPU time against the time on the wire.

Codec: frames encoded and decoded per second by ``axisctl.drivers.wiegand`` next to a
plain string-based implementation of the same formats (bits as "0"/"1" text, parity by
counting characters, as a hand-written reference packer does); the ratio is axisctl's
rate over the baseline's. Receiver: the CPU time ``EdgeDecoder`` spends on one frame's
edges next to the frame's time on the wire at the default 2 ms pulse interval. Asserts
nothing.

    python -m benchmarks.bench_wiegand [--frames N]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from axisctl.drivers.wiegand import EdgeDecoder, WiegandFormat, decode, encode

FIXED = [f for f in WiegandFormat if f.layout is not None]


def _ref_encode(fmt: WiegandFormat, facility: int | None, card: int) -> str:
    layout = fmt.layout
    assert layout is not None
    data = format(facility or 0, f"0{layout.facility.width}b") if layout.facility else ""
    data += format(card, f"0{layout.card.width}b")
    bits = "0" + data + "0"
    even, odd = layout.parity
    e = bits[even.window.first - 1 : even.window.last].count("1") & 1
    o = (bits[odd.window.first - 1 : odd.window.last].count("1") & 1) ^ 1
    return str(e) + data + str(o)


def _ref_decode(fmt: WiegandFormat, bits: str) -> tuple[int | None, int]:
    layout = fmt.layout
    assert layout is not None
    if len(bits) != layout.bit_count:
        raise ValueError("length")
    even, odd = layout.parity
    if (bits[0] + bits[even.window.first - 1 : even.window.last]).count("1") & 1:
        raise ValueError("even parity")
    if not (bits[odd.window.first - 1 : odd.window.last] + bits[-1]).count("1") & 1:
        raise ValueError("odd parity")
    facility = None
    if layout.facility:
        facility = int(bits[layout.facility.first - 1 : layout.facility.last], 2)
    return facility, int(bits[layout.card.first - 1 : layout.card.last], 2)


def _rate(work: Callable[[], None], count: int) -> float:
    start = time.perf_counter()
    work()
    return count / (time.perf_counter() - start)


def bench_codec(frames: int) -> None:
    rng = random.Random(6)
    print(f"{'format':8} {'axisctl enc+dec/s':>18} {'baseline enc+dec/s':>19} {'ratio':>6}")
    for fmt in FIXED:
        layout = fmt.layout
        assert layout is not None
        top = layout.facility.maximum if layout.facility else None
        cards = [
            (None if top is None else rng.randint(0, top), rng.randint(0, layout.card.maximum))
            for _ in range(frames)
        ]

        def ours(fmt: WiegandFormat = fmt, cards: list[tuple[int | None, int]] = cards) -> None:
            for facility, card in cards:
                decode(encode(fmt, facility=facility, card=card), fmt)

        def baseline(fmt: WiegandFormat = fmt, cards: list[tuple[int | None, int]] = cards) -> None:
            for facility, card in cards:
                _ref_decode(fmt, _ref_encode(fmt, facility, card))

        mine, theirs = _rate(ours, frames), _rate(baseline, frames)
        print(f"{fmt.value:8} {mine:18,.0f} {theirs:19,.0f} {mine / theirs:6.2f}")


def bench_decoder(frames: int, interval_us: float = 2000.0, pulse_us: float = 50.0) -> None:
    frame = encode(WiegandFormat.H10301, facility=12, card=3456)
    edges: list[tuple[int, bool, float]] = []
    for n in range(frames):
        start = n * 1.0  # one frame per second of edge time: every frame ends on its own
        for i, bit in enumerate(frame):
            began = start + i * interval_us / 1e6
            edges += [(bit, True, began), (bit, False, began + pulse_us / 1e6)]
    decoder = EdgeDecoder()
    started = time.perf_counter()
    for line, active, tick in edges:
        decoder.edge(line, active, tick)
    decoder.silence()
    cpu = (time.perf_counter() - started) / frames
    wire = frame.bit_count * interval_us / 1e6
    print(
        f"\nEdgeDecoder, 26-bit frame: {cpu * 1e6:8.1f} us CPU per frame; "
        f"{wire * 1e3:.0f} ms on the wire at {interval_us:g} us per bit "
        f"(CPU / wire = {cpu / wire:.4f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--frames", type=int, default=20_000, help="frames per measurement")
    args = parser.parse_args()
    bench_codec(args.frames)
    bench_decoder(args.frames // 10)


if __name__ == "__main__":
    main()
