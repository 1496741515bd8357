"""Wire forms of the plate lists: ``list_mgmt.cgi`` JSON, ``<bw_list>`` XML, plate lines.

Shared by the client and the simulator, so both read and write exactly the same forms::

    GET list_mgmt.cgi -> {"lists": [{"id": "1", "name": "Allow list", "mode": "allow",
                          "schedule": [{"enabled": false, "start_time": "0", "end_time": "0",
                                        "Mon": true, ..., "Sun": true}]}, ...]}
    GET allow_list.cgi -> <?xml version="1.0" encoding="UTF-8" ?><bw_list mode="allow">
                          <s>M SR1669,09-29-2023,car_test_2</s>...</bw_list>
    api.cgi?api=exportallow -> M WR6677,09-29-2023,Most wanted car   (one plate a line)

A plate line is ``plate,MM-DD-YYYY,description``; the date and the description may be empty
and the description may contain commas (only the first two split). Times in schedules are
minutes since midnight as decimal strings. Every reader raises
:class:`~axisctl.errors.ParseError` naming what was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from axisctl.apis._json import expect_object, kind
from axisctl.apis.lpr.models import (
    MAX_SCHEDULES,
    MINUTES_PER_DAY,
    WEEKDAYS,
    ListKey,
    ListMode,
    PlateEntry,
    PlateList,
    Schedule,
    description_problem,
    list_name_problem,
    minute_time,
    plate_problem,
)
from axisctl.codecs import safexml
from axisctl.errors import ParseError

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>'
_US_DATE = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
_MINUTES = re.compile(r"[0-9]{1,4}")


# --- plate lines --------------------------------------------------------------------------


def format_us_date(date: dt.date | None) -> str:
    return "" if date is None else f"{date.month:02d}-{date.day:02d}-{date.year:04d}"


def parse_us_date(text: str, where: str) -> dt.date | None:
    """``MM-DD-YYYY`` (the app's list date) or empty."""
    if not text:
        return None
    match = _US_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        month, day, year = (int(group) for group in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError(
            f"{where}: date {text!r:.40} is not a date in the form MM-DD-YYYY"
        ) from None


def format_plate_line(entry: PlateEntry) -> str:
    """``plate,MM-DD-YYYY,description``: the form of ``<s>``, ``addplate`` and exports."""
    return f"{entry.plate},{format_us_date(entry.date)},{entry.description}"


def parse_plate_line(text: str, where: str) -> PlateEntry:
    """A plate line; only ``plate`` is required (``AA123DD`` is a whole line)."""
    plate, _, rest = text.partition(",")
    date_text, _, description = rest.partition(",")
    plate = plate.strip()
    problem = plate_problem(plate)
    if problem is not None:
        raise ParseError(f"{where}: {problem}")
    date = parse_us_date(date_text.strip(), where)
    description = description.strip()
    problem = description_problem(description)
    if problem is not None:
        raise ParseError(f"{where}: {problem}")
    return PlateEntry(plate, date, description)


def format_export(entries: Iterable[PlateEntry]) -> str:
    return "".join(format_plate_line(entry) + "\n" for entry in entries)


def parse_export(text: str) -> list[PlateEntry]:
    """The lines of ``api.cgi?api=export<list>``; blank lines are ignored."""
    return [
        parse_plate_line(line, f"export line {number}")
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


# --- <bw_list> ----------------------------------------------------------------------------


def format_bw_list(mode: ListMode | None, entries: Iterable[PlateEntry]) -> bytes:
    """A ``<bw_list>`` document; ``mode=None`` leaves the attribute out (batch add)."""
    root = etree.Element("bw_list")
    if mode is not None:
        root.set("mode", mode.value)
    for entry in entries:
        etree.SubElement(root, "s").text = format_plate_line(entry)
    body: str = etree.tostring(root, encoding="unicode")
    return (XML_DECLARATION + body).encode("utf-8")


def parse_bw_list(data: bytes, what: str) -> tuple[ListMode | None, list[PlateEntry]]:
    """The mode attribute (``None`` when absent) and the plates of a ``<bw_list>``."""
    root = safexml.parse_xml(data, what=what)
    if safexml.local_name(root) != "bw_list":
        raise ParseError(f"{what}: root is <{safexml.local_name(root)}>, expected <bw_list>")
    raw_mode = root.get("mode")
    mode = None
    if raw_mode is not None:
        try:
            mode = ListMode(raw_mode)
        except ValueError:
            raise ParseError(f"{what}: mode {raw_mode!r:.40} is not allow, block or none") from None
    entries = []
    for index, element in enumerate(root, 1):
        if safexml.local_name(element) != "s":
            raise ParseError(
                f"{what}: <bw_list> holds <{safexml.local_name(element)}>, expected <s>"
            )
        text = safexml.text_of(element, what=what)
        entries.append(parse_plate_line(text, f"{what}: <s> number {index}"))
    return mode, entries


# --- list_mgmt.cgi ------------------------------------------------------------------------


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enabled": schedule.enabled,
        "start_time": str(schedule.start_minute),
        "end_time": str(schedule.end_minute),
    }
    body.update({day: day in schedule.days for day in WEEKDAYS})
    return body


def schedule_from_json(value: Any, where: str) -> Schedule:
    obj = expect_object(value, where)
    enabled = _bool(obj, "enabled", where)
    start = _minute(obj, "start_time", where)
    end = _minute(obj, "end_time", where)
    days = frozenset(day for day in WEEKDAYS if _bool(obj, day, where))
    return Schedule(enabled, minute_time(start), minute_time(end), days)


def list_to_json(plate_list: PlateList) -> dict[str, Any]:
    return {
        "id": plate_list.id,
        "name": plate_list.name,
        "schedule": [schedule_to_json(s) for s in plate_list.schedules],
        "mode": plate_list.mode.value,
    }


def lists_to_json(lists: Iterable[PlateList]) -> dict[str, Any]:
    return {"lists": [list_to_json(plate_list) for plate_list in lists]}


@dataclass(frozen=True)
class ListUpdate:
    """One list object of a ``list_mgmt.cgi`` POST: the id and whatever it changes."""

    key: ListKey
    name: str | None = None
    mode: ListMode | None = None
    schedules: tuple[Schedule, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.key.id}
        if self.name is not None:
            body["name"] = self.name
        if self.schedules is not None:
            body["schedule"] = [schedule_to_json(s) for s in self.schedules]
        if self.mode is not None:
            body["mode"] = self.mode.value
        return body


def parse_list_update(value: Any, where: str) -> ListUpdate:
    """A list object as a POST sends it: ``id`` required, the rest optional."""
    obj = expect_object(value, where)
    raw_id = obj.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if not isinstance(raw_id, str):
        raise ParseError(f"{where}.id is {kind(raw_id) if 'id' in obj else 'missing'}")
    key = ListKey.from_id(raw_id)
    if key is None:
        raise ParseError(f"{where}.id {raw_id!r:.20} is not a list id; the lists are 1, 2 and 3")
    name = None
    if "name" in obj:
        name = obj["name"]
        problem = list_name_problem(name)
        if problem is not None:
            raise ParseError(f"{where}.{problem}")
        assert isinstance(name, str)
        name = name.strip()
    mode = None
    if "mode" in obj:
        raw_mode = obj["mode"]
        try:
            mode = ListMode(raw_mode)
        except ValueError:
            raise ParseError(f"{where}.mode {raw_mode!r:.40} is not allow, block or none") from None
    schedules = None
    if "schedule" in obj:
        raw = obj["schedule"]
        if not isinstance(raw, list):
            raise ParseError(f"{where}.schedule is {kind(raw)}, expected a list")
        if len(raw) > MAX_SCHEDULES:
            raise ParseError(
                f"{where}.schedule has {len(raw)} windows; at most {MAX_SCHEDULES} are allowed"
            )
        schedules = tuple(
            schedule_from_json(item, f"{where}.schedule[{index}]") for index, item in enumerate(raw)
        )
    return ListUpdate(key, name, mode, schedules)


def parse_list_mgmt(value: Any, what: str) -> list[PlateList]:
    """The three lists of a ``list_mgmt.cgi`` answer, every field required."""
    obj = expect_object(value, what)
    raw_lists = obj.get("lists")
    if not isinstance(raw_lists, list):
        raise ParseError(f"{what}.lists is {kind(raw_lists)}, expected a list")
    lists = []
    for index, item in enumerate(raw_lists):
        where = f"{what}.lists[{index}]"
        update = parse_list_update(item, where)
        if update.name is None or update.mode is None or update.schedules is None:
            missing = [
                key
                for key, present in (
                    ("name", update.name),
                    ("mode", update.mode),
                    ("schedule", update.schedules),
                )
                if present is None
            ]
            raise ParseError(f"{where} has no {', '.join(missing)}")
        lists.append(PlateList(update.key, update.name, update.mode, update.schedules))
    return lists


def _bool(obj: Mapping[str, Any], key: str, where: str) -> bool:
    value = obj.get(key)
    if not isinstance(value, bool):
        what = kind(value) if key in obj else "missing"
        raise ParseError(f"{where}.{key} is {what}, expected true or false")
    return value


def _minute(obj: Mapping[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _MINUTES.fullmatch(value):
        what = repr(value)[:40] if key in obj else "missing"
        raise ParseError(f'{where}.{key} is {what}, expected minutes since midnight ("0"-"1439")')
    minute = int(value)
    if minute >= MINUTES_PER_DAY:
        raise ParseError(f"{where}.{key} {minute} is past 1439 (23:59)")
    return minute
