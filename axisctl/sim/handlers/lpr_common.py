"""What every ``/local/fflprapp/`` handler answers with: data, ``OK``, or a plain reason.

The app's error bodies are undocumented; the simulator answers ``400 Bad Request`` (or
``404 Not Found``) with a one-line plain-text reason, and never changes anything on a
refused request.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from axisctl.apis.lpr.models import ListKey, ListMode, PlateEntry, PlateList, Schedule, minute_time
from axisctl.sim.lpr import state as lpr_state
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.webctx import device_of


class Refused(Exception):
    """A request the app refuses; ``reason`` is the body of the answer."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status

    def response(self) -> web.Response:
        return web.Response(
            status=self.status, text=self.reason.rstrip("\n") + "\n", content_type="text/plain"
        )


def ok() -> web.Response:
    return web.Response(text="OK", content_type="text/plain")


def xml(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="application/xml", charset="utf-8")


def json_answer(value: Any) -> web.Response:
    return web.Response(text=json.dumps(value, ensure_ascii=False), content_type="application/json")


def app_of(request: web.Request) -> LprApp:
    app = device_of(request).lpr
    if app is None:  # routes exist only on models with the app
        raise Refused("this device has no License Plate Verifier app", 404)
    return app


def allow(request: web.Request, *methods: str) -> None:
    if request.method not in methods:
        raise web.HTTPMethodNotAllowed(request.method, list(methods), text="Method Not Allowed\n")


def find_list(state: lpr_state.LprState, name: str, what: str = "list") -> lpr_state.PlateList:
    """A list by key, file stem or display name, or a 400 naming the three keys."""
    if not name:
        raise Refused(f"{what} is missing; expected allow, block or custom")
    found = state.list_by_name(name)
    if found is None:
        raise Refused(f"{what} {name!r:.60} is not a list; expected allow, block or custom")
    return found


# --- state objects <-> client models --------------------------------------------------------


def schedule_model(schedule: lpr_state.Schedule) -> Schedule:
    return Schedule(
        schedule.enabled,
        minute_time(schedule.start_minute),
        minute_time(schedule.end_minute),
        frozenset(schedule.days),
    )


def schedule_state(schedule: Schedule) -> lpr_state.Schedule:
    return lpr_state.Schedule(
        schedule.enabled, schedule.start_minute, schedule.end_minute, frozenset(schedule.days)
    )


def list_model(plate_list: lpr_state.PlateList) -> PlateList:
    return PlateList(
        ListKey(plate_list.key),
        plate_list.name,
        ListMode(plate_list.mode),
        tuple(schedule_model(s) for s in plate_list.schedules),
    )


def entry_model(entry: lpr_state.PlateEntry) -> PlateEntry:
    return PlateEntry(entry.plate, entry.date, entry.description)


def entry_state(entry: PlateEntry) -> lpr_state.PlateEntry:
    return lpr_state.PlateEntry(entry.plate, entry.date, entry.description)
