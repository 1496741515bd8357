"""``device.lpr`` plate lists against the simulated P1455-LE-3, over real sockets.

Tests with ``gate_dev`` run twice: once with the sync ``Device``, once with ``AsyncDevice``.
What the camera holds is read from ``gate_camera.lpr.state`` under the device lock.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
from typing import Any, TypeVar

import pytest

from axisctl import AsyncDevice, Device
from axisctl.apis.lpr import (
    WORKDAYS,
    CsvImport,
    InvalidLprSettingError,
    ListKey,
    ListMode,
    LprNotFoundError,
    LprRequestRefusedError,
    PlateCsvError,
    PlateEntry,
    Schedule,
)
from axisctl.apis.lpr.api import UPLOAD_CHUNK_BYTES
from axisctl.errors import ConfigurationError, UnsupportedAPIError
from axisctl.sim import SimulatedDevice
from axisctl.sim.lpr.state import LprState, PlateList
from axisctl.sim.lpr.state import PlateEntry as StoredPlate

T = TypeVar("T")
Dev = Device | AsyncDevice
PREFIX = "/local/fflprapp/"


async def resolve(value: T) -> Any:
    return await value if inspect.isawaitable(value) else value


def state_of(camera: SimulatedDevice) -> LprState:
    assert camera.lpr is not None
    with camera.lock:
        return copy.deepcopy(camera.lpr.state)


def plates_of(camera: SimulatedDevice, key: str) -> dict[str, tuple[dt.date | None, str]]:
    plate_list: PlateList = state_of(camera).lists[key]
    return {p: (e.date, e.description) for p, e in plate_list.entries.items()}


async def test_the_three_lists_have_their_default_names_and_modes(gate_dev: Dev) -> None:
    lists = await resolve(gate_dev.lpr.lists())
    assert [(pl.key, pl.id, pl.name, pl.mode) for pl in lists] == [
        (ListKey.ALLOW, "1", "Allow list", ListMode.ALLOW),
        (ListKey.BLOCK, "2", "Block list", ListMode.BLOCK),
        (ListKey.CUSTOM, "3", "Custom list", ListMode.NONE),
    ]
    assert all(pl.schedules == (Schedule(),) for pl in lists)


async def test_rename_mode_and_schedule_are_stored_and_echoed(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    window = Schedule.window(dt.time(8), dt.time(17), WORKDAYS)
    overnight = Schedule.window(dt.time(22), dt.time(6), ["Sat"])
    stored = await resolve(
        gate_dev.lpr.set_list(
            "custom", name=" Visitors ", mode="block", schedules=[window, overnight]
        )
    )
    assert stored.name == "Visitors"
    assert stored.mode is ListMode.BLOCK
    assert stored.schedules == (window, overnight)
    plate_list = state_of(gate_camera).lists["custom"]
    assert (plate_list.name, plate_list.mode) == ("Visitors", "block")
    assert [(s.start_minute, s.end_minute, s.days) for s in plate_list.schedules] == [
        (480, 1020, WORKDAYS),
        (1320, 360, frozenset({"Sat"})),
    ]
    # Saturday 23:00 UTC is inside the overnight window, Monday 07:00 is in neither.
    assert plate_list.active_at(dt.datetime(2024, 6, 1, 23, 0))
    assert not plate_list.active_at(dt.datetime(2024, 6, 3, 7, 0))
    assert (await resolve(gate_dev.lpr.lists()))[2] == stored


async def test_a_name_taken_by_another_list_is_refused_and_nothing_changes(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    before = state_of(gate_camera)
    for name in ("Block List", "block", "allow_list"):
        with pytest.raises(LprRequestRefusedError, match="is taken by the") as caught:
            await resolve(gate_dev.lpr.set_list("custom", name=name, mode="allow"))
        assert caught.value.status == 400
    assert state_of(gate_camera) == before


async def test_bad_list_changes_are_caught_before_sending(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    with pytest.raises(InvalidLprSettingError, match="not allow, block or custom"):
        await resolve(gate_dev.lpr.set_list("vip", name="VIP"))
    with pytest.raises(InvalidLprSettingError, match="name is empty"):
        await resolve(gate_dev.lpr.set_list("allow", name=" "))
    with pytest.raises(InvalidLprSettingError, match="not allow, block or none"):
        await resolve(gate_dev.lpr.set_list("allow", mode="deny"))
    with pytest.raises(InvalidLprSettingError, match="whole minutes"):
        await resolve(gate_dev.lpr.set_list("allow", schedules=[Schedule(True, dt.time(8, 0, 30))]))
    with pytest.raises(InvalidLprSettingError, match="Mo not among"):
        await resolve(
            gate_dev.lpr.set_list("allow", schedules=[Schedule(True, days=frozenset({"Mo"}))])
        )
    with pytest.raises(ConfigurationError, match="give a name, a mode or schedules"):
        await resolve(gate_dev.lpr.set_list("allow"))
    assert gate_camera.request_count(PREFIX + "list_mgmt.cgi") == 0


async def test_plates_are_added_updated_listed_exported_and_removed(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    lpr = gate_dev.lpr
    await resolve(lpr.add_plate("allow", "ABC123", description="Delivery van"))
    await resolve(lpr.add_plate(ListKey.ALLOW, "TÖLSL123", date=dt.date(2023, 9, 29)))
    await resolve(lpr.add_plate("allow", "ABC123", description="Van, white"))
    expected = [
        PlateEntry("ABC123", None, "Van, white"),
        PlateEntry("TÖLSL123", dt.date(2023, 9, 29), ""),
    ]
    assert await resolve(lpr.plates("allow")) == expected
    assert await resolve(lpr.export_plates("allow")) == expected
    assert plates_of(gate_camera, "allow") == {
        "ABC123": (None, "Van, white"),
        "TÖLSL123": (dt.date(2023, 9, 29), ""),
    }
    await resolve(lpr.remove_plate("allow", "ABC123"))
    assert list(plates_of(gate_camera, "allow")) == ["TÖLSL123"]
    with pytest.raises(LprNotFoundError, match="plate 'ABC123' is not on Allow list") as caught:
        await resolve(lpr.remove_plate("allow", "ABC123"))
    assert caught.value.status == 404
    assert caught.value.reason == "plate 'ABC123' is not on Allow list"


async def test_bad_plates_are_caught_before_sending(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    for plate, reason in (("", "empty"), ("AB,12", "comma"), ("A" * 33, "longer than 32")):
        with pytest.raises(InvalidLprSettingError, match=reason):
            await resolve(gate_dev.lpr.add_plate("allow", plate))
    with pytest.raises(InvalidLprSettingError, match="control character"):
        await resolve(gate_dev.lpr.add_plate("allow", "ABC1", description="two\nlines"))
    assert gate_camera.request_count(PREFIX + "api.cgi") == 0


async def test_a_batch_is_added_all_or_nothing(gate_dev: Dev, gate_camera: SimulatedDevice) -> None:
    batch = [PlateEntry(f"B{n}", dt.date(2024, 1, n + 1), f"car {n}") for n in range(3)]
    assert await resolve(gate_dev.lpr.add_plates("block", batch)) == 3
    assert await resolve(gate_dev.lpr.plates("block")) == batch
    assert gate_camera.lpr is not None
    with gate_camera.lock:
        entries = gate_camera.lpr.state.lists["custom"].entries
        for n in range(9_999):
            entries[f"C{n}"] = StoredPlate(f"C{n}")
    before = state_of(gate_camera)
    with pytest.raises(LprRequestRefusedError, match="would hold 10001 plates; at most 10000"):
        await resolve(gate_dev.lpr.add_plates("custom", [PlateEntry("N1"), PlateEntry("N2")]))
    assert state_of(gate_camera) == before
    # Updating plates already there does not count against the limit.
    await resolve(gate_dev.lpr.add_plates("custom", [PlateEntry("C1", None, "now described")]))
    assert plates_of(gate_camera, "custom")["C1"] == (None, "now described")


async def test_csv_import_and_export_round_trip(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    text = (
        "license plate,date,description\r\n"
        'AXIS123\r\nAXIS124,,John Smith\r\nAXIS125,2022-06-08,"Smith, John"\r\n'
        "AXIS123,,imported twice\r\n"
    )
    result = await resolve(gate_dev.lpr.import_csv("allow", text.encode("utf-8-sig")))
    assert result == CsvImport(imported=3)
    assert plates_of(gate_camera, "allow") == {
        "AXIS123": (None, "imported twice"),
        "AXIS124": (None, "John Smith"),
        "AXIS125": (dt.date(2022, 6, 8), "Smith, John"),
    }
    exported = await resolve(gate_dev.lpr.export_csv("allow"))
    assert (
        exported
        == 'AXIS123,,imported twice\nAXIS124,,John Smith\nAXIS125,2022-06-08,"Smith, John"\n'
    )
    await resolve(gate_dev.lpr.import_csv("block", exported))
    assert await resolve(gate_dev.lpr.plates("block")) == await resolve(
        gate_dev.lpr.plates("allow")
    )


async def test_csv_with_bad_lines_imports_nothing_and_sends_nothing(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    text = "GOOD1\nBAD1,2022-13-01\nGOOD2\nBAD2,,x,y\n"
    with pytest.raises(PlateCsvError) as caught:
        await resolve(gate_dev.lpr.import_csv("allow", text))
    assert [(e.line_number, e.line) for e in caught.value.errors] == [
        (2, "BAD1,2022-13-01"),
        (4, "BAD2,,x,y"),
    ]
    assert gate_camera.request_count(PREFIX + "upload.cgi") == 0
    assert plates_of(gate_camera, "allow") == {}

    result = await resolve(gate_dev.lpr.import_csv("allow", text, skip_bad_lines=True))
    assert result.imported == 2
    assert [e.line_number for e in result.skipped] == [2, 4]
    assert list(plates_of(gate_camera, "allow")) == ["GOOD1", "GOOD2"]


async def test_a_large_csv_goes_up_in_chunks(gate_dev: Dev, gate_camera: SimulatedDevice) -> None:
    lines = [f"P{n:05d},2024-02-{n % 28 + 1:02d},{'resident ' * 10}{n}" for n in range(6000)]
    text = "\n".join(lines)
    assert len(text) > 2 * UPLOAD_CHUNK_BYTES
    result = await resolve(gate_dev.lpr.import_csv("custom", text))
    assert result.imported == 6000
    plates = plates_of(gate_camera, "custom")
    assert len(plates) == 6000
    assert plates["P05999"] == (dt.date(2024, 2, 8), "resident " * 10 + "5999")
    # new + at least three chunks + save, each with a digest challenge at most once.
    assert gate_camera.request_count(PREFIX + "upload.cgi") >= 5


async def test_a_camera_without_the_app_says_so(dev: Dev) -> None:
    with pytest.raises(UnsupportedAPIError, match="no License Plate Verifier app"):
        await resolve(dev.lpr.lists())
    with pytest.raises(UnsupportedAPIError, match="no License Plate Verifier app"):
        await resolve(dev.lpr.remove_plate("allow", "ABC123"))
