"""CPU time of one control-panel poll exchange versus the time its bytes take on the wire.

A control panel polls each reader many times a second; on a Raspberry Pi the question is
whether Python keeps up with the line. This runs the sans-I/O control panel core against
the reader emulator core in one process (no I/O, no sleeping): each exchange is the
control panel building a POLL, the reader answering ACK, and the control panel checking
the reply. The CPU time of each side is measured separately (median of ``--rounds``
rounds of ``--polls`` exchanges), plain and under the secure channel (AES MACs on both
frames), and printed next to the wire time of the two frames at 9600 and 115200 baud.
The ratio is CPU time / wire time: below 1, the line, not Python, sets the pace.

    python -m benchmarks.bench_osdp_poll [--polls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import time

from axisctl.drivers.osdp import (
    ControlPanelCore,
    CpTimings,
    PdConfig,
    PdOnline,
    PeripheralCore,
    ReaderConfig,
    wire_time,
)

KEY = bytes(range(16))
BAUD_RATES = (9600, 115200)


def online_pair(secure: bool) -> tuple[ControlPanelCore, PeripheralCore, float]:
    scbk = KEY if secure else None
    cp = ControlPanelCore([PdConfig(1, scbk=scbk)], CpTimings(poll_interval=0.05))
    pd = PeripheralCore(ReaderConfig(1, scbk=scbk))
    now = 0.0
    online = False
    while not online:
        frame = cp.data_to_send(now)
        if frame:
            cp.receive_data(pd.receive_data(frame, now), now)
        online = any(isinstance(event, PdOnline) for event in cp.take_events())
        now += 0.05
    return cp, pd, now


def measure(secure: bool, polls: int) -> tuple[float, float, int]:
    """(CP seconds per exchange, PD seconds per exchange, bytes on the wire per exchange)."""
    cp, pd, now = online_pair(secure)
    cp_time = pd_time = 0.0
    wire_bytes = 0
    done = 0
    while done < polls:
        now += 0.05  # the next poll is due
        start = time.perf_counter()
        frame = cp.data_to_send(now)
        middle = time.perf_counter()
        reply = pd.receive_data(frame, now)
        end = time.perf_counter()
        cp.receive_data(reply, now)
        finish = time.perf_counter()
        assert frame, "a poll was due"
        assert reply, "the reader answered"
        cp_time += (middle - start) + (finish - end)
        pd_time += end - middle
        wire_bytes = len(frame) + len(reply)
        done += 1
    return cp_time / polls, pd_time / polls, wire_bytes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    print(f"POLL/ACK exchanges: median of {args.rounds} rounds of {args.polls}")
    header = f"{'':<10}{'CP CPU us':>10}{'PD CPU us':>10}{'bytes':>7}"
    for baud in BAUD_RATES:
        header += f"{f'wire us @{baud}':>18}{'CP/wire':>9}"
    print(header)
    for secure in (False, True):
        runs = [measure(secure, args.polls) for _ in range(args.rounds)]
        cp_cpu = statistics.median(run[0] for run in runs)
        pd_cpu = statistics.median(run[1] for run in runs)
        size = runs[0][2]
        line = f"{'secure' if secure else 'plain':<10}{cp_cpu * 1e6:>10.1f}{pd_cpu * 1e6:>10.1f}"
        line += f"{size:>7}"
        for baud in BAUD_RATES:
            wire = wire_time(size, baud)
            line += f"{wire * 1e6:>18.0f}{cp_cpu / wire:>9.3f}"
        print(line)
    print(
        "CP/wire below 1: the control panel's Python work per poll takes less time than the "
        "frames take on the line."
    )


if __name__ == "__main__":
    main()
