"""Root command, global connection options, and error handling."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

import click

from axisctl import __version__
from axisctl.cli.errors import EXIT_CODE_HELP, exit_code_for
from axisctl.cli.output import err_console
from axisctl.device import Device


@dataclass
class Connection:
    """What the global options say about the device to talk to."""

    url: str | None
    user: str | None
    password: str | None = field(repr=False)
    auth: str
    ca_bundle: Path | None
    pin_sha256: str | None
    insecure_basic: bool
    timeout: float

    def device(self) -> Device:
        if not self.url:
            raise click.UsageError("no device: pass --device URL or set AXISCTL_DEVICE")
        password = self.password
        if self.user and password is None:
            if not sys.stdin.isatty():
                raise click.UsageError(
                    "no password: pass --password, set AXISCTL_PASSWORD, or run in a terminal"
                )
            password = click.prompt(f"Password for {self.user}", hide_input=True)
        return Device(
            self.url,
            self.user,
            password,
            auth=cast(Literal["digest", "basic"], self.auth),
            ca_bundle=self.ca_bundle,
            pin_sha256=self.pin_sha256,
            allow_basic_over_http=self.insecure_basic,
            timeout=self.timeout,
        )


class AxisctlGroup(click.Group):
    """Turns expected errors into one line on stderr and a distinct exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (Exception, KeyboardInterrupt) as error:
            if isinstance(error, KeyboardInterrupt):
                err_console.print("interrupted")
                ctx.exit(130)
            code, label = exit_code_for(error)
            if code == 1:
                raise
            err_console.print(
                f"[bold red]{label}:[/] {error}", highlight=False, markup=True, soft_wrap=True
            )
            ctx.exit(code)


@click.group(
    cls=AxisctlGroup,
    epilog=EXIT_CODE_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "-d",
    "--device",
    "url",
    envvar="AXISCTL_DEVICE",
    metavar="URL",
    help="Device address, e.g. http://192.168.0.90 or https://cam:443. [env: AXISCTL_DEVICE]",
)
@click.option("-u", "--user", envvar="AXISCTL_USER", help="Account name. [env: AXISCTL_USER]")
@click.option(
    "-p",
    "--password",
    envvar="AXISCTL_PASSWORD",
    help="Password; prefer the environment variable so it stays out of shell history. "
    "Prompted for when missing in a terminal. [env: AXISCTL_PASSWORD]",
)
@click.option(
    "--auth",
    type=click.Choice(["digest", "basic"]),
    default="digest",
    show_default=True,
    help="HTTP authentication scheme. Basic needs HTTPS unless --insecure-basic-over-http.",
)
@click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM file of CA certificates to trust for HTTPS instead of the system store.",
)
@click.option(
    "--pin-sha256",
    metavar="FINGERPRINT",
    help="Trust exactly the certificate with this SHA-256 fingerprint (self-signed devices).",
)
@click.option(
    "--insecure-basic-over-http",
    "insecure_basic",
    is_flag=True,
    help="Allow Basic authentication over plain HTTP (sends the password in clear).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=15.0,
    show_default=True,
    help="Seconds to wait for the device to answer.",
)
@click.version_option(__version__, prog_name="axisctl")
@click.pass_context
def cli(
    ctx: click.Context,
    url: str | None,
    user: str | None,
    password: str | None,
    auth: str,
    ca_bundle: Path | None,
    pin_sha256: str | None,
    insecure_basic: bool,
    timeout: float,
) -> None:
    """Control, test and simulate Axis network devices.

    \b
    Examples:
      axisctl sim --model d4200-ve --port 8081            # a simulated strobe speaker
      export AXISCTL_DEVICE=http://127.0.0.1:8081 AXISCTL_USER=root AXISCTL_PASSWORD=pass
      axisctl info                                        # what the device is
      axisctl params list Brand --json                    # parameters as JSON
      axisctl params set Time.POSIXTimeZone=CET-1CEST,M3.5.0,M10.5.0/3
      axisctl demo                                        # a simulated site, as a story
    """
    ctx.obj = Connection(url, user, password, auth, ca_bundle, pin_sha256, insecure_basic, timeout)


def main() -> None:
    from axisctl.cli import (  # noqa: F401 - importing registers the commands
        demo,
        device_commands,
        events_commands,
        events_watch,
        hil_check,
        hil_group,
        hil_run,
        io_commands,
        lpr_commands,
        lpr_events,
        lpr_group,
        lpr_listen,
        lpr_push,
        lpr_settings,
        mqtt_commands,
        osdp_commands,
        reader_commands,
        sim_command,
        siren_commands,
        siren_run,
        vinput_commands,
        wiegand_commands,
    )

    cli(prog_name="axisctl")
