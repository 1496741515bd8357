"""I/O ports end to end: the client against the simulator over real sockets, sync and async."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar, cast

import httpx
import pytest

from axisctl import (
    AsyncDevice,
    ConfigurationError,
    Device,
    DeviceError,
    ForbiddenError,
    MalformedResponseError,
)
from axisctl.apis.io import (
    CircuitState,
    Direction,
    IOPortsAPI,
    Port,
    PortChange,
    PortConfigurationError,
    SequenceOngoingError,
    SequenceStep,
    module_input_port,
    relay_port,
)
from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.bus import TOPIC_OUTPUT_PORT, TOPIC_RELAY
from axisctl.transport.flow import Flow, HttpRequest, HttpResponse

T = TypeVar("T")
AnyDevice = Device | AsyncDevice
PORT_CGI = "/axis-cgi/io/port.cgi"
MANAGEMENT = "/axis-cgi/io/portmanagement.cgi"


async def resolve(result: T | Awaitable[T]) -> T:
    """The value of a sync call, or of an async call once awaited."""
    if inspect.isawaitable(result):
        return cast(T, await result)
    return result


def make_output(simulated: SimulatedDevice, port: int) -> None:
    with simulated.lock:
        _, errors = simulated.io.set_ports([{"port": str(port - 1), "direction": "output"}])
    assert not errors


# --- reading ----------------------------------------------------------------------------


async def test_list_reports_the_strobe_speakers_two_configurable_inputs(dev: AnyDevice) -> None:
    ports = await resolve(dev.io.list())
    assert [p.number for p in ports] == [1, 2]
    assert [p.index for p in ports] == [0, 1]
    first = ports[0]
    assert first.name == "Port 1"
    assert first.direction is Direction.INPUT
    assert first.configurable is True
    # Input.Trig=closed (the default) means the input is normally open: floating, inactive.
    assert first.normal_state is CircuitState.OPEN
    assert first.state is CircuitState.OPEN
    assert first.active is False


async def test_pressing_an_input_shows_in_every_read(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    simulated.io.press(1)
    assert await resolve(dev.io.check(1, 2)) == {1: CircuitState.CLOSED, 2: CircuitState.OPEN}
    assert await resolve(dev.io.check_active(1, 2)) == {1: True, 2: False}
    port = await resolve(dev.io.get(1))
    assert port.active is True
    simulated.io.release(1)
    assert await resolve(dev.io.check_active(1)) == {1: False}


async def test_params_fallback_agrees_with_portmanagement(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    simulated.io.press(2)
    make_output(simulated, 1)
    assert await resolve(dev.io.list_from_params()) == await resolve(dev.io.list())


async def test_trigger_parameter_sets_the_normal_state(dev: AnyDevice) -> None:
    await resolve(dev.params.update({"IOPort.I0.Input.Trig": "open"}))
    port = await resolve(dev.io.get(1))
    assert port.normal_state is CircuitState.CLOSED
    # Floating input, normally closed: the circuit differs from normal, so it is active.
    assert port.state is CircuitState.OPEN
    assert port.active is True
    assert await resolve(dev.io.check_active(1)) == {1: True}


async def test_get_of_a_missing_port_is_a_device_error(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError, match="no port 5"):
        await resolve(dev.io.get(5))


async def test_check_of_a_missing_port_is_a_device_error(dev: AnyDevice) -> None:
    with pytest.raises(DeviceError, match="Invalid port 3"):
        await resolve(dev.io.check(1, 3))


async def test_directions(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    make_output(simulated, 2)
    assert await resolve(dev.io.directions(1, 2)) == {1: Direction.INPUT, 2: Direction.OUTPUT}


async def test_supported_versions(dev: AnyDevice) -> None:
    assert "1.0" in await resolve(dev.io.supported_versions())


async def test_model_without_io_lists_no_ports() -> None:
    with Simulator("m4328-p") as sim, Device(sim.urls[0], "root", "pass") as device:
        assert device.io.list() == []
        assert device.io.list_from_params() == []


# --- outputs ----------------------------------------------------------------------------


async def test_set_output_drives_the_circuit(dev: AnyDevice, simulated: SimulatedDevice) -> None:
    make_output(simulated, 2)
    await resolve(dev.io.set_output(2, True))
    assert simulated.io.circuit(2) == "closed"
    assert simulated.io.output_active(2) is True
    port = await resolve(dev.io.get(2))
    assert port.state is CircuitState.CLOSED
    assert port.active is True
    await resolve(dev.io.deactivate(2))
    assert simulated.io.circuit(2) == "open"
    await resolve(dev.io.activate(2))
    assert simulated.io.output_active(2) is True


async def test_active_follows_the_output_active_parameter(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    make_output(simulated, 1)
    await resolve(dev.params.update({"IOPort.I0.Output.Active": "open"}))
    # Active=open: the output is normally closed and opens when activated.
    assert simulated.io.circuit(1) == "closed"
    await resolve(dev.io.activate(1))
    assert simulated.io.circuit(1) == "open"
    assert await resolve(dev.io.check_active(1)) == {1: True}


async def test_an_action_on_an_input_is_refused_and_changes_nothing(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    with pytest.raises(DeviceError, match="input"):
        await resolve(dev.io.set_output(1, True))
    assert simulated.io.circuit(1) == "open"


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda io: io.set_output(0, True), "out of range"),
        (lambda io: io.check(), "at least one port"),
        (lambda io: io.pulse(1, 0), "pulse length"),
        (lambda io: io.pulse(1, 100, count=0), "count"),
        (lambda io: io.sequence(1, [("closed", 70000)]), "0..65535"),
        (lambda io: io.sequence(1, [("shut", 100)]), "state must be open or closed"),
        (lambda io: io.sequence(1, []), "at least one step"),
        (lambda io: io.run_action("1:/300"), "ends with a wait"),
        (lambda io: io.configure(1), "at least one setting"),
        (lambda io: io.set_ports([PortChange(1, direction="sideways")]), "direction"),
    ],
)
async def test_bad_arguments_fail_before_anything_is_sent(
    dev: AnyDevice, simulated: SimulatedDevice, call: object, fragment: str
) -> None:
    await resolve(dev.io.list())  # let the digest handshake happen first
    simulated.reset_stats()
    with pytest.raises(ConfigurationError, match=fragment):
        await resolve(call(dev.io))  # type: ignore[operator]
    assert simulated.request_count() == 0


async def test_pulse_runs_on_the_device_clock(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    make_output(simulated, 2)
    await resolve(mdev.io.pulse(2, 300, count=2, gap_ms=500))
    assert simulated.io.output_active(2) is True
    msim.clock.advance(0.299)
    assert simulated.io.output_active(2) is True
    msim.clock.advance(0.001)
    assert simulated.io.output_active(2) is False
    msim.clock.advance(0.5)
    assert simulated.io.output_active(2) is True
    msim.clock.advance(0.3)
    assert simulated.io.output_active(2) is False
    msim.clock.advance(10)
    assert simulated.io.output_active(2) is False


async def test_a_new_action_replaces_the_rest_of_a_pulse(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    make_output(simulated, 2)
    await resolve(mdev.io.pulse(2, 1000))
    await resolve(mdev.io.activate(2))
    msim.clock.advance(2)
    # The pulse's pending "inactive" must not switch off the later, permanent activation.
    assert simulated.io.output_active(2) is True


async def test_sequence_steps_and_the_ongoing_error(mdev: AnyDevice, msim: Simulator) -> None:
    simulated = msim.devices[0]
    make_output(simulated, 2)
    steps: list[SequenceStep | tuple[CircuitState | str, int]] = [
        ("closed", 1000),
        SequenceStep(CircuitState.OPEN, 2000),
        ("closed", 0),
    ]
    await resolve(mdev.io.sequence(2, steps))
    assert simulated.io.circuit(2) == "closed"
    with pytest.raises(SequenceOngoingError) as caught:
        await resolve(mdev.io.sequence(2, [("open", 0)]))
    assert caught.value.code == 2200
    msim.clock.advance(1)
    assert simulated.io.circuit(2) == "open"
    msim.clock.advance(2)
    assert simulated.io.circuit(2) == "closed"
    # Finished: the last state stays and a new sequence is accepted.
    msim.clock.advance(60)
    assert simulated.io.circuit(2) == "closed"
    await resolve(mdev.io.sequence(2, [("open", 0)]))
    assert simulated.io.circuit(2) == "open"


async def test_sequence_on_an_input_is_refused(mdev: AnyDevice) -> None:
    with pytest.raises(DeviceError) as caught:
        await resolve(mdev.io.sequence(1, [("closed", 100)]))
    assert caught.value.code == 2104
    assert not isinstance(caught.value, SequenceOngoingError)


async def test_changing_a_setting_returns_outputs_to_normal_and_cancels_sequences(
    mdev: AnyDevice, msim: Simulator
) -> None:
    simulated = msim.devices[0]
    make_output(simulated, 2)
    await resolve(mdev.io.sequence(2, [("closed", 1000), ("open", 1000), ("closed", 0)]))
    assert simulated.io.output_active(2) is True
    await resolve(mdev.io.configure(1, name="Door contact"))
    assert simulated.io.output_active(2) is False
    msim.clock.advance(5)
    assert simulated.io.output_active(2) is False
    assert simulated.io.sequence_running(2) is False


# --- configuring ------------------------------------------------------------------------


async def test_set_ports_changes_what_the_device_reports(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    changed = await resolve(
        dev.io.set_ports(
            [
                PortChange(1, name="Door", usage="Door", normal_state="closed"),
                PortChange(2, direction=Direction.OUTPUT, state=CircuitState.CLOSED),
            ]
        )
    )
    assert changed == [1, 2]
    ports = await resolve(dev.io.list())
    assert (ports[0].name, ports[0].usage, ports[0].normal_state) == (
        "Door",
        "Door",
        CircuitState.CLOSED,
    )
    assert ports[1].direction is Direction.OUTPUT
    assert ports[1].state is CircuitState.CLOSED
    # The parameters stay the source of truth: normal state closed is Trig=open.
    assert simulated.params.value("IOPort.I0.Input.Trig") == "open"
    assert simulated.params.value("IOPort.I1.Direction") == "output"
    assert simulated.params.value("Output.NbrOfOutputs") == "1"


async def test_set_ports_partial_failure_names_each_port_and_applies_the_rest(
    dev: AnyDevice, simulated: SimulatedDevice
) -> None:
    with pytest.raises(PortConfigurationError) as caught:
        await resolve(
            dev.io.set_ports(
                [
                    PortChange(1, name="Applied anyway"),
                    PortChange(2, state="closed"),  # an input has no state to set
                    PortChange(5, name="No such port"),
                ]
            )
        )
    error = caught.value
    assert error.code == 2104
    assert [(f.number, f.property_name) for f in error.failures] == [(2, "state"), (5, "port")]
    assert "port 2 (state)" in str(error)
    assert simulated.params.value("IOPort.I0.Input.Name") == "Applied anyway"


async def test_fixed_direction_cannot_be_changed() -> None:
    with Simulator("p1455-le-3") as sim, Device(sim.urls[0], "root", "pass") as device:
        with pytest.raises(PortConfigurationError) as caught:
            device.io.configure(1, direction="output")
        assert [(f.number, f.property_name) for f in caught.value.failures] == [(1, "direction")]
        assert device.io.directions(1, 2) == {1: Direction.INPUT, 2: Direction.OUTPUT}


def test_a_viewer_reads_and_drives_outputs_but_cannot_configure(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.add_account("vera", "vera-pw", Level.VIEWER)
    make_output(simulated, 2)
    with Device(sim.urls[0], "vera", "vera-pw", retries=0) as viewer:
        assert len(viewer.io.list()) == 2
        viewer.io.activate(2)
        assert simulated.io.output_active(2) is True
        with pytest.raises(ForbiddenError):
            viewer.io.configure(1, name="nope")
    assert simulated.params.value("IOPort.I0.Input.Name") == "Port 1"


# --- the wire, as other clients see it --------------------------------------------------


def test_port_cgi_wire_format(sim: Simulator, simulated: SimulatedDevice) -> None:
    auth = httpx.DigestAuth("root", "pass")
    url = sim.urls[0] + PORT_CGI
    simulated.io.press(2)
    answer = httpx.get(url, params={"check": "1,2"}, auth=auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "port1=0\r\nport2=1\r\n"
    assert httpx.get(url, params={"checkactive": "2"}, auth=auth).text == "port2=active\r\n"
    make_output(simulated, 1)
    action = httpx.get(url, params={"action": "1:/"}, auth=auth)
    assert action.status_code == 200
    assert action.content == b""
    assert simulated.io.output_active(1) is True


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"check": "9"}, "Invalid port 9"),
        ({"check": "one"}, "Invalid check"),
        ({"action": "2:/"}, "input"),
        ({"action": "1:/300"}, "Invalid action"),
        ({}, "No action"),
    ],
)
def test_port_cgi_errors_are_error_lines_and_the_device_keeps_serving(
    sim: Simulator, simulated: SimulatedDevice, params: dict[str, str], fragment: str
) -> None:
    make_output(simulated, 1)
    auth = httpx.DigestAuth("root", "pass")
    answer = httpx.get(sim.urls[0] + PORT_CGI, params=params, auth=auth)
    assert answer.status_code == 200
    assert answer.text.startswith("# Error: ")
    assert fragment in answer.text
    assert simulated.io.output_active(1) is False
    assert httpx.get(sim.urls[0] + PORT_CGI, params={"check": "1"}, auth=auth).text == (
        "port1=0\r\n"
    )


def test_set_ports_wire_errors(sim: Simulator) -> None:
    auth = httpx.DigestAuth("root", "pass")
    url = sim.urls[0] + MANAGEMENT
    missing = httpx.post(
        url, json={"apiVersion": "1.0", "context": "t", "method": "setPorts"}, auth=auth
    ).json()
    assert missing["error"]["code"] == 2103
    assert missing["error"]["details"] == {"missing_element": "ports"}
    partial = httpx.post(
        url,
        json={
            "apiVersion": "1.0",
            "context": "t",
            "method": "setPorts",
            "params": {
                "ports": [
                    {"port": "0", "direction": "diagonal"},
                    {"port": "1", "normalState": "ajar", "name": "ok"},
                ]
            },
        },
        auth=auth,
    ).json()
    assert partial["context"] == "t"
    assert partial["error"]["details"] == {"port": "0", "propertyName": "direction"}
    assert partial["error"]["errors"] == [
        {
            "code": 2104,
            "message": "Invalid parameter value specified",
            "details": {"port": "1", "propertyName": "normalState"},
        }
    ]
    ports = httpx.post(url, json={"apiVersion": "1.0", "method": "getPorts"}, auth=auth).json()
    assert ports["data"]["items"][1]["name"] == "ok"


# --- relay modules ----------------------------------------------------------------------


def test_relay_module_numbering() -> None:
    assert [relay_port(n) for n in range(1, 9)] == list(range(9, 17))
    assert [module_input_port(n) for n in range(1, 9)] == list(range(1, 9))
    for bad in (0, 9, -1, True):
        with pytest.raises(ValueError, match="1 to 8"):
            relay_port(bad)
        with pytest.raises(ValueError, match="1 to 8"):
            module_input_port(bad)


@pytest.fixture
def relay_sim() -> Iterator[Simulator]:
    with Simulator("a9188") as simulator:
        yield simulator


async def test_a9188_has_eight_io_ports_then_eight_relays(relay_sim: Simulator) -> None:
    async with AsyncDevice(relay_sim.urls[0], "root", "pass") as device:
        ports: list[Port] = await device.io.list()
    assert len(ports) == 16
    assert all(p.configurable and p.direction is Direction.INPUT for p in ports[:8])
    relays = ports[8:]
    assert [p.name for p in relays] == [f"Relay {n}" for n in range(1, 9)]
    assert all(p.direction is Direction.OUTPUT and not p.configurable for p in relays)
    assert [p.number for p in relays] == [relay_port(n) for n in range(1, 9)]


def test_driving_relay_three_switches_port_eleven(relay_sim: Simulator) -> None:
    simulated = relay_sim.devices[0]
    with Device(relay_sim.urls[0], "root", "pass") as device:
        device.io.activate(relay_port(3))
        assert device.io.check_active(11) == {11: True}
        simulated.io.press(module_input_port(8))
        assert device.io.check(8) == {8: CircuitState.CLOSED}
    assert simulated.io.is_active(11)
    assert not simulated.io.is_active(9)
    relay_events = [e for e in simulated.bus.events(TOPIC_RELAY) if e.source["RelayToken"] == "10"]
    assert relay_events[-1].data == {"LogicalState": "active"}
    output_events = simulated.bus.events(TOPIC_OUTPUT_PORT)
    assert output_events[-1].source == {"port": "10"}
    assert output_events[-1].data == {"state": "1"}


# --- flows against answers the simulator does not give ----------------------------------


def drive(flow: Flow[T], *answers: HttpResponse) -> tuple[list[HttpRequest], T]:
    """Run a sans-I/O flow against canned answers; return its requests and its result."""
    requests = [next(flow)]
    try:
        for answer in answers:
            requests.append(flow.send(answer))
    except StopIteration as stop:
        return requests, cast(T, stop.value)
    raise AssertionError("the flow wanted more answers")


def answer(body: object, status: int = 200) -> HttpResponse:
    if isinstance(body, str):
        return HttpResponse(status, {"content-type": "text/plain"}, body.encode())
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(body).encode())


API_OBJECT: IOPortsAPI[Any] = IOPortsAPI(cast(Any, None))


def test_action_characters_are_percent_encoded_as_documented() -> None:
    flow = IOPortsAPI.pulse.flow(API_OBJECT, 2, 300, count=2, gap_ms=500)
    requests, _ = drive(flow, answer(""))
    request = requests[0]
    assert request.params == {"action": "2:/300\\500/300\\"}
    assert request.idempotent is False  # repeating it would pulse twice
    url = httpx.Request("GET", "http://cam" + request.path, params=request.params).url
    assert str(url).endswith("/axis-cgi/io/port.cgi?action=2%3A%2F300%5C500%2F300%5C")


def test_get_ports_without_items_means_no_ports() -> None:
    _, ports = drive(
        IOPortsAPI.list.flow(API_OBJECT),
        answer({"apiVersion": "1.0", "method": "getPorts", "data": {"numberOfPorts": 0}}),
    )
    assert ports == []


def test_documented_get_ports_example_parses() -> None:
    items = [
        {"port": "0", "state": "closed", "configurable": True, "readonly": True,
         "usage": "Button", "direction": "input", "name": "Call button", "normalState": "open"},
        {"port": "1", "state": "closed", "configurable": True, "usage": "Door",
         "direction": "output", "name": "Output 1", "normalState": "closed"},
    ]  # fmt: skip
    _, ports = drive(
        IOPortsAPI.list.flow(API_OBJECT),
        answer({"apiVersion": "1.0", "data": {"numberOfPorts": 2, "items": items}}),
    )
    assert ports[0].readonly is True
    assert ports[0].active is True  # closed, normally open: the call button is pressed
    assert ports[1].number == 2
    assert ports[1].active is False


@pytest.mark.parametrize(
    "data",
    [
        {"items": []},
        {"numberOfPorts": 1},
        {"numberOfPorts": 1, "items": [{"port": "x", "state": "open"}]},
        {"numberOfPorts": 1, "items": [{"port": "0", "state": "ajar", "direction": "input",
                                        "normalState": "open"}]},
        {"numberOfPorts": 1, "items": ["port 0"]},
    ],
)  # fmt: skip
def test_malformed_get_ports_answers(data: dict[str, object]) -> None:
    with pytest.raises(MalformedResponseError):
        drive(IOPortsAPI.list.flow(API_OBJECT), answer({"apiVersion": "1.0", "data": data}))


def test_whole_request_set_ports_error_is_a_plain_device_error() -> None:
    # A real AXIS OS 11.1 answer to a request without "ports" (home-assistant/core#83148).
    body = {
        "apiVersion": "1.1",
        "method": "setPorts",
        "error": {
            "code": 2103,
            "message": "Required parameter missing: 'ports' not found",
            "details": {"missing_element": "ports"},
        },
    }
    with pytest.raises(DeviceError) as caught:
        drive(IOPortsAPI.set_ports.flow(API_OBJECT, [PortChange(1, name="x")]), answer(body))
    assert caught.value.code == 2103
    assert not isinstance(caught.value, PortConfigurationError)


def test_documented_partial_failure_lists_all_four_failures() -> None:
    error = {
        "code": 2104,
        "message": "Invalid parameter value specified",
        "details": {"port": "0", "propertyName": "direction"},
        "errors": [
            {"code": 1100, "message": "Internal error", "details": {"port": "1"}},
            {"code": 2104, "message": "Invalid parameter value specified",
             "details": {"port": "2", "propertyName": "direction"}},
            {"code": 2104, "message": "Invalid parameter value specified",
             "details": {"port": "2", "propertyName": "normalState"}},
        ],
    }  # fmt: skip
    with pytest.raises(PortConfigurationError) as caught:
        drive(
            IOPortsAPI.set_ports.flow(API_OBJECT, [PortChange(1, name="x")]),
            answer({"apiVersion": "1.0", "method": "setPorts", "error": error}),
        )
    assert [(f.code, f.number, f.property_name) for f in caught.value.failures] == [
        (2104, 1, "direction"),
        (1100, 2, None),
        (2104, 3, "direction"),
        (2104, 3, "normalState"),
    ]


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (answer("# Error: Invalid port\r\n"), DeviceError),
        (answer("Bad Request", status=400), DeviceError),
        (answer("port1=maybe\r\n"), MalformedResponseError),
        (answer("port2=1\r\n"), MalformedResponseError),  # asked for port 1
    ],
)
def test_check_answers_a_device_might_give(response: HttpResponse, error: type[Exception]) -> None:
    with pytest.raises(error):
        drive(IOPortsAPI.check.flow(API_OBJECT, 1), response)


def test_an_action_answered_with_text_is_not_silently_accepted() -> None:
    with pytest.raises(MalformedResponseError, match="empty"):
        drive(IOPortsAPI.activate.flow(API_OBJECT, 1), answer("port1=active\r\n"))


#: A port id longer than int() converts (4300 digits): a broken or hostile device.
_HUGE_ID = "1" * 5000


@pytest.mark.parametrize(
    ("flow", "response"),
    [
        (
            lambda: IOPortsAPI.list.flow(API_OBJECT),
            answer({"apiVersion": "1.0", "data": {"numberOfPorts": 1, "items": [
                {"port": _HUGE_ID, "state": "open", "direction": "input", "normalState": "open"}
            ]}}),
        ),
        (
            lambda: IOPortsAPI.set_ports.flow(API_OBJECT, [PortChange(1, name="x")]),
            answer({"apiVersion": "1.0", "data": {"ports": [_HUGE_ID]}}),
        ),
        (
            lambda: IOPortsAPI.list_from_params.flow(API_OBJECT),
            answer(f"root.IOPort.I{_HUGE_ID}.Direction=input\r\n"),
        ),
        (
            # Port 100000: beyond any port.cgi number, so not a caller's ConfigurationError.
            lambda: IOPortsAPI.list_from_params.flow(API_OBJECT),
            answer("root.IOPort.I99999.Direction=input\r\n"),
        ),
    ],
)  # fmt: skip
def test_absurd_port_ids_in_answers_are_malformed_responses(
    flow: Any, response: HttpResponse
) -> None:
    with pytest.raises(MalformedResponseError):
        drive(flow(), response)


def test_a_set_ports_failure_naming_an_absurd_port_is_still_a_device_error() -> None:
    error = {"code": 2104, "message": "Invalid parameter value specified",
             "details": {"port": _HUGE_ID, "propertyName": "name"}}  # fmt: skip
    with pytest.raises(DeviceError) as caught:
        drive(
            IOPortsAPI.set_ports.flow(API_OBJECT, [PortChange(1, name="x")]),
            answer({"apiVersion": "1.0", "method": "setPorts", "error": error}),
        )
    assert caught.value.code == 2104


def test_a_step_time_too_long_to_convert_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        SequenceStep.parse("open:" + "9" * 5000)
