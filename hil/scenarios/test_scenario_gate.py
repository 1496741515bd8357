"""Gate: the License Plate Verifier opens the barrier for a known vehicle, and for a blocked one
sets off the strobe instead.

The gate camera's barrier mode is "Open from lists" through the I/O relay module (relay 1,
port 9, sensed on the ``barrier`` wire). What each test needs and measures:
docs/hil-scenarios.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from axisctl.device import Device
from axisctl.hil.bench import Bench
from axisctl.hil.setup_checks import IO_TOPIC, data_is, port_state, record_chain
from axisctl.hil.setup_common import account_of
from axisctl.hil.setup_gate import RELAY_1_PORT, prepare_gate
from axisctl.hil.setup_rules import BLOCK_TO_STROBE, block_to_strobe
from axisctl.hil.setup_strobe import FLASHING, prepare_strobe

pytestmark = pytest.mark.rig_requires(
    "device:gate-camera", "device:relay-module", "plate-display", "wire:barrier"
)

#: Far apart (edit distance 5), so neither matches the other's list within the app's
#: default one-character deviation.
ALLOWED = "HILALLOW1"
BLOCKED = "HILBLOCK2"
#: How long the relay module holds the barrier relay closed, and how far the pulse the Pi
#: measures may be from it: each edge is stamped when the Pi sees it (relay bounce, the
#: module's timer, the virtual rig's bridges), see the door scenario's tolerance.
PULSE_MS = 1000
PULSE_TOLERANCE_S = 0.3
#: The barrier opens at the read that learns the direction: the camera's second read, half a
#: second after the first on the virtual rig. A vehicle that has not opened it this long
#: after it was shown never will.
DECISION_S = 2.0
TIMEOUT_S = 5.0
ALPV = "tnsaxis:CameraApplicationPlatform/ALPV."


@pytest.fixture
def gate(bench: Bench) -> Iterator[Device]:
    """The camera with ALLOWED on the allow list, BLOCKED on the block list, and the barrier
    opened from lists through the relay module's relay 1."""
    camera = bench.device("gate-camera")
    user, password = account_of(bench.device("relay-module"))
    undo = prepare_gate(
        camera,
        allow=[ALLOWED],
        block=[BLOCKED],
        relay_url=bench.device_url("relay-module"),
        relay_user=user,
        relay_password=password,
        relay_port=RELAY_1_PORT,
        pulse_ms=PULSE_MS,
        direction="in",
        ttl_s=2,
    )
    yield camera
    undo()


def test_an_allowlisted_plate_opens_the_barrier(bench: Bench, gate: Device) -> None:
    """Plate shown → ALPV.Allow_list → relay module's relay 1 → barrier wire, for the pulse."""
    barrier = bench.input("barrier")
    t0 = bench.show_plate("gate-camera", ALLOWED, direction="in")
    t1 = bench.events("gate-camera").wait_for(
        ALPV + "Allow_list", after=t0, timeout=TIMEOUT_S, where=data_is(active="1")
    )
    t2 = bench.events("relay-module").wait_for(
        IO_TOPIC, after=t0, timeout=TIMEOUT_S, where=port_state(RELAY_1_PORT, True)
    )
    t3 = barrier.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(
        bench.timeline,
        [("plate shown", t0), ("allow list event", t1), ("relay event", t2), ("barrier open", t3)],
    )
    t4 = barrier.wait_for(False, after=t3, timeout=PULSE_MS / 1000 + TIMEOUT_S)
    bench.timeline.latency("barrier pulse", t3, t4)
    assert t4 - t3 == pytest.approx(PULSE_MS / 1000, abs=PULSE_TOLERANCE_S)


@pytest.mark.rig_requires("device:strobe", "sensor:strobe-light", BLOCK_TO_STROBE.capability)
def test_a_blocklisted_plate_starts_the_strobe_and_not_the_barrier(
    bench: Bench, gate: Device
) -> None:
    """Plate shown → ALPV.Block_list → camera rule → HTTP POST siren_and_light.cgi → strobe
    flashing, seen by the light sensor; the barrier stays closed."""
    strobe = bench.device("strobe")
    with prepare_strobe(strobe):
        try:
            _blocklisted_plate(bench, strobe)
        finally:
            strobe.siren_light.stop_all()


def _blocklisted_plate(bench: Bench, strobe: Device) -> None:
    """The blocklisted plate's run, on a strobe prepared by the caller."""
    user, password = account_of(strobe)
    rule = block_to_strobe(bench.device_url("strobe"), user, password)
    bench.install_rule("gate-camera", BLOCK_TO_STROBE.name, rule)
    barrier = bench.input("barrier")
    light = bench.input("strobe-light")

    t0 = bench.show_plate("gate-camera", BLOCKED, direction="in")
    t1 = bench.events("gate-camera").wait_for(
        ALPV + "Block_list", after=t0, timeout=TIMEOUT_S, where=data_is(active="1")
    )
    t2 = bench.events("strobe").wait_for(
        "tnsaxis:Light/Status", after=t0, timeout=TIMEOUT_S, where=data_is(state="ON")
    )
    t3 = light.wait_for(True, after=t0, timeout=TIMEOUT_S)
    record_chain(
        bench.timeline,
        [("plate shown", t0), ("block list event", t1), ("strobe light status", t2),
         ("light on", t3)],
    )  # fmt: skip
    showing = strobe.siren_light.status().light_showing
    assert showing is not None
    assert showing.profile == FLASHING.name

    time.sleep(max(0.0, DECISION_S - (bench.timeline.now() - t0)))
    assert barrier.edges(since=t0) == [], "the barrier moved for a blocklisted plate"
