"""axisctl versus hand-written raw httpx, on the same simulator, with the same Digest auth.

For N sequential param.cgi reads and N basicdeviceinfo calls, sync and async, it prints the
time per call of each side, their ratio (axisctl / raw), and the HTTP requests per call that
the simulated device served. The raw side uses httpx's own DigestAuth, which also reuses
the challenge, so the comparison is of overhead, not of auth strategy.

    python -m benchmarks.bench_transport [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx

from axisctl import AsyncDevice, Device
from axisctl.sim import SimulatedDevice, Simulator

USER, PASSWORD = "root", "pass"
INFO_BODY = {"apiVersion": "1.0", "context": "bench", "method": "getAllProperties"}


def _timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


async def _atimed(run: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await run()
    return time.perf_counter() - start


def bench_sync(url: str, calls: int) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    with (
        Device(url, USER, PASSWORD) as dev,
        httpx.Client(auth=httpx.DigestAuth(USER, PASSWORD)) as raw,
    ):
        dev.params.list("Brand")
        raw.get(f"{url}/axis-cgi/param.cgi", params={"action": "list", "group": "Brand"})

        def ours_params() -> None:
            for _ in range(calls):
                dev.params.list("Brand")

        def raw_params() -> None:
            for _ in range(calls):
                r = raw.get(
                    f"{url}/axis-cgi/param.cgi", params={"action": "list", "group": "Brand"}
                )
                r.raise_for_status()
                dict(line.split("=", 1) for line in r.text.splitlines() if "=" in line)

        def ours_info() -> None:
            for _ in range(calls):
                dev.info.get_all()

        def raw_info() -> None:
            for _ in range(calls):
                r = raw.post(f"{url}/axis-cgi/basicdeviceinfo.cgi", json=INFO_BODY)
                r.raise_for_status()
                r.json()["data"]["propertyList"]

        results["sync param.cgi list"] = (_timed(ours_params), _timed(raw_params))
        results["sync basicdeviceinfo"] = (_timed(ours_info), _timed(raw_info))
    return results


async def bench_async(url: str, calls: int) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    async with (
        AsyncDevice(url, USER, PASSWORD) as dev,
        httpx.AsyncClient(auth=httpx.DigestAuth(USER, PASSWORD)) as raw,
    ):
        await dev.params.list("Brand")
        await raw.get(f"{url}/axis-cgi/param.cgi", params={"action": "list", "group": "Brand"})

        async def ours_params() -> None:
            for _ in range(calls):
                await dev.params.list("Brand")

        async def raw_params() -> None:
            for _ in range(calls):
                r = await raw.get(
                    f"{url}/axis-cgi/param.cgi", params={"action": "list", "group": "Brand"}
                )
                r.raise_for_status()

        async def ours_info() -> None:
            for _ in range(calls):
                await dev.info.get_all()

        async def raw_info() -> None:
            for _ in range(calls):
                r = await raw.post(f"{url}/axis-cgi/basicdeviceinfo.cgi", json=INFO_BODY)
                r.raise_for_status()
                r.json()["data"]["propertyList"]

        results["async param.cgi list"] = (await _atimed(ours_params), await _atimed(raw_params))
        results["async basicdeviceinfo"] = (await _atimed(ours_info), await _atimed(raw_info))
    return results


def requests_per_call(device: SimulatedDevice, url: str, calls: int) -> float:
    device.reset_stats()
    with Device(url, USER, PASSWORD) as dev:
        for _ in range(calls):
            dev.params.list("Brand")
    return device.request_count() / calls


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200, help="calls per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is shown")
    args = parser.parse_args()
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as sim:
        url = sim.urls[0]
        rounds: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            measured = bench_sync(url, args.calls)
            measured.update(asyncio.run(bench_async(url, args.calls)))
            for name, pair in measured.items():
                rounds.setdefault(name, []).append(pair)
        per_call = requests_per_call(sim.devices[0], url, args.calls)
    print(f"{args.calls} calls x {args.rounds} rounds against a simulated D4200-VE (median)")
    print(f"{'workload':<24}{'axisctl ms/call':>16}{'raw httpx ms/call':>19}{'ratio':>8}")
    for name, pairs in rounds.items():
        ours = statistics.median(p[0] for p in pairs) / args.calls * 1000
        raw = statistics.median(p[1] for p in pairs) / args.calls * 1000
        print(f"{name:<24}{ours:>16.3f}{raw:>19.3f}{ours / raw:>8.2f}")
    print(
        f"HTTP requests per axisctl call seen by the device: {per_call:.3f} "
        f"(first challenge included; 1.000 is the floor)"
    )


if __name__ == "__main__":
    main()
