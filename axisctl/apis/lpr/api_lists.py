"""Plate list calls of ``device.lpr``: ``list_mgmt.cgi``, ``<list>.cgi``, ``api.cgi``,
``upload.cgi``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.lpr.lists_wire import (
    ListUpdate,
    format_bw_list,
    format_plate_line,
    parse_bw_list,
    parse_export,
    parse_list_mgmt,
)
from axisctl.apis.lpr.models import (
    MAX_LIST_ENTRIES,
    MAX_SCHEDULES,
    ListKey,
    ListMode,
    PlateEntry,
    PlateList,
    Schedule,
    list_key,
    list_mode,
    list_name_problem,
    plate_problem,
)
from axisctl.apis.lpr.plate_csv import (
    PlateCsvError,
    PlateCsvLineError,
    format_plate_csv,
    parse_plate_csv,
)
from axisctl.apis.lpr.wire import checked, parsed, request
from axisctl.codecs.multipart import FormPart, encode_form
from axisctl.errors import ConfigurationError, ParseError
from axisctl.transport.flow import API, Flow, HttpResponse, ModeT, operation

#: Bytes per ``upload.cgi`` request when importing a CSV file.
UPLOAD_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class CsvImport:
    """What :meth:`LprAppAPI.import_csv` did: plates imported, and the lines it skipped."""

    imported: int
    skipped: tuple[PlateCsvLineError, ...] = field(default=())


def _json(response: HttpResponse) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise ParseError(f"not JSON: {exc}") from None


class ListCalls(API[ModeT]):
    """The three lists and their plates."""

    @operation
    def lists(self) -> Flow[list[PlateList]]:
        """The three lists: names, modes and schedules (``list_mgmt.cgi``)."""
        response = checked((yield request("GET", "list_mgmt.cgi")), "list_mgmt.cgi")
        return parsed(
            "list_mgmt.cgi", lambda: parse_list_mgmt(_json(response), "list_mgmt.cgi answer")
        )

    @operation
    def set_list(
        self,
        key: ListKey | str,
        *,
        name: str | None = None,
        mode: ListMode | str | None = None,
        schedules: Iterable[Schedule] | None = None,
    ) -> Flow[PlateList]:
        """Rename a list, change its mode or replace its schedules; returns the list as stored.

        ``schedules=[]`` removes every window (the list then applies all the time).
        """
        update = _list_update(list_key(key), name, mode, schedules)
        body = json.dumps({"lists": [update.to_json()]}).encode("utf-8")
        response = checked(
            (yield request("POST", "list_mgmt.cgi", content=body, content_type="application/json")),
            "list_mgmt.cgi",
        )
        lists = parsed(
            "list_mgmt.cgi", lambda: parse_list_mgmt(_json(response), "list_mgmt.cgi answer")
        )
        return parsed("list_mgmt.cgi", lambda: _find(lists, update.key))

    @operation
    def plates(self, key: ListKey | str) -> Flow[list[PlateEntry]]:
        """The plates on a list (``<key>_list.cgi``), in the order the app keeps them."""
        stem = list_key(key).file_stem
        method = f"{stem}.cgi"
        response = checked((yield request("GET", method)), method)
        return parsed(method, lambda: parse_bw_list(response.content, f"{method} answer")[1])

    @operation
    def add_plate(
        self,
        key: ListKey | str,
        plate: str,
        *,
        date: dt.date | None = None,
        description: str = "",
    ) -> Flow[None]:
        """Put a plate on a list; a plate already there gets the new date and description."""
        checked_key = list_key(key)
        entry = PlateEntry(plate, date, description)
        entry.validate()
        params = {"api": "addplate", "plate": format_plate_line(entry), "list": checked_key.value}
        checked((yield request("GET", "api.cgi", params=params)), "api.cgi?api=addplate")

    @operation
    def remove_plate(self, key: ListKey | str, plate: str) -> Flow[None]:
        """Take a plate off a list; :class:`LprNotFoundError` if it is not on it."""
        checked_key = list_key(key)
        problem = plate_problem(plate)
        if problem is not None:
            raise InvalidLprSettingError(problem, field="plate", value=plate)
        params = {"api": "delplate", "plate": plate, "list": checked_key.value}
        # Not retried: a repeat after a lost answer would report the removed plate as missing.
        response = yield request("GET", "api.cgi", params=params, idempotent=False)
        checked(response, "api.cgi?api=delplate", may_be_missing=True)

    @operation
    def add_plates(self, key: ListKey | str, entries: Iterable[PlateEntry]) -> Flow[int]:
        """Put many plates on a list in one request, all or none; returns how many."""
        checked_key = list_key(key)
        batch = list(entries)
        for index, entry in enumerate(batch):
            entry.validate(f"entries[{index}]")
        if len(batch) > MAX_LIST_ENTRIES:
            raise InvalidLprSettingError(
                f"{len(batch)} plates; a list holds at most {MAX_LIST_ENTRIES}",
                field="entries",
            )
        if not batch:
            return 0
        method = f"{checked_key.file_stem}.cgi"
        body = format_bw_list(None, batch)
        checked(
            (yield request("POST", method, content=body, content_type="application/xml")), method
        )
        return len(batch)

    @operation
    def export_plates(self, key: ListKey | str) -> Flow[list[PlateEntry]]:
        """The plates of a list as the app exports them (``api.cgi?api=export<key>``)."""
        method = f"api.cgi?api=export{list_key(key).value}"
        params = {"api": f"export{list_key(key).value}"}
        response = checked((yield request("GET", "api.cgi", params=params)), method)
        return parsed(method, lambda: parse_export(response.text()))

    @operation
    def export_csv(self, key: ListKey | str) -> Flow[str]:
        """The list in the manual's CSV format (``license plate,date,description``, ISO
        dates, no header): what :meth:`import_csv` reads back."""
        entries = yield from ListCalls.export_plates.flow(self, key)
        return format_plate_csv(entries)

    @operation
    def import_csv(
        self, key: ListKey | str, text: str | bytes, *, skip_bad_lines: bool = False
    ) -> Flow[CsvImport]:
        """Add the plates of a CSV file to a list (plates already there are updated).

        The file is checked here first: with a bad line nothing is sent and
        :class:`PlateCsvError` lists every bad line; ``skip_bad_lines=True`` imports the good
        lines and reports the others in :attr:`CsvImport.skipped`. The app applies the
        upload all or nothing.
        """
        checked_key = list_key(key)
        entries, errors = parse_plate_csv(text)
        whole_file = [error for error in errors if error.line_number == 0]
        if whole_file or (errors and not skip_bad_lines):
            raise PlateCsvError(whole_file or errors)
        # Later lines win, as they would on the app; the upload carries each plate once.
        unique = list({entry.plate: entry for entry in entries}.values())
        if unique:
            yield from _upload_csv(checked_key, format_plate_csv(unique).encode("utf-8"))
        return CsvImport(len(unique), tuple(errors))


def _list_update(
    key: ListKey,
    name: str | None,
    mode: ListMode | str | None,
    schedules: Iterable[Schedule] | None,
) -> ListUpdate:
    if name is not None:
        problem = list_name_problem(name)
        if problem is not None:
            raise InvalidLprSettingError(problem, field="name", value=name)
        name = name.strip()
    checked_mode = list_mode(mode) if mode is not None else None
    windows = None
    if schedules is not None:
        windows = tuple(schedules)
        if len(windows) > MAX_SCHEDULES:
            raise InvalidLprSettingError(
                f"{len(windows)} schedule windows; at most {MAX_SCHEDULES}", field="schedules"
            )
        for index, window in enumerate(windows):
            if not isinstance(window, Schedule):
                raise InvalidLprSettingError(
                    f"schedules[{index}] is {type(window).__name__}, expected a Schedule",
                    field=f"schedules[{index}]",
                )
            window.validate(f"schedules[{index}]")
    if name is None and checked_mode is None and windows is None:
        raise ConfigurationError("set_list: give a name, a mode or schedules", api="fflprapp")
    return ListUpdate(key, name, checked_mode, windows)


def _find(lists: list[PlateList], key: ListKey) -> PlateList:
    for plate_list in lists:
        if plate_list.key is key:
            return plate_list
    raise ParseError(f"list_mgmt.cgi answer has no list {key.id} ({key.value})")


def _upload_csv(key: ListKey, data: bytes) -> Flow[None]:
    """``upload.cgi``: ``new``, the file in chunks with ``upload``, then ``save``."""
    filename = f"{key.file_stem}.csv"
    chunks = [data[i : i + UPLOAD_CHUNK_BYTES] for i in range(0, len(data), UPLOAD_CHUNK_BYTES)]
    steps = [("new", b""), *(("upload", chunk) for chunk in chunks), ("save", b"")]
    for command, chunk in steps:
        body, content_type = encode_form(
            [
                FormPart("command", command),
                FormPart("list", filename),
                FormPart("data", chunk, filename=filename, content_type="text/csv"),
            ]
        )
        method = f"upload.cgi?command={command}"
        # Only "new" may be repeated safely: a repeated chunk would be appended twice.
        response = yield request(
            "POST",
            "upload.cgi",
            params={"command": command, "list": filename},
            content=body,
            content_type=content_type,
            idempotent=command == "new",
        )
        checked(response, method)
