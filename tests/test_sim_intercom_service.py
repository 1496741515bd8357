"""The intercom's reader settings and entry list over HTTP, with the sync and async clients,
its test-control routes, and access events on the websocket event stream."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any, TypeVar

import httpx
import pytest

from axisctl import AsyncDevice, Device, ForbiddenError
from axisctl.apis.access import (
    TOPIC_ACCESS_GRANTED,
    TOPIC_DENIED,
    AccessDeniedEvent,
    AccessGrantedEvent,
    AccessServiceError,
    CardData,
    CredentialHolder,
    CredentialNotFoundError,
    DenyReason,
    DuplicateCardError,
    DuplicateFirstNameError,
    DuplicatePinError,
    InvalidAccessSettingError,
    InvalidPinError,
    InvalidValidityError,
    KeypressFormat,
    ReaderProtocol,
    ReaderSettings,
)
from axisctl.events.stream import open_stream
from axisctl.sim import Level, SimulatedDevice, Simulator

T = TypeVar("T")
USER = "root"
PASSWORD = "pass"
DOOR = 3
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)


async def resolve(value: T) -> Any:
    """The result of a sync call, or of an async one awaited."""
    return await value if inspect.isawaitable(value) else value


@pytest.fixture
def isim() -> Iterator[Simulator]:
    """An I8116-E intercom on a manual clock."""
    with Simulator("intercom", user=USER, password=PASSWORD, manual_clock=True) as simulator:
        yield simulator


@pytest.fixture
def intercom(isim: Simulator) -> SimulatedDevice:
    return isim.devices[0]


@pytest.fixture
def idevice(isim: Simulator) -> Iterator[Device]:
    with Device(isim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def iadevice(isim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(isim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def idev(
    request: pytest.FixtureRequest, idevice: Device, iadevice: AsyncDevice
) -> Device | AsyncDevice:
    """``idevice`` and then ``iadevice``: one test, both halves of the library."""
    return idevice if request.param == "sync" else iadevice


@pytest.fixture
def http(isim: Simulator) -> Iterator[httpx.Client]:
    """Raw requests, for what the typed client would never send."""
    with httpx.Client(base_url=isim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        yield client


def holders_on(intercom: SimulatedDevice) -> list[CredentialHolder]:
    assert intercom.access is not None
    return intercom.access.entry_list.holders()


# --- reader settings ----------------------------------------------------------------------------


async def test_a_fresh_intercom_has_the_default_settings(idev: Device | AsyncDevice) -> None:
    settings = await resolve(idev.access.reader_settings())
    assert settings == ReaderSettings()
    assert settings.door_open_time_s == 7
    assert settings.entry_list


async def test_settings_change_and_stay(
    idev: Device | AsyncDevice, intercom: SimulatedDevice
) -> None:
    stored = await resolve(
        idev.access.update_reader_settings(
            protocol="Wiegand",
            keypress_format=KeypressFormat.WIEGAND26,
            pin_length=6,
            pin_timeout_s=20,
        )
    )
    assert stored.protocol is ReaderProtocol.WIEGAND
    assert (stored.pin_length, stored.pin_timeout_s) == (6, 20)
    assert await resolve(idev.access.reader_settings()) == stored
    assert intercom.access is not None
    assert intercom.access.settings == stored


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pin_length": 33}, "pin_length"),
        ({"pin_length": -1}, "pin_length"),
        ({"pin_timeout_s": 2}, "pin_timeout_s"),
        ({"pin_timeout_s": 51}, "pin_timeout_s"),
        ({"osdp_address": 127}, "osdp_address"),
        ({"door_open_time_s": 0}, "door_open_time_s"),
        ({"protocol": "Bluetooth"}, "protocol"),
        ({"keypress_format": "Wiegand26", "keypress_facility_code": 256}, "keypress_facility_code"),
        ({"external_reader": True, "protocol": "OSDP"}, "protocol"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_are_refused_before_sending(
    idevice: Device, intercom: SimulatedDevice, changes: dict[str, Any], field: str
) -> None:
    intercom.reset_stats()
    with pytest.raises(InvalidAccessSettingError) as caught:
        idevice.access.update_reader_settings(**changes)
    assert caught.value.field == field
    answered = [r for r in intercom.requests if r.path == "/vapix/idpoint" and r.status == 200]
    assert len(answered) <= 1  # at most the read, never a write
    assert intercom.access is not None
    assert intercom.access.settings == ReaderSettings()


@pytest.mark.parametrize(("pin_length", "timeout"), [(0, 3), (32, 50)])
def test_the_manuals_limits_are_accepted(idevice: Device, pin_length: int, timeout: int) -> None:
    stored = idevice.access.update_reader_settings(pin_length=pin_length, pin_timeout_s=timeout)
    assert (stored.pin_length, stored.pin_timeout_s) == (pin_length, timeout)


def test_the_device_refuses_what_the_client_was_told_not_to_check(
    idevice: Device, intercom: SimulatedDevice
) -> None:
    bad = replace(ReaderSettings(), pin_timeout_s=51)
    with pytest.raises(AccessServiceError) as caught:
        idevice.access.set_reader_settings(bad, validate=False)
    assert caught.value.subcodes == ("ter:InvalidArgVal",)
    assert "pin_timeout_s" in caught.value.reason
    assert intercom.access is not None
    assert intercom.access.settings == ReaderSettings()


def test_an_operator_may_not_read_the_reader(isim: Simulator, intercom: SimulatedDevice) -> None:
    intercom.add_account("op", "op-pw", Level.OPERATOR)
    with Device(isim.urls[0], "op", "op-pw", retries=0) as operator:
        with pytest.raises(ForbiddenError):
            operator.access.reader_settings()
        with pytest.raises(ForbiddenError):
            operator.access.entries()


def test_a_device_without_a_reader_lacks_the_services(device: Device) -> None:
    from axisctl import UnsupportedAPIError

    with pytest.raises(UnsupportedAPIError):
        device.access.reader_settings()


# --- entry list ---------------------------------------------------------------------------------


async def test_holders_are_added_listed_changed_and_removed(idev: Device | AsyncDevice) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    gordon = CredentialHolder(
        "Gordon",
        "Freeman",
        card=GORDON_CARD,
        pin="1234",
        valid_from=start,
        valid_to=start + dt.timedelta(days=365),
        remaining_uses=10,
        notes="night shift",
    )
    added = await resolve(idev.access.add_entry(gordon))
    assert added.token.startswith("Axis-")
    assert added == replace(gordon, token=added.token)
    assert await resolve(idev.access.entries()) == [added]
    assert await resolve(idev.access.entry(added.token)) == added
    suspended = replace(added, suspended=True, remaining_uses=3)
    await resolve(idev.access.update_entry(suspended))
    assert await resolve(idev.access.entry(added.token)) == suspended
    await resolve(idev.access.remove_entries([added.token]))
    assert await resolve(idev.access.entries()) == []


async def test_several_holders_are_added_at_once(idev: Device | AsyncDevice) -> None:
    holders = [CredentialHolder("Alyx", pin="1111"), CredentialHolder("Eli", pin="2222")]
    added = await resolve(idev.access.add_entries(holders))
    assert [h.first_name for h in added] == ["Alyx", "Eli"]
    assert len({h.token for h in added}) == 2


@pytest.mark.parametrize(
    ("second", "error"),
    [
        (CredentialHolder("gordon ", pin="9999"), DuplicateFirstNameError),
        (CredentialHolder("Alyx", pin="1234"), DuplicatePinError),
        (CredentialHolder("Alyx", card=GORDON_CARD), DuplicateCardError),
        (CredentialHolder("Alyx", pin="123456"), InvalidPinError),
    ],
)
async def test_the_device_refuses_duplicates_and_adds_nothing(
    idev: Device | AsyncDevice,
    intercom: SimulatedDevice,
    second: CredentialHolder,
    error: type[AccessServiceError],
) -> None:
    await resolve(idev.access.add_entry(CredentialHolder("Gordon", card=GORDON_CARD, pin="1234")))
    batch = [CredentialHolder("Barney", pin="5555"), second]
    with pytest.raises(error) as caught:
        await resolve(idev.access.add_entries(batch))
    assert "1234" not in str(caught.value)  # a PIN never shows in a message
    assert [h.first_name for h in holders_on(intercom)] == ["Gordon"]


def test_pins_follow_the_readers_pin_length(idevice: Device) -> None:
    idevice.access.update_reader_settings(pin_length=6)
    with pytest.raises(InvalidPinError, match="6 digits"):
        idevice.access.add_entry(CredentialHolder("Alyx", pin="1234"))
    assert idevice.access.add_entry(CredentialHolder("Alyx", pin="123456")).pin == "123456"


@pytest.mark.parametrize(
    ("holder", "field"),
    [
        (CredentialHolder(""), "entry.first_name"),
        (CredentialHolder("Gordon"), "entry.card"),
        (CredentialHolder("Gordon", pin="12a4"), "entry.pin"),
        (CredentialHolder("Gordon", pin="1" * 33), "entry.pin"),
        (
            CredentialHolder(
                "Gordon",
                pin="1234",
                valid_from=dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc),
                valid_to=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
            ),
            "entry.valid_to",
        ),
        (
            CredentialHolder("Gordon", pin="1234", valid_to=dt.datetime(2025, 1, 1)),
            "entry.valid_to",
        ),
        (CredentialHolder("Gordon", pin="1234", remaining_uses=-1), "entry.remaining_uses"),
        (CredentialHolder("Gor\ndon", pin="1234"), "entry.first_name"),
    ],
)
def test_bad_holders_are_refused_before_sending(
    idevice: Device, intercom: SimulatedDevice, holder: CredentialHolder, field: str
) -> None:
    intercom.reset_stats()
    with pytest.raises(InvalidAccessSettingError) as caught:
        idevice.access.add_entry(holder)
    assert caught.value.field == field
    assert intercom.request_count("/vapix/pacs") == 0


def test_the_device_refuses_bad_dates_itself(idevice: Device, intercom: SimulatedDevice) -> None:
    day = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    holder = CredentialHolder("Gordon", pin="1234", valid_from=day, valid_to=day)
    with pytest.raises(InvalidValidityError):
        idevice.access.add_entry(holder, validate=False)
    assert holders_on(intercom) == []


async def test_unknown_tokens_are_not_found(
    idev: Device | AsyncDevice, intercom: SimulatedDevice
) -> None:
    kept = await resolve(idev.access.add_entry(CredentialHolder("Gordon", pin="1234")))
    with pytest.raises(CredentialNotFoundError):
        await resolve(idev.access.entry("Axis-nobody"))
    with pytest.raises(CredentialNotFoundError):
        await resolve(idev.access.update_entry(replace(kept, token="Axis-nobody")))
    with pytest.raises(CredentialNotFoundError):
        await resolve(idev.access.remove_entries([kept.token, "Axis-nobody"]))
    assert holders_on(intercom) == [kept]


async def test_the_last_card_is_there_to_add(
    idev: Device | AsyncDevice, intercom: SimulatedDevice
) -> None:
    assert await resolve(idev.access.last_card()) is None
    assert intercom.access is not None
    intercom.access.present_card(GORDON_CARD)
    card = await resolve(idev.access.last_card())
    assert card == GORDON_CARD
    await resolve(idev.access.add_entry(CredentialHolder("Gordon", card=card)))
    assert intercom.access.present_card(GORDON_CARD).granted


# --- the wire, as other clients might send it ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "subcode"),
    [
        ("/vapix/pacs", b"{not json", "ter:InvalidArgs"),
        ("/vapix/pacs", b"[]", "ter:InvalidArgs"),
        ("/vapix/pacs", b'{"pacsaxis:Frobnicate": {}}', "ter:ActionNotSupported"),
        ("/vapix/pacs", b'{"pacsaxis:SetCredential": {"Credential": []}}', "ter:InvalidArgVal"),
        (
            "/vapix/pacs",
            b'{"pacsaxis:SetCredential": {"Credential": [{"IdData": []}]}}',
            "ter:InvalidArgVal",
        ),
        ("/vapix/pacs", b'{"pacsaxis:RemoveCredential": {"Token": [1]}}', "ter:InvalidArgVal"),
        (
            "/vapix/idpoint",
            b'{"axtid:SetIdPointConfiguration": {"IdPointConfiguration": [{"token": "X",'
            b' "Configuration": []}]}}',
            "ter:NotFound",
        ),
        (
            "/vapix/idpoint",
            b'{"axtid:SetIdPointConfiguration": {"IdPointConfiguration": [{"token": "Reader",'
            b' "Configuration": [{"Name": "IdPoint.PIN.Timeout", "Value": "PT2S"}]}]}}',
            "ter:InvalidArgVal",
        ),
        (
            "/vapix/idpoint",
            b'{"axtid:SetIdPointConfiguration": {"IdPointConfiguration": [{"token": "Reader",'
            b' "Configuration": [{"Name": "IdPoint.Colour", "Value": "red"}]}]}}',
            "ter:InvalidArgVal",
        ),
    ],
)
def test_bad_requests_get_a_json_fault(
    http: httpx.Client, path: str, body: bytes, subcode: str
) -> None:
    response = http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    fault = response.json()["Fault"]
    assert fault["Code"] == "env:Sender"
    assert fault["Subcode"][0] == subcode
    assert fault["Reason"]


def test_a_get_is_not_allowed(http: httpx.Client) -> None:
    response = http.get("/vapix/pacs")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_settings_are_name_value_pairs_on_the_wire(http: httpx.Client) -> None:
    body = {"axtid:GetIdPointConfiguration": {"Token": ["Reader"]}}
    (reader,) = http.post("/vapix/idpoint", json=body).json()["IdPointConfiguration"]
    assert reader["token"] == "Reader"
    pairs = {item["Name"]: item["Value"] for item in reader["Configuration"]}
    assert pairs["Door.AccessTime"] == "PT7S"
    assert pairs["IdPoint.Hardware.Address"] == "0"
    assert pairs["IdPoint.Keypress.Format"] == "FourBit"


def test_a_partial_configuration_changes_only_what_it_names(
    http: httpx.Client, intercom: SimulatedDevice
) -> None:
    body = {
        "axtid:SetIdPointConfiguration": {
            "IdPointConfiguration": [
                {
                    "token": "Reader",
                    "Configuration": [
                        {"Name": "IdPoint.Hardware.Address", "Value": "7E"},
                        {"Name": "Door.AccessTime", "Value": "PT1M"},
                    ],
                }
            ]
        }
    }
    assert http.post("/vapix/idpoint", json=body).json() == {}
    assert intercom.access is not None
    assert intercom.access.settings == replace(
        ReaderSettings(), osdp_address=0x7E, door_open_time_s=60
    )


# --- test-control routes ------------------------------------------------------------------------


def test_control_routes_present_cards_and_pins(
    http: httpx.Client, intercom: SimulatedDevice
) -> None:
    assert intercom.access is not None
    intercom.access.entry_list.add(
        [CredentialHolder("Gordon", card=GORDON_CARD), CredentialHolder("Alyx", pin="1234")],
        pin_length=4,
        now=intercom.clock.wall(),
    )
    forms = [
        {"bits": GORDON_CARD.bits},
        {"osdp": "8013f2c0", "bitCount": 26},
        {"card": "02004fcb", "bitCount": 26},
        {"number": 10213, "facility": 0, "bitCount": 26},
    ]
    for form in forms:
        decision = http.post("/axisctl-sim/access/card", json=form).json()["decision"]
        assert (decision["result"], decision["holder"]) == ("granted", "Gordon")
        assert decision["card"] == {"card": "02004fcb", "bitCount": 26}
    assert http.post("/axisctl-sim/access/pin", json={"keys": "12"}).json() == {"decision": None}
    decision = http.post("/axisctl-sim/access/pin", json={"keys": "34"}).json()["decision"]
    assert (decision["result"], decision["presented"]) == ("granted", "pin")
    denied = http.post("/axisctl-sim/access/pin", json={"pin": "0000"}).json()["decision"]
    assert (denied["result"], denied["reason"]) == ("denied", "CredentialNotFound")
    log = http.get("/axisctl-sim/access/log", params={"limit": 2}).json()["decisions"]
    assert [entry["result"] for entry in log] == ["granted", "denied"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("card", {}, "exactly one"),
        ("card", {"bits": "102"}, "other than 0/1"),
        ("card", {"osdp": "zz", "bitCount": 8}, "not hex"),
        ("card", {"card": "02004fcb"}, "bitCount"),
        ("pin", {"pin": "12", "keys": "12"}, "either"),
        ("pin", {"keys": "12X"}, "keys are digits"),
    ],
)
def test_control_routes_refuse_bad_input(
    http: httpx.Client, path: str, body: dict[str, Any], message: str
) -> None:
    response = http.post(f"/axisctl-sim/access/{path}", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


# --- the event stream ---------------------------------------------------------------------------


async def test_a_granted_card_is_an_event_and_the_door_opens_for_seven_seconds(
    iadevice: AsyncDevice, intercom: SimulatedDevice
) -> None:
    await iadevice.access.add_entry(CredentialHolder("Gordon", "Freeman", card=GORDON_CARD))
    assert intercom.access is not None
    async with open_stream(iadevice, ["tns1:AccessControl//."]) as stream:
        decision = intercom.access.present_card(GORDON_CARD.bits)
        event = await stream.get(timeout=5)
    assert isinstance(event, AccessGrantedEvent)
    assert event.topic == TOPIC_ACCESS_GRANTED
    assert (event.holder_name, event.credential_token) == ("Gordon Freeman", decision.token)
    assert event.access_point == "Door"
    assert intercom.io.is_active(DOOR)
    intercom.clock.advance(7)
    assert not intercom.io.is_active(DOOR)


def test_a_suspended_card_is_a_denied_event_and_the_door_stays_shut(
    idevice: Device, intercom: SimulatedDevice
) -> None:
    idevice.access.add_entry(CredentialHolder("Gordon", card=GORDON_CARD, suspended=True))
    assert intercom.access is not None
    with open_stream(idevice, [TOPIC_DENIED]) as stream:
        intercom.access.present_card(GORDON_CARD)
        event = stream.get(timeout=5)
    assert isinstance(event, AccessDeniedEvent)
    assert event.reason is DenyReason.CREDENTIAL_NOT_ENABLED
    assert event.holder_name == "Gordon"
    assert not intercom.io.is_active(DOOR)


def test_the_intercom_declares_its_access_topics(idevice: Device) -> None:
    topics = {declaration.topic for declaration in idevice.events.declarations()}
    assert {
        "tns1:AccessControl/AccessGranted/Credential",
        "tns1:AccessControl/Denied/Credential",
        "tns1:AccessControl/Denied/CredentialNotFound/Card",
        "tns1:IdPoint/tnsaxis:Request/IdData",
    } <= topics
