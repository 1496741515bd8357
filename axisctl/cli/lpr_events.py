"""``axisctl lpr events``: search the plates the app has stored, or count them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import click

from axisctl.apis.lpr import Direction, EventLogEntry, EventStatistics, ListKey
from axisctl.cli.app import Connection
from axisctl.cli.lpr_group import lpr
from axisctl.cli.lpr_output import json_option, pass_connection
from axisctl.cli.output import console, print_json, print_table

__all__ = ["lpr_events"]

_AGO = re.compile(r"\s*([0-9]{1,6})\s*([smhdw])\s*", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class When(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 time (local when it has no zone) or a span back from the camera's clock:
    ``30s``, ``15m``, ``2h``, ``7d``, ``1w``."""

    name = "time"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime | dt.timedelta:
        if isinstance(value, (dt.datetime, dt.timedelta)):
            return value
        text = str(value)
        match = _AGO.fullmatch(text)
        if match is not None:
            return dt.timedelta(**{_UNITS[match[2].lower()]: int(match[1])})
        try:
            when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{text!r} is not an ISO time (2024-05-01T08:00) or a span (15m, 2h, 7d)",
                param,
                ctx,
            )
        return when if when.tzinfo is not None else when.astimezone()


def event_json(event: EventLogEntry) -> dict[str, Any]:
    return {
        "carId": event.car_id,
        "time": event.timestamp.isoformat(),
        "timestampUs": event.timestamp_us,
        "plate": event.plate,
        "plateAscii": event.plate_ascii,
        "country": event.country,
        "region": event.region,
        "direction": event.direction.value,
        "roi": event.roi,
        "confidence": event.confidence,
        "list": event.list_name,
        "listMode": event.list_mode.value if event.list_mode else None,
        "description": event.description,
        "image": event.image_name,
    }


def statistics_json(stats: EventStatistics) -> dict[str, Any]:
    return {
        "total": stats.total,
        "direction": {
            "in": stats.direction_in,
            "out": stats.direction_out,
            "unknown": stats.direction_unknown,
        },
        "lists": dict(stats.lists),
        "rois": {str(roi): count for roi, count in stats.rois.items()},
    }


def _print_statistics(stats: EventStatistics) -> None:
    rows: list[tuple[str, object]] = [
        ("total", stats.total),
        ("in", stats.direction_in),
        ("out", stats.direction_out),
        ("direction unknown", stats.direction_unknown),
    ]
    rows += [(f"list {name}", count) for name, count in stats.lists.items()]
    rows += [(f"region {roi}", count) for roi, count in stats.rois.items()]
    print_table(None, ("events", "count"), rows)


@lpr.command("events")
@click.option("--since", type=When(), help="From this time, or this long ago (15m, 2h, 7d).")
@click.option("--until", type=When(), help="Up to this time, or this long ago.")
@click.option("--plate", help="Part of the plate, any case.")
@click.option("--country", help="Country code, e.g. SWE.")
@click.option("--direction", type=click.Choice([d.value for d in Direction]))
@click.option(
    "--list",
    "on_list",
    type=click.Choice([*(k.value for k in ListKey), "none"]),
    help="Plates on this list ('none': on no list).",
)
@click.option("--roi", type=click.IntRange(1, 2), help="Region of interest.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many.")
@click.option("--stats", is_flag=True, help="Print counts by direction, list and region.")
@json_option
@pass_connection
def lpr_events(
    conn: Connection,
    since: dt.datetime | dt.timedelta | None,
    until: dt.datetime | dt.timedelta | None,
    plate: str | None,
    country: str | None,
    direction: str | None,
    on_list: str | None,
    roi: int | None,
    limit: int,
    offset: int,
    stats: bool,
    as_json: bool,
) -> None:
    """The vehicles the app has stored (newest first), filtered like its Search page.

    Spans such as 2h count back from the camera's own clock.

    \b
    Examples:
      axisctl lpr events --since 1h
      axisctl lpr events --plate abc --list allow --json
      axisctl lpr events --since 2024-05-01T00:00Z --until 2024-05-02T00:00Z --stats
    """
    filters: dict[str, Any] = {
        "since": since,
        "until": until,
        "plate": plate,
        "country": country,
        "direction": direction,
        "on_list": on_list,
        "roi": roi,
    }
    with conn.device() as device:
        if stats:
            counts = device.lpr.event_statistics(**filters)
        else:
            result = device.lpr.search_events(**filters, limit=limit, offset=offset)
    if stats:
        if as_json:
            print_json(statistics_json(counts))
        else:
            _print_statistics(counts)
        return
    if as_json:
        print_json(
            {
                "deviceTime": result.device_time.isoformat(),
                "events": [event_json(event) for event in result.events],
            }
        )
        return
    if not result.events:
        console.print("No events found", highlight=False)
        return
    rows = [
        (
            f"{event.timestamp:%Y-%m-%d %H:%M:%S}Z",
            event.car_id,
            event.plate,
            event.country,
            event.direction.value,
            event.roi or "",
            f"{event.confidence:.2f}",
            event.list_name,
            event.description,
        )
        for event in result.events
    ]
    print_table(
        None,
        ("time (UTC)", "car", "plate", "country", "direction", "roi", "conf.", "list", "note"),
        rows,
    )
