"""The app's event log: ``events.cgi`` (search), ``search.cgi`` (statistics), ``tools.cgi``.

``events.cgi`` answers the stored recognitions, newest first::

    <events><currentTimestampUs>1702297625507641</currentTimestampUs>
      <event><CAR_ID>54950</CAR_ID><TIMESTAMP>1702297625507000</TIMESTAMP><LPR>HWR6677</LPR>
        <LPR_UTF8>HWR6677</LPR_UTF8><COUNTRY>DEU</COUNTRY><REGION>Hannover</REGION>
        <DIRECTION>2</DIRECTION><ROI_ID>1</ROI_ID><CONFIDENCE>0.737210</CONFIDENCE>
        <LIST>Block list</LIST><LIST_MODE>block</LIST_MODE><DESCRIPTION>..</DESCRIPTION>
        <LP_BMP>tools.cgi?action=getImage&amp;name=52/..jpg</LP_BMP></event>...</events>

``DIRECTION`` is 0 (unknown), 1 (in) or 2 (out). ``search.cgi`` answers counts::

    <events><vcount><direction><in>978</in><out>0</out><unk>22</unk></direction>
      <list><allow>..</allow><block>..</block><custom>..</custom><none>..</none></list>
      <roi><roi1>..</roi1><roi2>..</roi2></roi><total>1000</total></vcount></events>

Both take the same filters (:func:`event_query`): ``timestampfrom``/``timestampto``
(microseconds, inclusive), ``text`` (part of the plate, any case), ``country``,
``direction`` (0/1/2), ``list`` (``allow``, ``block``, ``custom`` or ``none`` for plates on
no list), ``roi`` (1/2), ``limit`` (at most 1000) and ``offset``.
"""

from __future__ import annotations

import datetime as dt
import enum
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.lpr.models import ListKey, ListMode, list_key
from axisctl.codecs import safexml
from axisctl.errors import ParseError

#: Most events one search answers (the app stores 1,000 in internal memory).
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
#: ``list=none``: events whose plate was on no list.
NO_LIST = "none"


class Direction(enum.Enum):
    IN = "in"
    OUT = "out"
    UNKNOWN = "unknown"

    @property
    def code(self) -> str:
        """The app's number: ``"0"`` unknown, ``"1"`` in, ``"2"`` out."""
        return _CODES[self]

    @classmethod
    def from_code(cls, code: str) -> Direction | None:
        return next((d for d, c in _CODES.items() if c == code), None)


_CODES = {Direction.UNKNOWN: "0", Direction.IN: "1", Direction.OUT: "2"}


@dataclass(frozen=True)
class EventLogEntry:
    """One vehicle in the app's event log: its latest read.

    ``plate`` is the Unicode text (``LPR_UTF8``), ``plate_ascii`` the ASCII form with ``?``
    for other characters. ``list_name`` is the display name of the list the plate matched
    (``""`` for none) and ``list_mode`` that list's mode. ``image_name`` is what
    :meth:`LprAppAPI.image` takes (``""`` when the event has no image).
    """

    car_id: int
    timestamp: dt.datetime
    plate: str
    plate_ascii: str = ""
    country: str = ""
    region: str = ""
    direction: Direction = Direction.UNKNOWN
    roi: int = 0
    confidence: float = 0.0
    list_name: str = ""
    list_mode: ListMode | None = None
    description: str = ""
    image_name: str = ""

    @property
    def timestamp_us(self) -> int:
        return to_microseconds(self.timestamp)


@dataclass(frozen=True)
class EventSearchResult:
    """A page of the event log, newest first, and the camera's clock when it answered."""

    device_time: dt.datetime
    events: tuple[EventLogEntry, ...] = field(default=())


@dataclass(frozen=True)
class EventStatistics:
    """Counts of the stored events matching a search, as the app's search summary shows.

    ``lists`` counts by list key (``allow``, ``block``, ``custom``) and ``none``.
    """

    direction_in: int
    direction_out: int
    direction_unknown: int
    lists: Mapping[str, int]
    rois: Mapping[int, int]
    total: int


def to_microseconds(when: dt.datetime) -> int:
    if when.tzinfo is None:
        raise InvalidLprSettingError(
            f"{when.isoformat()} has no time zone; give an aware datetime",
            field="time",
            value=when,
        )
    delta = when - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_microseconds(value: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=value)


def event_query(
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    plate: str | None = None,
    country: str | None = None,
    direction: Direction | str | None = None,
    list_filter: ListKey | str | None = None,
    roi: int | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, str]:
    """The query parameters of a search, each checked; ``None`` means "any"."""
    params: dict[str, str] = {}
    if since_us is not None:
        params["timestampfrom"] = str(since_us)
    if until_us is not None:
        params["timestampto"] = str(until_us)
    if plate:
        params["text"] = plate
    if country:
        params["country"] = country
    if direction is not None:
        params["direction"] = _direction(direction).code
    if list_filter is not None:
        params["list"] = (
            NO_LIST
            if isinstance(list_filter, str) and list_filter.strip().lower() == NO_LIST
            else list_key(list_filter).value
        )
    if roi is not None:
        if isinstance(roi, bool) or roi not in (1, 2):
            raise InvalidLprSettingError(
                f"roi {roi!r:.20} is not 1 or 2", field="roi", value=roi, allowed=(1, 2)
            )
        params["roi"] = str(roi)
    for name, value, low, high in (("limit", limit, 0, MAX_LIMIT), ("offset", offset, 0, None)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            span = f"{low}-{high}" if high is not None else f"{low} or more"
            raise InvalidLprSettingError(
                f"{name} {value!r:.20} is not a whole number {span}", field=name, value=value
            )
        params[name] = str(value)
    return params


def _direction(value: Direction | str) -> Direction:
    if isinstance(value, Direction):
        return value
    try:
        return Direction(str(value).strip().lower())
    except ValueError:
        raise InvalidLprSettingError(
            f"direction {value!r:.20} is not in, out or unknown",
            field="direction",
            value=value,
            allowed=[d.value for d in Direction],
        ) from None


def _text(parent: safexml.Element, name: str, what: str, default: str | None = None) -> str:
    element = safexml.child(parent, None, name)
    if element is None:
        if default is None:
            raise ParseError(f"{what}: <{safexml.local_name(parent)}> has no <{name}>")
        return default
    return safexml.text_of(element, what=what)


def _number(text: str, name: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise ParseError(f"{what}: <{name}> is {text!r:.30}, expected a whole number")
    return int(text)


def _events_root(data: bytes, what: str) -> safexml.Element:
    root = safexml.parse_xml(data, what=what)
    if safexml.local_name(root) != "events":
        raise ParseError(f"{what}: root is <{safexml.local_name(root)}>, expected <events>")
    return root


def parse_events(data: bytes, what: str = "events.cgi answer") -> EventSearchResult:
    root = _events_root(data, what)
    now = _number(_text(root, "currentTimestampUs", what), "currentTimestampUs", what)
    events = tuple(
        _event(element, f"{what}: <event> number {index}")
        for index, element in enumerate(safexml.children(root, None, "event"), 1)
    )
    return EventSearchResult(from_microseconds(now), events)


def _event(element: safexml.Element, what: str) -> EventLogEntry:
    direction_code = _text(element, "DIRECTION", what, "0")
    direction = Direction.from_code(direction_code)
    if direction is None:
        raise ParseError(f"{what}: <DIRECTION> is {direction_code!r:.20}, expected 0, 1 or 2")
    confidence_text = _text(element, "CONFIDENCE", what, "0")
    try:
        confidence = float(confidence_text)
    except ValueError:
        raise ParseError(f"{what}: <CONFIDENCE> is {confidence_text!r:.20}, not a number") from None
    mode_text = _text(element, "LIST_MODE", what, "")
    try:
        mode = ListMode(mode_text) if mode_text else None
    except ValueError:
        raise ParseError(
            f"{what}: <LIST_MODE> is {mode_text!r:.20}, not allow, block or none"
        ) from None
    roi_text = _text(element, "ROI_ID", what, "0")
    ascii_text = _text(element, "LPR", what, "")
    return EventLogEntry(
        car_id=_number(_text(element, "CAR_ID", what), "CAR_ID", what),
        timestamp=from_microseconds(_number(_text(element, "TIMESTAMP", what), "TIMESTAMP", what)),
        plate=_text(element, "LPR_UTF8", what, ascii_text),
        plate_ascii=ascii_text,
        country=_text(element, "COUNTRY", what, ""),
        region=_text(element, "REGION", what, ""),
        direction=direction,
        roi=_number(roi_text, "ROI_ID", what) if roi_text else 0,
        confidence=confidence,
        list_name=_text(element, "LIST", what, ""),
        list_mode=mode,
        description=_text(element, "DESCRIPTION", what, ""),
        image_name=image_name_of(_text(element, "LP_BMP", what, "")),
    )


def image_link(name: str) -> str:
    """``tools.cgi?action=getImage&name=<name>``, the form of ``LP_BMP``."""
    return "tools.cgi?" + urllib.parse.urlencode({"action": "getImage", "name": name}, safe="/")


def image_name_of(link: str) -> str:
    """The ``name`` of an ``LP_BMP`` link (``""`` for none)."""
    if not link:
        return ""
    query = urllib.parse.urlsplit(link).query
    names = urllib.parse.parse_qs(query).get("name")
    return names[0] if names else ""


def parse_statistics(data: bytes, what: str = "search.cgi answer") -> EventStatistics:
    root = _events_root(data, what)
    vcount = safexml.require_child(root, None, "vcount", what=what)
    direction = safexml.require_child(vcount, None, "direction", what=what)

    def count(parent: safexml.Element, name: str) -> int:
        return _number(_text(parent, name, what, "0"), name, what)

    lists_element = safexml.child(vcount, None, "list")
    lists = {}
    if lists_element is not None:
        lists = {
            name: count(lists_element, name) for name in (*(k.value for k in ListKey), NO_LIST)
        }
    rois_element = safexml.child(vcount, None, "roi")
    rois = {}
    if rois_element is not None:
        rois = {roi: count(rois_element, f"roi{roi}") for roi in (1, 2)}
    return EventStatistics(
        direction_in=count(direction, "in"),
        direction_out=count(direction, "out"),
        direction_unknown=count(direction, "unk"),
        lists=lists,
        rois=rois,
        total=_number(_text(vcount, "total", what), "total", what),
    )
