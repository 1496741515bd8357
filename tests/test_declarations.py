"""Event declarations (Event1 GetEventInstances): parser, writer, and the simulator's answers."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable
from typing import TypeVar, cast

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl import AsyncDevice, AuthenticationError, Device, DeviceError
from axisctl.codecs import safexml
from axisctl.errors import HTTPStatusError, MalformedResponseError
from axisctl.events import (
    Event,
    LightStatusEvent,
    SoapFaultError,
    TopicDeclaration,
    VirtualInputEvent,
    event_class,
)
from axisctl.events.declarations import (
    CONTENT_TYPE,
    NS_EVENT1,
    NS_SOAP,
    REQUEST_BODY,
    declarations_request,
    declarations_result,
    declarations_xml,
    parse_declarations,
)
from axisctl.sim import MODELS, Level, SimulatedDevice, Simulator
from axisctl.sim.declarations import declarations_for
from axisctl.transport.flow import HttpResponse

T = TypeVar("T")
USER = "root"
PASSWORD = "pass"
SERVICES = "/vapix/services"

ENVELOPE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:wstop="http://docs.oasis-open.org/wsn/t-1" '
    'xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:aev="http://www.axis.com/vapix/ws/event1" '
    'xmlns:tns1="http://www.onvif.org/ver10/topics" '
    'xmlns:tnsaxis="http://www.axis.com/2009/event/topics">\n'
    "<SOAP-ENV:Body><aev:GetEventInstancesResponse><wstop:TopicSet>\n"
)
ENVELOPE_TAIL = (
    "</wstop:TopicSet></aev:GetEventInstancesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
)

# The reference's verbatim VirtualInput declaration (vapix-wire-formats §6.3, a real device),
# its "..." filled in with the values between 1 and 32.
VIRTUAL_INPUT_VALUES = "".join(f"<aev:Value>{n}</aev:Value> " for n in range(2, 32))
VIRTUAL_INPUT = f"""<tnsaxis:IO aev:NiceName="Input ports">
  <VirtualInput wstop:topic="true" aev:NiceName="Virtual input">
    <aev:MessageInstance aev:isProperty="true">
      <aev:SourceInstance>
        <aev:SimpleItemInstance aev:NiceName="Port number" Type="xsd:int" Name="port">
          <aev:Value>1</aev:Value> {VIRTUAL_INPUT_VALUES}<aev:Value>32</aev:Value>
        </aev:SimpleItemInstance>
      </aev:SourceInstance>
      <aev:DataInstance>
        <aev:SimpleItemInstance aev:NiceName="Active" Type="xsd:boolean" Name="active" \
isPropertyState="true"/>
      </aev:DataInstance>
    </aev:MessageInstance>
  </VirtualInput>
</tnsaxis:IO>"""


def answer(topic_set: str) -> bytes:
    return (ENVELOPE_HEAD + topic_set + ENVELOPE_TAIL).encode()


async def resolve(result: T | Awaitable[T]) -> T:
    """The value of a sync call, or of an async call once awaited."""
    if inspect.isawaitable(result):
        return cast(T, await result)
    return result


def by_topic(declarations: list[TopicDeclaration]) -> dict[str, TopicDeclaration]:
    return {d.topic: d for d in declarations}


# --- the parser -------------------------------------------------------------------------------


def test_reference_virtual_input_declaration() -> None:
    (declaration,) = parse_declarations(
        answer(f'<tns1:Device aev:NiceName="Device">{VIRTUAL_INPUT}</tns1:Device>')
    )
    assert declaration.topic == "tns1:Device/tnsaxis:IO/VirtualInput"
    assert declaration.mqtt_topic == "onvif:Device/axis:IO/VirtualInput"
    assert declaration.nice_name == "Virtual input"
    assert declaration.group_nice_names == ("Device", "Input ports")
    assert declaration.title == "Input ports: Virtual input"
    assert declaration.is_property
    assert declaration.event_class is VirtualInputEvent
    (port,) = declaration.source
    assert (port.name, port.type, port.nice_name) == ("port", "xsd:int", "Port number")
    assert port.values == tuple(str(n) for n in range(1, 33))
    assert not port.is_property_state
    assert declaration.key == ()
    (active,) = declaration.data
    assert (active.name, active.type, active.nice_name) == ("active", "xsd:boolean", "Active")
    assert active.is_property_state
    assert declaration.state_item == active


def test_tree_shapes_of_real_answers() -> None:
    topic_set = """
    <tns1:Device aev:NiceName="Device">
      <Trigger>
        <DigitalInput wstop:topic="true" isApplicationData="true">
          <aev:MessageInstance aev:isProperty="true">
            <aev:SourceInstance>
              <aev:SimpleItemInstance Type="tt:ReferenceToken" Name="InputToken">
                <aev:Value>0</aev:Value>
              </aev:SimpleItemInstance>
            </aev:SourceInstance>
            <aev:DataInstance>
              <aev:SimpleItemInstance Type="xsd:boolean" Name="LogicalState"
                                      isPropertyState="true"/>
            </aev:DataInstance>
          </aev:MessageInstance>
        </DigitalInput>
      </Trigger>
    </tns1:Device>
    <tns1:PTZController aev:NiceName="PTZController">
      <tnsaxis:PTZPresets aev:NiceName="PTZ Presets">
        <Channel_1 wstop:topic="true" aev:NiceName="PTZ preset reached on channel 1">
          <aev:MessageInstance aev:isProperty="true">
            <aev:SourceInstance>
              <aev:SimpleItemInstance aev:NiceName="Preset token" Type="xsd:int"
                                      Name="PresetToken">
                <aev:Value aev:NiceName="Any">-1</aev:Value>
                <aev:Value aev:NiceName="Home">1</aev:Value>
              </aev:SimpleItemInstance>
            </aev:SourceInstance>
          </aev:MessageInstance>
        </Channel_1>
      </tnsaxis:PTZPresets>
      <tnsaxis:PTZError wstop:topic="true" aev:NiceName="PTZ error" isDeprecated="true">
        <aev:MessageInstance>
          <aev:DataInstance>
            <aev:SimpleItemInstance Type="xsd:string" Name="ptz_error"/>
          </aev:DataInstance>
        </aev:MessageInstance>
      </tnsaxis:PTZError>
    </tns1:PTZController>
    <tns1:Configuration>
      <tnsaxis:Intercom>
        <Changed wstop:topic="true" aev:NiceName="Intercom Configuration changed">
          <aev:MessageInstance></aev:MessageInstance>
        </Changed>
      </tnsaxis:Intercom>
    </tns1:Configuration>
    <tns1:Device><tnsaxis:IO><Port aev:topic="true"/></tnsaxis:IO></tns1:Device>
    """
    declared = by_topic(parse_declarations(answer(topic_set)))
    assert list(declared) == [
        "tns1:Device/Trigger/DigitalInput",
        "tns1:PTZController/tnsaxis:PTZPresets/Channel_1",
        "tns1:PTZController/tnsaxis:PTZError",
        "tns1:Configuration/tnsaxis:Intercom/Changed",
        "tns1:Device/tnsaxis:IO/Port",
    ]
    trigger = declared["tns1:Device/Trigger/DigitalInput"]
    assert trigger.is_application_data
    assert trigger.group_nice_names == ("Device", None)
    # No nice name of its own or of Trigger: the element name under the nearest named group.
    assert trigger.title == "Device: DigitalInput"
    preset = declared["tns1:PTZController/tnsaxis:PTZPresets/Channel_1"]
    assert preset.source[0].values == ("-1", "1")
    assert preset.source[0].value_nice_names == {"-1": "Any", "1": "Home"}
    error = declared["tns1:PTZController/tnsaxis:PTZError"]
    assert not error.is_property  # stateless: no aev:isProperty
    assert error.is_deprecated
    assert error.state_item is None
    empty = declared["tns1:Configuration/tnsaxis:Intercom/Changed"]
    assert (empty.source, empty.key, empty.data) == ((), (), ())
    assert declared["tns1:Device/tnsaxis:IO/Port"].nice_name is None


def test_soap_fault_is_a_device_error_with_its_text() -> None:
    fault = (
        b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body><SOAP-ENV:Fault>'
        b"<SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Receiver</SOAP-ENV:Value>"
        b"<SOAP-ENV:Subcode><SOAP-ENV:Value>ter:Action</SOAP-ENV:Value></SOAP-ENV:Subcode>"
        b"</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang='en'>Event service busy"
        b"</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    for status in (200, 400, 500):
        with pytest.raises(SoapFaultError) as caught:
            declarations_result(HttpResponse(status, {}, fault))
        error = caught.value
        assert isinstance(error, DeviceError)
        assert error.reason == "Event service busy"
        assert error.fault_code == "SOAP-ENV:Receiver"
        assert error.subcodes == ("ter:Action",)
        assert "Event service busy" in str(error)


def test_soap_1_1_fault() -> None:
    fault = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        b"<faultcode>s:Client</faultcode><faultstring>Bad request</faultstring>"
        b"</s:Fault></s:Body></s:Envelope>"
    )
    with pytest.raises(SoapFaultError, match="Bad request"):
        declarations_result(HttpResponse(500, {}, fault))


def test_error_status_without_a_fault_is_an_http_error() -> None:
    with pytest.raises(HTTPStatusError) as caught:
        declarations_result(HttpResponse(500, {}, b"<html>Internal Server Error</html>"))
    assert caught.value.status == 500


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"", "empty document"),
        (b"not xml", "not well-formed"),
        (b"<Envelope/>", "expected a SOAP Envelope"),
        (f'<s:Envelope xmlns:s="{NS_SOAP}"/>'.encode(), "no <Body>"),
        (answer("").replace(b"wstop:TopicSet", b"wstop:Other"), "has no <TopicSet>"),
        (answer('<tns1:Device><X wstop:topic="true"><aev:MessageInstance><aev:DataInstance>'
                "<aev:SimpleItemInstance Type='xsd:int'/></aev:DataInstance></aev:MessageInstance>"
                "</X></tns1:Device>"), "has no Name"),
        (answer('<X wstop:topic="true"><aev:MessageInstance><aev:SourceInstance>'
                "<aev:SimpleItemInstance Name='a'><aev:Value><b/></aev:Value>"
                "</aev:SimpleItemInstance></aev:SourceInstance></aev:MessageInstance></X>"),
         "holds elements"),
    ],
)  # fmt: skip
def test_malformed_answers(body: bytes, complaint: str) -> None:
    with pytest.raises(MalformedResponseError, match=complaint):
        declarations_result(HttpResponse(200, {}, body))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_typed_errors(body: bytes) -> None:
    with contextlib.suppress(MalformedResponseError, SoapFaultError):
        declarations_result(HttpResponse(200, {}, body))


_SAMPLE = answer(f"<tns1:Device>{VIRTUAL_INPUT}</tns1:Device>")


@given(st.integers(0, len(_SAMPLE) - 1), st.integers(0, 60), st.binary(max_size=4))
def test_damaged_answers_raise_only_typed_errors(start: int, length: int, insert: bytes) -> None:
    damaged = _SAMPLE[:start] + insert + _SAMPLE[start + length :]
    with contextlib.suppress(MalformedResponseError, SoapFaultError):
        declarations_result(HttpResponse(200, {}, damaged))


# --- the request ------------------------------------------------------------------------------


def test_request_has_the_reference_shape() -> None:
    request = declarations_request()
    assert (request.method, request.path) == ("POST", SERVICES)
    assert request.headers == {
        "Content-Type": 'application/soap+xml; action="http://www.axis.com/vapix/ws/event1/'
        'GetEventInstances"; charset=utf-8'
    }
    assert request.headers["Content-Type"] == CONTENT_TYPE
    assert request.content == REQUEST_BODY
    envelope = safexml.parse_xml(REQUEST_BODY, what="request")
    body = safexml.require_child(envelope, NS_SOAP, "Body", what="request")
    (operation,) = list(body)
    assert operation.tag == f"{{{NS_EVENT1}}}GetEventInstances"
    assert len(operation) == 0
    assert request.idempotent  # a read: safe to retry


# --- the writer -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", sorted(MODELS))
def test_writer_round_trips_every_models_declarations(model: str) -> None:
    declared = declarations_for(MODELS[model])
    assert parse_declarations(declarations_xml(declared)) == declared


def test_writer_refuses_unknown_prefixes() -> None:
    with pytest.raises(ValueError, match="prefix 'foo'"):
        declarations_xml([TopicDeclaration("foo:Bar/Baz")])


# --- the simulator, over real sockets ---------------------------------------------------------

EXPECTED = {
    # model: (topics declared, topics not declared)
    "d4200-ve": (
        {
            "tns1:Device/tnsaxis:IO/Port",
            "tns1:Device/tnsaxis:IO/OutputPort",
            "tns1:Device/tnsaxis:IO/VirtualInput",
            "tns1:Device/Trigger/DigitalInput",
            "tns1:Device/tnsaxis:Status/SystemReady",
            "tns1:Device/tnsaxis:Light/Status",
            "tns1:Device/tnsaxis:SirenAndLight/Status",
        },
        {"tns1:Device/Trigger/Relay", "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates"},
    ),
    "p1455-le-3": (
        {
            "tns1:Device/tnsaxis:IO/Port",
            "tns1:Device/tnsaxis:IO/OutputPort",
            "tnsaxis:CameraApplicationPlatform/ALPV.AllPlates",
            "tnsaxis:CameraApplicationPlatform/ALPV.Block_list",
            "tnsaxis:CameraApplicationPlatform/ALPV.PlateIN",
        },
        {"tns1:Device/tnsaxis:Light/Status", "tns1:Device/Trigger/Relay"},
    ),
    "a9188": (
        {"tns1:Device/Trigger/Relay", "tns1:Device/tnsaxis:IO/Port"},
        {"tns1:Device/tnsaxis:SirenAndLight/Status"},
    ),
    "m4328-p": (
        {"tns1:Device/tnsaxis:IO/VirtualInput", "tns1:Device/tnsaxis:Status/SystemReady"},
        {"tns1:Device/tnsaxis:IO/Port", "tns1:Device/Trigger/DigitalInput"},
    ),
}


def _check_against_the_device(declared: list[TopicDeclaration], simulated: SimulatedDevice) -> None:
    """Every state the device holds is of a declared topic, with declared source values."""
    topics = by_topic(declared)
    current = simulated.bus.current()
    assert current
    for event in current:
        assert event.topic in topics, event.topic
        declaration = topics[event.topic]
        for item in declaration.source:
            if item.values:
                assert event.source[item.name] in item.values, (event.topic, event.source)
        assert {i.name for i in declaration.data} >= set(event.data), event.topic


@pytest.mark.parametrize("model", sorted(EXPECTED))
@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_simulator_declares_per_model(model: str, flavour: str) -> None:
    declared_topics, absent_topics = EXPECTED[model]
    with Simulator(model, user=USER, password=PASSWORD) as sim:
        if flavour == "sync":
            with Device(sim.urls[0], USER, PASSWORD, retries=0) as device:
                declared = device.events.declarations()
        else:
            async with AsyncDevice(sim.urls[0], USER, PASSWORD, retries=0) as adevice:
                declared = await adevice.events.declarations()
        topics = by_topic(declared)
        assert declared_topics <= set(topics)
        assert not absent_topics & set(topics)
        _check_against_the_device(declared, sim.devices[0])
        assert sim.devices[0].request_count(SERVICES) >= 1
    for declaration in declared:
        if declaration.topic.startswith("tns1:Device/"):
            # axisctl has a typed class for each topic the simulator's own parts send.
            assert declaration.event_class is not Event, declaration.topic


async def test_strobe_declares_its_ports_and_light(dev: Device | AsyncDevice) -> None:
    topics = by_topic(await resolve(dev.events.declarations()))
    port = topics["tns1:Device/tnsaxis:IO/Port"]
    assert port.source[0].values == ("0", "1")  # the D4200-VE's two configurable I/Os
    virtual = topics["tns1:Device/tnsaxis:IO/VirtualInput"]
    assert virtual.source[0].values == tuple(str(n) for n in range(1, 65))
    light = topics["tns1:Device/tnsaxis:Light/Status"]
    assert light.event_class is LightStatusEvent
    assert light.state_item is not None
    assert light.state_item.name == "state"
    siren = topics["tns1:Device/tnsaxis:SirenAndLight/Status"]
    assert [item.name for item in siren.data] == ["pattern", "priority", "profile"]
    assert siren.source[0].values == ("siren", "light")


def test_declared_virtual_inputs_follow_the_devices_count() -> None:
    with (
        Simulator("d4200-ve", virtual_inputs=8) as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as device,
    ):
        topics = by_topic(device.events.declarations())
    ports = topics["tns1:Device/tnsaxis:IO/VirtualInput"].source[0].values
    assert ports == tuple(str(n) for n in range(1, 9))


async def test_viewer_may_list_declarations(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.add_account("vera", "vera-pw", Level.VIEWER)
    async with AsyncDevice(sim.urls[0], "vera", "vera-pw", retries=0) as viewer:
        declared = await viewer.events.declarations()
    assert "tns1:Device/tnsaxis:IO/VirtualInput" in by_topic(declared)


def test_anonymous_caller_is_refused(sim: Simulator) -> None:
    with Device(sim.urls[0], retries=0) as anonymous, pytest.raises(AuthenticationError):
        anonymous.events.declarations()


def _post(url: str, body: bytes, method: str = "POST") -> httpx.Response:
    return httpx.request(
        method,
        url + SERVICES,
        content=body,
        headers={"Content-Type": CONTENT_TYPE},
        auth=httpx.DigestAuth(USER, PASSWORD),
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<s:Envelope", "not well-formed"),
        (b"", "empty document"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DOCTYPE"),
        (b"<Envelope/>", "SOAP 1.2 Envelope"),
        (f'<s:Envelope xmlns:s="{NS_SOAP}"><s:Body/></s:Envelope>'.encode(), "no operation"),
        (
            REQUEST_BODY.replace(b"GetEventInstances", b"GetEventProperties"),
            "Method 'GetEventProperties' not implemented",
        ),
        (
            REQUEST_BODY.replace(NS_EVENT1.encode(), b"urn:other"),
            "Method 'GetEventInstances' not implemented",
        ),
    ],
)
def test_malformed_soap_gets_a_fault_and_the_server_keeps_serving(
    sim: Simulator, device: Device, body: bytes, reason: str
) -> None:
    response = _post(sim.urls[0], body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/soap+xml")
    with pytest.raises(SoapFaultError, match=reason) as caught:
        declarations_result(HttpResponse(response.status_code, response.headers, response.content))
    assert caught.value.fault_code == "SOAP-ENV:Sender"
    assert device.events.declarations()  # the next request is served as usual


def test_get_is_not_allowed(sim: Simulator) -> None:
    response = _post(sim.urls[0], b"", method="GET")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_declared_topics_parse_into_their_classes() -> None:
    # A declaration and an event of its topic agree on the class, whatever the spelling.
    for declaration in declarations_for(MODELS["p1455-le-3"]):
        assert declaration.event_class is event_class(declaration.mqtt_topic)
