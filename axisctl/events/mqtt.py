"""Device events read from an MQTT broker, as the same typed events as the event stream.

A device whose MQTT client publishes its events (``device.mqtt``) sends each one as JSON
to a topic under ``<device topic prefix>/event``::

    {"timestamp": 1590045190230, "topic": "onvif:Device/axis:Sensor/PIR",
     "message": {"source": {"sensor": "0"}, "key": {}, "data": {"state": "0"}}}

:class:`MqttEventStream` (sync) and :class:`AsyncMqttEventStream` (async) subscribe to a
broker and hand out :class:`~axisctl.events.models.Event` objects (typed subclasses for
known topics, with the topic in the ``tns1:``/``tnsaxis:`` spelling):

>>> broker = MqttBroker("broker.local")                                  # doctest: +SKIP
>>> with MqttEventStream(broker, ["axis/B8A44F000001/event/#"]) as stream:
...     for event in stream:
...         print(event.topic, dict(event.data))

A payload that is not such an event is counted in :attr:`MqttEventStream.stats` and
skipped; it never ends the subscription. The devices' connection announcements
(``.../event/connection``) are counted as ``ignored``. If the broker goes away, the stream
reconnects and subscribes again by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import ssl
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from axisctl.errors import (
    AuthenticationError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    TLSError,
    TransportError,
)
from axisctl.events.models import Event, parse_notification

log = logging.getLogger(__name__)

#: MQTT 3.1.1 CONNACK codes 4 and 5: the broker refused the user name or password.
_AUTH_REFUSALS = frozenset({"Bad user name or password", "Not authorized"})


@dataclass(frozen=True)
class MqttBroker:
    """Where to read events from. ``port=None`` is 1883, or 8883 with ``tls``.

    ``tls`` is ``True`` for the system's trusted CAs or an :class:`ssl.SSLContext` of your
    own. ``websockets=True`` speaks MQTT over a WebSocket at ``path``. An empty
    ``client_id`` gets a random one. The password never appears in ``repr()``.
    """

    host: str
    port: int | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool | ssl.SSLContext = False
    websockets: bool = False
    path: str = "/mqtt"
    client_id: str = ""
    keepalive: int = 60

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return 8883 if self.tls is not False else 1883

    @property
    def name(self) -> str:
        schemes = {(False, False): "mqtt", (False, True): "mqtts", (True, False): "ws"}
        scheme = schemes.get((self.websockets, self.tls is not False), "wss")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.effective_port}"


@dataclass(frozen=True)
class MqttEventMessage:
    """One event as it arrived: the MQTT topic, the typed event, the retained flag and the
    serial number when the device includes it in the payload."""

    topic: str
    event: Event
    retained: bool = False
    serial_number: str | None = None


@dataclass
class MqttStreamStats:
    """What a stream received: ``events`` handed out, ``malformed`` payloads skipped,
    ``ignored`` connection announcements, ``dropped`` events when the queue was full."""

    received: int = 0
    events: int = 0
    malformed: int = 0
    ignored: int = 0
    dropped: int = 0


def decode(
    topic: str, payload: bytes | bytearray, retained: bool = False
) -> MqttEventMessage | None:
    """The event of one MQTT message, or ``None`` for a connection announcement.

    Raises :class:`~axisctl.errors.ParseError` (or ``ValueError``) for anything else
    that is not a device event.
    """
    body = json.loads(payload)
    if isinstance(body, dict) and "topic" not in body and "connected" in body:
        # The client's connect/disconnect/last-will message, not an event.
        return None
    event = parse_notification(body)
    serial = body.get("serialNumber")
    return MqttEventMessage(topic, event, retained, serial if isinstance(serial, str) else None)


class _Subscriber:
    """A paho client in its own thread that calls ``deliver`` with each decoded event."""

    def __init__(
        self,
        broker: MqttBroker,
        topics: Sequence[str],
        qos: int,
        deliver: Callable[[MqttEventMessage], None],
    ) -> None:
        if not topics:
            raise ValueError("give at least one topic filter to subscribe to")
        self.broker = broker
        self.topics = list(topics)
        self.qos = qos
        self.stats = MqttStreamStats()
        self._deliver = deliver
        self._answered = threading.Event()
        self._refusal: ReasonCode | None = None
        self._client = self._make_client()

    def _make_client(self) -> mqtt.Client:
        broker = self.broker
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            # Our own unique id rather than an empty one, which some brokers (amqtt) treat
            # as one shared session.
            client_id=broker.client_id or f"axisctl-{uuid.uuid4().hex[:16]}",
            transport="websockets" if broker.websockets else "tcp",
        )
        if broker.websockets:
            client.ws_set_options(path=broker.path)
        if broker.tls is not False:
            context = broker.tls if isinstance(broker.tls, ssl.SSLContext) else None
            client.tls_set_context(context or ssl.create_default_context())
        if broker.username is not None:
            client.username_pw_set(broker.username, broker.password)
        client.reconnect_delay_set(1, 30)
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def connect(self, timeout: float) -> None:
        broker = self.broker
        try:
            self._client.connect(broker.host, broker.effective_port, keepalive=broker.keepalive)
        except ssl.SSLError as exc:
            raise TLSError(f"TLS handshake failed: {exc}", device=broker.name) from None
        except TimeoutError:
            raise DeviceTimeoutError(
                "the broker did not accept the connection in time", device=broker.name
            ) from None
        except OSError as exc:
            raise DeviceUnreachableError(
                f"cannot connect to the broker: {exc.strerror or exc}", device=broker.name
            ) from None
        self._client.loop_start()
        answered = self._answered.wait(timeout)
        refusal = self._refusal
        if answered and refusal is None:
            return
        self.close()
        if refusal is not None:
            kind = AuthenticationError if str(refusal) in _AUTH_REFUSALS else TransportError
            raise kind(
                f"the broker refused the connection or subscription: {refusal}",
                device=broker.name,
            )
        raise DeviceTimeoutError(f"no answer to CONNECT within {timeout:g} s", device=broker.name)

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            if not self._answered.is_set():
                # A refused first connection fails connect(); stop retrying with it.
                self._refusal = reason_code
                self._answered.set()
                client.disconnect()
            return
        # Subscribing here also renews the subscription after a reconnection; connect()
        # returns once the broker acknowledged it, so that nothing sent later is missed.
        client.subscribe([(topic, self.qos) for topic in self.topics])

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        refused = [code for code in reason_codes if code.is_failure]
        if refused and not self._answered.is_set():
            self._refusal = refused[0]
        self._answered.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        stats = self.stats
        stats.received += 1
        try:
            item = decode(message.topic, message.payload, bool(message.retain))
        except Exception as exc:
            # Anything raised here would end paho's thread and with it the subscription.
            stats.malformed += 1
            log.debug("skipped a malformed message on %s: %s", message.topic, exc)
            return
        if item is None:
            stats.ignored += 1
            return
        self._deliver(item)


class _EventQueue(Protocol):
    """What :class:`queue.Queue` and :class:`asyncio.Queue` both offer, for :class:`_Stream`."""

    def put_nowait(self, item: MqttEventMessage | None) -> None: ...


class _Stream:
    """What the sync and async streams share: their arguments, the subscriber with its
    counters, and the bounded queue the events wait in (``None`` in it means closed)."""

    _queue: _EventQueue

    def __init__(
        self,
        broker: MqttBroker,
        topics: Sequence[str] = ("#",),
        *,
        qos: int = 0,
        connect_timeout: float = 10.0,
        max_queue: int = 10_000,
    ) -> None:
        self._queue = self._new_queue(max_queue)
        self._subscriber = _Subscriber(broker, topics, qos, self._deliver)
        self._connect_timeout = connect_timeout
        self._closed = False

    def _new_queue(self, maxsize: int) -> _EventQueue:
        raise NotImplementedError

    def _deliver(self, item: MqttEventMessage) -> None:
        """Called on paho's thread with each event."""
        raise NotImplementedError

    @property
    def stats(self) -> MqttStreamStats:
        return self._subscriber.stats

    def _put(self, item: MqttEventMessage) -> None:
        try:
            self._queue.put_nowait(item)
            self.stats.events += 1
        except (queue.Full, asyncio.QueueFull):
            self.stats.dropped += 1


class MqttEventStream(_Stream):
    """Events from a broker, for synchronous code; use as a context manager.

    ``topics`` are MQTT filters such as ``"axis/<serial>/event/#"`` (every event of one
    device) or ``"axis/+/event/tns:onvif/Device/tns:axis/IO/#"``. Iterating yields
    :class:`~axisctl.events.models.Event` objects until :meth:`close`; :meth:`get` and
    :meth:`messages` also give the MQTT topic and the retained flag.
    """

    _queue: queue.Queue[MqttEventMessage | None]

    def _new_queue(self, maxsize: int) -> queue.Queue[MqttEventMessage | None]:
        return queue.Queue(maxsize)

    def _deliver(self, item: MqttEventMessage) -> None:
        self._put(item)

    def open(self) -> MqttEventStream:
        """Connect and subscribe; raises a :class:`~axisctl.errors.TransportError` kind."""
        self._subscriber.connect(self._connect_timeout)
        return self

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._subscriber.close()
        # Wake a consumer blocked in get(); it sees the stream closed.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)

    def __enter__(self) -> MqttEventStream:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def get(self, timeout: float | None = None) -> MqttEventMessage | None:
        """The next event, waiting up to ``timeout`` seconds; ``None`` on timeout or close."""
        if self._closed and self._queue.empty():
            return None
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is None:
            self._closed = True
        return item

    def messages(self, timeout: float | None = None) -> Iterator[MqttEventMessage]:
        """Events with their MQTT topics, until closed or ``timeout`` seconds pass quietly."""
        while True:
            item = self.get(timeout)
            if item is None:
                return
            yield item

    def __iter__(self) -> Iterator[Event]:
        for item in self.messages():
            yield item.event


class AsyncMqttEventStream(_Stream):
    """Events from a broker, for asyncio; use as an async context manager and iterate
    with ``async for``. Same arguments as :class:`MqttEventStream`."""

    _queue: asyncio.Queue[MqttEventMessage | None]
    #: The loop the queue belongs to; set by :meth:`open`.
    _loop: asyncio.AbstractEventLoop | None = None

    def _new_queue(self, maxsize: int) -> asyncio.Queue[MqttEventMessage | None]:
        return asyncio.Queue(maxsize)

    def _deliver(self, item: MqttEventMessage) -> None:
        # Runs on paho's thread; the queue belongs to the event loop.
        loop = self._loop
        if loop is None or loop.is_closed():
            self.stats.dropped += 1
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._put, item)

    async def open(self) -> AsyncMqttEventStream:
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._subscriber.connect, self._connect_timeout)
        return self

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._subscriber.close)
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    async def __aenter__(self) -> AsyncMqttEventStream:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def get(self, timeout: float | None = None) -> MqttEventMessage | None:
        """The next event, waiting up to ``timeout`` seconds; ``None`` on timeout or close."""
        if self._closed and self._queue.empty():
            return None
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None
        if item is None:
            self._closed = True
        return item

    async def messages(self, timeout: float | None = None) -> AsyncIterator[MqttEventMessage]:
        """Events with their MQTT topics, until closed or ``timeout`` seconds pass quietly."""
        while True:
            item = await self.get(timeout)
            if item is None:
                return
            yield item

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def _events(self) -> AsyncIterator[Event]:
        async for item in self.messages():
            yield item.event
