"""basicdeviceinfo.cgi, apidiscovery.cgi and systemready.cgi against the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from axisctl import (
    ApiEntry,
    ApiStatus,
    AsyncDevice,
    Device,
    DeviceError,
    MalformedResponseError,
)
from axisctl.sim import MODELS, SimulatedDevice, Simulator

SPEC = MODELS["d4200-ve"]


@pytest.fixture
def fresh_sim() -> Iterator[Simulator]:
    """A device straight from the factory: no account at all."""
    with Simulator("d4200-ve", user=None, password=None) as simulator:
        yield simulator


def test_get_all(device: Device, simulated: SimulatedDevice) -> None:
    info = device.info.get_all()
    assert info.prod_nbr == "D4200-VE"
    assert info.prod_full_name == SPEC.prod_full_name
    assert info.prod_short_name == "AXIS D4200-VE"
    assert info.prod_type == SPEC.prod_type
    assert info.brand == "AXIS"
    assert info.serial_number == simulated.serial
    assert info.version == SPEC.firmware
    assert info.build_date == SPEC.build_date
    assert info.hardware_id == SPEC.hardware_id
    assert info.architecture == "aarch64"
    assert info.soc == "Axis Artpec-8"
    assert info.soc_serial_number is not None
    assert info.properties["ProdNbr"] == "D4200-VE"


async def test_get_all_async(adevice: AsyncDevice, simulated: SimulatedDevice) -> None:
    info = await adevice.info.get_all()
    assert info.prod_nbr == "D4200-VE"
    assert info.serial_number == simulated.serial


def test_get_named_properties(device: Device) -> None:
    info = device.info.get(["ProdNbr", "Version"])
    assert info.prod_nbr == "D4200-VE"
    assert info.version == SPEC.firmware
    assert info.serial_number is None
    assert info.architecture is None
    assert info.properties == {"ProdNbr": "D4200-VE", "Version": SPEC.firmware}


def test_get_needs_a_name(device: Device, simulated: SimulatedDevice) -> None:
    before = simulated.request_count()
    with pytest.raises(ValueError, match="at least one"):
        device.info.get([])
    assert simulated.request_count() == before


def test_get_unknown_property(device: Device) -> None:
    with pytest.raises(DeviceError) as caught:
        device.info.get(["ProdNbr", "NoSuchProperty"])
    error = caught.value
    assert error.code == 1000
    assert error.method == "getProperties"
    assert error.api == "basicdeviceinfo.cgi"
    assert error.device == device.url
    assert "NoSuchProperty" in error.message


async def test_get_unknown_property_async(adevice: AsyncDevice) -> None:
    with pytest.raises(DeviceError) as caught:
        await adevice.info.get(["NoSuchProperty"])
    assert (caught.value.code, caught.value.method) == (1000, "getProperties")


def test_get_unrestricted_leaves_out_hardware_details(device: Device) -> None:
    info = device.info.get_unrestricted()
    assert info.prod_nbr == "D4200-VE"
    assert info.version == SPEC.firmware
    assert info.architecture is None
    assert info.soc is None
    assert info.soc_serial_number is None
    assert not {"Architecture", "Soc", "SocSerialNumber"} & set(info.properties)


def test_get_unrestricted_needs_no_account(sim: Simulator, simulated: SimulatedDevice) -> None:
    with Device(sim.urls[0], retries=0) as anonymous:
        info = anonymous.info.get_unrestricted()
    assert info.serial_number == simulated.serial
    assert info.soc is None


def test_supported_versions(device: Device) -> None:
    assert device.info.supported_versions() == ["1.0", "1.1", "1.2", "1.3"]
    assert device.discovery.supported_versions() == ["1.0"]


def test_api_discovery_list(device: Device) -> None:
    entries = device.discovery.list()
    by_id = {entry.id: entry for entry in entries}
    assert {"basic-device-info", "siren-and-light", "param-cgi", "systemready"} <= set(by_id)
    assert by_id["basic-device-info"].version == "1.3"
    assert by_id["basic-device-info"].name == "Basic Device Information"
    assert by_id["basic-device-info"].status is None
    assert by_id["time-service"].status is ApiStatus.DEPRECATED
    assert by_id["time-service"].raw_status == "deprecated"
    assert len(by_id) == len(entries) == len(SPEC.apis)


async def test_api_discovery_list_async(adevice: AsyncDevice) -> None:
    ids = {entry.id for entry in await adevice.discovery.list()}
    assert {"basic-device-info", "siren-and-light"} <= ids


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("official", ApiStatus.OFFICIAL),
        ("Released", ApiStatus.RELEASED),
        ("beta", ApiStatus.BETA),
        ("deprecated", ApiStatus.DEPRECATED),
        ("experimental", ApiStatus.UNKNOWN),
        ("preview-2031", ApiStatus.UNKNOWN),
        ("", ApiStatus.UNKNOWN),
        (None, None),
        (42, None),
    ],
)
def test_api_status_from_newer_firmware(status: object, expected: ApiStatus | None) -> None:
    item: dict[str, object] = {"id": "future-api", "version": "9.9", "name": "Future API"}
    if status is not None:
        item["status"] = status
    entry = ApiEntry.from_json(item, 0)
    assert entry.id == "future-api"
    assert entry.status is expected
    assert entry.raw_status == (status if isinstance(status, str) else None)


@pytest.mark.parametrize(
    "item",
    [
        "basic-device-info",
        {"version": "1.0", "name": "No id"},
        {"id": "x", "name": "No version"},
        {"id": "x", "version": 1.0, "name": "Version as number"},
    ],
)
def test_api_entry_with_missing_fields_is_malformed(item: object) -> None:
    with pytest.raises(MalformedResponseError, match=r"apiList\[3\]"):
        ApiEntry.from_json(item, 3)


def test_systemready_without_credentials(sim: Simulator, simulated: SimulatedDevice) -> None:
    with Device(sim.urls[0], retries=0) as anonymous:
        status = anonymous.system.status()
    assert status.ready is True
    assert status.needs_setup is False
    assert status.boot_id == simulated.boot_id
    assert status.uptime_s is not None
    assert status.uptime_s >= 0


def test_systemready_with_wrong_credentials(sim: Simulator, simulated: SimulatedDevice) -> None:
    with Device(sim.urls[0], "root", "wrong", retries=0) as wrong:
        status = wrong.system.status(timeout_s=1)
    assert status.ready is True
    assert simulated.status_counts()[401] == 0  # it never even offered the password


async def test_systemready_async_with_wrong_credentials(sim: Simulator) -> None:
    async with AsyncDevice(sim.urls[0], "nobody", "wrong", retries=0) as wrong:
        status = await wrong.system.status()
    assert status.ready is True


def test_systemready_needs_setup_on_fresh_device(fresh_sim: Simulator) -> None:
    with Device(fresh_sim.urls[0], retries=0) as anonymous:
        assert anonymous.system.status().needs_setup is True


def test_has_api(device: Device) -> None:
    assert device.has_api("siren-and-light") is True
    assert device.has_api("basic-device-info") is True
    assert device.has_api("ptz-control") is False
    assert device.has_api("param-cgi") is True


async def test_has_api_async(adevice: AsyncDevice) -> None:
    assert await adevice.has_api("siren-and-light") is True
    assert await adevice.has_api("light-control") is False


def test_available_apis(device: Device) -> None:
    apis = device.available_apis()
    assert set(apis) == {api.id for api in SPEC.apis}
    assert apis["siren-and-light"].name == "Siren and Light"
    assert all(key == entry.id for key, entry in apis.items())


@pytest.mark.parametrize("model_key", sorted(MODELS))
def test_every_model_agrees_with_itself(model_key: str) -> None:
    spec = MODELS[model_key]
    with Simulator(model_key, count=3) as simulator:
        serials = []
        for simulated in simulator.devices:
            with Device(simulated.url, "root", "pass", retries=0) as dev:
                params = dev.params.list("Brand.ProdNbr", "Properties.System.SerialNumber")
                info = dev.info.get_all()
                brand = dev.params.brand()
            assert params["Brand.ProdNbr"] == info.prod_nbr == brand.prod_nbr == spec.prod_nbr
            assert params["Properties.System.SerialNumber"] == info.serial_number
            assert info.serial_number == simulated.serial
            assert info.version == spec.firmware
            serials.append(simulated.serial)
        assert len(set(serials)) == 3
        assert len(set(simulator.urls)) == 3
