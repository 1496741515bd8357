"""The websocket event stream of a device (``/vapix/ws-data-stream``), as typed events.

>>> with Device("http://192.168.0.90", "root", "secret") as cam:          # doctest: +SKIP
...     with open_stream(cam, ["tns1:Device/tnsaxis:IO//."]) as stream:
...         for event in stream:
...             print(event.topic, dict(event.source), dict(event.data))

What it does for the caller (vapix-wire-formats §6.1):

- **Auth**: by default a session token from ``wssession.cgi`` (fetched over the device's
  ordinary HTTP client, so Digest, TLS trust and pinning are the same as for every call),
  fresh for every connection; or, with ``StreamSettings(use_token=False)``, Digest (or Basic,
  when the client options say so) on the upgrade request itself.
- **Filters**: ``events:configure`` with :class:`~axisctl.events.filters.EventFilter` objects.
  The device treats each filter as its own subscription, so an event that two filters match
  arrives twice. A refused configure raises :class:`ConfigureError` (2104 for an empty list).
- **Events**: typed by :func:`~axisctl.events.models.parse_notification`; topics axisctl does
  not model arrive as plain :class:`~axisctl.events.models.Event`.
- **Reconnect**: a lost connection is reopened with exponential backoff and jitter, the
  filters sent again, and the device then re-sends the state of its stateful topics. Silent
  dead connections are found by websocket pings. Authentication, permission, TLS and
  configure errors are not retried: they end the stream and are raised to the consumer.
- **Overflow**: events wait in a bounded queue (``max_queue``). When it is full the *oldest*
  event is dropped and :attr:`EventStream.dropped` counts it: a slow consumer sees the
  newest state rather than an ever older backlog.
- **Malformed frames** are logged, counted in :attr:`EventStream.malformed` and skipped.
- **Closing**: leaving ``async with``/``with``, :meth:`EventStream.close`, or cancelling the
  task that runs :meth:`EventStream.run` closes the socket and stops reconnecting.

Layout: :mod:`.settings` (settings, errors, constants), :mod:`.buffer` (the bounded queue),
:mod:`.connection` (token, Digest/Basic, TLS and pinning on the upgrade), :mod:`.async_stream`
(:class:`EventStream`), :mod:`.sync_stream` (:class:`SyncEventStream`) and :mod:`.factory`
(:func:`open_stream`).
"""

from axisctl.events.stream.async_stream import EventStream
from axisctl.events.stream.factory import open_stream
from axisctl.events.stream.settings import (
    ALL_EVENTS,
    ConfigureError,
    StreamClosedError,
    StreamSettings,
)
from axisctl.events.stream.sync_stream import SyncEventStream

__all__ = [
    "ALL_EVENTS",
    "ConfigureError",
    "EventStream",
    "StreamClosedError",
    "StreamSettings",
    "SyncEventStream",
    "open_stream",
]
