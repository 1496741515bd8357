"""The virtual rig end to end: simulators over HTTP, mock pins wired to them, real readers.

One bench for the module (starting one takes about a second); each test begins with
``bench.reset()``, as the pytest plugin does between tests. The fixture is not called
``bench``: the HIL plugin's fixture of that name skips without ``--rig``. What a test checks on the
device side it checks through the library over HTTP, as a user would.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from axisctl.apis.access import CardData, CredentialHolder
from axisctl.apis.sirenlight.models import LightSettings, Profile, SirenSettings
from axisctl.drivers.wiegand import WiegandFormat, encode
from axisctl.hil.bench import Bench, open_bench
from axisctl.hil.rig import virtual_rig
from axisctl.hil.virtual_site import VirtualSite


@pytest.fixture(scope="module")
def started() -> Iterator[Bench]:
    with open_bench(virtual_rig()) as started:
        yield started


@pytest.fixture
def hil_bench(started: Bench) -> Bench:
    started.reset()
    return started


def wiring(hil_bench: Bench) -> VirtualSite:
    assert isinstance(hil_bench.site, VirtualSite)
    return hil_bench.site


def settle(hil_bench: Bench) -> None:
    """Wait until both bridges have carried every edge so far across."""
    wiring(hil_bench).wiring.drain()


# --- Pi to device --------------------------------------------------------------------------


def test_a_pi_output_through_a_relay_closes_the_camera_input(hil_bench: Bench) -> None:
    camera = hil_bench.device("gate-camera")
    line = hil_bench.output("gate-loop")
    assert line is hil_bench.output("relays/1")
    assert line.relay == "relays/1"
    t0 = line.activate()
    t1 = hil_bench.events("gate-camera").wait_for(
        "tnsaxis:IO/Port", after=t0, where=lambda e: e.data.get("state") == "1"
    )
    assert t1 >= t0
    assert camera.io.check_active(1) == {1: True}
    line.deactivate()
    hil_bench.events("gate-camera").wait_for(
        "tnsaxis:IO/Port", after=t1, where=lambda e: e.data.get("state") == "0"
    )
    assert camera.io.check_active(1) == {1: False}


def test_the_relay_board_is_active_low_and_its_channels_reach_their_devices(
    hil_bench: Bench,
) -> None:
    pi = hil_bench.site.pin_factory
    module = hil_bench.output("relays/3")
    assert module.name == "module-input"
    assert pi.pin(19).state is True  # released coil: the line idles high
    module.activate()
    assert pi.pin(19).state is False
    settle(hil_bench)
    assert hil_bench.device("relay-module").io.check_active(1) == {1: True}
    module.deactivate()
    settle(hil_bench)
    assert hil_bench.device("relay-module").io.check_active(1) == {1: False}


def test_an_optocoupler_active_high_closes_the_input_when_the_line_is_high(
    hil_bench: Bench,
) -> None:
    pi = hil_bench.site.pin_factory
    line = hil_bench.output("ptz-input")
    assert pi.pin(20).state is False
    line.activate()
    assert pi.pin(20).state is True
    settle(hil_bench)
    assert hil_bench.device("ptz-camera").io.check_active(1) == {1: True}
    line.deactivate()
    settle(hil_bench)
    assert hil_bench.device("ptz-camera").io.check_active(1) == {1: False}


# --- device to Pi --------------------------------------------------------------------------


def test_a_camera_output_pulls_the_pi_line_low(hil_bench: Bench) -> None:
    camera = hil_bench.device("gate-camera")
    line = hil_bench.input("gate-output")
    assert not line.is_active
    assert hil_bench.site.pin_factory.pin(17).state is True
    t0 = hil_bench.timeline.now()
    camera.io.activate(2)
    t1 = line.wait_for(True, after=t0)
    assert hil_bench.site.pin_factory.pin(17).state is False
    camera.io.deactivate(2)
    line.wait_for(False, after=t1)
    entries = [e for e in hil_bench.timeline.entries(t0, kind="gpio") if e.source == "gate-output"]
    assert [(e.detail, e.data["level"]) for e in entries] == [
        ("active", "low"),
        ("inactive", "high"),
    ]


@pytest.mark.parametrize(
    ("device", "port", "wire"), [("relay-module", 9, "barrier"), ("intercom", 3, "door-relay")]
)
def test_relay_contacts_are_read_on_their_lines(
    hil_bench: Bench, device: str, port: int, wire: str
) -> None:
    client = hil_bench.device(device)
    line = hil_bench.input(wire)
    t0 = hil_bench.timeline.now()
    client.io.pulse(port, 300)
    on = line.wait_for(True, after=t0)
    off = line.wait_for(False, after=on)
    assert off - on >= 0.2


def test_an_optocoupler_output_active_low(hil_bench: Bench) -> None:
    ptz = hil_bench.device("ptz-camera")
    ptz.io.configure(2, direction="output")
    line = hil_bench.input("ptz-output")
    t0 = hil_bench.timeline.now()
    ptz.io.activate(2)
    line.wait_for(True, after=t0)
    assert hil_bench.site.pin_factory.pin(21).state is False
    ptz.io.deactivate(2)
    line.wait_for(False, after=t0)


# --- sensors --------------------------------------------------------------------------------


def test_the_light_sensor_stays_on_while_a_steady_light_plays(hil_bench: Bench) -> None:
    strobe = hil_bench.device("strobe")
    light = hil_bench.input("strobe-light")
    t0 = hil_bench.timeline.now()
    strobe.siren_light.start_pattern(light=LightSettings("Steady"))
    on = light.wait_for(True, after=t0)
    time.sleep(0.6)
    assert light.is_active
    assert [e.active for e in light.edges(t0)] == [True]
    strobe.siren_light.stop_all()
    light.wait_for(False, after=on)
    assert not hil_bench.input("strobe-siren").is_active


def test_the_light_sensor_blinks_at_the_rate_of_a_flashing_pattern(hil_bench: Bench) -> None:
    strobe = hil_bench.device("strobe")
    light = hil_bench.input("strobe-light")
    t0 = hil_bench.timeline.now()
    # Blink: a 1 s cycle, played four times as fast: on 0.125 s, off 0.125 s.
    strobe.siren_light.start_pattern(light=LightSettings("Blink", speed=4))
    first = light.wait_for(True, after=t0)
    time.sleep(1.1)
    strobe.siren_light.stop_all()
    edges = [e for e in light.edges(t0) if e.time <= first + 1.0]
    assert [e.active for e in edges] == [True, False] * (len(edges) // 2) + [True] * (
        len(edges) % 2
    )
    assert len(edges) >= 6
    widths = [later.time - earlier.time for earlier, later in itertools.pairwise(edges)]
    mean = sum(widths) / len(widths)
    assert 0.08 < mean < 0.2


def test_the_microphone_hears_the_siren(hil_bench: Bench) -> None:
    strobe = hil_bench.device("strobe")
    mic = hil_bench.input("strobe-siren")
    t0 = hil_bench.timeline.now()
    strobe.siren_light.start_pattern(siren=SirenSettings("Alarm: Bird"))
    on = mic.wait_for(True, after=t0)
    assert not hil_bench.input("strobe-light").is_active
    strobe.siren_light.stop_all()
    mic.wait_for(False, after=on)


# --- readers --------------------------------------------------------------------------------


def test_a_wiegand_card_reaches_the_intercom(hil_bench: Bench) -> None:
    intercom = hil_bench.device("intercom")
    t0 = hil_bench.wiegand("door-wiegand").send_card(WiegandFormat.H10301, 12, 3456)
    deadline = time.monotonic() + 5
    card = intercom.access.last_card()
    while (card is None or card.bit_count != 26) and time.monotonic() < deadline:
        time.sleep(0.02)
        card = intercom.access.last_card()
    frame = encode(WiegandFormat.H10301, facility=12, card=3456)
    assert card is not None
    assert (card.bit_count, card.value) == (26, frame.value)
    sent = hil_bench.timeline.entries(t0, kind="wiegand")
    assert sent[0].data["card"] == "3456"
    assert sent[0].data["bits"] == frame.to_text()


def test_an_osdp_card_reaches_the_intercom_and_opens_the_door(hil_bench: Bench) -> None:
    intercom = hil_bench.device("intercom")
    intercom.access.update_reader_settings(door_open_time_s=1)
    holder = intercom.access.add_entry(CredentialHolder("hil-osdp", card=CardData(0x2F623AE, 26)))
    try:
        reader = hil_bench.osdp_reader("door-osdp")
        assert reader.online
        t0 = hil_bench.timeline.now()
        reader.present_card_number(26, 0x2F623AE)
        opened = hil_bench.input("door-relay").wait_for(True, after=t0)
        closed = hil_bench.input("door-relay").wait_for(False, after=opened, timeout=5)
        assert closed - opened >= 0.9
        reports = [e.detail for e in hil_bench.timeline.entries(t0, kind="osdp")]
        assert "RAW" in reports
    finally:
        intercom.access.remove_entries([holder.token])


# --- events, races ---------------------------------------------------------------------------


def test_the_event_recorder_sees_an_input_event_and_records_it(hil_bench: Bench) -> None:
    t0 = hil_bench.output("strobe-trigger").activate()
    seen = hil_bench.events("strobe").wait_for(
        "Trigger/DigitalInput", after=t0, where=lambda e: e.data.get("LogicalState") == "true"
    )
    entry = next(e for e in hil_bench.timeline.entries(t0, kind="event") if e.time == seen)
    assert entry.source == "strobe"
    assert entry.data["source.InputToken"] == "0"
    received = [event.topic for when, event in hil_bench.events("strobe").received(t0)]
    assert "tns1:Device/Trigger/DigitalInput" in received


def test_edges_cross_asynchronously_but_in_order(hil_bench: Bench) -> None:
    camera = hil_bench.simulated("gate-camera")
    assert camera is not None
    line = hil_bench.output("gate-loop")
    seen_late = 0
    for _ in range(10):
        line.activate()
        seen_late += not camera.io.is_active(1)  # the bridge has not carried it yet
        line.deactivate()
    settle(hil_bench)
    assert seen_late > 0
    states = [e.data["state"] for e in camera.bus.events("tns1:Device/tnsaxis:IO/Port")[-20:]]
    assert states == ["1", "0"] * 10
    # And back: ten quick output changes arrive at the Pi in the order they were made.
    t0 = hil_bench.timeline.now()
    with camera.lock:
        for _ in range(10):
            camera.io.set_output(2, True)
            camera.io.set_output(2, False)
    settle(hil_bench)
    assert [e.active for e in hil_bench.input("gate-output").edges(t0)] == [True, False] * 10


# --- site actions ----------------------------------------------------------------------------


#: Strobe I/O 1 (the strobe-trigger wire) runs the steady profile while it is closed.
TRIGGER_RULE = {
    "condition": {"type": "digital-input", "port": 1},
    "action": {"type": "run-while-active", "profile": "hil-steady"},
}


def steady_profile(hil_bench: Bench) -> None:
    strobe = hil_bench.device("strobe")
    if "hil-steady" not in {profile.name for profile in strobe.siren_light.profiles()}:
        strobe.siren_light.add_profile(Profile("hil-steady", light=LightSettings("Steady")))


def test_an_installed_rule_runs_and_replaces_one_of_the_same_name(hil_bench: Bench) -> None:
    steady_profile(hil_bench)
    rule = TRIGGER_RULE
    hil_bench.install_rule("strobe", "trigger-light", rule)
    hil_bench.install_rule("strobe", "trigger-light", rule)
    sim = hil_bench.simulated("strobe")
    assert sim is not None
    assert [r.name for r in sim.rules.rules] == ["trigger-light"]
    t0 = hil_bench.output("strobe-trigger").activate()
    on = hil_bench.input("strobe-light").wait_for(True, after=t0)
    hil_bench.timeline.latency("trigger -> light", t0, on)
    hil_bench.output("strobe-trigger").deactivate()
    hil_bench.input("strobe-light").wait_for(False, after=on)


def test_replacing_a_rule_reposts_the_others_with_their_secrets(hil_bench: Bench) -> None:
    strobe = hil_bench.device_url("strobe")
    notify = {
        "condition": {"type": "digital-input", "port": 1},
        "action": {
            "type": "http-notification",
            "url": f"{strobe}/axis-cgi/virtualinput/activate.cgi",
            "query": "schemaversion=1&port=1",
            "user": "root",
            "password": "pass",
        },
    }
    to_output = {
        "condition": {"type": "digital-input", "port": 1},
        "action": {"type": "output-while-active", "port": 2, "state": "active"},
    }
    hil_bench.install_rule("gate-camera", "loop-to-strobe", notify)
    hil_bench.install_rule("gate-camera", "loop-to-output", to_output)
    hil_bench.install_rule("gate-camera", "loop-to-output", to_output)
    t0 = hil_bench.output("gate-loop").activate()
    # The notification rule was posted again with its password: the strobe's login works.
    hil_bench.events("strobe").wait_for("VirtualInput", after=t0)
    hil_bench.input("gate-output").wait_for(True, after=t0)
    hil_bench.output("gate-loop").deactivate()


def test_a_plate_shown_to_the_gate_camera_is_read(hil_bench: Bench) -> None:
    t0 = hil_bench.show_plate("gate-camera", "HIL123")
    seen = hil_bench.events("gate-camera").wait_for(
        "ALPV", after=t0, where=lambda e: "HIL123" in e.data.values()
    )
    assert seen >= t0
    action = hil_bench.timeline.entries(t0, kind="action")[0]
    assert action.detail == "show plate HIL123"


def test_reset_stops_the_light_clears_rules_and_returns_outputs_to_normal(hil_bench: Bench) -> None:
    strobe = hil_bench.device("strobe")
    strobe.siren_light.start_pattern(light=LightSettings("Steady"))
    hil_bench.input("strobe-light").wait_for(True)
    hil_bench.device("gate-camera").io.activate(2)
    hil_bench.input("gate-output").wait_for(True)
    hil_bench.output("gate-loop").activate()
    steady_profile(hil_bench)
    hil_bench.install_rule("strobe", "trigger-light", TRIGGER_RULE)
    hil_bench.reset()
    sim = hil_bench.simulated("strobe")
    assert sim is not None
    assert sim.rules.rules == []
    assert not hil_bench.input("strobe-light").is_active
    assert not hil_bench.input("gate-output").is_active
    assert not hil_bench.output("gate-loop").is_active
    assert hil_bench.device("gate-camera").io.check_active(1, 2) == {1: False, 2: False}


def test_make_safe_leaves_every_pi_output_at_its_safe_level(hil_bench: Bench) -> None:
    for line in hil_bench.outputs.values():
        line.activate()
    hil_bench.make_safe()
    pi = hil_bench.site.pin_factory
    for bcm, level in hil_bench.rig.safe_levels().items():
        assert pi.pin(bcm).state == (level.value == "high"), f"BCM {bcm}"


def test_a_failing_step_of_closing_the_site_still_stops_the_simulators(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import httpx

    site = VirtualSite(broker=False)
    bench = open_bench(virtual_rig(), site=site)
    url = bench.device_url("strobe")
    wiring = site.wiring
    real_close = wiring.close

    def stuck() -> None:
        raise RuntimeError("the wiring would not stop")

    monkeypatch.setattr(wiring, "close", stuck)
    try:
        bench.close()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=2)
    finally:
        real_close()
