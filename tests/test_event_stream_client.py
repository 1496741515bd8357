"""The event stream client: typed events, its three APIs, reconnects, overflow, bad frames.

Most tests talk to the simulator over real sockets; a few use a scripted websocket server
where the simulator would never misbehave (malformed frames, a silent dead connection).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from axisctl import AsyncDevice, Device
from axisctl.errors import (
    AuthenticationError,
    CertificatePinMismatchError,
    ConnectionLostError,
    TLSError,
)
from axisctl.events import Event, EventFilter, SystemReadyEvent, VirtualInputEvent
from axisctl.events.stream import (
    ConfigureError,
    EventStream,
    StreamSettings,
    SyncEventStream,
    open_stream,
)
from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.accounts import Account
from axisctl.sim.bus import TOPIC_SYSTEM_READY, TOPIC_VIRTUAL_INPUT, SimEvent
from axisctl.sim.clock import SimClock
from axisctl.sim.handlers.events import ws_sessions

USER, PASSWORD = "root", "pass"
VI = TOPIC_VIRTUAL_INPUT
WS_PATH = "/vapix/ws-data-stream"
FAST = StreamSettings(backoff=0.05, max_backoff=0.2, open_timeout=2.0)


async def eventually(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def vi(event: Event) -> tuple[int | None, bool | None]:
    assert isinstance(event, VirtualInputEvent), event
    return event.port, event.active


# --- typed events --------------------------------------------------------------------------


async def test_events_arrive_typed(adevice: AsyncDevice, simulated: SimulatedDevice) -> None:
    async with open_stream(adevice, [VI, TOPIC_SYSTEM_READY]) as stream:
        ready = await stream.get(timeout=2)  # the current state, sent right after configure
        assert isinstance(ready, SystemReadyEvent)
        assert ready.ready is True
        simulated.virtual_inputs.activate(12)
        event = await stream.get(timeout=2)
    assert vi(event) == (12, True)
    assert event.topic == VI
    assert event.timestamp is not None
    assert event.timestamp.utcoffset() is not None
    assert abs(event.timestamp.timestamp() - time.time()) < 5


async def test_unknown_topics_arrive_as_plain_events(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    topic = "tnsaxis:CameraApplicationPlatform/AcmeApp/Thing"
    async with open_stream(adevice, ["tnsaxis:CameraApplicationPlatform//."]) as stream:
        with simulated.lock:
            simulated.bus.publish(
                SimEvent(topic, {"zone": "2"}, {"active": "1"}, simulated.clock.now(), False)
            )
        event = await stream.get(timeout=2)
    assert type(event) is Event
    assert (event.topic, dict(event.source), dict(event.data)) == (
        topic,
        {"zone": "2"},
        {"active": "1"},
    )


async def test_configure_errors_are_raised_typed(adevice: AsyncDevice) -> None:
    with pytest.raises(ConfigureError) as refused:
        async with open_stream(adevice, []):
            pass
    assert refused.value.code == 2104
    assert refused.value.message == "Invalid event datasource payload: eventFilterList is empty"
    assert refused.value.method == "events:configure"
    assert refused.value.device == adevice.url


def test_configure_errors_reach_sync_callers(device: Device) -> None:
    with pytest.raises(ConfigureError) as refused, open_stream(device, []):
        pass
    assert refused.value.code == 2104


async def test_live_reconfigure_replaces_the_filters(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    async with open_stream(adevice, [VI]) as stream:
        simulated.virtual_inputs.activate(1)
        assert vi(await stream.get(timeout=2)) == (1, True)
        await stream.configure([EventFilter.of(TOPIC_SYSTEM_READY)])
        assert isinstance(await stream.get(timeout=2), SystemReadyEvent)
        simulated.virtual_inputs.activate(2)
        with pytest.raises(TimeoutError):
            await stream.get(timeout=0.2)
        assert stream.filters == [EventFilter.of(TOPIC_SYSTEM_READY)]


async def test_a_refused_live_configure_keeps_the_old_filters(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    async with open_stream(adevice, [VI]) as stream:
        with pytest.raises(ConfigureError) as refused:
            await stream.configure([])
        assert refused.value.code == 2104
        simulated.virtual_inputs.activate(1)
        assert vi(await stream.get(timeout=2)) == (1, True)
        assert stream.filters == [EventFilter.of(VI)]


# --- the three ways to consume -------------------------------------------------------------


async def test_async_iterator(adevice: AsyncDevice, simulated: SimulatedDevice) -> None:
    got = []
    async with open_stream(adevice, [VI]) as stream:
        for port in (1, 2, 3):
            simulated.virtual_inputs.activate(port)
        async for event in stream:
            got.append(vi(event))
            if len(got) == 3:
                break
    assert got == [(1, True), (2, True), (3, True)]
    assert not stream.connected


async def test_callback_until_the_callback_closes_the_stream(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    stream = open_stream(adevice, [VI])
    seen: list[tuple[int | None, bool | None]] = []

    async def on_event(event: Event) -> None:
        seen.append(vi(event))
        if len(seen) == 2:
            await stream.close()

    runner = asyncio.create_task(stream.run(on_event))
    await eventually(lambda: stream.connected)
    simulated.virtual_inputs.activate(5)
    simulated.virtual_inputs.deactivate(5)
    await asyncio.wait_for(runner, 2)
    assert seen == [(5, True), (5, False)]
    assert not stream.connected


def test_sync_iterator_and_clean_close(device: Device, simulated: SimulatedDevice) -> None:
    with open_stream(device, [VI]) as stream:
        assert isinstance(stream, SyncEventStream)
        simulated.virtual_inputs.activate(3)
        event = next(iter(stream))
        with pytest.raises(TimeoutError):
            stream.get(timeout=0.1)
    assert vi(event) == (3, True)
    assert not any(t.name.startswith("axisctl events") for t in threading.enumerate())
    assert list(stream) == []  # a closed stream ends at once


def test_sync_callback(device: Device, simulated: SimulatedDevice) -> None:
    stream = open_stream(device, [VI])
    seen = []

    def on_event(event: Event) -> None:
        seen.append(vi(event))
        stream.close()

    stream.start()
    simulated.virtual_inputs.activate(9)
    stream.run(on_event)
    assert seen == [(9, True)]


# --- overflow, malformed frames, cancellation ----------------------------------------------


async def test_a_full_queue_drops_the_oldest_events(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    settings = StreamSettings(max_queue=3)
    async with open_stream(adevice, [VI], settings=settings) as stream:
        for port in range(1, 11):
            simulated.virtual_inputs.activate(port)
        await eventually(lambda: stream.received == 10)
        kept = [vi(await stream.get(timeout=1)) for _ in range(3)]
        assert kept == [(8, True), (9, True), (10, True)]  # the newest survive
        assert stream.dropped == 7
        with pytest.raises(TimeoutError):
            await stream.get(timeout=0.1)


Script = Callable[[ServerConnection, int], Awaitable[None]]


@asynccontextmanager
async def scripted_device(script: Script) -> AsyncIterator[tuple[str, list[int]]]:
    """A websocket server that acks the configure, then runs ``script(connection, n)``."""
    connections: list[int] = []

    async def handler(connection: ServerConnection) -> None:
        assert connection.request is not None
        assert connection.request.path.startswith(WS_PATH)
        connections.append(len(connections) + 1)
        configure = json.loads(await connection.recv())
        ack = {"apiVersion": "1.0", "context": configure["context"], "method": configure["method"]}
        await connection.send(json.dumps({**ack, "data": {}}))
        await script(connection, len(connections))

    async with serve(handler, "127.0.0.1", 0, ping_interval=None, close_timeout=0.2) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"http://127.0.0.1:{port}", connections


def notify(topic: str, data: dict[str, Any]) -> str:
    notification = {"topic": topic, "timestamp": 1722108150418, "message": {"data": data}}
    return json.dumps(
        {"apiVersion": "1.0", "method": "events:notify", "params": {"notification": notification}}
    )


async def test_malformed_frames_are_counted_and_the_stream_lives_on() -> None:
    bad: list[str | bytes] = [
        "not json",
        b"\x00binary",
        "[1, 2]",
        '{"apiVersion": "1.0", "method": "events:notify", "params": {}}',
        notify(VI, {"active": {"nested": "1"}}),
        '{"apiVersion": "1.0", "method": "events:notify", "params": {"notification": '
        '{"topic": "a/b", "timestamp": true}}}',
        '{"apiVersion": "1.0", "method": "events:somethingElse"}',
    ]

    async def script(connection: ServerConnection, _: int) -> None:
        for frame in bad:
            await connection.send(frame)
        await connection.send(notify(VI, {"active": "1"}))
        await connection.send(notify(VI, {"active": "0"}))
        await connection.wait_closed()

    async with (
        scripted_device(script) as (url, connections),
        EventStream(url, filters=[VI], settings=FAST) as stream,
    ):
        first, second = await stream.get(timeout=2), await stream.get(timeout=2)
        assert [first.data, second.data] == [{"active": "1"}, {"active": "0"}]
        assert stream.malformed == len(bad)
        assert stream.connected
        assert connections == [1]


async def test_a_silent_dead_connection_is_found_by_ping_and_reopened() -> None:
    async def script(connection: ServerConnection, number: int) -> None:
        if number == 1:
            # Stop reading: pings go unanswered, as over a dead link. The socket stays open
            # longer than the test waits, so only the ping can reveal it.
            connection.transport.pause_reading()
            await asyncio.sleep(3)
            return
        await connection.send(notify(VI, {"active": "1"}))
        await connection.wait_closed()

    settings = StreamSettings(
        ping_interval=0.1, ping_timeout=0.2, close_timeout=0.2, backoff=0.05, max_backoff=0.1
    )
    async with (
        scripted_device(script) as (url, connections),
        EventStream(url, filters=[VI], settings=settings) as stream,
    ):
        event = await stream.get(timeout=1.5)
        assert event.data == {"active": "1"}
        assert connections == [1, 2]
        assert stream.reconnects == 1


async def test_cancelling_the_consumer_closes_the_socket_and_stops_reconnecting(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    stream = open_stream(adevice, [VI], settings=FAST)

    async def consume() -> None:
        async with stream:
            async for _ in stream:
                pass

    consumer = asyncio.create_task(consume())
    await eventually(lambda: stream.connected)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert not stream.connected
    # The simulator logs a websocket when it ends: the device saw the socket close.
    await eventually(lambda: simulated.request_count(WS_PATH) == 1)
    await asyncio.sleep(0.3)  # several backoff periods: no new connection
    assert simulated.request_count(WS_PATH) == 1
    assert simulated.request_count("/axis-cgi/wssession.cgi") == 2  # challenge + token


async def test_cancelling_a_callback_runner_closes_the_stream(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    stream = open_stream(adevice, [VI])
    runner = asyncio.create_task(stream.run(lambda event: None))
    await eventually(lambda: stream.connected)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert not stream.connected
    await eventually(lambda: simulated.request_count(WS_PATH) == 1)


# --- reconnect -----------------------------------------------------------------------------


async def test_restarting_the_server_resumes_the_stream_with_the_current_state() -> None:
    clock = SimClock()  # ours, so that stopping the server does not stop time
    sim = Simulator("d4200-ve", user=USER, password=PASSWORD, clock=clock)
    await sim.start()
    try:
        simulated = sim.devices[0]
        sim.port = int(simulated.url.rsplit(":", 1)[1])  # come back on the same port
        async with EventStream(
            simulated.url, USER, PASSWORD, [VI, TOPIC_SYSTEM_READY], settings=FAST
        ) as stream:
            assert isinstance(await stream.get(timeout=2), SystemReadyEvent)
            simulated.virtual_inputs.activate(4)
            assert vi(await stream.get(timeout=2)) == (4, True)

            await sim.stop()  # the device goes away mid-stream ...
            simulated.virtual_inputs.deactivate(4)  # ... and changes while nobody listens
            await eventually(lambda: not stream.connected)
            await asyncio.sleep(0.2)  # let a reconnect attempt or two fail
            await sim.start()

            resent = {type(e): e for e in [await stream.get(timeout=2) for _ in range(2)]}
            assert vi(resent[VirtualInputEvent]) == (4, False)
            assert resent[SystemReadyEvent].data == {"ready": "1"}
            assert stream.reconnects == 1
            simulated.virtual_inputs.activate(4)
            assert vi(await stream.get(timeout=2)) == (4, True)
    finally:
        await sim.stop()
        clock.close()


async def test_without_reconnect_a_lost_connection_ends_the_stream() -> None:
    async def script(connection: ServerConnection, _: int) -> None:
        await connection.send(notify(VI, {"active": "1"}))
        await connection.close()

    settings = StreamSettings(reconnect=False)
    async with (
        scripted_device(script) as (url, connections),
        EventStream(url, filters=[VI], settings=settings) as stream,
    ):
        assert (await stream.get(timeout=2)).data == {"active": "1"}
        with pytest.raises(ConnectionLostError):
            await stream.get(timeout=2)
        assert connections == [1]


# --- authentication and TLS ----------------------------------------------------------------


async def test_digest_on_the_upgrade_needs_no_session_token(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    settings = StreamSettings(use_token=False)
    async with EventStream(sim.urls[0], USER, PASSWORD, [VI], settings=settings) as stream:
        simulated.virtual_inputs.activate(2)
        assert vi(await stream.get(timeout=2)) == (2, True)
    await eventually(lambda: simulated.request_count(WS_PATH) == 2)
    assert [r.status for r in simulated.requests if r.path == WS_PATH] == [401, 101]
    assert simulated.request_count("/axis-cgi/wssession.cgi") == 0


@pytest.mark.parametrize("use_token", [True, False], ids=["token", "digest"])
async def test_a_wrong_password_is_an_authentication_error(
    sim: Simulator, simulated: SimulatedDevice, use_token: bool
) -> None:
    settings = StreamSettings(use_token=use_token)
    stream = EventStream(sim.urls[0], USER, "wrong", [VI], settings=settings)
    with pytest.raises(AuthenticationError):
        await stream.start()
    assert not stream.connected
    assert simulated.request_count(WS_PATH) <= 2  # no retrying with a wrong password


async def test_a_viewer_may_watch_and_no_secret_reaches_logs_or_reprs(
    sim: Simulator, simulated: SimulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Vw-s3cret-77"
    simulated.add_account("watcher", secret, Level.VIEWER)
    sessions = ws_sessions(simulated)
    tokens: list[str] = []
    issue = sessions.issue

    def recording_issue(account: Account) -> str:
        tokens.append(issue(account))
        return tokens[-1]

    sessions.issue = recording_issue  # type: ignore[method-assign]
    caplog.set_level(logging.DEBUG)
    stream = EventStream(sim.urls[0], "watcher", secret, [VI], settings=FAST)
    async with stream:
        simulated.virtual_inputs.activate(1)
        await stream.get(timeout=2)
        text = repr(stream)
    assert tokens, "the stream did not use a session token"
    for needle in (secret, *tokens):
        assert needle not in caplog.text
        assert needle not in text
    assert "watcher" in text


@pytest.fixture
def tls_sim() -> Iterator[Simulator]:
    with Simulator("d4200-ve", user=USER, password=PASSWORD, https=True) as simulator:
        yield simulator


@pytest.mark.parametrize("use_token", [True, False], ids=["token", "basic"])
async def test_pinned_tls(tls_sim: Simulator, use_token: bool) -> None:
    assert tls_sim.certificate is not None
    settings = StreamSettings(use_token=use_token)
    async with (
        AsyncDevice(
            tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=tls_sim.certificate.sha256
        ) as dev,
        open_stream(dev, [TOPIC_SYSTEM_READY], settings=settings) as stream,
    ):
        assert isinstance(await stream.get(timeout=2), SystemReadyEvent)


async def test_tls_is_verified_by_default(tls_sim: Simulator) -> None:
    with pytest.raises(TLSError):
        await EventStream(tls_sim.urls[0], USER, PASSWORD, settings=FAST).start()


async def test_a_wrong_pin_stops_before_the_upgrade_is_sent(tls_sim: Simulator) -> None:
    settings = StreamSettings(use_token=False)
    stream = EventStream(tls_sim.urls[0], USER, PASSWORD, pin_sha256="ab" * 32, settings=settings)
    with pytest.raises(CertificatePinMismatchError):
        await stream.start()
    assert tls_sim.devices[0].request_count(WS_PATH) == 0
