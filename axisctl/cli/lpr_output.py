"""Shared pieces of the ``axisctl lpr`` commands: options, and lists as text and JSON."""

from __future__ import annotations

from typing import Any

import click

from axisctl.apis.lpr import WEEKDAYS, PlateEntry, PlateList, Schedule
from axisctl.cli.app import Connection

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def schedule_text(schedules: tuple[Schedule, ...]) -> str:
    """``always``, or the enabled windows: ``Mon-Fri 08:00-17:00``."""
    windows = [s for s in schedules if s.enabled]
    if not windows:
        return "always"
    return "; ".join(f"{_days_text(s.days)} {s.start:%H:%M}-{s.end:%H:%M}" for s in windows)


def _days_text(days: frozenset[str]) -> str:
    ordered = [day for day in WEEKDAYS if day in days]
    if not ordered:
        return "no day"
    indexes = [WEEKDAYS.index(day) for day in ordered]
    if len(ordered) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ",".join(ordered)


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {
        "enabled": schedule.enabled,
        "start": f"{schedule.start:%H:%M}",
        "end": f"{schedule.end:%H:%M}",
        "days": [day for day in WEEKDAYS if day in schedule.days],
    }


def entry_json(entry: PlateEntry) -> dict[str, Any]:
    return {
        "plate": entry.plate,
        "date": entry.date.isoformat() if entry.date else None,
        "description": entry.description,
    }


def list_json(plate_list: PlateList, entries: list[PlateEntry]) -> dict[str, Any]:
    return {
        "key": plate_list.key.value,
        "id": plate_list.id,
        "name": plate_list.name,
        "mode": plate_list.mode.value,
        "schedules": [schedule_json(s) for s in plate_list.schedules],
        "plates": [entry_json(e) for e in entries],
    }
