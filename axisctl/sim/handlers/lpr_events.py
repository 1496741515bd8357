"""The event log: ``events.cgi`` (search), ``search.cgi`` (statistics), ``tools.cgi`` (images).

Forms and filters are described in :mod:`axisctl.apis.lpr.events`. Events come from
``state.events`` (one :class:`~axisctl.sim.lpr.state.StoredEvent` per vehicle), newest
first; the list name and mode are the list's current ones, so a rename shows at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from aiohttp import web
from lxml import etree
from multidict import MultiMapping

from axisctl.apis.lpr.events import DEFAULT_LIMIT, MAX_LIMIT, NO_LIST, Direction, image_link
from axisctl.apis.lpr.lists_wire import XML_DECLARATION
from axisctl.sim.handlers.lpr_common import Refused, allow, app_of, xml
from axisctl.sim.lpr.state import LIST_KEYS, LprState, StoredEvent
from axisctl.sim.webctx import device_of

_DIGITS = re.compile(r"[0-9]{1,19}")
#: Characters XML 1.0 cannot carry; an event's text never needs them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DIRECTIONS = {"in": Direction.IN, "out": Direction.OUT}


@dataclass(frozen=True)
class _Search:
    since_us: int | None
    until_us: int | None
    text: str
    country: str
    direction: Direction | None
    list_key: str | None
    roi: int | None
    limit: int
    offset: int

    def matches(self, event: StoredEvent) -> bool:
        return (
            (self.since_us is None or event.timestamp_us >= self.since_us)
            and (self.until_us is None or event.timestamp_us <= self.until_us)
            and (not self.text or self.text in event.plate.casefold())
            and (not self.country or self.country == event.country.casefold())
            and (self.direction is None or self.direction is _direction(event))
            and (self.list_key is None or self.list_key == (event.list_key or NO_LIST))
            and (self.roi is None or self.roi == event.roi)
        )


def _direction(event: StoredEvent) -> Direction:
    return _DIRECTIONS.get(event.direction, Direction.UNKNOWN)


def _number(args: MultiMapping[str], name: str, default: int | None, high: int) -> int | None:
    text = args.get(name, "")
    if not text:
        return default
    if not _DIGITS.fullmatch(text) or int(text) > high:
        raise Refused(f"{name} {text!r:.30} is not a whole number 0-{high}")
    return int(text)


def _search(args: MultiMapping[str]) -> _Search:
    direction_code = args.get("direction", "")
    direction = Direction.from_code(direction_code) if direction_code else None
    if direction_code and direction is None:
        raise Refused(f"direction {direction_code!r:.20} is not 0 (unknown), 1 (in) or 2 (out)")
    list_key = args.get("list", "") or None
    if list_key is not None and list_key not in (*LIST_KEYS, NO_LIST):
        raise Refused(f"list {list_key!r:.30} is not allow, block, custom or none")
    roi_text = args.get("roi", "")
    if roi_text and roi_text not in ("1", "2"):
        raise Refused(f"roi {roi_text!r:.20} is not 1 or 2")
    limit = _number(args, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    offset = _number(args, "offset", 0, 10**9)
    assert limit is not None
    assert offset is not None
    return _Search(
        since_us=_number(args, "timestampfrom", None, 2**63 - 1),
        until_us=_number(args, "timestampto", None, 2**63 - 1),
        text=args.get("text", "").strip().casefold(),
        country=args.get("country", "").strip().casefold(),
        direction=direction,
        list_key=list_key,
        roi=int(roi_text) if roi_text else None,
        limit=limit,
        offset=offset,
    )


def _found(state: LprState, search: _Search) -> list[StoredEvent]:
    found = [event for event in state.events if search.matches(event)]
    found.sort(key=lambda event: (event.timestamp_us, event.car_id), reverse=True)
    return found


def _clean(text: str) -> str:
    return _NOT_XML.sub("?", text)


def _add(parent: etree._Element, name: str, text: object) -> etree._Element:
    element = etree.SubElement(parent, name)
    element.text = _clean(str(text))
    return element


def _event_element(parent: etree._Element, state: LprState, event: StoredEvent) -> None:
    element = etree.SubElement(parent, "event")
    plate_list = state.lists.get(event.list_key) if event.list_key else None
    fields: Sequence[tuple[str, object]] = (
        ("CAR_ID", event.car_id),
        ("TIMESTAMP", event.timestamp_us),
        ("LPR", "".join(c if c.isascii() else "?" for c in event.plate)),
        ("LPR_UTF8", event.plate),
        ("COUNTRY", event.country),
        ("REGION", event.region),
        ("DIRECTION", _direction(event).code),
        ("ROI_ID", event.roi),
        ("CONFIDENCE", f"{event.confidence:.6f}"),
        ("LIST", plate_list.name if plate_list else ""),
        ("LIST_MODE", plate_list.mode if plate_list else ""),
        ("DESCRIPTION", event.list_description),
        ("LP_BMP", image_link(event.image_name) if event.image_name else ""),
    )
    for name, value in fields:
        _add(element, name, value)


def _document(root: etree._Element) -> bytes:
    body: str = etree.tostring(root, encoding="unicode")
    return (XML_DECLARATION + body).encode("utf-8")


def _answer(request: web.Request, build: Callable[[LprState, _Search, int], bytes]) -> web.Response:
    try:
        allow(request, "GET")
        app = app_of(request)
        search = _search(request.query)
        device = device_of(request)
        with device.lock:
            now_us = int(device.clock.wall() * 1_000_000)
            return xml(build(app.state, search, now_us))
    except Refused as refused:
        return refused.response()


def _events_xml(state: LprState, search: _Search, now_us: int) -> bytes:
    root = etree.Element("events")
    _add(root, "currentTimestampUs", now_us)
    page = _found(state, search)[search.offset : search.offset + search.limit]
    for event in page:
        _event_element(root, state, event)
    return _document(root)


def _counts(parent: etree._Element, name: str, counts: Iterable[tuple[str, int]]) -> None:
    element = etree.SubElement(parent, name)
    for child, count in counts:
        _add(element, child, count)


def _statistics_xml(state: LprState, search: _Search, now_us: int) -> bytes:
    found = _found(state, search)
    directions = Counter(_direction(event) for event in found)
    lists = Counter(event.list_key or NO_LIST for event in found)
    rois = Counter(event.roi for event in found)
    root = etree.Element("events")
    vcount = etree.SubElement(root, "vcount")
    _counts(
        vcount,
        "direction",
        (
            ("in", directions[Direction.IN]),
            ("out", directions[Direction.OUT]),
            ("unk", directions[Direction.UNKNOWN]),
        ),
    )
    _counts(vcount, "list", ((key, lists[key]) for key in (*LIST_KEYS, NO_LIST)))
    _counts(vcount, "roi", ((f"roi{roi}", rois[roi]) for roi in (1, 2)))
    _add(vcount, "total", len(found))
    return _document(root)


async def events_cgi(request: web.Request) -> web.StreamResponse:
    return _answer(request, _events_xml)


async def search_cgi(request: web.Request) -> web.StreamResponse:
    """The statistics of a search (``search.cgi?limit=0``, the app's search summary)."""
    return _answer(request, _statistics_xml)


async def tools_cgi(request: web.Request) -> web.StreamResponse:
    try:
        allow(request, "GET")
        app = app_of(request)
        action = request.query.get("action", "")
        if action != "getImage":
            what = f"action {action!r:.30} is unknown" if action else "action is missing"
            raise Refused(f"{what}; expected getImage")
        name = request.query.get("name", "")
        if not name:
            raise Refused("name is missing")
        with device_of(request).lock:
            image = app.image(name)
        if not image:
            raise Refused(f"no image {name!r:.80}", 404)
        return web.Response(body=image, content_type="image/jpeg")
    except Refused as refused:
        return refused.response()
