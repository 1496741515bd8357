"""``axisctl events watch``: follow the device's websocket event stream, line by line."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import click

from axisctl.cli.app import Connection
from axisctl.cli.device_commands import pass_connection
from axisctl.cli.events_commands import events
from axisctl.cli.output import err_console
from axisctl.events.filters import EventFilter, FilterError
from axisctl.events.models import Event
from axisctl.events.stream import ALL_EVENTS, open_stream


@events.command("watch")
@click.option(
    "--topic",
    "topics",
    multiple=True,
    metavar="FILTER",
    help="Only events of this topic filter: a topic, TOPIC//. for it and everything below, "
    "alternatives joined by |. Repeat for several filters. Default: every topic.",
)
@click.option(
    "--content",
    metavar="FILTER",
    help='Only events with these items: boolean(//SimpleItem[@Name="port" and @Value="1"]), '
    "terms joined by 'and' or 'or'. Applies to every --topic.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, for scripts.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Stop after N events.")
@click.option(
    "--timeout",
    "seconds",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop after SECONDS. With --count, exit 1 when fewer than N events came by then.",
)
@pass_connection
def events_watch(
    conn: Connection,
    topics: tuple[str, ...],
    content: str | None,
    as_json: bool,
    count: int | None,
    seconds: float | None,
) -> None:
    """Print events as they happen, until Ctrl-C, --count or --timeout.

    Right after subscribing, the device sends the current state of every stateful topic the
    filters match (inputs, virtual inputs, light status ...), then each change. An event
    that two --topic filters match is printed twice, as the device sends it twice. A lost
    connection is reopened by itself. Viewer accounts and up may watch.

    \b
    Examples:
      axisctl events watch                                       # everything
      axisctl events watch --topic 'tns1:Device/tnsaxis:IO//.'    # I/O ports, virtual inputs
      axisctl events watch --topic tns1:Device/tnsaxis:IO/VirtualInput \\
          --content 'boolean(//SimpleItem[@Name="port" and @Value="1"])' --count 1 --json
      axisctl events watch --json --timeout 60 > events.jsonl
    """
    filters = _filters(topics, content)
    deadline = None if seconds is None else time.monotonic() + seconds
    seen = 0
    with conn.device() as device, open_stream(device, filters) as stream:
        while count is None or seen < count:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            try:
                event = stream.get(timeout=remaining)
            except TimeoutError:
                break
            text = json.dumps(event_json(event), ensure_ascii=False) if as_json else line(event)
            click.echo(text)  # flushed per line, so a pipe sees each event as it comes
            seen += 1
    if count is not None and seen < count:
        err_console.print(f"timed out after {seconds:g} s with {seen} of {count} events")
        raise click.exceptions.Exit(1)


def _filters(topics: tuple[str, ...], content: str | None) -> list[EventFilter]:
    try:
        if topics:
            return [EventFilter.of(topic, content) for topic in topics]
        return [EventFilter.of(None, content)] if content is not None else [ALL_EVENTS]
    except FilterError as error:
        hint = "--content" if "content filter" in error.message else "--topic"
        raise click.BadParameter(error.message, param_hint=hint) from None


def event_json(event: Event) -> dict[str, Any]:
    """One JSON line: the wire fields flat, the time twice (epoch ms and ISO 8601 UTC)."""
    stamp = event.timestamp
    return {
        "topic": event.topic,
        "type": type(event).__name__,
        "timestamp": int(stamp.timestamp() * 1000) if stamp is not None else None,
        "time": stamp.isoformat().replace("+00:00", "Z") if stamp is not None else None,
        "source": dict(event.source),
        "key": dict(event.key),
        "data": dict(event.data),
    }


def line(event: Event) -> str:
    """``2024-06-01 12:00:00.123  tns1:Device/tnsaxis:IO/VirtualInput  port=1  active=1``."""
    stamp = event.timestamp
    when = (
        stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        if isinstance(stamp, dt.datetime)
        else "-" * 23
    )
    items = [*event.source.items(), *event.key.items(), *event.data.items()]
    return "  ".join([when, event.topic, *(f"{name}={value}" for name, value in items)])
