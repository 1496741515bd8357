"""``axisctl sim``: serve simulated devices in the foreground."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import click

from axisctl.cli.app import cli
from axisctl.sim.catalog import MODELS, model
from axisctl.sim.lpr.scenario import Scenario, ScenarioError, load_scenario
from axisctl.sim.server import Simulator

#: Intercoms whose reader connector is opened and printed at start.
_ANNOUNCED_CONNECTORS = 16


@cli.command()
@click.option(
    "--model",
    "model_key",
    type=click.Choice(sorted(MODELS)),
    default="d4200-ve",
    show_default=True,
    help="Which product to simulate.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8081,
    show_default=True,
    help="Port of the first device; 0 picks free ports.",
)
@click.option(
    "--count",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Serve this many devices on consecutive ports, each with its own serial number.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--user",
    "sim_user",
    default="root",
    show_default=True,
    help="Name of the first administrator account.",
)
@click.option("--password", "sim_password", default="pass", show_default=True, help="Its password.")
@click.option(
    "--no-account",
    is_flag=True,
    help="Start like a factory-new device: no account until one is created via pwdgrp.cgi.",
)
@click.option(
    "--https",
    is_flag=True,
    help="Serve HTTPS with a generated self-signed certificate (fingerprint printed on stderr).",
)
@click.option("--sha256", "offer_sha256", is_flag=True, help="Offer Digest SHA-256 as well as MD5.")
@click.option(
    "--manual-clock",
    is_flag=True,
    help='Stop time: timed behaviour waits for POST /axisctl-sim/clock {"advance": S}.',
)
@click.option(
    "--virtual-inputs",
    type=click.IntRange(0, 1024),
    default=None,
    help="Number of virtual input ports (the model's default is 64).",
)
@click.option(
    "--poe-class",
    type=click.Choice(["3", "4"]),
    default="4",
    show_default=True,
    help="PoE class the strobe speaker is powered with; class 3 limits light intensity.",
)
@click.option(
    "--lpr-scenario",
    "lpr_scenario",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Play this scenario file (JSON vehicles with 'at' seconds) on each gate camera "
    "once it listens; see docs/simulator-lpr.md.",
)
def sim(
    model_key: str,
    port: int,
    count: int,
    host: str,
    sim_user: str,
    sim_password: str,
    no_account: bool,
    https: bool,
    offer_sha256: bool,
    manual_clock: bool,
    virtual_inputs: int | None,
    poe_class: str,
    lpr_scenario: Path | None,
) -> None:
    """Serve simulated devices until interrupted.

    Each device URL is printed on its own line on stdout once every device answers;
    /axis-cgi/systemready.cgi works from then on. A test bench presses inputs, reads
    outputs, moves a manual clock and arms faults under /axisctl-sim/ (loopback only,
    admin account; see docs/simulator.md).

    \b
    Examples:
      axisctl sim --model p1455-le-3 --port 9000 --count 3
      axisctl sim --model d4200-ve --manual-clock
      axisctl sim --model p1455-le-3 --lpr-scenario traffic.json
      axisctl sim --model intercom   # then: axisctl osdp reader --port <its reader connector>
      curl --digest -u root:pass -d '{"circuit": "closed"}' \\
           -H 'Content-Type: application/json' http://127.0.0.1:8081/axisctl-sim/io/1
    """
    scenario = _load_scenario(model_key, lpr_scenario) if lpr_scenario is not None else None
    simulator = Simulator(
        model_key,
        count=count,
        host=host,
        port=port,
        user=None if no_account else sim_user,
        password=None if no_account else sim_password,
        https=https,
        digest_algorithms=("SHA-256", "MD5") if offer_sha256 else ("MD5",),
        manual_clock=manual_clock,
        virtual_inputs=virtual_inputs,
        poe_class=poe_class,
    )

    def announce(started: Simulator) -> None:
        if started.certificate is not None:
            folder = Path(tempfile.mkdtemp(prefix="axisctl-sim-"))
            cert_path, _ = started.certificate.write_pem(folder)
            click.echo(f"certificate sha256 {started.certificate.sha256}", err=True)
            click.echo(f"certificate file {cert_path}", err=True)
        if scenario is not None:
            for device in started.devices:
                if device.lpr is not None:
                    device.lpr.run_scenario(scenario)
        _announce_reader_connectors(started)
        for url in started.urls:
            click.echo(url)
        sys.stdout.flush()

    try:
        asyncio.run(simulator.serve(on_ready=announce))
    except OSError as exc:
        raise click.ClickException(str(exc)) from None


def _announce_reader_connectors(started: Simulator) -> None:
    """Say on stderr where external OSDP readers plug in (stdout is for the URLs).

    Each connector is a pty, two file descriptors; beyond the first few intercoms, which a
    person could attach readers to by hand, they open on demand instead.
    """
    intercoms = [(d.url, d.access) for d in started.devices if d.access is not None]
    for url, access in intercoms[:_ANNOUNCED_CONNECTORS]:
        try:
            path = access.reader_connector.open()
        except OSError as exc:
            click.echo(f"reader connector of {url}: no pty ({exc})", err=True)
            continue
        click.echo(f"reader connector of {url}: {path}", err=True)
    if len(intercoms) > _ANNOUNCED_CONNECTORS:
        click.echo(
            f"reader connectors of the other {len(intercoms) - _ANNOUNCED_CONNECTORS} "
            "intercoms open on demand: GET /axisctl-sim/access/connector",
            err=True,
        )


def _load_scenario(model_key: str, path: Path) -> Scenario:
    if "fflprapp" not in model(model_key).apps:
        raise click.UsageError(
            f"--lpr-scenario needs a model with the License Plate Verifier, not {model_key}"
        )
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise click.BadParameter(exc.message, param_hint="--lpr-scenario") from None
