"""axisctl's event stream versus a raw websockets client, on the same simulated device.

Latency: a virtual input is toggled through the simulated device object (what a rule or an
HTTP call would do), and the clock stops when the event is in the consumer's hands — a
typed ``VirtualInputEvent`` from ``EventStream.get()`` for axisctl, a ``json.loads``-ed frame
for the raw client. Throughput: a burst of toggles, timed until the last event arrives.
Both clients use a session token and the same filter; the raw one has no queue, no typing,
no reconnect logic. Prints p50/p99 latency, events per second and the ratios (axisctl /
raw for latency, raw / axisctl for time per event); asserts nothing.

    python -m benchmarks.bench_events [--events N] [--burst M] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from websockets.asyncio.client import ClientConnection, connect

from axisctl import AsyncDevice
from axisctl.events.stream import StreamSettings, open_stream
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.bus import TOPIC_VIRTUAL_INPUT

USER, PASSWORD = "root", "pass"
PORT = 1


class Toggle:
    """Flips one virtual input; every call publishes exactly one event."""

    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self.active = device.virtual_inputs.is_active(PORT)

    def __call__(self) -> None:
        self.active = not self.active
        if self.active:
            self.device.virtual_inputs.activate(PORT)
        else:
            self.device.virtual_inputs.deactivate(PORT)


Receive = Callable[[], Awaitable[object]]


async def measure(toggle: Toggle, receive: Receive, events: int, burst: int) -> dict[str, float]:
    latencies = []
    for _ in range(events):
        start = time.perf_counter()
        toggle()
        await receive()
        latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(burst):
        toggle()
    for _ in range(burst):
        await receive()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "rate": burst / elapsed,
    }


async def bench_axisctl(url: str, toggle: Toggle, events: int, burst: int) -> dict[str, float]:
    # The queue holds the whole burst: this measures speed, not the overflow policy.
    settings = StreamSettings(max_queue=burst + events + 10)
    async with (
        AsyncDevice(url, USER, PASSWORD) as dev,
        open_stream(dev, [TOPIC_VIRTUAL_INPUT], settings=settings) as stream,
    ):
        result = await measure(toggle, stream.get, events, burst)
        result["dropped"] = stream.dropped
        return result


async def bench_raw(url: str, toggle: Toggle, events: int, burst: int) -> dict[str, float]:
    async with httpx.AsyncClient(auth=httpx.DigestAuth(USER, PASSWORD)) as http:
        token = (await http.get(f"{url}/axis-cgi/wssession.cgi")).text
    ws_url = url.replace("http://", "ws://") + f"/vapix/ws-data-stream?wssession={token}"
    async with connect(ws_url + "&sources=events", proxy=None) as ws:
        await _configure(ws)

        async def receive() -> object:
            return json.loads(await ws.recv())

        result = await measure(toggle, receive, events, burst)
        result["dropped"] = 0
        return result


async def _configure(ws: ClientConnection) -> None:
    body = {
        "apiVersion": "1.0",
        "context": "bench",
        "method": "events:configure",
        "params": {"eventFilterList": [{"topicFilter": TOPIC_VIRTUAL_INPUT}]},
    }
    await ws.send(json.dumps(body))
    answer = json.loads(await ws.recv())
    if "data" not in answer:
        raise RuntimeError(f"configure refused: {answer}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000, help="latency samples per round")
    parser.add_argument("--burst", type=int, default=5000, help="events in the throughput burst")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is shown")
    args = parser.parse_args()
    ours: list[dict[str, float]] = []
    raw: list[dict[str, float]] = []
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as sim:
        url, toggle = sim.urls[0], Toggle(sim.devices[0])
        for _ in range(args.rounds):
            ours.append(asyncio.run(bench_axisctl(url, toggle, args.events, args.burst)))
            raw.append(asyncio.run(bench_raw(url, toggle, args.events, args.burst)))

    def median(rounds: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    print(
        f"{args.events} latency samples and a {args.burst}-event burst x {args.rounds} rounds, "
        "simulated D4200-VE, virtual input toggles (median of rounds)"
    )
    print(f"{'measure':<22}{'axisctl':>12}{'raw websockets':>16}{'ratio':>8}")
    for key, label in (("p50", "latency p50 ms"), ("p99", "latency p99 ms")):
        a, r = median(ours, key), median(raw, key)
        print(f"{label:<22}{a:>12.3f}{r:>16.3f}{a / r:>8.2f}")
    a, r = median(ours, "rate"), median(raw, "rate")
    print(f"{'events per second':<22}{a:>12.0f}{r:>16.0f}{r / a:>8.2f}")
    print(
        "ratio: axisctl / raw for latency, raw / axisctl for rate (above 1 = axisctl slower); "
        f"events dropped by axisctl: {int(max(r['dropped'] for r in ours))}"
    )


if __name__ == "__main__":
    main()
