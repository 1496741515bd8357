"""What the event stream is configured with, the names it uses on the wire, and its errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from axisctl.errors import AxisError, ConfigurationError, DeviceError
from axisctl.events.filters import EventFilter
from axisctl.events.models import Event

#: The stream's one logger for all its modules (the name the single module had).
log = logging.getLogger("axisctl.events.stream")

WS_PATH = "/vapix/ws-data-stream"
API_NAME = "ws-data-stream"
API_VERSION = "1.0"
#: Every topic: the filter the stream uses when given none.
ALL_EVENTS = EventFilter.of("//.")

FilterLike = EventFilter | str
Callback = Callable[[Event], Awaitable[None] | None]


class ConfigureError(DeviceError):
    """The device refused ``events:configure``; ``code`` is its WS error code.

    2104 "Invalid event datasource payload: eventFilterList is empty" for an empty filter
    list, 2104 for a filter it cannot read, 2100 to 2103 for an envelope it does not accept.
    """


class StreamClosedError(AxisError):
    """The stream was closed (by :meth:`EventStream.close` or leaving its context)."""


@dataclass(frozen=True)
class StreamSettings:
    """How an event stream connects, waits and buffers.

    ``use_token`` — authenticate with a ``wssession.cgi`` token (default) rather than on the
    upgrade request. ``max_queue`` — events kept for a slow consumer; past it the oldest is
    dropped. ``backoff``/``max_backoff`` — first and longest pause between reconnects (each
    pause is drawn between half and all of the current ceiling, which doubles per failure).
    ``ping_interval``/``ping_timeout`` — a connection whose ping goes unanswered this long is
    taken for dead and reopened (``None`` turns pings off). ``open_timeout`` — seconds for
    connecting, the upgrade and the configure answer.
    """

    use_token: bool = True
    max_queue: int = 1000
    reconnect: bool = True
    backoff: float = 0.5
    max_backoff: float = 30.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    open_timeout: float = 10.0
    close_timeout: float = 2.0
    max_frame_bytes: int = 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_queue < 1:
            raise ConfigurationError("max_queue must be at least 1")
        if self.backoff <= 0 or self.max_backoff < self.backoff:
            raise ConfigurationError("backoff must be above 0 and not above max_backoff")


def as_filter(value: FilterLike) -> EventFilter:
    return EventFilter.of(topic=value) if isinstance(value, str) else value


def worth_logging(count: int) -> bool:
    """1, 2, 3, 10, 100, 1000 ...: enough to notice a problem, not a line per frame."""
    return count <= 3 or (count % 10 == 0 and str(count).rstrip("0") == "1")
