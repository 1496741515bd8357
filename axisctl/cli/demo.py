"""``axisctl demo``: start one simulated device of every model and show what the library sees."""

from __future__ import annotations

from contextlib import ExitStack

import click
from rich.progress import Progress

from axisctl.apis.pwdgrp import Role
from axisctl.cli.app import cli
from axisctl.cli.output import console, print_table
from axisctl.device import Device
from axisctl.errors import ForbiddenError
from axisctl.sim.catalog import MODELS
from axisctl.sim.server import Simulator


@cli.command()
@click.option(
    "--count", type=click.IntRange(1, 50), default=1, show_default=True, help="Devices per model."
)
def demo(count: int) -> None:
    """Tour the library against simulated devices of every seed model.

    Starts the simulators on free loopback ports, then for each device reads its identity,
    API list and readiness, changes a parameter and reads it back, and counts the HTTP
    requests the device served: with Digest challenge reuse each call costs one.
    """
    rows = []
    with ExitStack() as stack:
        simulators = [
            stack.enter_context(Simulator(key, count=count, first_index=i * count))
            for i, key in enumerate(sorted(MODELS))
        ]
        devices = [(sim, d) for sim in simulators for d in sim.devices]
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Probing simulated devices", total=len(devices))
            for _sim, simulated in devices:
                with Device(simulated.url, "root", "pass") as device:
                    simulated.reset_stats()
                    info = device.info.get_all()
                    ready = device.system.status()
                    apis = device.discovery.list()
                    io_ports = device.params.list("IOPort") if simulated.spec.io_ports else {}
                    device.params.update({"Time.POSIXTimeZone": "CET-1CEST,M3.5.0,M10.5.0/3"})
                    timezone = device.params.get("Time.POSIXTimeZone")
                    calls = 6 if simulated.spec.io_ports else 5
                    served = simulated.request_count()
                rows.append(
                    (
                        info.prod_nbr,
                        info.serial_number,
                        info.version,
                        len(apis),
                        sum(1 for k in io_ports if k.endswith(".Direction")),
                        "yes" if ready.ready else "no",
                        "ok" if timezone.startswith("CET") else "MISMATCH",
                        f"{served}/{calls}",
                    )
                )
                progress.advance(task)
        print_table(
            "What axisctl sees on the simulated devices",
            ("model", "serial", "AXIS OS", "APIs", "I/O", "ready", "param r/w", "requests/calls"),
            rows,
        )
        console.print(
            "requests/calls: HTTP requests the device served per library call; "
            "the one extra is the first Digest challenge, reused afterwards."
        )
        _show_roles(simulators[0])
    console.print(
        "\nNext: [bold]axisctl sim --model d4200-ve[/] in one terminal, "
        "[bold]axisctl --device http://127.0.0.1:8081 --user root info[/] in another."
    )


def _show_roles(simulator: Simulator) -> None:
    """Create a viewer through the API and show that the device refuses its writes."""
    url = simulator.devices[0].url
    with Device(url, "root", "pass") as admin:
        admin.users.add("demoviewer", "viewer-pass", Role.VIEWER)
    with Device(url, "demoviewer", "viewer-pass") as viewer:
        brand = viewer.params.brand()
        try:
            viewer.params.update({"Time.POSIXTimeZone": "UTC0"})
            outcome = "accepted (unexpected)"
        except ForbiddenError as error:
            outcome = f"refused: {error.message}"
    console.print(
        f"\nA viewer on {brand.prod_short_name} may read Brand; its parameter write was {outcome}."
    )
