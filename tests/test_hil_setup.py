"""The HIL set-up helpers against simulators: through the library, idempotent, undoable."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator

import httpx
import pytest

from axisctl import Device
from axisctl.apis.access import CardData
from axisctl.apis.io import CircuitState, Direction
from axisctl.apis.lpr import AccessControlType, BarrierMode, ListKey
from axisctl.apis.sirenlight import LightSettings, Profile
from axisctl.errors import ConfigurationError
from axisctl.hil.lines import HilTimeout
from axisctl.hil.setup_common import Undo, account_of, wait_until
from axisctl.hil.setup_door import card_holder, prepare_door
from axisctl.hil.setup_gate import RELAY_1_PORT, prepare_gate
from axisctl.hil.setup_mqtt import BenchPublisher
from axisctl.hil.setup_ports import configure_ports
from axisctl.hil.setup_strobe import FLASHING, STEADY, configure_strobe_mqtt, prepare_strobe
from axisctl.sim import Simulator
from axisctl.sim.rules import MqttStateful, Rule, RunProfileWhileActive

USER, PASSWORD = "root", "pass"


def serve(model: str, **options: object) -> Iterator[tuple[Simulator, Device]]:
    with (
        Simulator(model, user=USER, password=PASSWORD, **options) as sim,  # type: ignore[arg-type]
        Device(sim.urls[0], USER, PASSWORD, retries=0) as device,
    ):
        yield sim, device


@pytest.fixture
def ptz() -> Iterator[tuple[Simulator, Device]]:
    yield from serve("ptz-camera")


@pytest.fixture
def strobe() -> Iterator[tuple[Simulator, Device]]:
    yield from serve("d4200-ve")


@pytest.fixture
def intercom() -> Iterator[tuple[Simulator, Device]]:
    yield from serve("intercom", manual_clock=True)


# --- Undo ---------------------------------------------------------------------------------


def test_undo_runs_newest_first_once_and_goes_on_past_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done: list[str] = []
    undo = Undo("demo")
    undo.add("first", lambda: done.append("first"))

    def broken() -> None:
        raise ConfigurationError("the device said no")

    undo.add("second", broken)
    undo.add("third", lambda: done.append("third"))
    assert undo.steps == ["first", "second", "third"]
    with caplog.at_level(logging.WARNING):
        assert undo() == ["second: the device said no"]
    assert done == ["third", "first"]
    assert "undoing demo: second failed" in caplog.text
    assert undo() == []
    assert done == ["third", "first"]


def test_wait_until_says_what_did_not_happen() -> None:
    with pytest.raises(HilTimeout, match=r"the lamp lighting: not within 0\.1 s"):
        wait_until(lambda: False, timeout=0.1, what="the lamp lighting")


def test_account_of_gives_the_devices_own_account(ptz: tuple[Simulator, Device]) -> None:
    _, device = ptz
    assert account_of(device) == (USER, PASSWORD)
    with Device(device.url) as anonymous, pytest.raises(ConfigurationError, match="account"):
        account_of(anonymous)


# --- ports --------------------------------------------------------------------------------


def test_configure_ports_sets_directions_once_and_undoes(ptz: tuple[Simulator, Device]) -> None:
    _, device = ptz
    before = {port.number: port for port in device.io.list()}
    assert before[2].direction is Direction.INPUT
    undo = configure_ports(device, inputs=[1], outputs=[2])
    ports = {port.number: port for port in device.io.list()}
    assert ports[2].direction is Direction.OUTPUT
    assert ports[2].normal_state is CircuitState.OPEN
    assert ports[1].direction is Direction.INPUT
    assert undo.steps == ["ports 2"]  # port 1 was an input with normal state open already
    assert not configure_ports(device, inputs=[1], outputs=[2])  # nothing left to change
    device.io.activate(2)
    assert device.io.check_active(2) == {2: True}
    undo()
    assert {port.number: port for port in device.io.list()} == before


def test_configure_ports_refuses_a_fixed_port_the_other_way() -> None:
    for _sim, camera in serve("p1455-le-3"):
        with pytest.raises(ConfigurationError, match="fixed output"):
            configure_ports(camera, inputs=[2])
        with pytest.raises(ConfigurationError, match="both"):
            configure_ports(camera, inputs=[1], outputs=[1])
        with pytest.raises(ConfigurationError, match="no port 7"):
            configure_ports(camera, outputs=[7])


# --- strobe -------------------------------------------------------------------------------


def test_prepare_strobe_leaves_maintenance_and_stores_the_profiles(
    strobe: tuple[Simulator, Device],
) -> None:
    sim, device = strobe
    old = Profile("hil-steady", light=LightSettings("Pulse", colors=("white",), priority=2))
    device.siren_light.add_profile(old)
    undo = prepare_strobe(device)
    assert sim.devices[0].siren_light is not None
    assert not sim.devices[0].siren_light.maintenance
    stored = {profile.name: profile for profile in device.siren_light.profiles()}
    assert stored["hil-steady"].light is not None
    assert stored["hil-steady"].light.pattern == "Steady"
    assert stored["hil-flashing"].light is not None
    assert stored["hil-flashing"].light.priority == 7
    device.siren_light.start(FLASHING.name)
    device.siren_light.start(STEADY.name)
    showing = device.siren_light.status().light_showing
    assert showing is not None
    assert showing.profile == FLASHING.name  # 7 over 3

    again = prepare_strobe(device)  # idempotent: same profiles, nothing playing
    assert device.siren_light.status().idle
    assert "maintenance mode" not in again.steps
    again()
    undo()
    assert sim.devices[0].siren_light.maintenance
    restored = {profile.name: profile for profile in device.siren_light.profiles()}
    assert set(restored) == {"hil-steady"}
    assert restored["hil-steady"].light is not None
    assert restored["hil-steady"].light.pattern == "Pulse"


def test_prepare_strobe_keeps_profiles_an_operator_made_with_the_same_settings(
    strobe: tuple[Simulator, Device],
) -> None:
    """A physical rig's rules name the profiles: the set-up must not delete and re-create
    them when they are right already."""
    _, device = strobe
    by_hand = Profile(
        "hil-flashing",
        description="made by the operator",
        light=LightSettings("Blink", colors=("red",), priority=7, speed=2),
    )
    device.siren_light.add_profile(by_hand)
    undo = prepare_strobe(device)
    assert [step for step in undo.steps if step.startswith("profile")] == ["profile hil-steady"]
    undo()
    kept = {profile.name: profile for profile in device.siren_light.profiles()}
    assert set(kept) == {"hil-flashing"}
    assert kept["hil-flashing"].description == "made by the operator"


def test_configure_strobe_mqtt_runs_a_profile_from_a_retained_state(
    strobe: tuple[Simulator, Device],
    mqtt_broker: object,
) -> None:
    sim, device = strobe
    broker = (mqtt_broker.host, mqtt_broker.port)  # type: ignore[attr-defined]
    topic = f"axisctl-hil-test/{os.urandom(4).hex()}"
    simulated = sim.devices[0]
    prepare_strobe(device)
    simulated.rules.add(Rule(MqttStateful(topic, "On"), RunProfileWhileActive(STEADY.name)))
    assert simulated.siren_light is not None
    light = simulated.siren_light

    def playing() -> str | None:
        shown = light.outputs()["light"]
        return shown.get("profile") if shown else None

    with BenchPublisher(broker) as camera:
        # Published before the strobe subscribes: the retained state still reaches it.
        camera.publish(topic, "On")
        undo = configure_strobe_mqtt(device, broker, topic)
        try:
            status = device.mqtt.status()
            assert status.connected
            assert status.config.client_id == "axisctl-hil-strobe"
            assert [s.topic_filter for s in device.mqtt.subscriptions()] == [topic]
            wait_until(lambda: playing() == STEADY.name, timeout=5, what="the profile")
            camera.publish(topic, "Off")
            wait_until(lambda: playing() is None, timeout=5, what="the profile stopping")
        finally:
            camera.clear(topic)
            undo()
    assert not device.mqtt.status().active
    assert device.mqtt.subscriptions() == []


# --- gate ---------------------------------------------------------------------------------


@pytest.fixture
def gate() -> Iterator[tuple[Simulator, Device, Simulator, Device]]:
    with (
        Simulator("p1455-le-3", user=USER, password=PASSWORD, manual_clock=True) as cam_sim,
        Simulator("a9188", user=USER, password=PASSWORD, clock=cam_sim.clock) as module_sim,
        Device(cam_sim.urls[0], USER, PASSWORD, retries=0) as camera,
        Device(module_sim.urls[0], USER, PASSWORD, retries=0) as module,
    ):
        yield cam_sim, camera, module_sim, module


def test_prepare_gate_opens_the_relay_module_for_an_allowlisted_plate_only(
    gate: tuple[Simulator, Device, Simulator, Device],
    wait_until: Callable[..., None],
) -> None:
    cam_sim, camera, module_sim, module = gate
    camera.lpr.add_plate(ListKey.ALLOW, "KEEP123")
    before = camera.lpr.settings()
    user, password = account_of(module)
    undo = prepare_gate(
        camera,
        allow=["HILALLOW1", "KEEP123"],
        block=["HILBLOCK2"],
        relay_url=module.url,
        relay_user=user,
        relay_password=password,
        pulse_ms=1500,
        ttl_s=2,
    )
    settings = camera.lpr.settings()
    assert settings.access_control is AccessControlType.RELAY
    assert settings.barrier_mode is BarrierMode.OPEN_FROM_LISTS
    assert settings.relay_port == RELAY_1_PORT
    assert settings.ttl_s == 2
    assert undo.steps == [
        "HILALLOW1 on the allow list",
        "HILBLOCK2 on the block list",
        "detection and barrier settings",
    ]
    lpr = cam_sim.devices[0].lpr
    assert lpr is not None
    relay = module_sim.devices[0].io
    with httpx.Client(base_url=cam_sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as bench:
        bench.post("/axisctl-sim/lpr/vehicles", json={"plate": "HILBLOCK2", "direction": "in"})
        cam_sim.clock.advance(0.5)
        assert lpr.openings == []
        bench.post("/axisctl-sim/lpr/vehicles", json={"plate": "HILALLOW1", "direction": "in"})
        cam_sim.clock.advance(0.5)  # the second read learns the direction: the barrier opens
    wait_until(lambda: relay.is_active(RELAY_1_PORT), what="relay 1 of the module closing")
    cam_sim.clock.advance(1.5)
    assert not relay.is_active(RELAY_1_PORT)
    assert [opening.port for opening in lpr.openings] == [RELAY_1_PORT]

    undo()
    assert camera.lpr.settings() == before
    assert [entry.plate for entry in camera.lpr.plates(ListKey.ALLOW)] == ["KEEP123"]
    assert camera.lpr.plates(ListKey.BLOCK) == []


# --- door ---------------------------------------------------------------------------------


GORDON = CardData.wiegand("Wiegand26", facility=0, number=10213)
STRANGER = CardData.wiegand("Wiegand26", facility=0, number=4242)


def present(sim: Simulator, card: CardData) -> str:
    with httpx.Client(base_url=sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as bench:
        answer = bench.post("/axisctl-sim/access/card", json={"bits": card.bits})
    result: str = answer.json()["decision"]["result"]
    return result


def test_prepare_door_opens_the_door_for_the_configured_time(
    intercom: tuple[Simulator, Device],
) -> None:
    sim, device = intercom
    device.access.add_entry(card_holder("Mallory", STRANGER))
    device.access.update_reader_settings(door_open_time_s=9)
    undo = prepare_door(
        device,
        holders=[card_holder("Gordon", GORDON)],
        unknown_cards=[STRANGER],
        door_open_time_s=2,
        external_reader=True,
    )
    settings = device.access.reader_settings()
    assert settings.door_open_time_s == 2
    assert settings.external_reader
    assert [entry.first_name for entry in device.access.entries()] == ["Gordon"]
    assert present(sim, STRANGER) == "denied"
    door = sim.devices[0].io
    assert not door.is_active(3)
    assert present(sim, GORDON) == "granted"
    assert door.is_active(3)
    sim.clock.advance(1.9)
    assert door.is_active(3)
    sim.clock.advance(0.1)
    assert not door.is_active(3)

    assert not prepare_door(
        device,
        holders=[card_holder("Gordon", GORDON)],
        unknown_cards=[STRANGER],
        external_reader=True,
    )  # idempotent: nothing to change, nothing to undo
    undo()
    settings = device.access.reader_settings()
    assert settings.door_open_time_s == 9
    assert not settings.external_reader
    assert [entry.first_name for entry in device.access.entries()] == ["Mallory"]


def test_prepare_door_replaces_a_holder_of_the_same_name(
    intercom: tuple[Simulator, Device],
) -> None:
    sim, device = intercom
    device.access.add_entry(card_holder("Gordon", STRANGER))
    undo = prepare_door(device, holders=[card_holder("Gordon", GORDON)])
    assert [entry.card for entry in device.access.entries()] == [GORDON]
    assert present(sim, GORDON) == "granted"
    undo()
    assert [entry.card for entry in device.access.entries()] == [STRANGER]


def test_a_publisher_refused_by_the_broker_says_so(
    mqtt_broker_factory: Callable[..., object],
) -> None:
    from axisctl.errors import DeviceUnreachableError

    broker = mqtt_broker_factory(users={"site": "secret"})  # anonymous clients refused
    publisher = BenchPublisher(("127.0.0.1", broker.port))  # type: ignore[attr-defined]
    with pytest.raises(DeviceUnreachableError, match="refused the connection"):
        publisher.open()
    with pytest.raises(ConfigurationError, match="open the publisher"):
        publisher.publish("axisctl-hil/x", "On")
