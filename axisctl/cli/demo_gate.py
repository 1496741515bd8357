"""The gate camera's part of ``axisctl demo``: plates read, pushed, and a barrier that opens.

Everything a user would do goes through the library (``device.lpr`` and the push receiver);
only the cars themselves come from the simulator, since they have no API.
"""

from __future__ import annotations

from collections import defaultdict

from axisctl.apis.lpr import ListKey, PushConfig
from axisctl.cli.output import console, print_table
from axisctl.device import Device
from axisctl.lpr import PlateRead, PushReceiver
from axisctl.sim.lpr.vehicles import Vehicle
from axisctl.sim.server import Simulator

#: The cars that drive up, and what the camera should make of them.
CARS = (
    Vehicle("ABC123", misread="A8C123", direction="in", dwell_s=1.0),  # known, misread once
    Vehicle("XYZ987", direction="in", dwell_s=0.5),  # on the block list
    Vehicle("QRS456", direction="in", dwell_s=0.5),  # unknown
    Vehicle("ABC123", direction="out", dwell_s=0.5),  # known, but leaving
)
#: Seconds until LOST: the app's smallest, so the demo ends quickly.
TTL_S = 1


def show_gate(simulator: Simulator) -> None:
    """Set up the access-control recipe, drive the cars past, show what came of each."""
    camera = simulator.devices[0]
    assert camera.lpr is not None
    with PushReceiver().in_thread() as receiver, Device(camera.url, "root", "pass") as device:
        lpr = device.lpr
        lpr.add_plate(ListKey.ALLOW, "ABC123", description="Delivery van")
        lpr.add_plate(ListKey.BLOCK, "XYZ987", description="Banned")
        lpr.set_settings(
            ttl_s=TTL_S,
            access_control="io",
            barrier_mode="open_from_lists",
            barrier_lists=[ListKey.ALLOW],
            barrier_direction="in",
            io_port=2,
            pulse_ms=1000,
        )
        lpr.set_push_config(PushConfig(url=receiver.url, enabled=True))
        car_ids = [camera.lpr.present(car) for car in CARS]
        expected = sum(3 + (car.misread is not None) for car in CARS)
        reads = receiver.wait_for(expected, timeout=15)
    opened = {opening.car_id for opening in camera.lpr.openings}
    by_car: dict[int, list[PlateRead]] = defaultdict(list)
    for read in reads:
        by_car[read.car_id].append(read)
    rows = []
    for car_id in car_ids:
        if car_id is None:
            continue
        history = by_car[car_id]
        last = history[-1]
        rows.append(
            (
                str(car_id),
                " > ".join(dict.fromkeys(read.text for read in history)),
                last.direction.value,
                f"{last.list_hit.name} ({last.list_hit.mode.value})" if last.list_hit else "-",
                " ".join(read.car_state.value for read in history),
                "OPEN" if car_id in opened else "closed",
            )
        )
    console.print()
    print_table(
        f"Gate camera {camera.spec.prod_nbr}: plates pushed to {receiver.url}",
        ("car", "plate read", "direction", "list", "pushes received", "barrier"),
        rows,
    )
    console.print(
        "The barrier opens once, for the known van driving in, despite the first misread; "
        "not for the banned or the unknown car, nor for the van leaving."
    )
