"""``axisctl demo --tour``: one simulated device of every model, and what the library sees.

The site story (``axisctl demo``) uses three models; the tour shows that the same library
calls work on all of them, and that a device refuses a viewer's write.
"""

from __future__ import annotations

from contextlib import ExitStack

from axisctl.apis.pwdgrp import Role
from axisctl.cli.output import console, print_table
from axisctl.device import Device
from axisctl.errors import ForbiddenError
from axisctl.sim.catalog import MODELS
from axisctl.sim.server import Simulator


def run_tour() -> None:
    """Probe a simulator of every model, then show a viewer's write being refused."""
    rows = []
    with ExitStack() as stack:
        simulators = [stack.enter_context(Simulator(key)) for key in sorted(MODELS)]
        for simulator in simulators:
            simulated = simulator.devices[0]
            with Device(simulated.url, "root", "pass") as device:
                simulated.reset_stats()
                info = device.info.get_all()
                ready = device.system.status()
                apis = device.discovery.list()
                device.params.update({"Time.POSIXTimeZone": "CET-1CEST,M3.5.0,M10.5.0/3"})
                timezone = device.params.get("Time.POSIXTimeZone")
                served = simulated.request_count()
            rows.append(
                (
                    info.prod_nbr,
                    info.serial_number,
                    info.version,
                    len(apis),
                    len(simulated.spec.io_ports),
                    "yes" if ready.ready else "no",
                    "ok" if timezone.startswith("CET") else "MISMATCH",
                    f"{served}/5",
                )
            )
        print_table(
            "What axisctl sees on the simulated devices",
            ("model", "serial", "AXIS OS", "APIs", "I/O", "ready", "param r/w", "requests/calls"),
            rows,
        )
        console.print(
            "requests/calls: HTTP requests the device served for five library calls; "
            "the one extra is the first Digest challenge, reused afterwards."
        )
        _show_roles(next(s for s in simulators if s.spec.key == "d4200-ve"))
    console.print(
        "\nNext: [bold]axisctl demo[/] for a simulated site, or [bold]axisctl sim --model "
        "d4200-ve[/] in one terminal and [bold]axisctl --device http://127.0.0.1:8081 --user "
        "root info[/] in another."
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
