"""axisctl's push receiver versus a minimal receiver written directly on aiohttp.

Each receiver runs in a process of its own, so its memory is its own. Concurrent senders
post License Plate Verifier pushes the way the app does (multipart: an ``event`` JSON part
and a 50-100 KB JPEG part; ``--format json`` sends the image base64 in ``ImageArray``).
The minimal receiver reads the parts with aiohttp's multipart reader and ``json.loads`` the
event; axisctl's parses, types, deduplicates and queues each read, which a consumer task
takes and drops. Prints pushes per second while sending ``--pushes`` (after the first 100)
and the receiver's resident memory after 100 and after all pushes (flat means no leak),
side by side with the ratio (raw / axisctl for the rate: above 1 = axisctl slower); asserts
nothing. Linux only (memory from /proc).

    python -m benchmarks.bench_lpr_receiver [--pushes N] [--senders S] [--format F] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

import aiohttp
from aiohttp import web

from axisctl.lpr import PushReceiver

WARMUP = 100
BOUNDARY = "------------------------axisctlbench"


# --- the receivers, each run as ``--serve KIND`` in a child process --------------------------


async def serve_axisctl(ready: asyncio.Event, stop: asyncio.Event) -> str:
    receiver = PushReceiver(queue_size=10_000)
    async with receiver:
        print(receiver.url, flush=True)
        ready.set()

        async def consume() -> None:
            async for _ in receiver:
                pass

        consumer = asyncio.ensure_future(consume())
        await stop.wait()
        consumer.cancel()
    stats = receiver.stats
    return f"accepted {stats.accepted} rejected {stats.rejected_total}"


async def serve_raw(ready: asyncio.Event, stop: asyncio.Event) -> str:
    """What one would write by hand: read the parts, decode the event, answer 200."""
    taken = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal taken
        if request.content_type == "application/json":
            json.loads(await request.read())
        else:
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if isinstance(part, aiohttp.BodyPartReader):
                    data = await part.read()
                    if part.name == "event":
                        json.loads(data)
        taken += 1
        return web.Response(text="OK")

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    print(f"http://{host}:{port}/", flush=True)
    ready.set()
    await stop.wait()
    await runner.cleanup()
    return f"accepted {taken} rejected 0"


async def serve(kind: str) -> None:
    loop = asyncio.get_running_loop()
    stop, ready = asyncio.Event(), asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    summary = await (serve_axisctl if kind == "axisctl" else serve_raw)(ready, stop)
    print(summary, flush=True)


# --- the senders -----------------------------------------------------------------------------


def document(packet: int) -> dict[str, Any]:
    return {
        "packetCounter": str(packet),
        "capture_timestamp": "1702297625507",
        "frame_timestamp": "1702297625507641",
        "datetime": "20231211 142705507",
        "plateText": "HWR6677",
        "plateUnicode": "HWR6677",
        "plateUTF8": "HWR6677",
        "plateASCII": "HWR6677",
        "plateCountry": "DEU",
        "plateRegion": "Hannover",
        "plateConfidence": "0.737210",
        "carState": "update",
        "roiID": "1",
        "carMoveDirection": "out",
        "plateCoordinates": [514, 570, 120, 28],
        "carID": str(packet // 3),
        "camera_info": {"SerialNumber": "ACCC8EBFB452", "ProdShortName": "AXIS P1455-LE-3"},
    }


def images(count: int) -> list[bytes]:
    """JPEG-looking bytes of 50 to 100 KB, different each."""
    sizes = [50_000 + (50_000 * i) // max(count - 1, 1) for i in range(count)]
    return [b"\xff\xd8\xff\xe0" + os.urandom(size - 6) + b"\xff\xd9" for size in sizes]


def body(packet: int, image: bytes, fmt: str) -> tuple[bytes, str]:
    doc = document(packet)
    if fmt == "json":
        encoded = base64.b64encode(image).decode()
        doc["ImageArray"] = [{"ImageType": "plate", "ImageFormat": "jpg", "BinaryImage": encoded}]
        return json.dumps(doc).encode(), "application/json"
    parts = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="event"; filename="event.json"\r\n'
        "Content-Type: application/json\r\n\r\n".encode()
        + json.dumps(doc).encode()
        + f"\r\n--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="image"; filename="{doc["carID"]}_{packet}.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + image
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return parts, f"multipart/form-data; boundary={BOUNDARY}"


async def send(url: str, packets: range, senders: int, fmt: str, pool: list[bytes]) -> float:
    """Post every packet from ``senders`` concurrent tasks; returns the seconds it took."""
    numbers = iter(packets)
    connector = aiohttp.TCPConnector(limit=senders)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def sender() -> None:
            for packet in numbers:  # shared: each packet is posted once
                data, content_type = body(packet, pool[packet % len(pool)], fmt)
                async with session.post(
                    url, data=data, headers={"Content-Type": content_type}
                ) as answer:
                    if answer.status != 200:
                        raise RuntimeError(f"push {packet}: {answer.status} {await answer.text()}")

        start = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        return time.perf_counter() - start


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def run_one(kind: str, pushes: int, senders: int, fmt: str, pool: list[bytes]) -> dict[str, float]:
    child = subprocess.Popen(  # noqa: S603 - this interpreter running this module
        [sys.executable, "-m", "benchmarks.bench_lpr_receiver", "--serve", kind],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        asyncio.run(send(url, range(WARMUP), senders, fmt, pool))
        after_warmup = rss_mb(child.pid)
        seconds = asyncio.run(send(url, range(WARMUP, pushes), senders, fmt, pool))
        after_all = rss_mb(child.pid)
        child.send_signal(signal.SIGTERM)
        summary = child.stdout.read().strip()
        child.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            child.kill()
    if summary != f"accepted {pushes} rejected 0":
        raise RuntimeError(f"{kind} receiver: {summary!r}, expected {pushes} accepted")
    return {"rate": (pushes - WARMUP) / seconds, "rss_warm": after_warmup, "rss_all": after_all}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pushes", type=int, default=10_000, help="pushes per receiver")
    parser.add_argument("--senders", type=int, default=20, help="concurrent senders")
    parser.add_argument("--format", choices=["multipart", "json"], default="multipart")
    parser.add_argument("--rounds", type=int, default=1, help="rounds; the median is shown")
    parser.add_argument("--serve", choices=["axisctl", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    if args.pushes <= WARMUP:
        parser.error(f"--pushes must be more than {WARMUP}")
    pool = images(16)
    results: dict[str, list[dict[str, float]]] = {"axisctl": [], "raw": []}
    for _, kind in itertools.product(range(args.rounds), ("axisctl", "raw")):
        results[kind].append(run_one(kind, args.pushes, args.senders, args.format, pool))

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    print(
        f"{args.pushes} {args.format} pushes with 50-100 KB images from {args.senders} "
        f"concurrent senders x {args.rounds} round(s) (median of rounds)"
    )
    print(f"{'measure':<28}{'axisctl':>12}{'raw aiohttp':>14}{'ratio':>8}")
    ours, raw = median("axisctl", "rate"), median("raw", "rate")
    print(f"{'pushes per second':<28}{ours:>12.0f}{raw:>14.0f}{raw / ours:>8.2f}")
    for key, label in (("rss_warm", f"RSS MB after {WARMUP}"), ("rss_all", "RSS MB after all")):
        print(f"{label:<28}{median('axisctl', key):>12.1f}{median('raw', key):>14.1f}")
    growth = {k: median(k, "rss_all") - median(k, "rss_warm") for k in results}
    print(f"{'growth MB (all - first)':<28}{growth['axisctl']:>12.1f}{growth['raw']:>14.1f}")
    print("ratio: raw / axisctl for the rate (above 1 = axisctl slower)")
    print(
        "axisctl remembers the keys of the last 10,000 reads to spot resends (a few MB, "
        "bounded): its growth stops there, whatever the number of pushes"
    )


if __name__ == "__main__":
    main()
