"""The app's list endpoints: ``list_mgmt.cgi``, ``<list>.cgi`` and ``api.cgi``.

Wire forms are in :mod:`axisctl.apis.lpr.lists_wire`. Every change is checked completely
before anything is applied, under the device lock, so a refused request changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from aiohttp import web

from axisctl.apis.lpr.lists_wire import (
    ListUpdate,
    format_bw_list,
    format_export,
    lists_to_json,
    parse_bw_list,
    parse_list_update,
    parse_plate_line,
)
from axisctl.apis.lpr.models import MAX_LIST_ENTRIES, ListMode, PlateEntry
from axisctl.errors import ParseError
from axisctl.sim.handlers._form import arguments
from axisctl.sim.handlers.lpr_common import (
    Refused,
    allow,
    app_of,
    entry_model,
    entry_state,
    find_list,
    json_answer,
    list_model,
    ok,
    schedule_state,
    xml,
)
from axisctl.sim.lpr.state import LprState, PlateList
from axisctl.sim.webctx import device_of

API_CALLS = ("addplate", "delplate", "exportallow", "exportblock", "exportcustom", "clearevents")


# --- list_mgmt.cgi ----------------------------------------------------------------------------


async def list_mgmt_cgi(request: web.Request) -> web.StreamResponse:
    try:
        allow(request, "GET", "POST")
        app = app_of(request)
        updates = await _list_updates(request) if request.method == "POST" else []
        with device_of(request).lock:
            state = app.state
            if updates:
                _check_names(state, updates)
                _apply(state, updates)
            return json_answer(lists_to_json(list_model(pl) for pl in state.lists.values()))
    except Refused as refused:
        return refused.response()


async def _list_updates(request: web.Request) -> list[ListUpdate]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(f"body is not JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("lists"), list) or not body["lists"]:
        raise Refused('body must be {"lists": [...]} with at least one list')
    try:
        updates = [
            parse_list_update(item, f"lists[{index}]") for index, item in enumerate(body["lists"])
        ]
    except ParseError as exc:
        raise Refused(exc.message) from None
    keys = [update.key for update in updates]
    if len(set(keys)) != len(keys):
        raise Refused("a list id appears twice in lists")
    return updates


def _check_names(state: LprState, updates: Iterable[ListUpdate]) -> None:
    """Display names stay unique and never take another list's key or file stem, so that
    ``<name>.cgi`` and ``list=<name>`` always find one list."""
    names = {key: plate_list.name for key, plate_list in state.lists.items()}
    renamed = {u.key.value: u.name for u in updates if u.name is not None}
    names.update(renamed)
    for key, name in renamed.items():
        for other, other_name in names.items():
            if other != key and name.casefold() in (
                other,
                f"{other}_list",
                other_name.casefold(),
            ):
                raise Refused(f"name {name!r} is taken by the {other} list")


def _apply(state: LprState, updates: Iterable[ListUpdate]) -> None:
    for update in updates:
        plate_list = state.lists[update.key.value]
        if update.name is not None:
            plate_list.name = update.name
        if update.mode is not None:
            plate_list.mode = update.mode.value
        if update.schedules is not None:
            plate_list.schedules = [schedule_state(s) for s in update.schedules]


# --- <list>.cgi ---------------------------------------------------------------------------


async def list_file_cgi(request: web.Request) -> web.StreamResponse:
    """``allow_list.cgi`` (or ``<display name>.cgi``): GET the plates, POST a batch add."""
    try:
        allow(request, "GET", "POST")
        app = app_of(request)
        name = request.match_info["name"]
        entries: list[PlateEntry] = []
        if request.method == "POST":
            try:
                _, entries = parse_bw_list(await request.read(), "body")
            except ParseError as exc:
                raise Refused(exc.message) from None
        with device_of(request).lock:
            plate_list = app.state.list_by_name(name)
            if plate_list is None:
                raise Refused(f"no list named {name!r:.60}", 404)
            if request.method == "POST":
                add_entries(plate_list, entries)
                return ok()
            body = format_bw_list(
                ListMode(plate_list.mode), (entry_model(e) for e in plate_list.entries.values())
            )
        return xml(body)
    except Refused as refused:
        return refused.response()


def add_entries(plate_list: PlateList, entries: Iterable[PlateEntry]) -> None:
    """Add or update plates, all or none: a list never grows past its limit."""
    batch = {entry.plate: entry for entry in entries}
    new = sum(1 for plate in batch if plate not in plate_list.entries)
    if len(plate_list.entries) + new > MAX_LIST_ENTRIES:
        raise Refused(
            f"{plate_list.name} would hold {len(plate_list.entries) + new} plates; "
            f"at most {MAX_LIST_ENTRIES}"
        )
    for plate, entry in batch.items():
        plate_list.entries[plate] = entry_state(entry)


# --- api.cgi ------------------------------------------------------------------------------


async def api_cgi(request: web.Request) -> web.StreamResponse:
    try:
        allow(request, "GET", "POST")
        app = app_of(request)
        args = await arguments(request)
        call = args.get("api", "")
        if call not in API_CALLS:
            what = f"api {call!r:.40} is unknown" if call else "api is missing"
            raise Refused(f"{what}; expected {', '.join(API_CALLS)}")
        with device_of(request).lock:
            state = app.state
            if call == "clearevents":
                app.clear_events()
                return ok()
            if call.startswith("export"):
                plate_list = find_list(state, call.removeprefix("export"))
                text = format_export(entry_model(e) for e in plate_list.entries.values())
                return web.Response(text=text, content_type="text/plain")
            plate_list = find_list(state, args.get("list", "").strip())
            plate_text = args.get("plate", "")
            if call == "addplate":
                try:
                    entry = parse_plate_line(plate_text, "plate")
                except ParseError as exc:
                    raise Refused(exc.message) from None
                add_entries(plate_list, [entry])
                return ok()
            plate = plate_text.strip()
            if not plate:
                raise Refused("plate is missing")
            if plate not in plate_list.entries:
                raise Refused(f"plate {plate!r:.60} is not on {plate_list.name}", 404)
            del plate_list.entries[plate]
            return ok()
    except Refused as refused:
        return refused.response()
