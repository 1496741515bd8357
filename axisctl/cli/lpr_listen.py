"""``axisctl lpr listen``: receive the License Plate Verifier's pushes on this machine."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any, cast

import click

from axisctl.cli.lpr_group import lpr
from axisctl.cli.output import err_console
from axisctl.errors import ConfigurationError
from axisctl.lpr import DEFAULT_MAX_BODY, AuthScheme, ListMode, PlateRead, PushReceiver

__all__ = ["lpr_listen"]

PASSWORD_ENV = "AXISCTL_LPR_PASSWORD"  # noqa: S105 - the variable's name, not a password
_SIZE = re.compile(r"\s*([0-9]+)\s*([KMG]?)(?:I?B)?\s*", re.IGNORECASE)


# ParamType is generic only in newer click; subscripting it would break click 8.1.
class ByteSize(click.ParamType):  # type: ignore[type-arg]
    """``1048576``, ``512K``, ``10M``, ``10MiB``: bytes, with binary multiples."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        if match is None or int(match.group(1)) == 0:
            self.fail(f"{value!r} is not a size such as 1048576, 512K or 10M", param, ctx)
        factor = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[match.group(2).upper()]
        return int(match.group(1)) * factor


@lpr.command("listen")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 (or ::) takes pushes from cameras on the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="HTTP port; 0 picks a free one (printed at start).",
)
@click.option("--path", default="/", show_default=True, help="URL path the camera posts to.")
@click.option(
    "--tcp-port",
    type=click.IntRange(0, 65535),
    help="Also take the TCP push (protocol TCP in the app) on this port; 0 picks a free one.",
)
@click.option(
    "--user",
    metavar="NAME",
    help=f"Require this user name (Basic or Digest); the password comes from ${PASSWORD_ENV}.",
)
@click.option(
    "--auth-type",
    type=click.Choice(["any", "basic", "digest"]),
    default="any",
    show_default=True,
    help="Which authentication --user accepts: as the push profile's 'HTTP auth type'.",
)
@click.option(
    "--auth-key-env",
    metavar="VAR",
    help="Require the X-Auth-Key header (the app's Auth-Header) to equal $VAR.",
)
@click.option(
    "--max-body",
    type=ByteSize(),
    default=DEFAULT_MAX_BODY,
    show_default="10M",
    help="Largest push accepted (a bigger one gets 413), also per TCP document.",
)
@click.option(
    "--images",
    "image_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Save each read's images in this folder (created if missing).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per read, for scripts.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Stop after N reads.")
@click.option(
    "--duplicates",
    is_flag=True,
    help="Also print the camera's resends of reads already printed, marked as duplicates.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a push's body may take to arrive before the client is cut off.",
)
def lpr_listen(
    host: str,
    port: int,
    path: str,
    tcp_port: int | None,
    user: str | None,
    auth_type: str,
    auth_key_env: str | None,
    max_body: int,
    image_dir: Path | None,
    as_json: bool,
    count: int | None,
    duplicates: bool,
    read_timeout: float,
) -> None:
    """Receive plate reads pushed by the License Plate Verifier app, one line per read.

    Set the camera's push profile (Integration > Push events) to this machine's address and
    port, protocol HTTP POST (or TCP with --tcp-port). Every push is answered: 200 when
    taken (also for a resend of one already taken, which is printed only with
    --duplicates), 4xx with the reason when refused. Stops after --count reads or Ctrl-C,
    then prints how many pushes were accepted, duplicates and rejected on stderr. The
    address it listens on is printed on stderr at start.

    \b
    Examples:
      axisctl lpr listen --host 0.0.0.0 --port 8080          # camera URL: <this host>:8080
      axisctl lpr listen --json > reads.jsonl                # JSON lines for scripts
      axisctl lpr listen --images ./plates --count 10        # save images, stop after 10
      AXISCTL_LPR_PASSWORD=secret axisctl lpr listen --user camera --auth-type digest
      LPR_KEY=abc123 axisctl lpr listen --auth-key-env LPR_KEY --tcp-port 9000
    """
    password = _password(user)
    auth_key = _auth_key(auth_key_env)
    try:
        receiver = PushReceiver(
            host,
            port,
            path=path,
            user=user,
            password=password,
            auth=cast(AuthScheme, auth_type),
            auth_key=auth_key,
            max_body=max_body,
            tcp_port=tcp_port,
            image_dir=image_dir,
            read_timeout=read_timeout,
            deliver_duplicates=duplicates,
        )
    except ConfigurationError as error:
        raise click.UsageError(error.message) from None
    _log_refusals()
    stopped_by = asyncio.run(_serve(receiver, count, as_json))
    err_console.print(receiver.stats.summary(), highlight=False)
    if stopped_by is not None:
        err_console.print("interrupted" if stopped_by == signal.SIGINT else "terminated")
        raise click.exceptions.Exit(128 + stopped_by)


def _password(user: str | None) -> str | None:
    if user is None:
        return None
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise click.UsageError(f"--user needs the password in ${PASSWORD_ENV}")
    return str(click.prompt(f"Password the camera sends for {user}", hide_input=True))


def _auth_key(variable: str | None) -> str | None:
    if variable is None:
        return None
    key = os.environ.get(variable)
    if not key:
        raise click.UsageError(f"--auth-key-env: ${variable} is not set or empty")
    return key


def _log_refusals() -> None:
    """Refused pushes go to stderr as they happen, in the receiver's own words."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("axisctl.lpr")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


async def _serve(receiver: PushReceiver, count: int | None, as_json: bool) -> int | None:
    """Print reads until ``count`` or a signal; returns the signal that stopped it, if any."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    received: list[int] = []

    def on_signal(number: int) -> None:
        received.append(number)
        stop.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, on_signal, number)
    try:
        await receiver.start()
    except OSError as error:
        raise click.ClickException(str(error)) from None
    try:
        _announce(receiver)
        consumer = asyncio.ensure_future(_print_reads(receiver, count, as_json))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({consumer, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (consumer, stopper):
            task.cancel()
        if consumer.done() and not consumer.cancelled():
            consumer.result()  # an error printing (a closed pipe) surfaces here
    finally:
        await receiver.stop()
    return received[0] if received else None


def _announce(receiver: PushReceiver) -> None:
    where = f"listening on {receiver.url}"
    if receiver.tcp_address is not None:
        tcp_host, tcp_port = receiver.tcp_address
        where += f" and tcp://{tcp_host}:{tcp_port}"
    # Plain print, flushed: scripts read the port from this line.
    print(where + " (Ctrl-C to stop)", file=sys.stderr, flush=True)


async def _print_reads(receiver: PushReceiver, count: int | None, as_json: bool) -> None:
    seen = 0
    async for read in receiver:
        if as_json:
            click.echo(json.dumps(read.to_json(), ensure_ascii=False))
        else:
            click.echo(line(read, color=sys.stdout.isatty()))
        seen += 1
        if count is not None and seen >= count:
            return


_LIST_COLORS = {ListMode.ALLOW: "green", ListMode.BLOCK: "red", ListMode.NONE: "yellow"}


def line(read: PlateRead, *, color: bool = False) -> str:
    """``2023-12-11 13:27:05.507  update  HWR6677  DEU  out  0.74  car 54950 #2117397 ...``."""
    when = read.captured_at.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    confidence = f"{read.confidence:.2f}" if read.confidence is not None else "-"
    parts = [
        when,
        f"{read.car_state.value:<6}",
        f"{read.text:<10}",
        f"{read.country or '-':<3}",
        f"{read.direction.value:<7}",
        confidence,
        f"car {read.car_id}",
        f"#{read.packet_counter}" if read.packet_counter is not None else "#-",
    ]
    if read.list_hit is not None:
        hit = f"{read.list_hit.name} ({read.list_hit.mode.value})"
        if read.list_hit.description:
            hit += f" {read.list_hit.description}"
        parts.append(click.style(hit, fg=_LIST_COLORS[read.list_hit.mode]) if color else hit)
    if read.image_paths:
        parts.append(" ".join(str(path) for path in read.image_paths))
    elif read.images:
        parts.append(f"[{len(read.images)} image{'s' if len(read.images) > 1 else ''}]")
    if read.duplicate:
        parts.append("(duplicate)")
    return "  ".join(parts)
