""":func:`open_stream`: the event stream of a device object, sync or async to match it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import overload

from axisctl.device import AsyncDevice, Device
from axisctl.events.stream.async_stream import EventStream
from axisctl.events.stream.settings import ALL_EVENTS, FilterLike, StreamSettings
from axisctl.events.stream.sync_stream import SyncEventStream


@overload
def open_stream(
    device: AsyncDevice,
    filters: Iterable[FilterLike] = ...,
    *,
    settings: StreamSettings | None = ...,
) -> EventStream: ...


@overload
def open_stream(
    device: Device,
    filters: Iterable[FilterLike] = ...,
    *,
    settings: StreamSettings | None = ...,
) -> SyncEventStream: ...


def open_stream(
    device: Device | AsyncDevice,
    filters: Iterable[FilterLike] = (ALL_EVENTS,),
    *,
    settings: StreamSettings | None = None,
) -> EventStream | SyncEventStream:
    """The event stream of ``device``, with its account, TLS trust and auth options.

    An :class:`~axisctl.AsyncDevice` gives an :class:`EventStream` (``async with``/
    ``async for``), a :class:`~axisctl.Device` a :class:`SyncEventStream` (``with``/``for``).
    The stream has its own connections: closing the device does not close it.
    """
    url, credentials, options = device.connection_settings()
    stream = EventStream(
        url,
        credentials.username if credentials else None,
        credentials.password if credentials else None,
        filters,
        settings=settings,
        options=options,
    )
    return stream if isinstance(device, AsyncDevice) else SyncEventStream(stream)
