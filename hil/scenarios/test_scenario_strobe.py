"""Strobe speaker: every way of starting a light profile, seen by the light sensor.

Each test starts a profile one way — a digital input, a virtual input a camera sets over
HTTP, a ``siren_and_light.cgi`` POST, an MQTT stateful subscription — and follows it to the
light sensor's line, measuring input edge → device event → light; the last one has a
higher-priority flashing profile interrupt a steady one. What each needs and measures:
docs/hil-scenarios.md.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from axisctl.device import Device
from axisctl.hil.bench import Bench
from axisctl.hil.lines import InputLine
from axisctl.hil.setup_checks import (
    IO_TOPIC,
    data_is,
    edges_within,
    port_state,
    record_chain,
    settled,
    virtual_input,
)
from axisctl.hil.setup_common import account_of
from axisctl.hil.setup_mqtt import BenchPublisher
from axisctl.hil.setup_ports import configure_ports
from axisctl.hil.setup_rules import (
    LOOP_TO_STROBE,
    MQTT_TOPIC,
    STROBE_INPUT_FLASHING,
    STROBE_MQTT_STEADY,
    STROBE_VINPUT_STEADY,
    STROBE_VIRTUAL_INPUT,
    loop_to_strobe,
    strobe_input_flashing,
    strobe_mqtt_steady,
    strobe_vinput_steady,
)
from axisctl.hil.setup_strobe import STEADY, configure_strobe_mqtt, prepare_strobe

pytestmark = pytest.mark.rig_requires("device:strobe", "sensor:strobe-light")

#: How long the light sensor must hold still to count as a steady light, and the window in
#: which a flashing light must toggle at least twice. One second covers the "Blink" pattern
#: on the virtual rig (0.25 s on, 0.25 s off) and any strobe flashing at 1 Hz or faster.
WINDOW_S = 1.0
#: How long the harness waits for a device event or an edge.
TIMEOUT_S = 5.0
LIGHT_STATUS = "tnsaxis:Light/Status"


@pytest.fixture
def strobe(bench: Bench) -> Iterator[Device]:
    """The strobe with the scenario profiles, out of maintenance mode, nothing playing."""
    device = bench.device("strobe")
    with prepare_strobe(device):
        try:
            yield device
        finally:
            device.siren_light.stop_all()


@pytest.fixture
def light(bench: Bench) -> InputLine:
    return bench.input("strobe-light")


@pytest.fixture
def trigger_port(bench: Bench, strobe: Device) -> Iterator[int]:
    """The strobe's I/O port the strobe-trigger wire closes, an input for the test."""
    port = bench.rig.wires["strobe-trigger"].port
    with configure_ports(strobe, inputs=[port]):
        yield port


@pytest.fixture
def loop_port(bench: Bench) -> Iterator[int]:
    """The gate camera's I/O port the gate-loop wire closes, an input for the test."""
    port = bench.rig.wires["gate-loop"].port
    with configure_ports(bench.device("gate-camera"), inputs=[port]):
        yield port


def steady(bench: Bench, light: InputLine, after: float) -> float:
    """Wait until the light is on for good (no flashing); the time it last came on."""
    return settled(bench.timeline, light, True, window=WINDOW_S, timeout=TIMEOUT_S, after=after)


def dark(bench: Bench, light: InputLine, after: float) -> float:
    """Wait until the light is off for good; the time it went off."""
    return settled(bench.timeline, light, False, window=WINDOW_S, timeout=TIMEOUT_S, after=after)


def assert_blinking(bench: Bench, light: InputLine) -> None:
    edges = edges_within(bench.timeline, light, WINDOW_S)
    assert len(edges) >= 2, f"the light made {len(edges)} edge(s) in {WINDOW_S} s; expected flashes"


@pytest.mark.rig_requires("wire:strobe-trigger", STROBE_INPUT_FLASHING.capability)
def test_a_digital_input_starts_a_profile(
    bench: Bench, strobe: Device, light: InputLine, trigger_port: int
) -> None:
    """strobe-trigger relay → strobe I/O 1 → rule → flashing profile → light sensor."""
    port = trigger_port
    bench.install_rule("strobe", STROBE_INPUT_FLASHING.name, strobe_input_flashing(port))
    trigger = bench.output("strobe-trigger")
    events = bench.events("strobe")

    t0 = trigger.activate()
    t1 = events.wait_for(IO_TOPIC, after=t0, timeout=TIMEOUT_S, where=port_state(port, True))
    t2 = light.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(bench.timeline, [("input edge", t0), ("input event", t1), ("light on", t2)])
    assert_blinking(bench, light)

    t3 = trigger.deactivate()
    t4 = events.wait_for(IO_TOPIC, after=t3, timeout=TIMEOUT_S, where=port_state(port, False))
    t5 = dark(bench, light, t3)
    record_chain(bench.timeline, [("input release", t3), ("release event", t4), ("light off", t5)])


@pytest.mark.rig_requires(
    "device:gate-camera",
    "wire:gate-loop",
    LOOP_TO_STROBE.capability,
    STROBE_VINPUT_STEADY.capability,
)
def test_a_camera_sets_a_virtual_input_over_http(
    bench: Bench, strobe: Device, light: InputLine, loop_port: int
) -> None:
    """gate-loop → camera input 1 → camera rule → HTTP activate.cgi → strobe virtual input
    1 → rule → steady profile → light sensor."""
    bench.install_rule("strobe", STROBE_VINPUT_STEADY.name, strobe_vinput_steady())
    user, password = account_of(strobe)
    rule = loop_to_strobe(loop_port, bench.device_url("strobe"), user, password)
    bench.install_rule("gate-camera", LOOP_TO_STROBE.name, rule)
    loop = bench.output("gate-loop")

    t0 = loop.activate()
    t1 = bench.events("gate-camera").wait_for(
        IO_TOPIC, after=t0, timeout=TIMEOUT_S, where=port_state(loop_port, True)
    )
    t2 = bench.events("strobe").wait_for(
        "IO/VirtualInput",
        after=t0,
        timeout=TIMEOUT_S,
        where=virtual_input(STROBE_VIRTUAL_INPUT, True),
    )
    t3 = light.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(
        bench.timeline,
        [("loop edge", t0), ("camera input event", t1), ("strobe virtual input", t2),
         ("light on", t3)],
    )  # fmt: skip
    steady(bench, light, t3)

    loop.deactivate()
    t4 = bench.timeline.record("action", "strobe", "deactivate virtual input")
    strobe.virtual_inputs.deactivate(STROBE_VIRTUAL_INPUT)
    t5 = dark(bench, light, t4)
    bench.timeline.latency("virtual input off -> light off", t4, t5)


def test_a_siren_and_light_cgi_post_starts_a_profile(
    bench: Bench, strobe: Device, light: InputLine
) -> None:
    """POST siren_and_light.cgi ``start`` → Light/Status event → light sensor."""
    events = bench.events("strobe")
    t0 = bench.timeline.record("action", "strobe", f"siren_and_light.cgi start {STEADY.name}")
    strobe.siren_light.start(STEADY.name)
    t1 = events.wait_for(LIGHT_STATUS, after=t0, timeout=TIMEOUT_S, where=data_is(state="ON"))
    t2 = light.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(bench.timeline, [("start request", t0), ("light status", t1), ("light on", t2)])
    steady(bench, light, t2)

    t3 = bench.timeline.record("action", "strobe", f"siren_and_light.cgi stop {STEADY.name}")
    strobe.siren_light.stop(STEADY.name)
    t4 = events.wait_for(LIGHT_STATUS, after=t3, timeout=TIMEOUT_S, where=data_is(state="OFF"))
    t5 = dark(bench, light, t3)
    record_chain(
        bench.timeline, [("stop request", t3), ("light status off", t4), ("light off", t5)]
    )


@pytest.mark.rig_requires("mqtt-broker", STROBE_MQTT_STEADY.capability)
def test_an_mqtt_stateful_subscription_runs_a_profile(
    bench: Bench, strobe: Device, light: InputLine
) -> None:
    """Publish ``On`` to the bench's broker → the strobe's stateful subscription → rule →
    steady profile → light sensor; ``Off`` ends it."""
    broker = bench.mqtt_broker
    assert broker is not None
    events = bench.events("strobe")
    with BenchPublisher(broker) as camera:
        camera.clear(MQTT_TOPIC)
        undo = configure_strobe_mqtt(strobe, broker, MQTT_TOPIC)
        try:
            bench.install_rule("strobe", STROBE_MQTT_STEADY.name, strobe_mqtt_steady())
            t0 = bench.timeline.record("action", "mqtt", f"publish {MQTT_TOPIC} On")
            camera.publish(MQTT_TOPIC, "On")
            t1 = events.wait_for(
                "MQTT/Message/Stateful",
                after=t0,
                timeout=TIMEOUT_S,
                where=data_is(**{"mqtt-payload": "On"}),
            )
            t2 = light.wait_for(True, after=t0, timeout=TIMEOUT_S)
            record_chain(bench.timeline, [("publish", t0), ("mqtt event", t1), ("light on", t2)])
            steady(bench, light, t2)

            t3 = bench.timeline.record("action", "mqtt", f"publish {MQTT_TOPIC} Off")
            camera.publish(MQTT_TOPIC, "Off")
            t4 = dark(bench, light, t3)
            bench.timeline.latency("publish off -> light off", t3, t4)
        finally:
            camera.clear(MQTT_TOPIC)
            undo()


@pytest.mark.rig_requires("wire:strobe-trigger", STROBE_INPUT_FLASHING.capability)
def test_a_higher_priority_profile_preempts_a_lower_one(
    bench: Bench, strobe: Device, light: InputLine, trigger_port: int
) -> None:
    """Steady priority 3 by HTTP; the input's flashing priority 7 shows over it while the
    input is active; then the steady one shows again (the manual's two-priority example)."""
    port = trigger_port
    bench.install_rule("strobe", STROBE_INPUT_FLASHING.name, strobe_input_flashing(port))
    trigger = bench.output("strobe-trigger")
    t0 = bench.timeline.record("action", "strobe", f"siren_and_light.cgi start {STEADY.name}")
    strobe.siren_light.start(STEADY.name)
    steady(bench, light, t0)

    t1 = trigger.activate()
    t2 = bench.events("strobe").wait_for(
        IO_TOPIC, after=t1, timeout=TIMEOUT_S, where=port_state(port, True)
    )
    # The light is on already: the first sign of the flashing profile is its first dark half.
    t3 = light.wait_for(False, after=t1, timeout=TIMEOUT_S)
    record_chain(bench.timeline, [("input edge", t1), ("input event", t2), ("first flash off", t3)])
    assert_blinking(bench, light)

    t4 = trigger.deactivate()
    steady(bench, light, t4)
    showing = strobe.siren_light.status().light_showing
    assert showing is not None
    assert showing.profile == STEADY.name
