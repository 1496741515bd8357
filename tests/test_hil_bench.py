"""The bench as a whole: what it starts and stops, capabilities, a mis-wired virtual bench.

Each test here opens a bench of its own (about a second each), to look at start and close.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import pytest

from axisctl.errors import ConfigurationError
from axisctl.hil.bench import Bench, MissingCapability, open_bench
from axisctl.hil.rig import parse_rig, virtual_rig, virtual_rig_text
from axisctl.hil.rig_model import Rig, RigKind
from axisctl.hil.timeline import TimelineEntry
from axisctl.hil.virtual_site import VirtualSite


def rig_with(*replacements: tuple[str, str]) -> Rig:
    """The bundled virtual rig with pieces of its text replaced (each must be there)."""
    text = virtual_rig_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return parse_rig(text, source="test.yaml")


def refused(url: str) -> bool:
    host, _, port = url.rpartition("/")[2].partition(":")
    try:
        socket.create_connection((host, int(port)), 1).close()
    except OSError:
        return True
    return False


@pytest.fixture
def threads_before() -> set[int]:
    return {thread.ident for thread in threading.enumerate() if thread.ident is not None}


def test_close_leaves_no_thread_simulator_pty_or_broker(threads_before: set[int]) -> None:
    bench = open_bench(virtual_rig())
    urls = [bench.device_url(name) for name in bench.rig.devices]
    intercom = bench.simulated("intercom")
    assert intercom is not None
    pty = intercom.access.reader_connector.path if intercom.access else None
    broker = bench.mqtt_broker
    assert pty is not None
    assert os.path.exists(pty)
    assert broker is not None
    assert bench.kind is RigKind.VIRTUAL
    bench.output("gate-loop").activate()
    bench.close()
    bench.close()  # idempotent
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [t for t in threading.enumerate() if t.ident not in threads_before]
        if not left:
            break
        time.sleep(0.05)
    assert left == []
    assert all(refused(url) for url in urls)
    assert refused(f"mqtt://{broker[0]}:{broker[1]}")
    assert not os.path.exists(pty)
    notes = [e.detail for e in bench.timeline.entries(kind="note")]
    assert notes[-1] == "bench closed"


def test_a_bench_that_fails_to_start_stops_what_it_started(
    threads_before: set[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The OSDP key's variable is missing: found after the simulators and pins are up.
    monkeypatch.delenv("HIL_TEST_UNSET_KEY", raising=False)
    rig = rig_with(("  baud: 9600\n", "  baud: 9600\n  scbk_env: HIL_TEST_UNSET_KEY\n"))
    with pytest.raises(ConfigurationError, match="HIL_TEST_UNSET_KEY is not set"):
        open_bench(rig)
    time.sleep(0.2)
    assert [t for t in threading.enumerate() if t.ident not in threads_before] == []


def test_capabilities_come_from_the_wiring_and_the_site() -> None:
    with open_bench(virtual_rig()) as bench:
        have = bench.capabilities
        for capability in (
            "device:intercom",
            "wire:barrier",
            "relay:relays/2",
            "sensor:strobe-light",
            "sensor-kind:light",
            "sensor-kind:microphone",
            "wiegand",
            "wiegand:door-wiegand",
            "osdp",
            "osdp:door-osdp",
            "mqtt-broker",
            "plate-display",
            "simulator",
        ):
            assert capability in have, capability
        assert bench.missing("wire:barrier", "rule:strobe/any-rule-at-all", "plate-display") == []
        reasons = bench.missing("wire:fence", "sensor-kind:camera", "rule:ghost/x", "teleport")
        assert reasons == [
            "the rig has no wire 'fence' (rig 'virtual', section 'wires')",
            "the rig has no sensor of kind 'camera' (rig 'virtual', section 'sensors')",
            "capability 'rule:ghost/x': the rig has no device 'ghost'",
            "the virtual rig has no 'teleport'",
        ]


def test_a_rig_without_readers_or_broker_says_why() -> None:
    start = virtual_rig_text().index("wiegand:\n  door-wiegand")
    end = virtual_rig_text().index("sensors:")
    rig = rig_with((virtual_rig_text()[start:end], ""))
    with open_bench(rig, site=VirtualSite(broker=False)) as bench:
        assert bench.mqtt_broker is None
        assert bench.missing("wiegand", "osdp", "osdp:door-osdp", "mqtt-broker") == [
            "the rig has no Wiegand link the Pi sends on (rig 'virtual', section 'wiegand')",
            "the rig has no OSDP reader (rig 'virtual', section 'osdp')",
            "the rig has no OSDP reader 'door-osdp' (rig 'virtual', section 'osdp')",
            "no MQTT broker: the virtual site was started without an MQTT broker",
        ]
        with pytest.raises(MissingCapability, match="no OSDP reader 'door-osdp'"):
            bench.osdp_reader("door-osdp")
        with pytest.raises(MissingCapability, match="no Wiegand link 'door-wiegand'"):
            bench.wiegand("door-wiegand")


def test_unknown_names_are_refused_with_what_the_rig_has() -> None:
    with open_bench(virtual_rig()) as bench:
        with pytest.raises(
            MissingCapability, match=r"no output 'fence' \(its outputs: .*gate-loop"
        ):
            bench.output("fence")
        with pytest.raises(
            MissingCapability, match="wire 'barrier' is not an output: the Pi reads"
        ):
            bench.output("barrier")
        with pytest.raises(MissingCapability, match="sensor 'strobe-light' is an input"):
            bench.output("strobe-light")
        with pytest.raises(MissingCapability, match="wire 'gate-loop' is not an input"):
            bench.input("gate-loop")
        with pytest.raises(MissingCapability, match=r"no device 'gate'.*gate-camera"):
            bench.device("gate")
        with pytest.raises(MissingCapability, match="reads no plates"):
            bench.show_plate("strobe", "ABC123")


def test_make_safe_goes_on_past_a_line_that_fails(caplog: pytest.LogCaptureFixture) -> None:
    with open_bench(virtual_rig()) as bench:
        for line in bench.outputs.values():
            line.activate()
        broken = bench.output("gate-loop")
        broken._device.close()  # the pin is gone: reading it raises
        with caplog.at_level(logging.ERROR):
            bench.make_safe()
        assert "could not make gate-loop (BCM 5) safe" in caplog.text
        pi = bench.site.pin_factory
        for bcm, level in bench.rig.safe_levels().items():
            if bcm != broken.bcm:
                assert pi.pin(bcm).state == (level.value == "high"), f"BCM {bcm}"


def test_a_miswired_bench_moves_the_wrong_line_and_the_inverted_level() -> None:
    # Really wired: the camera's output on BCM 27 and the barrier on BCM 17 (swapped), and the
    # PTZ camera's opto lit by a low line (the rig file says high).
    actual = rig_with(
        ("    bcm: 17\n", "    bcm: 99\n"),
        ("    bcm: 27\n", "    bcm: 17\n"),
        ("    bcm: 99\n", "    bcm: 27\n"),
        ("    bcm: 20\n    active: high", "    bcm: 20\n    active: low"),
    )
    assert actual.wires["gate-output"].bcm == 27
    with open_bench(virtual_rig(), site=VirtualSite(actual_wiring=actual)) as bench:
        site = bench.site
        assert isinstance(site, VirtualSite)
        t0 = bench.timeline.now()
        bench.device("gate-camera").io.activate(2)
        bench.input("barrier").wait_for(True, after=t0)
        assert bench.input("gate-output").edges(t0) == []
        ptz = bench.device("ptz-camera")
        assert ptz.io.check_active(1) == {1: True}  # the idle (low) line lights the opto
        bench.output("ptz-input").activate()
        site.wiring.drain()
        assert ptz.io.check_active(1) == {1: False}


def test_a_bench_is_a_context_manager_that_makes_safe_on_the_way_out() -> None:
    rig = virtual_rig()
    with open_bench(rig) as bench:
        assert isinstance(bench, Bench)
        line = bench.output("strobe-trigger")
        line.activate()
        pin = bench.site.pin_factory.pin(line.bcm)
    assert pin.state is True  # relays/2 released: active low, safe inactive
    safe = [e for e in bench.timeline.entries(kind="gpio") if e.data.get("safe") == "1"]
    assert [e.source for e in safe] == ["strobe-trigger"]


def test_an_osdp_key_from_the_environment_secures_the_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "000102030405060708090a0b0c0d0e0f"
    monkeypatch.setenv("HIL_TEST_OSDP_KEY", key)
    rig = rig_with(("  baud: 9600\n", "  baud: 9600\n  scbk_env: HIL_TEST_OSDP_KEY\n"))
    with open_bench(rig) as bench:
        reader = bench.osdp_reader("door-osdp")
        assert reader.online
        assert reader.secure
        t0 = bench.timeline.now()
        reader.present_card_number(26, 0x2F623AE)
        intercom = bench.device("intercom")
        deadline = time.monotonic() + 5
        while intercom.access.last_card() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        card = intercom.access.last_card()
        assert card is not None
        assert card.value == 0x2F623AE
        details = [e.detail for e in bench.timeline.entries(kind="osdp")]
        assert "secure channel up" in details
        assert key not in repr(reader) + repr(bench.site.osdp_link("door-osdp"))
        assert all(key not in e.line() for e in bench.timeline.entries(t0))


def test_ctrl_c_while_closing_still_makes_every_output_safe_and_stops_everything() -> None:
    bench = open_bench(virtual_rig())
    urls = [bench.device_url(name) for name in bench.rig.devices]
    pi = bench.site.pin_factory
    pins = {bcm: pi.pin(bcm) for bcm in bench.rig.safe_levels()}
    for line in bench.outputs.values():
        line.activate()

    def ctrl_c(entry: TimelineEntry) -> None:
        if entry.kind == "gpio" and entry.data.get("safe") == "1":
            unsubscribe()
            raise KeyboardInterrupt  # as a signal handler would, after the first line

    unsubscribe = bench.timeline.subscribe(ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            bench.close()
        for bcm, level in bench.rig.safe_levels().items():
            assert pins[bcm].state == (level.value == "high"), f"BCM {bcm}"
        assert all(refused(url) for url in urls)
    finally:
        bench.site.close()
