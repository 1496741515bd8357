"""Event log calls of ``device.lpr``: ``events.cgi``, ``search.cgi``, ``tools.cgi``."""

from __future__ import annotations

import datetime as dt

from axisctl.apis.lpr import events as ev
from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.lpr.models import ListKey
from axisctl.apis.lpr.wire import checked, parsed, request
from axisctl.transport.flow import API, Flow, ModeT, operation

When = dt.datetime | dt.timedelta


class EventCalls(API[ModeT]):
    """Search, count, fetch images of and clear the stored events."""

    @operation
    def search_events(
        self,
        *,
        since: When | None = None,
        until: When | None = None,
        plate: str | None = None,
        country: str | None = None,
        direction: ev.Direction | str | None = None,
        on_list: ListKey | str | None = None,
        roi: int | None = None,
        limit: int = ev.DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Flow[ev.EventSearchResult]:
        """Stored events, newest first. ``since``/``until`` are aware datetimes, or
        timedeltas counted back from the camera's own clock (``since=timedelta(hours=1)``).

        ``plate`` matches part of the plate in any case; ``on_list`` is a list key or
        ``"none"`` for plates on no list.
        """
        since_us, until_us = yield from _times(since, until)
        params = ev.event_query(
            since_us=since_us,
            until_us=until_us,
            plate=plate,
            country=country,
            direction=direction,
            list_filter=on_list,
            roi=roi,
            limit=limit,
            offset=offset,
        )
        response = checked((yield request("GET", "events.cgi", params=params)), "events.cgi")
        return parsed("events.cgi", lambda: ev.parse_events(response.content))

    @operation
    def event_statistics(
        self,
        *,
        since: When | None = None,
        until: When | None = None,
        plate: str | None = None,
        country: str | None = None,
        direction: ev.Direction | str | None = None,
        on_list: ListKey | str | None = None,
        roi: int | None = None,
    ) -> Flow[ev.EventStatistics]:
        """Counts by direction, list and region of the stored events a search would find."""
        since_us, until_us = yield from _times(since, until)
        params = ev.event_query(
            since_us=since_us,
            until_us=until_us,
            plate=plate,
            country=country,
            direction=direction,
            list_filter=on_list,
            roi=roi,
            limit=0,
        )
        response = checked((yield request("GET", "search.cgi", params=params)), "search.cgi")
        return parsed("search.cgi", lambda: ev.parse_statistics(response.content))

    @operation
    def image(self, name: str) -> Flow[bytes]:
        """A stored plate image (JPEG) by the name an event gives (``image_name``).

        :class:`LprNotFoundError` if the app has no such image (events cleared, or pushed out
        of the store).
        """
        if not isinstance(name, str) or not name.strip():
            raise InvalidLprSettingError("image name is empty", field="name", value=name)
        params = {"action": "getImage", "name": name}
        response = yield request("GET", "tools.cgi", params=params)
        return checked(response, "tools.cgi?action=getImage", may_be_missing=True).content

    @operation
    def clear_events(self) -> Flow[None]:
        """Settings > Maintenance > "Clear all recognition results": empty the event log."""
        params = {"api": "clearevents"}
        checked((yield request("GET", "api.cgi", params=params)), "api.cgi?api=clearevents")


def _times(since: When | None, until: When | None) -> Flow[tuple[int | None, int | None]]:
    """Microsecond bounds; timedeltas are counted back from the camera's clock."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and not isinstance(value, (dt.datetime, dt.timedelta)):
            raise InvalidLprSettingError(
                f"{name} is {type(value).__name__}, expected a datetime or a timedelta",
                field=name,
                value=value,
            )
    device_now_us = None
    if isinstance(since, dt.timedelta) or isinstance(until, dt.timedelta):
        params = ev.event_query(limit=0)
        response = checked((yield request("GET", "events.cgi", params=params)), "events.cgi")
        device_now = parsed("events.cgi", lambda: ev.parse_events(response.content)).device_time
        device_now_us = ev.to_microseconds(device_now)

    def resolve(value: When | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, dt.timedelta):
            assert device_now_us is not None
            return device_now_us - value // dt.timedelta(microseconds=1)
        return ev.to_microseconds(value)

    return resolve(since), resolve(until)
