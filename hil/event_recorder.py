"""A device's event stream, recorded in the timeline from the moment the bench starts.

Each rig device gets an :class:`EventRecorder`: the library's websocket event stream
(:func:`axisctl.events.stream.open_stream`, subscribed to every topic) read on a thread of
its own, every event kept with the timeline time the harness received it and recorded as
an ``event`` entry (``source`` the device's name, ``detail`` the topic, data the event's
data fields and its source fields as ``source.<name>``). Tests wait on it::

    t1 = bench.events("strobe").wait_for("tnsaxis:IO/Port", after=t0,
                                          where=lambda e: e.data.get("state") == "1")

The events a device sends when the stream subscribes (``Initialized``: the state of every
stateful topic) are recorded too, but :meth:`EventRecorder.wait_for` looks only at changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from axisctl.errors import AxisError
from axisctl.events.models import Event
from axisctl.events.stream import ALL_EVENTS, StreamClosedError, StreamSettings, open_stream
from axisctl.hil.lines import HilTimeout
from axisctl.hil.timeline import Timeline

if TYPE_CHECKING:
    from axisctl.device import Device
    from axisctl.events.stream import SyncEventStream

__all__ = ["EventRecorder"]

logger = logging.getLogger(__name__)

#: Timeline.record takes these as its own arguments; event fields by these names are renamed.
_RESERVED = frozenset({"kind", "source", "detail", "when"})
_POLL_S = 0.2


def _entry_data(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {
        key if key not in _RESERVED else f"data.{key}": value for key, value in event.data.items()
    }
    for key, value in event.source.items():
        data[f"source.{key}"] = value
    if event.property_operation == "Initialized":
        data["initialized"] = "true"
    return data


class EventRecorder:
    """The recorded event stream of one device (see the module docstring). Thread-safe."""

    def __init__(
        self,
        name: str,
        device: Device,
        timeline: Timeline,
        *,
        settings: StreamSettings | None = None,
    ) -> None:
        self.name = name
        self._device = device
        self._timeline = timeline
        self._settings = settings
        self._changed = threading.Condition()
        self._received: list[tuple[float, Event]] = []
        self._stream: SyncEventStream | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        #: The stream stopped delivering: nothing more will arrive.
        self._ended = False
        #: What ended the stream, if it failed.
        self.error: AxisError | None = None

    def __repr__(self) -> str:
        return f"<EventRecorder {self.name}: {len(self._received)} events>"

    def start(self) -> None:
        """Connect and subscribe (raises what went wrong), then record on a thread."""
        if self._thread is not None:
            return
        stream = open_stream(self._device, (ALL_EVENTS,), settings=self._settings)
        stream.start()
        self._stream = stream
        self._thread = threading.Thread(
            target=self._run, name=f"hil-events-{self.name}", daemon=True
        )
        self._thread.start()

    def received(self, since: float = 0.0) -> list[tuple[float, Event]]:
        """``(timeline time, event)`` of every event received at or after ``since``."""
        with self._changed:
            return [(when, event) for when, event in self._received if when >= since]

    def wait_for(
        self,
        topic: str,
        *,
        after: float | None = None,
        timeout: float = 5.0,
        where: Callable[[Event], bool] | None = None,
    ) -> float:
        """The timeline time the first matching event arrived at or after ``after``.

        ``topic`` matches as a substring of the event's topic (``"IO/Port"``,
        ``"tnsaxis:Light/Status"``); ``where`` filters further. ``after`` defaults to now.
        Raises :class:`~axisctl.hil.lines.HilTimeout` saying which device and topic.
        """
        deadline = time.monotonic() + timeout
        since = self._timeline.now() if after is None else after
        checked = 0
        while True:
            with self._changed:
                fresh = self._received[checked:]
                checked = len(self._received)
                ended = self._ended or self._stopping.is_set()
            # ``where`` is the caller's code: run it without holding up the recording.
            for when, event in fresh:
                if when >= since and self._matches(event, topic, where):
                    return when
            left = deadline - time.monotonic()
            if left <= 0 or ended:
                break
            with self._changed:
                if len(self._received) == checked and not self._ended:
                    self._changed.wait(left)
        why = f" (the stream ended: {self.error})" if self.error is not None else ""
        raise HilTimeout(
            f"no {topic!r} event from {self.name} within {timeout:g} s{why}", device=None
        )

    def close(self) -> None:
        """Stop the thread and close the stream (idempotent)."""
        self._stopping.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        with self._changed:
            self._changed.notify_all()

    @staticmethod
    def _matches(event: Event, topic: str, where: Callable[[Event], bool] | None) -> bool:
        if event.property_operation == "Initialized" or topic not in event.topic:
            return False
        return where is None or bool(where(event))

    def _run(self) -> None:
        stream = self._stream
        assert stream is not None
        while not self._stopping.is_set():
            try:
                event = stream.get(timeout=_POLL_S)
            except TimeoutError:
                continue
            except StreamClosedError:
                break
            except AxisError as error:
                self.error = error
                logger.warning("event stream of %s ended: %s", self.name, error)
                self._timeline.record("note", self.name, f"event stream ended: {error}")
                break
            self._record(event)
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _record(self, event: Event) -> None:
        with self._changed:
            when = self._timeline.record("event", self.name, event.topic, **_entry_data(event))
            self._received.append((when, event))
            self._changed.notify_all()
