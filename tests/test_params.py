"""param.cgi end to end against the simulator, through the sync and the async device."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import pytest

from axisctl import (
    AsyncDevice,
    Brand,
    Device,
    DeviceError,
    ParameterGroupError,
    ParseError,
    Properties,
)
from axisctl.sim import Level, SimulatedDevice
from axisctl.sim.catalog import MODELS

T = TypeVar("T")
AnyDevice = Device | AsyncDevice
SPEC = MODELS["d4200-ve"]
PATH = "/axis-cgi/param.cgi"


async def resolve(result: T | Awaitable[T]) -> T:
    """The value of a sync call, or of an async call once awaited."""
    if inspect.isawaitable(result):
        return cast(T, await result)
    return result


async def test_list_all(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    values = await resolve(dev.params.list())
    expected, _ = simulated.params.listing(None, Level.ADMIN)
    assert values == expected
    assert values["Brand.ProdNbr"] == "D4200-VE"
    assert values["Properties.System.SerialNumber"] == simulated.serial
    assert not any(name.startswith("root.") for name in values)


async def test_list_one_group(dev: AnyDevice) -> None:
    values = await resolve(dev.params.list("Brand"))
    assert values == {
        "Brand.Brand": "AXIS",
        "Brand.ProdFullName": SPEC.prod_full_name,
        "Brand.ProdNbr": SPEC.prod_nbr,
        "Brand.ProdShortName": SPEC.prod_short_name,
        "Brand.ProdType": SPEC.prod_type,
        "Brand.ProdVariant": "",
        "Brand.WebURL": "http://www.axis.com",
    }


async def test_list_two_groups(dev: AnyDevice) -> None:
    values = await resolve(dev.params.list("Brand", "root.Properties"))
    assert {name.split(".")[0] for name in values} == {"Brand", "Properties"}
    assert values["Brand.ProdNbr"] == SPEC.prod_nbr
    assert values["Properties.Firmware.Version"] == SPEC.firmware


async def test_list_wildcard_group(dev: AnyDevice) -> None:
    values = await resolve(dev.params.list("IOPort.*.Direction"))
    assert values == {"IOPort.I0.Direction": "input", "IOPort.I1.Direction": "input"}


async def test_get_one_parameter(dev: AnyDevice) -> None:
    assert await resolve(dev.params.get("root.Brand.ProdNbr")) == "D4200-VE"


async def test_brand(dev: AnyDevice) -> None:
    brand = await resolve(dev.params.brand())
    assert brand == Brand(
        brand="AXIS",
        prod_full_name="AXIS D4200-VE Network Strobe Speaker",
        prod_nbr="D4200-VE",
        prod_short_name="AXIS D4200-VE",
        prod_type="Network Strobe Speaker",
        prod_variant="",
        web_url="http://www.axis.com",
    )


async def test_properties(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    props = await resolve(dev.params.properties())
    assert isinstance(props, Properties)
    assert props.firmware_version == SPEC.firmware == "12.2.63"
    assert props.firmware_build_date == SPEC.build_date
    assert props.serial_number == simulated.serial
    assert props.architecture == "aarch64"
    assert props.soc == "Axis Artpec-8"
    assert props.http_api_version == "3"
    assert props.api_discovery is True
    assert props.virtual_input is True
    assert props.light_control is False
    assert props.manual_trigger_count == 2
    assert props.resolutions == ()  # a speaker has no image
    assert props.raw["Properties.FirmwareManagement.Version"] == "1.4"


async def test_unknown_group(dev: AnyDevice) -> None:
    with pytest.raises(ParameterGroupError) as caught:
        await resolve(dev.params.list("NoSuchGroup"))
    assert isinstance(caught.value, DeviceError)
    assert "NoSuchGroup" in caught.value.message
    assert caught.value.partial == {}


async def test_unknown_group_with_known_group_keeps_partial_answer(dev: AnyDevice) -> None:
    brand = await resolve(dev.params.list("Brand"))
    with pytest.raises(ParameterGroupError) as caught:
        await resolve(dev.params.list("Brand", "NoSuchGroup"))
    assert "NoSuchGroup" in str(caught.value)
    assert caught.value.partial == brand


async def test_update_then_get_reads_new_value(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    new = {
        "Time.POSIXTimeZone": "CET-1CEST,M3.5.0,M10.5.0/3",
        "root.Time.SyncSource": "PC",
        "IOPort.I0.Input.Name": " Tür = vorne ",  # '=', edge spaces, ISO-8859-1
        "IOPort.I0.Usage": "",
    }
    await resolve(dev.params.update(new))
    assert await resolve(dev.params.get("Time.POSIXTimeZone")) == "CET-1CEST,M3.5.0,M10.5.0/3"
    assert await resolve(dev.params.get("Time.SyncSource")) == "PC"
    assert await resolve(dev.params.get("IOPort.I0.Input.Name")) == " Tür = vorne "
    assert await resolve(dev.params.get("IOPort.I0.Usage")) == ""
    assert simulated.params.value("IOPort.I0.Input.Name") == " Tür = vorne "


@pytest.mark.parametrize("invalid_first", [False, True])
async def test_update_with_one_invalid_value_changes_nothing(
    dev: AnyDevice, simulated: SimulatedDevice, invalid_first: bool
) -> None:
    good = ("Time.POSIXTimeZone", "CET-1CEST")
    bad = ("Time.SyncSource", "bogus")
    updates = dict([bad, good] if invalid_first else [good, bad])
    with pytest.raises(DeviceError) as caught:
        await resolve(dev.params.update(updates))
    assert "Time.SyncSource" in caught.value.message
    assert caught.value.method == "update"
    assert await resolve(dev.params.list("Time")) == {
        "Time.POSIXTimeZone": "UTC0",
        "Time.SyncSource": "NTP",
    }
    assert simulated.params.value("Time.POSIXTimeZone") == "UTC0"


async def test_update_of_read_only_parameter(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError, match=r"Brand\.ProdNbr"):
        await resolve(dev.params.update({"Brand.ProdNbr": "M1065-LW"}))
    assert await resolve(dev.params.get("Brand.ProdNbr")) == "D4200-VE"


async def test_update_of_unknown_parameter(dev: AnyDevice) -> None:
    # A camera parameter the speaker does not have.
    with pytest.raises(DeviceError):
        await resolve(dev.params.update({"Image.I0.Appearance.Resolution": "1280x720"}))


async def test_add_list_and_remove_stream_profile(dev: AnyDevice) -> None:
    new_id = await resolve(
        dev.params.add("StreamProfile", "streamprofile", {"Name": "low", "Description": "d"})
    )
    assert new_id == "S0"
    listed = await resolve(dev.params.list("StreamProfile"))
    assert listed["StreamProfile.S0.Name"] == "low"
    assert listed["StreamProfile.S0.Description"] == "d"
    assert await resolve(dev.params.add("StreamProfile", "streamprofile")) == "S1"

    await resolve(dev.params.remove("StreamProfile.S0"))
    listed = await resolve(dev.params.list("StreamProfile"))
    assert not any(name.startswith("StreamProfile.S0.") for name in listed)
    assert "StreamProfile.S1.Name" in listed

    await resolve(dev.params.remove("root.StreamProfile.S1"))
    with pytest.raises(ParameterGroupError):
        await resolve(dev.params.list("StreamProfile"))


async def test_add_with_wrong_template(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError):
        await resolve(dev.params.add("StreamProfile", "nosuchtemplate"))


async def test_remove_of_missing_group(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError) as caught:
        await resolve(dev.params.remove("StreamProfile.S7"))
    assert caught.value.method == "remove"


async def test_remove_of_static_group_is_refused(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError):
        await resolve(dev.params.remove("Brand"))
    assert await resolve(dev.params.get("Brand.ProdNbr")) == "D4200-VE"


INVALID_CALLS: dict[str, Callable[[AnyDevice], object]] = {
    "list-semicolon": lambda d: d.params.list("Brand;ls"),
    "list-empty": lambda d: d.params.list(""),
    "list-query": lambda d: d.params.list("Brand&action=update"),
    "get-space": lambda d: d.params.get("Brand.Prod Nbr"),
    "get-wildcard": lambda d: d.params.get("IOPort.*.Direction"),
    "update-name": lambda d: d.params.update({"Time.Sync Source": "NTP"}),
    "update-dots": lambda d: d.params.update({"Time..SyncSource": "NTP"}),
    "update-line-break": lambda d: d.params.update({"Time.POSIXTimeZone": "UTC0\r\nx=1"}),
    "update-non-latin1": lambda d: d.params.update({"IOPort.I0.Input.Name": "Door €"}),
    "add-group": lambda d: d.params.add("Stream Profile", "streamprofile"),
    "add-template": lambda d: d.params.add("StreamProfile", "stream/profile"),
    "add-value-name": lambda d: d.params.add("StreamProfile", "streamprofile", {"N me": "x"}),
    "remove": lambda d: d.params.remove("StreamProfile.S0,Brand"),
}


@pytest.mark.parametrize("call", INVALID_CALLS.values(), ids=INVALID_CALLS.keys())
async def test_invalid_names_rejected_before_any_request(
    dev: AnyDevice, simulated: SimulatedDevice, call: Callable[[AnyDevice], object]
) -> None:
    before = simulated.request_count()
    with pytest.raises(ParseError):
        await resolve(call(dev))
    assert simulated.request_count() == before


async def test_empty_update_is_refused(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    before = simulated.request_count()
    with pytest.raises(ValueError, match="at least one"):
        await resolve(dev.params.update({}))
    assert simulated.request_count() == before


async def test_changes_are_sent_as_post(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    await resolve(dev.params.update({"Time.SyncSource": "None"}))
    last = simulated.requests[-1]
    assert (last.method, last.path, last.status, last.user) == ("POST", PATH, 200, "root")
    await resolve(dev.params.add("StreamProfile", "streamprofile", {"Name": "p"}))
    assert simulated.requests[-1].method == "POST"
    await resolve(dev.params.remove("StreamProfile.S0"))
    assert simulated.requests[-1].method == "POST"


async def test_value_with_form_feed_cannot_forge_parameters(dev: AnyDevice) -> None:
    value = "Door\x0cBrand.ProdNbr=FAKE"
    await resolve(dev.params.update({"IOPort.I0.Input.Name": value}))
    assert await resolve(dev.params.get("IOPort.I0.Input.Name")) == value
    assert (await resolve(dev.params.list()))["Brand.ProdNbr"] == "D4200-VE"
