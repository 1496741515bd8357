"""``device.lpr`` event log search, statistics, images and clearing, sync and async.

Most stored events are put into ``state.events`` directly, as the engine would after reads;
the last test lets the engine read a vehicle.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, TypeVar

import pytest

from axisctl import AsyncDevice, Device
from axisctl.apis.lpr import (
    Direction,
    EventStatistics,
    InvalidLprSettingError,
    ListMode,
    LprNotFoundError,
)
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.lpr.state import StoredEvent
from axisctl.sim.lpr.vehicles import Vehicle

T = TypeVar("T")
Dev = Device | AsyncDevice
JPEG = b"\xff\xd8\xff\xe0 plate image \xff\xd9"


async def resolve(value: T) -> Any:
    return await value if inspect.isawaitable(value) else value


def now_us(camera: SimulatedDevice) -> int:
    return int(camera.clock.wall() * 1_000_000)


@pytest.fixture
def stored(gate_camera: SimulatedDevice) -> list[StoredEvent]:
    """Four vehicles: 40, 30, 20 and 10 seconds ago on the camera's clock."""
    now = now_us(gate_camera)
    events = [
        StoredEvent(1, "ABC123", "SWE", "", "in", 1, 0.91, now - 40_000_000, "allow", "Van"),
        StoredEvent(
            2,
            "TÖLSL123",
            "DEU",
            "Tölz",
            "out",
            2,
            0.73721,
            now - 30_000_000,
            "block",
            "car_test_1",
            "52/2_lp_TÖLSL123.jpg",
            JPEG,
        ),
        StoredEvent(3, "XYZ999", "SWE", "", "unknown", 1, 0.5, now - 20_000_000),
        StoredEvent(4, "abc777", "NOR", "", "in", 2, 0.88, now - 10_000_000, "custom"),
    ]
    assert gate_camera.lpr is not None
    with gate_camera.lock:
        gate_camera.lpr.state.events.extend(events)
    return events


def plates(result: Any) -> list[str]:
    return [event.plate for event in result.events]


async def test_events_come_newest_first_with_every_field(
    gate_dev: Dev, gate_camera: SimulatedDevice, stored: list[StoredEvent]
) -> None:
    result = await resolve(gate_dev.lpr.search_events())
    assert plates(result) == ["abc777", "XYZ999", "TÖLSL123", "ABC123"]
    assert abs(result.device_time.timestamp() - gate_camera.clock.wall()) < 1
    event = result.events[2]
    assert event.car_id == 2
    assert event.timestamp_us == stored[1].timestamp_us
    assert event.timestamp.tzinfo is not None
    assert (event.plate, event.plate_ascii, event.country, event.region) == (
        "TÖLSL123",
        "T?LSL123",
        "DEU",
        "Tölz",
    )
    assert (event.direction, event.roi, event.confidence) == (Direction.OUT, 2, 0.73721)
    assert (event.list_name, event.list_mode, event.description) == (
        "Block list",
        ListMode.BLOCK,
        "car_test_1",
    )
    assert event.image_name == "52/2_lp_TÖLSL123.jpg"
    unlisted = result.events[1]
    assert (unlisted.list_name, unlisted.list_mode, unlisted.image_name) == ("", None, "")
    assert await resolve(gate_dev.lpr.image(event.image_name)) == JPEG


async def test_a_renamed_list_shows_in_old_events(gate_dev: Dev, stored: list[StoredEvent]) -> None:
    await resolve(gate_dev.lpr.set_list("allow", name="Residents"))
    result = await resolve(gate_dev.lpr.search_events(plate="ABC123"))
    assert [e.list_name for e in result.events] == ["Residents"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"plate": "abc"}, ["abc777", "ABC123"]),
        ({"plate": "ölsl"}, ["TÖLSL123"]),
        ({"country": "swe"}, ["XYZ999", "ABC123"]),
        ({"direction": "in"}, ["abc777", "ABC123"]),
        ({"direction": Direction.UNKNOWN}, ["XYZ999"]),
        ({"on_list": "block"}, ["TÖLSL123"]),
        ({"on_list": "none"}, ["XYZ999"]),
        ({"roi": 2}, ["abc777", "TÖLSL123"]),
        ({"limit": 2}, ["abc777", "XYZ999"]),
        ({"limit": 2, "offset": 3}, ["ABC123"]),
        ({"limit": 0}, []),
        ({"plate": "abc", "roi": 1}, ["ABC123"]),
    ],
)
async def test_search_filters(
    gate_dev: Dev, stored: list[StoredEvent], filters: dict[str, Any], expected: list[str]
) -> None:
    assert plates(await resolve(gate_dev.lpr.search_events(**filters))) == expected


async def test_time_bounds_are_inclusive_and_spans_count_back_on_the_cameras_clock(
    gate_dev: Dev, gate_sim: Simulator, stored: list[StoredEvent]
) -> None:
    since = dt.datetime.fromtimestamp(stored[1].timestamp_us / 1e6, dt.timezone.utc)
    until = dt.datetime.fromtimestamp(stored[2].timestamp_us / 1e6, dt.timezone.utc)
    exact = await resolve(
        gate_dev.lpr.search_events(
            since=since.replace(microsecond=stored[1].timestamp_us % 1_000_000),
            until=until.replace(microsecond=stored[2].timestamp_us % 1_000_000),
        )
    )
    assert plates(exact) == ["XYZ999", "TÖLSL123"]
    recent = await resolve(gate_dev.lpr.search_events(since=dt.timedelta(seconds=25)))
    assert plates(recent) == ["abc777", "XYZ999"]
    gate_sim.clock.advance(3600)
    assert plates(await resolve(gate_dev.lpr.search_events(since=dt.timedelta(minutes=59)))) == []
    older = await resolve(gate_dev.lpr.search_events(until=dt.timedelta(minutes=60, seconds=35)))
    assert plates(older) == ["ABC123"]


async def test_statistics_count_what_a_search_finds(
    gate_dev: Dev, stored: list[StoredEvent]
) -> None:
    stats = await resolve(gate_dev.lpr.event_statistics())
    assert stats == EventStatistics(
        direction_in=2,
        direction_out=1,
        direction_unknown=1,
        lists={"allow": 1, "block": 1, "custom": 1, "none": 1},
        rois={1: 2, 2: 2},
        total=4,
    )
    swedish = await resolve(gate_dev.lpr.event_statistics(country="SWE"))
    assert (swedish.total, swedish.direction_in, swedish.rois) == (2, 1, {1: 2, 2: 0})


async def test_clearing_empties_the_log_and_its_images(
    gate_dev: Dev, gate_camera: SimulatedDevice, stored: list[StoredEvent]
) -> None:
    await resolve(gate_dev.lpr.clear_events())
    assert (await resolve(gate_dev.lpr.search_events())).events == ()
    assert gate_camera.lpr is not None
    with gate_camera.lock:
        assert len(gate_camera.lpr.state.events) == 0
    with pytest.raises(LprNotFoundError, match=r"no image '52/2_lp_TÖLSL123\.jpg'"):
        await resolve(gate_dev.lpr.image(stored[1].image_name))


async def test_bad_searches_are_caught_before_sending(gate_dev: Dev) -> None:
    with pytest.raises(InvalidLprSettingError, match="no time zone"):
        await resolve(gate_dev.lpr.search_events(since=dt.datetime(2024, 1, 1)))
    with pytest.raises(InvalidLprSettingError, match="roi 3 is not 1 or 2"):
        await resolve(gate_dev.lpr.event_statistics(roi=3))
    with pytest.raises(InvalidLprSettingError, match="not allow, block or custom"):
        await resolve(gate_dev.lpr.search_events(on_list="vip"))
    with pytest.raises(InvalidLprSettingError, match="image name is empty"):
        await resolve(gate_dev.lpr.image(""))


async def test_a_vehicle_read_by_the_engine_is_found_with_its_image(
    gate_dev: Dev, gate_sim: Simulator, gate_camera: SimulatedDevice
) -> None:
    await resolve(gate_dev.lpr.add_plate("allow", "ABC123", description="Van"))
    assert gate_camera.lpr is not None
    car_id = gate_camera.lpr.present(Vehicle("ABC123", direction="in"))
    gate_sim.clock.advance(30)
    (event,) = (await resolve(gate_dev.lpr.search_events(plate="abc123"))).events
    assert (event.car_id, event.plate, event.direction) == (car_id, "ABC123", Direction.IN)
    assert (event.list_name, event.list_mode, event.description) == (
        "Allow list",
        ListMode.ALLOW,
        "Van",
    )
    image = await resolve(gate_dev.lpr.image(event.image_name))
    assert image.startswith(b"\xff\xd8")
