"""``axisctl demo``: start one simulated device of every model and show what the library sees."""

from __future__ import annotations

from contextlib import ExitStack

import click
from rich.progress import Progress

from axisctl.apis.pwdgrp import Role
from axisctl.apis.sirenlight import LightSettings, Profile, SirenSettings
from axisctl.cli.app import cli
from axisctl.cli.demo_gate import show_gate
from axisctl.cli.output import console, print_table
from axisctl.device import Device
from axisctl.errors import ForbiddenError
from axisctl.sim.catalog import MODELS
from axisctl.sim.rules import DigitalInputActive, Rule, RunProfileWhileActive
from axisctl.sim.server import Simulator


@cli.command()
@click.option(
    "--count", type=click.IntRange(1, 50), default=1, show_default=True, help="Devices per model."
)
def demo(count: int) -> None:
    """Tour the library against simulated devices of every seed model.

    Starts the simulators on free loopback ports, then for each device reads its identity,
    API list and readiness, changes a parameter and reads it back, and counts the HTTP
    requests the device served: with Digest challenge reuse each call costs one. Then it
    plays the strobe speaker manual's example: profile A started over HTTP, profile B of
    higher priority while a digital input is pressed, A again when it is released. Last,
    the gate camera: known, banned and unknown cars are read, pushed to a receiver on this
    machine, and the barrier opens for the known one driving in.
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
        strobe = next(s for s in simulators if s.spec.key == "d4200-ve")
        _show_roles(strobe)
        _show_strobe(strobe)
        show_gate(next(s for s in simulators if s.spec.key == "p1455-le-3"))
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


def _show_strobe(simulator: Simulator) -> None:
    """The manual's two-priorities example: A by hand, B while digital input 1 is active."""
    simulated = simulator.devices[0]
    simulated.rules.add(Rule(DigitalInputActive(port=1), RunProfileWhileActive("B")))
    rows = []
    with Device(simulated.url, "root", "pass") as speaker:
        lights = speaker.siren_light
        lights.set_maintenance(False)  # a new strobe speaker starts in maintenance mode
        lights.add_profile(
            Profile("A", light=LightSettings("Steady", colors=("green",), priority=3))
        )
        lights.add_profile(
            Profile(
                "B",
                light=LightSettings("Alternate", colors=("red", "blue"), priority=4),
                siren=SirenSettings("Siren: Evac", priority=4),
            )
        )

        def observe(step: str) -> None:
            status = lights.status()
            light, siren = status.light_showing, status.siren_playing
            rows.append(
                (
                    step,
                    f"{light.profile}: {light.pattern}" if light else "dark",
                    f"{siren.profile}: {siren.pattern}" if siren else "silent",
                    ", ".join(sorted(status.profiles())) or "-",
                )
            )

        lights.start("A")
        observe("start profile A over HTTP")
        with simulated.lock:
            simulated.io.press(1)  # what a test bench does: tie input 1 to pin 1
        observe("press digital input 1")
        with simulated.lock:
            simulated.io.release(1)
        observe("release digital input 1")
        lights.stop("A")
        observe("stop profile A")
    console.print()
    print_table(
        f"Strobe speaker {simulated.spec.prod_nbr}: priorities (rule: input 1 runs B)",
        ("step", "light shows", "siren plays", "activities held"),
        rows,
    )
