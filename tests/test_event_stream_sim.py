"""The simulator's websocket event stream on the wire, read with a plain websockets client.

vapix-wire-formats §6.1: auth by a wssession.cgi token or Digest on the upgrade, configure
with eventFilterList, ``data: {}`` acks, WS error codes, notifications with string values
and epoch-ms timestamps, current state after configure, one delivery per matching filter.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.connection import Connection
from websockets.exceptions import InvalidStatus

from axisctl import digest
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.bus import (
    TOPIC_DIGITAL_INPUT,
    TOPIC_INPUT_PORT,
    TOPIC_LIGHT_STATUS,
    TOPIC_SYSTEM_READY,
    TOPIC_VIRTUAL_INPUT,
)
from axisctl.sim.handlers.events import EMPTY_FILTER_LIST, ws_sessions

USER, PASSWORD = "root", "pass"
PATH = "/vapix/ws-data-stream"
VI = TOPIC_VIRTUAL_INPUT
#: How long a stream must stay silent before a test takes it as "nothing more comes".
QUIET = 0.15


def port_filter(port: int) -> str:
    return f'boolean(//SimpleItem[@Name="port" and @Value="{port}"])'


async def session_token(sim: Simulator) -> str:
    async with httpx.AsyncClient(auth=httpx.DigestAuth(USER, PASSWORD)) as http:
        response = await http.get(f"{sim.urls[0]}/axis-cgi/wssession.cgi")
    assert response.status_code == 200
    return response.text


def ws_url(sim: Simulator, query: str) -> str:
    return sim.urls[0].replace("http://", "ws://") + f"{PATH}?{query}"


async def open_with_token(sim: Simulator) -> ClientConnection:
    token = await session_token(sim)
    return await connect(ws_url(sim, f"wssession={token}&sources=events"), proxy=None)


@pytest.fixture
async def ws(sim: Simulator) -> AsyncIterator[ClientConnection]:
    connection = await open_with_token(sim)
    yield connection
    await connection.close()


async def send(ws: Connection, body: Any) -> None:
    await ws.send(body if isinstance(body, (str, bytes)) else json.dumps(body))


def configure_body(*filters: dict[str, str], context: str = "t") -> dict[str, Any]:
    return {
        "apiVersion": "1.0",
        "context": context,
        "method": "events:configure",
        "params": {"eventFilterList": list(filters)},
    }


async def frames(ws: Connection, quiet: float = QUIET) -> list[dict[str, Any]]:
    """Every frame until the stream has been silent for ``quiet`` seconds."""
    received: list[dict[str, Any]] = []
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), quiet)
        except asyncio.TimeoutError:
            return received
        received.append(json.loads(raw))


async def configure(ws: Connection, *filters: dict[str, str]) -> list[dict[str, Any]]:
    """Send a configure; return the notifications that followed its answer."""
    await send(ws, configure_body(*filters))
    answer = json.loads(await asyncio.wait_for(ws.recv(), 2))
    assert answer == {
        "apiVersion": "1.0",
        "context": "t",
        "method": "events:configure",
        "data": {},
    }
    return await frames(ws)


def notes(received: list[dict[str, Any]]) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(topic, source, data) of each notification, in order."""
    result = []
    for frame in received:
        assert frame["method"] == "events:notify", frame
        body = frame["params"]["notification"]
        result.append((body["topic"], body["message"]["source"], body["message"]["data"]))
    return result


# --- authentication ------------------------------------------------------------------------


async def test_session_token_is_a_digit_string_and_needs_credentials(sim: Simulator) -> None:
    token = await session_token(sim)
    assert token.isdigit()
    assert len(token) >= 16
    async with httpx.AsyncClient() as http:
        anonymous = await http.get(f"{sim.urls[0]}/axis-cgi/wssession.cgi")
    assert anonymous.status_code == 401


async def test_token_opens_the_stream_and_configure_is_acknowledged(
    ws: ClientConnection,
) -> None:
    received = await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY})
    assert notes(received) == [(TOPIC_SYSTEM_READY, {}, {"ready": "1"})]


async def test_upgrade_without_token_or_credentials_gets_a_digest_challenge(
    sim: Simulator,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(sim, "sources=events"), proxy=None)
    response = refused.value.response
    assert response.status_code == 401
    challenge = digest.DigestChallenge.parse(response.headers["WWW-Authenticate"])
    assert challenge.realm == f"AXIS_{sim.devices[0].serial}"
    assert challenge.qop == ("auth",)


async def test_digest_on_the_upgrade_opens_the_stream(sim: Simulator) -> None:
    url = ws_url(sim, "sources=events")
    with pytest.raises(InvalidStatus) as refused:
        await connect(url, proxy=None)
    challenge = digest.DigestChallenge.parse(refused.value.response.headers["WWW-Authenticate"])
    uri, cnonce = f"{PATH}?sources=events", os.urandom(8).hex()
    response = digest.compute_response(
        algorithm=challenge.algorithm,
        username=USER,
        realm=challenge.realm,
        password=PASSWORD,
        method="GET",
        uri=uri,
        nonce=challenge.nonce,
        nc="00000001",
        cnonce=cnonce,
        qop="auth",
    )
    header = (
        f'Digest username="{USER}", realm="{challenge.realm}", nonce="{challenge.nonce}", '
        f'uri="{uri}", algorithm={challenge.algorithm}, response="{response}", qop=auth, '
        f'nc=00000001, cnonce="{cnonce}"'
    )
    async with connect(url, additional_headers={"Authorization": header}, proxy=None) as ws:
        received = await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY})
    assert notes(received) == [(TOPIC_SYSTEM_READY, {}, {"ready": "1"})]


async def test_a_token_opens_one_stream_only(sim: Simulator) -> None:
    token = await session_token(sim)
    url = ws_url(sim, f"wssession={token}&sources=events")
    async with connect(url, proxy=None):
        pass
    with pytest.raises(InvalidStatus) as refused:
        await connect(url, proxy=None)
    assert refused.value.response.status_code == 401


async def test_an_unknown_token_is_refused(sim: Simulator) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(sim, "wssession=1331901001644832701&sources=events"), proxy=None)
    assert refused.value.response.status_code == 401


async def test_tokens_expire_after_15_seconds(sim: Simulator) -> None:
    now = [1000.0]
    sessions = ws_sessions(sim.devices[0])
    sessions.time = lambda: now[0]  # the tokens' clock, moved by hand instead of waiting
    fresh, stale = await session_token(sim), await session_token(sim)
    now[0] += 14.9
    async with connect(ws_url(sim, f"wssession={fresh}&sources=events"), proxy=None):
        pass
    now[0] += 0.2
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(sim, f"wssession={stale}&sources=events"), proxy=None)
    assert refused.value.response.status_code == 401


@pytest.mark.parametrize("sources", ["sources=video", "sources=", ""])
async def test_sources_must_include_events(sim: Simulator, sources: str) -> None:
    token = await session_token(sim)
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(sim, f"wssession={token}&{sources}"), proxy=None)
    assert refused.value.response.status_code == 400


async def test_sources_may_list_several(sim: Simulator) -> None:
    token = await session_token(sim)
    async with connect(ws_url(sim, f"wssession={token}&sources=video,events"), proxy=None) as ws:
        assert notes(await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY}))


# --- filters and notifications -------------------------------------------------------------


async def test_notification_shape_strings_and_epoch_ms(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    await configure(ws, {"topicFilter": VI})
    before = time.time() * 1000
    simulated.virtual_inputs.activate(7)
    (frame,) = await frames(ws)
    after = time.time() * 1000
    assert frame["apiVersion"] == "1.0"
    assert frame["method"] == "events:notify"
    assert "context" not in frame
    assert "id" not in frame
    notification = frame["params"]["notification"]
    assert notification["topic"] == VI
    assert notification["message"] == {"source": {"port": "7"}, "key": {}, "data": {"active": "1"}}
    assert isinstance(notification["timestamp"], int)
    assert before - 50 <= notification["timestamp"] <= after + 50


async def test_exact_topic_filter(ws: ClientConnection, simulated: SimulatedDevice) -> None:
    await configure(ws, {"topicFilter": VI})
    simulated.io.press(1)  # an input port event: not asked for
    simulated.virtual_inputs.activate(2)
    simulated.virtual_inputs.deactivate(2)
    assert notes(await frames(ws)) == [
        (VI, {"port": "2"}, {"active": "1"}),
        (VI, {"port": "2"}, {"active": "0"}),
    ]


async def test_subtree_filter_takes_everything_below(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    initial = notes(await configure(ws, {"topicFilter": "tns1:Device/tnsaxis:IO//."}))
    # Current state: both input ports (IO/Port); not Trigger/DigitalInput nor SystemReady.
    assert {(topic, src["port"]) for topic, src, _ in initial} == {
        (TOPIC_INPUT_PORT, "0"),
        (TOPIC_INPUT_PORT, "1"),
    }
    simulated.virtual_inputs.activate(3)
    simulated.io.press(2)
    after = notes(await frames(ws))
    assert (VI, {"port": "3"}, {"active": "1"}) in after
    assert [t for t, *_ in after if t == TOPIC_INPUT_PORT] == [TOPIC_INPUT_PORT]
    assert all(topic.startswith("tns1:Device/tnsaxis:IO/") for topic, *_ in after)


async def test_everything_filter_and_mqtt_spelling(ws: ClientConnection) -> None:
    everything = {topic for topic, *_ in notes(await configure(ws, {"topicFilter": "//."}))}
    assert {TOPIC_INPUT_PORT, TOPIC_DIGITAL_INPUT, TOPIC_SYSTEM_READY, TOPIC_LIGHT_STATUS} <= (
        everything
    )
    mqtt = notes(await configure(ws, {"topicFilter": "onvif:Device/axis:Status/SystemReady"}))
    assert mqtt == [(TOPIC_SYSTEM_READY, {}, {"ready": "1"})]


async def test_alternatives_with_bar(ws: ClientConnection, simulated: SimulatedDevice) -> None:
    initial = await configure(ws, {"topicFilter": f"{VI}|{TOPIC_SYSTEM_READY}"})
    assert notes(initial) == [(TOPIC_SYSTEM_READY, {}, {"ready": "1"})]
    simulated.virtual_inputs.activate(1)
    simulated.io.press(1)
    assert notes(await frames(ws)) == [(VI, {"port": "1"}, {"active": "1"})]


async def test_content_filter_alone_and_with_a_topic(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    await configure(ws, {"topicFilter": VI, "contentFilter": port_filter(4)})
    for port in (3, 4, 5):
        simulated.virtual_inputs.activate(port)
    assert notes(await frames(ws)) == [(VI, {"port": "4"}, {"active": "1"})]
    # Without a topic, the content filter alone: every topic with a port item "1".
    initial = notes(await configure(ws, {"contentFilter": port_filter(1)}))
    assert initial == [(TOPIC_INPUT_PORT, {"port": "1"}, {"state": "0"})]


async def test_and_content_filter(ws: ClientConnection, simulated: SimulatedDevice) -> None:
    both = f'{port_filter(6)} and boolean(//SimpleItem[@Name="active" and @Value="0"])'
    await configure(ws, {"topicFilter": VI, "contentFilter": both})
    simulated.virtual_inputs.activate(6)
    simulated.virtual_inputs.deactivate(6)
    assert notes(await frames(ws)) == [(VI, {"port": "6"}, {"active": "0"})]


async def test_an_event_two_filters_match_is_sent_twice(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    await configure(ws, {"topicFilter": VI}, {"contentFilter": port_filter(9)})
    simulated.virtual_inputs.activate(9)
    simulated.virtual_inputs.activate(8)
    assert notes(await frames(ws)) == [
        (VI, {"port": "9"}, {"active": "1"}),
        (VI, {"port": "9"}, {"active": "1"}),
        (VI, {"port": "8"}, {"active": "1"}),
    ]


async def test_configure_sends_the_current_state_of_matching_stateful_topics(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.virtual_inputs.activate(5)
    simulated.virtual_inputs.activate(6)
    simulated.virtual_inputs.deactivate(6)
    simulated.io.press(1)
    async with await open_with_token(sim) as ws:
        initial = notes(await configure(ws, {"topicFilter": VI}, {"topicFilter": TOPIC_INPUT_PORT}))
    assert sorted(initial, key=str) == sorted(
        [
            (VI, {"port": "5"}, {"active": "1"}),
            (VI, {"port": "6"}, {"active": "0"}),
            (TOPIC_INPUT_PORT, {"port": "0"}, {"state": "1"}),
            (TOPIC_INPUT_PORT, {"port": "1"}, {"state": "0"}),
        ],
        key=str,
    )


async def test_a_new_configure_replaces_the_filters(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    await configure(ws, {"topicFilter": VI})
    initial = notes(await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY}))
    assert initial == [(TOPIC_SYSTEM_READY, {}, {"ready": "1"})]
    simulated.virtual_inputs.activate(1)
    simulated.restart(seconds=0.01)
    # The virtual input is no longer asked for; the restart's readiness changes are.
    assert notes(await frames(ws, quiet=0.3)) == [
        (TOPIC_SYSTEM_READY, {}, {"ready": "0"}),
        (TOPIC_SYSTEM_READY, {}, {"ready": "1"}),
    ]


async def test_light_status_follows_the_strobe(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    assert simulated.siren_light is not None
    initial = notes(await configure(ws, {"topicFilter": TOPIC_LIGHT_STATUS}))
    # A factory-fresh D4200-VE is in maintenance mode: its light pulses.
    assert initial == [(TOPIC_LIGHT_STATUS, {"id": "0"}, {"state": "ON"})]
    simulated.siren_light.set_maintenance(False)
    assert notes(await frames(ws)) == [(TOPIC_LIGHT_STATUS, {"id": "0"}, {"state": "OFF"})]


# --- errors --------------------------------------------------------------------------------


async def test_empty_filter_list_is_2104_with_the_devices_message(ws: ClientConnection) -> None:
    await send(ws, configure_body(context="empty"))
    assert json.loads(await ws.recv()) == {
        "apiVersion": "1.0",
        "context": "empty",
        "method": "events:configure",
        "error": {"code": 2104, "message": EMPTY_FILTER_LIST},
    }
    assert EMPTY_FILTER_LIST == "Invalid event datasource payload: eventFilterList is empty"


BAD_FRAMES: list[tuple[str, Any, int]] = [
    ("not JSON", "{not json", 2101),
    ("a JSON array", "[1, 2]", 2101),
    ("binary", b"\x00\x01", 2101),
    ("no apiVersion", {"method": "events:configure", "params": {"eventFilterList": []}}, 2103),
    ("apiVersion 2.0", {**configure_body({"topicFilter": VI}), "apiVersion": "2.0"}, 2100),
    ("unknown method", {**configure_body({"topicFilter": VI}), "method": "events:get"}, 2102),
    ("no method", {"apiVersion": "1.0", "params": {}}, 2103),
    ("no eventFilterList", {**configure_body(), "params": {}}, 2103),
    ("list not a list", {**configure_body(), "params": {"eventFilterList": "//."}}, 2104),
    ("empty filter", configure_body({}), 2104),
    ("bad topic filter", configure_body({"topicFilter": "a b/c"}), 2104),
    ("bad content filter", configure_body({"contentFilter": "port=1"}), 2104),
    ("too large", configure_body({"topicFilter": "A" * 70_000}), 2107),
]


@pytest.mark.parametrize(
    ("frame", "code"), [(f, c) for _, f, c in BAD_FRAMES], ids=[n for n, *_ in BAD_FRAMES]
)
async def test_bad_frames_are_answered_and_the_stream_goes_on(
    ws: ClientConnection, simulated: SimulatedDevice, frame: Any, code: int
) -> None:
    await configure(ws, {"topicFilter": VI})
    await send(ws, frame)
    answer = json.loads(await asyncio.wait_for(ws.recv(), 2))
    assert answer["error"]["code"] == code
    assert answer["apiVersion"] == "1.0"
    assert isinstance(answer["error"]["message"], str)
    assert answer["error"]["message"]
    assert "data" not in answer
    # The filters set before the bad frame still hold, and the socket still serves.
    simulated.virtual_inputs.activate(1)
    assert notes(await frames(ws)) == [(VI, {"port": "1"}, {"active": "1"})]
    assert notes(await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY}))


async def test_nothing_is_sent_before_a_configure(
    ws: ClientConnection, simulated: SimulatedDevice
) -> None:
    simulated.virtual_inputs.activate(1)
    assert await frames(ws) == []


async def test_two_streams_have_their_own_filters(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    async with await open_with_token(sim) as first, await open_with_token(sim) as second:
        await configure(first, {"topicFilter": VI, "contentFilter": port_filter(1)})
        await configure(second, {"topicFilter": VI, "contentFilter": port_filter(2)})
        simulated.virtual_inputs.activate(1)
        simulated.virtual_inputs.activate(2)
        assert notes(await frames(first)) == [(VI, {"port": "1"}, {"active": "1"})]
        assert notes(await frames(second)) == [(VI, {"port": "2"}, {"active": "1"})]


async def test_stopping_the_server_closes_open_streams_as_going_away() -> None:
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as sim:
        ws = await open_with_token(sim)
        await configure(ws, {"topicFilter": TOPIC_SYSTEM_READY})
    # The simulator stopped without waiting for the client to hang up first.
    await asyncio.wait_for(ws.wait_closed(), 2)
    assert ws.close_code == 1001
