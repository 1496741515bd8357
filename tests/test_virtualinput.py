"""Virtual inputs end to end: the client against the simulator, and the client's parser alone."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TypeVar, cast

import httpx
import pytest

from axisctl import (
    AsyncDevice,
    ConfigurationError,
    Device,
    DeviceError,
    ForbiddenError,
    MalformedResponseError,
    UnsupportedAPIError,
)
from axisctl.apis.virtualinput import (
    NAMESPACE,
    SchemaVersion,
    VirtualInputAPI,
    VirtualInputError,
    VirtualInputInternalError,
    VirtualInputInvalidDurationError,
    VirtualInputMissingArgumentError,
    VirtualInputNotFoundError,
    VirtualInputSchemaVersionError,
)
from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.bus import TOPIC_VIRTUAL_INPUT
from axisctl.transport.flow import Flow, HttpResponse, SyncMode

T = TypeVar("T")
USER = "root"
PASSWORD = "pass"
AnyDevice = Device | AsyncDevice
ACTIVATE = "/axis-cgi/virtualinput/activate.cgi"
DEACTIVATE = "/axis-cgi/virtualinput/deactivate.cgi"


async def resolve(result: T | Awaitable[T]) -> T:
    """The value of a sync call, or of an async call once awaited."""
    if inspect.isawaitable(result):
        return cast(T, await result)
    return result


def events(simulated: SimulatedDevice) -> list[tuple[str, str, float]]:
    return [
        (e.source["port"], e.data["active"], e.time)
        for e in simulated.bus.events(TOPIC_VIRTUAL_INPUT)
    ]


# --- against the simulator ------------------------------------------------------------------


async def test_activate_then_deactivate(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    assert await resolve(dev.virtual_inputs.activate(1)) is True
    assert simulated.virtual_inputs.is_active(1)
    assert await resolve(dev.virtual_inputs.activate(1)) is False
    assert await resolve(dev.virtual_inputs.deactivate(1)) is True
    assert not simulated.virtual_inputs.is_active(1)
    assert await resolve(dev.virtual_inputs.deactivate(1)) is False
    assert [(port, active) for port, active, _ in events(simulated)] == [("1", "1"), ("1", "0")]


async def test_highest_default_port_is_64(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    assert await resolve(dev.virtual_inputs.activate(64)) is True
    assert simulated.virtual_inputs.active_ports() == [64]


@pytest.mark.parametrize("call", ["activate", "deactivate"])
async def test_port_beyond_the_device_raises_not_found(
    dev: AnyDevice, simulated: SimulatedDevice, call: str
) -> None:
    with pytest.raises(VirtualInputNotFoundError) as caught:
        await resolve(getattr(dev.virtual_inputs, call)(65))
    error = caught.value
    assert isinstance(error, VirtualInputError)
    assert isinstance(error, DeviceError)
    assert error.code == 20
    assert error.port == 65
    assert error.method == call
    assert error.description == "The specified virtual input does not exist."
    assert "port 65" in str(error)
    assert simulated.url.split("//")[1] in str(error)
    assert events(simulated) == []


async def test_schema_versions(dev: AnyDevice) -> None:
    versions = await resolve(dev.virtual_inputs.schema_versions())
    assert versions == [SchemaVersion(major=1, minor=1, deprecated=False)]
    assert str(versions[0]) == "1.1"


@pytest.mark.parametrize(
    ("port", "duration", "argument"),
    [
        (0, None, "port"),
        (-3, None, "port"),
        (True, None, "port"),
        ("1", None, "port"),
        (1.0, None, "port"),
        (1, -1, "duration"),
        (1, 1.5, "duration"),
        (1, True, "duration"),
        (1, "10", "duration"),
    ],
)
async def test_invalid_arguments_are_refused_before_sending(
    dev: AnyDevice, simulated: SimulatedDevice, port: object, duration: object, argument: str
) -> None:
    with pytest.raises(ConfigurationError, match=argument) as caught:
        await resolve(dev.virtual_inputs.activate(port, duration=duration))  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert simulated.request_count(ACTIVATE) == 0


async def test_deactivate_checks_the_port_before_sending(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    with pytest.raises(ConfigurationError, match="1-based"):
        await resolve(dev.virtual_inputs.deactivate(0))
    assert simulated.request_count(DEACTIVATE) == 0


async def test_viewer_is_refused_and_nothing_changes(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.add_account("vera", "vera-pw", Level.VIEWER)
    with Device(sim.urls[0], "vera", "vera-pw", retries=0) as viewer:
        with pytest.raises(ForbiddenError):
            viewer.virtual_inputs.activate(1)
        with pytest.raises(ForbiddenError):
            viewer.virtual_inputs.schema_versions()
    assert not simulated.virtual_inputs.is_active(1)


async def test_operator_may_activate(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.add_account("otto", "otto-pw", Level.OPERATOR)
    async with AsyncDevice(sim.urls[0], "otto", "otto-pw", retries=0) as operator:
        assert await operator.virtual_inputs.activate(2) is True
    assert simulated.virtual_inputs.is_active(2)


def test_custom_port_count() -> None:
    with (
        Simulator("d4200-ve", virtual_inputs=8) as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as dev,
    ):
        assert dev.virtual_inputs.activate(8) is True
        with pytest.raises(VirtualInputNotFoundError):
            dev.virtual_inputs.activate(9)


def test_device_without_virtual_inputs_lacks_the_api() -> None:
    with (
        Simulator("d4200-ve", virtual_inputs=0) as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as dev,
    ):
        with pytest.raises(UnsupportedAPIError):
            dev.virtual_inputs.activate(1)
        with pytest.raises(UnsupportedAPIError):
            dev.virtual_inputs.schema_versions()


# --- durations on a manual clock --------------------------------------------------------------


async def test_duration_deactivates_at_the_right_time(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    msim.clock.advance(50)
    assert await resolve(mdev.virtual_inputs.activate(5, duration=30)) is True
    msim.clock.advance(29.5)
    assert simulated.virtual_inputs.is_active(5)
    msim.clock.advance(0.5)
    assert not simulated.virtual_inputs.is_active(5)
    assert events(simulated) == [("5", "1", 50.0), ("5", "0", 80.0)]
    # Deactivated by the device: a deactivate now changes nothing.
    assert await resolve(mdev.virtual_inputs.deactivate(5)) is False


async def test_duration_on_an_active_port_keeps_it_active_until_the_time(
    mdev: AnyDevice, msim: Simulator
) -> None:
    simulated = msim.devices[0]
    await resolve(mdev.virtual_inputs.activate(1))
    assert await resolve(mdev.virtual_inputs.activate(1, duration=10)) is False
    msim.clock.advance(9)
    assert simulated.virtual_inputs.is_active(1)
    msim.clock.advance(1)
    assert not simulated.virtual_inputs.is_active(1)


async def test_reactivation_with_duration_restarts_the_countdown(
    mdev: AnyDevice, msim: Simulator
) -> None:
    simulated = msim.devices[0]
    await resolve(mdev.virtual_inputs.activate(2, duration=10))
    msim.clock.advance(8)
    assert await resolve(mdev.virtual_inputs.activate(2, duration=10)) is False
    msim.clock.advance(8)  # t=16: the first countdown would have ended at 10
    assert simulated.virtual_inputs.is_active(2)
    msim.clock.advance(2)
    assert not simulated.virtual_inputs.is_active(2)
    assert events(simulated) == [("2", "1", 0.0), ("2", "0", 18.0)]


async def test_deactivate_cancels_the_countdown(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    await resolve(mdev.virtual_inputs.activate(3, duration=10))
    assert await resolve(mdev.virtual_inputs.deactivate(3)) is True
    await resolve(mdev.virtual_inputs.activate(3))
    msim.clock.advance(30)
    assert simulated.virtual_inputs.is_active(3)


async def test_duration_zero_pulses_the_port(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    assert await resolve(mdev.virtual_inputs.activate(4, duration=0)) is True
    assert not simulated.virtual_inputs.is_active(4)
    # Rules watching the port see both edges.
    assert events(simulated) == [("4", "1", 0.0), ("4", "0", 0.0)]


async def test_duration_beyond_the_device_limit_raises_invalid_duration(
    mdev: AnyDevice, msim: Simulator
) -> None:
    with pytest.raises(VirtualInputInvalidDurationError) as caught:
        await resolve(mdev.virtual_inputs.activate(1, duration=2**31))
    assert caught.value.code == 50
    assert not msim.devices[0].virtual_inputs.is_active(1)


# --- the simulator's wire format, seen with a plain HTTP client -------------------------------

DOC_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<VirtualInputResponse xmlns="http://www.axis.com/vapix/http_cgi/virtualinput1"\n'
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" SchemaVersion="1.1"\n'
    '    xsi:schemaLocation="http://www.axis.com/vapix/http_cgi/virtualinput1 '
    'http://www.axis.com/vapix/http_cgi/virtualinput1_0.xsd">\n'
)


def raw_get(sim: Simulator, path: str, query: str = "") -> httpx.Response:
    url = f"{sim.urls[0]}{path}" + (f"?{query}" if query else "")
    return httpx.get(url, auth=httpx.DigestAuth(USER, PASSWORD), timeout=10)


def error_code(response: httpx.Response) -> int | None:
    marker = "<ErrorCode>"
    if marker not in response.text:
        return None
    return int(response.text.split(marker, 1)[1].split("<", 1)[0])


def test_simulator_answers_the_documented_body(sim: Simulator) -> None:
    response = raw_get(sim, ACTIVATE, "schemaversion=1&port=1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml"
    assert response.text == (
        DOC_HEAD + "  <Success>\n"
        "    <ActivateSuccess>\n"
        "      <StateChanged>true</StateChanged>\n"
        "    </ActivateSuccess>\n"
        "  </Success>\n"
        "</VirtualInputResponse>\n"
    )


def test_simulator_error_body_has_the_documented_shape(sim: Simulator) -> None:
    response = raw_get(sim, DEACTIVATE, "schemaversion=1&port=99")
    assert response.status_code == 200
    assert response.text == (
        DOC_HEAD + "  <Error>\n"
        "    <GeneralError>\n"
        "      <ErrorCode>20</ErrorCode>\n"
        "      <ErrorDescription>The specified virtual input does not exist."
        "</ErrorDescription>\n"
        "    </GeneralError>\n"
        "  </Error>\n"
        "</VirtualInputResponse>\n"
    )


@pytest.mark.parametrize(
    ("path", "query", "code"),
    [
        (ACTIVATE, "port=1", 10),
        (ACTIVATE, "schemaversion=&port=1", 10),
        (ACTIVATE, "schemaversion=1", 10),
        (DEACTIVATE, "schemaversion=1&port=", 10),
        (ACTIVATE, "schemaversion=2&port=1", 30),
        (ACTIVATE, "schemaversion=one&port=1", 30),
        (DEACTIVATE, "schemaversion=0.9&port=1", 30),
        (ACTIVATE, "schemaversion=2&port=999", 30),  # schema version is checked first
        (ACTIVATE, "schemaversion=1&port=0", 20),
        (ACTIVATE, "schemaversion=1&port=abc", 20),
        (ACTIVATE, "schemaversion=1&port=-1", 20),
        (ACTIVATE, "schemaversion=1&port=1.0", 20),
        (ACTIVATE, "schemaversion=1&port=" + "9" * 5000, 20),
        (ACTIVATE, "schemaversion=1&port=1&duration=", 50),
        (ACTIVATE, "schemaversion=1&port=1&duration=-1", 50),
        (ACTIVATE, "schemaversion=1&port=1&duration=1.5", 50),
        (ACTIVATE, "schemaversion=1&port=1&duration=ten", 50),
        (ACTIVATE, "schemaversion=1&port=1&duration=" + "9" * 5000, 50),
        (ACTIVATE, "schemaversion=1&port=70&duration=ten", 20),  # port before duration
        (ACTIVATE, "schemaversion=1&port=1", None),
        (ACTIVATE, "schemaversion=1.0&port=1", None),
        (ACTIVATE, "schemaversion=1.5&port=1", None),
        (ACTIVATE, "schemaversion=1&port=1&duration=0", None),
        (DEACTIVATE, "schemaversion=1&port=1&duration=ten", None),  # ignored on deactivate
    ],
)
def test_simulator_argument_checks(sim: Simulator, path: str, query: str, code: int | None) -> None:
    response = raw_get(sim, path, query)
    assert response.status_code == 200
    assert error_code(response) == code


def test_simulator_accepts_form_posts_and_refuses_other_methods(sim: Simulator) -> None:
    auth = httpx.DigestAuth(USER, PASSWORD)
    posted = httpx.post(
        sim.urls[0] + ACTIVATE, data={"schemaversion": "1", "port": "6"}, auth=auth, timeout=10
    )
    assert "<StateChanged>true</StateChanged>" in posted.text
    assert sim.devices[0].virtual_inputs.is_active(6)
    put = httpx.put(sim.urls[0] + ACTIVATE + "?schemaversion=1&port=7", auth=auth, timeout=10)
    assert put.status_code == 405
    assert not sim.devices[0].virtual_inputs.is_active(7)


def test_simulator_refuses_anonymous_callers(sim: Simulator) -> None:
    response = httpx.get(f"{sim.urls[0]}{ACTIVATE}?schemaversion=1&port=1", timeout=10)
    assert response.status_code == 401
    assert not sim.devices[0].virtual_inputs.is_active(1)


# --- the client's parser, fed hand-written answers -------------------------------------------


def respond(flow: Flow[T], body: bytes | str) -> T:
    """Run one-request ``flow`` against an answer of ``body``; return the flow's result."""
    next(flow)
    content = body.encode() if isinstance(body, str) else body
    try:
        flow.send(HttpResponse(200, {"content-type": "text/xml"}, content))
    except StopIteration as stop:
        return cast(T, stop.value)
    raise AssertionError("the flow asked for a second request")


def envelope(inner: str, namespace: str | None = NAMESPACE) -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<VirtualInputResponse{xmlns} SchemaVersion="1.1">{inner}</VirtualInputResponse>'
    )


def state_changed(value: str, success: str = "ActivateSuccess") -> str:
    return envelope(
        f"<Success><{success}><StateChanged>{value}</StateChanged></{success}></Success>"
    )


def general_error(code: str, description: str = "") -> str:
    return envelope(
        f"<Error><GeneralError><ErrorCode>{code}</ErrorCode>"
        f"<ErrorDescription>{description}</ErrorDescription></GeneralError></Error>"
    )


@pytest.fixture
def api(device: Device) -> VirtualInputAPI[SyncMode]:
    return device.virtual_inputs


def test_activate_request_has_the_documented_form(api: VirtualInputAPI[SyncMode]) -> None:
    flow = VirtualInputAPI.activate.flow(api, 3, duration=10)
    request = next(flow)
    assert (request.method, request.path) == ("GET", ACTIVATE)
    assert request.params == {"schemaversion": "1", "port": "3", "duration": "10"}
    assert request.idempotent


def test_deactivate_and_versions_requests(api: VirtualInputAPI[SyncMode]) -> None:
    request = next(VirtualInputAPI.deactivate.flow(api, 12))
    assert (request.path, request.params) == (DEACTIVATE, {"schemaversion": "1", "port": "12"})
    request = next(VirtualInputAPI.schema_versions.flow(api))
    assert request.path == "/axis-cgi/virtualinput/getschemaversions.cgi"
    assert not request.params


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("\n          true\n        ", True),  # the doc's worked example
        (" False ", False),
        ("1", True),
        ("0", False),
    ],
)
def test_state_changed_values(api: VirtualInputAPI[SyncMode], text: str, expected: bool) -> None:
    assert respond(VirtualInputAPI.activate.flow(api, 1), state_changed(text)) is expected


def test_the_reference_example_with_indentation_parses(api: VirtualInputAPI[SyncMode]) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<VirtualInputResponse xmlns="http://www.axis.com/vapix/http_cgi/virtualinput1"\n'
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" SchemaVersion="1.1"\n'
        '    xsi:schemaLocation="http://www.axis.com/vapix/http_cgi/virtualinput1 '
        'http://www.axis.com/vapix/http_cgi/virtualinput1_0.xsd">\n'
        "  <Success>\n    <DeactivateSuccess>\n      <StateChanged>\n        true\n"
        "      </StateChanged>\n    </DeactivateSuccess>\n  </Success>\n"
        "</VirtualInputResponse>\n"
    )
    assert respond(VirtualInputAPI.deactivate.flow(api, 1), body) is True


def test_answer_without_namespace_is_accepted(api: VirtualInputAPI[SyncMode]) -> None:
    body = envelope(
        "<Success><ActivateSuccess><StateChanged>true</StateChanged></ActivateSuccess></Success>",
        namespace=None,
    )
    assert respond(VirtualInputAPI.activate.flow(api, 1), body) is True


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("10", VirtualInputMissingArgumentError),
        ("20", VirtualInputNotFoundError),
        ("30", VirtualInputSchemaVersionError),
        (" 40 ", VirtualInputInternalError),
        ("50", VirtualInputInvalidDurationError),
        ("99", VirtualInputError),
    ],
)
def test_error_codes_map_to_typed_exceptions(
    api: VirtualInputAPI[SyncMode], code: str, cls: type[VirtualInputError]
) -> None:
    with pytest.raises(VirtualInputError) as caught:
        respond(VirtualInputAPI.activate.flow(api, 2, duration=5), general_error(code, " Oops. "))
    error = caught.value
    assert type(error) is cls
    assert error.code == int(code)
    assert error.description == "Oops."
    assert error.method == "activate"
    assert f"error {int(code)}: Oops. (port 2)" in str(error)


def test_error_without_description_still_raises(api: VirtualInputAPI[SyncMode]) -> None:
    body = envelope("<Error><GeneralError><ErrorCode>40</ErrorCode></GeneralError></Error>")
    with pytest.raises(VirtualInputInternalError, match="no description"):
        respond(VirtualInputAPI.schema_versions.flow(api), body)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"", "empty document"),
        (b"<html><body>Login</body></html>", "VirtualInputResponse"),
        (b"<VirtualInputResponse", "not well-formed"),
        (envelope("", namespace="urn:other"), "namespace"),
        (envelope("<Success/>"), "has no <ActivateSuccess>"),
        (state_changed("true", success="DeactivateSuccess"), "has no <ActivateSuccess>"),
        (envelope("<Success><ActivateSuccess/></Success>"), "has no <StateChanged>"),
        (state_changed("maybe"), "'maybe'"),
        (state_changed(""), "StateChanged is ''"),
        (state_changed("<b>true</b>"), "holds elements"),
        (general_error("twenty"), "ErrorCode is 'twenty'"),
        (envelope("<Error><Oops/></Error>"), "has no <GeneralError>"),
        (envelope(""), "has no <Success>"),
        (
            b'<!DOCTYPE r [<!ENTITY e "true">]>'
            + envelope(
                "<Success><ActivateSuccess><StateChanged>&e;</StateChanged>"
                "</ActivateSuccess></Success>"
            )
            .split("?>", 1)[1]
            .encode(),
            "DOCTYPE",
        ),
    ],
)
def test_malformed_answers_raise_malformed_response(
    api: VirtualInputAPI[SyncMode], body: bytes | str, needle: str
) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        respond(VirtualInputAPI.activate.flow(api, 1), body)
    assert needle in str(caught.value)
    assert caught.value.api == "virtualinput"


def test_schema_versions_with_deprecated_entries(api: VirtualInputAPI[SyncMode]) -> None:
    body = envelope(
        "<Success><GetSchemaVersionsSuccess>"
        "<SchemaVersion><MajorVersion>1</MajorVersion><MinorVersion>0</MinorVersion>"
        "<Deprecated /></SchemaVersion>"
        "<SchemaVersion><MajorVersion> 1 </MajorVersion><MinorVersion>1</MinorVersion>"
        "</SchemaVersion>"
        "</GetSchemaVersionsSuccess></Success>"
    )
    assert respond(VirtualInputAPI.schema_versions.flow(api), body) == [
        SchemaVersion(1, 0, deprecated=True),
        SchemaVersion(1, 1, deprecated=False),
    ]


@pytest.mark.parametrize(
    ("inner", "needle"),
    [
        ("", "no SchemaVersion"),
        ("<SchemaVersion><MajorVersion>1</MajorVersion></SchemaVersion>", "<MinorVersion>"),
        (
            "<SchemaVersion><MajorVersion>x</MajorVersion><MinorVersion>1</MinorVersion>"
            "</SchemaVersion>",
            "MajorVersion is 'x'",
        ),
        (
            # A digit to str.isdigit(), not to int().
            "<SchemaVersion><MajorVersion>\u00b2</MajorVersion><MinorVersion>1</MinorVersion>"
            "</SchemaVersion>",
            "MajorVersion",
        ),
        (
            # Past int()'s 4300-digit limit.
            "<SchemaVersion><MajorVersion>1</MajorVersion><MinorVersion>"
            + "1" * 5000
            + "</MinorVersion></SchemaVersion>",
            "MinorVersion",
        ),
    ],
)
def test_malformed_schema_versions(api: VirtualInputAPI[SyncMode], inner: str, needle: str) -> None:
    body = envelope(
        f"<Success><GetSchemaVersionsSuccess>{inner}</GetSchemaVersionsSuccess></Success>"
    )
    with pytest.raises(MalformedResponseError, match=needle):
        respond(VirtualInputAPI.schema_versions.flow(api), body)
