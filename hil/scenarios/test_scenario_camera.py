"""Camera: the latency of an input-to-output action rule on the PTZ camera's terminal block.

The Pi drives the camera's input (``ptz-input``, through an optocoupler); an action rule
holds the camera's output active while the input is (``ptz-output``, sensed through an
optocoupler). Each cycle measures input edge → input event → output edge, on and off.
What it needs and measures: docs/hil-scenarios.md.
"""

from __future__ import annotations

import pytest

from axisctl.hil.bench import Bench
from axisctl.hil.setup_checks import IO_TOPIC, port_state, record_chain
from axisctl.hil.setup_ports import configure_ports
from axisctl.hil.setup_rules import INPUT_TO_OUTPUT, input_to_output

pytestmark = pytest.mark.rig_requires(
    "device:ptz-camera", "wire:ptz-input", "wire:ptz-output", INPUT_TO_OUTPUT.capability
)

#: Input cycles measured: a few samples of the latency, not one lucky one.
CYCLES = 3
TIMEOUT_S = 5.0


def test_input_to_output_rule_latency(bench: Bench) -> None:
    camera = bench.device("ptz-camera")
    input_port = bench.rig.wires["ptz-input"].port
    output_port = bench.rig.wires["ptz-output"].port
    undo = configure_ports(camera, inputs=[input_port], outputs=[output_port])
    try:
        rule = input_to_output(input_port, output_port)
        bench.install_rule("ptz-camera", INPUT_TO_OUTPUT.name, rule)
        line_in = bench.output("ptz-input")
        line_out = bench.input("ptz-output")
        events = bench.events("ptz-camera")
        assert not line_out.is_active, "the camera's output is active before its input"
        for _cycle in range(CYCLES):
            for active, verb in ((True, "on"), (False, "off")):
                t0 = line_in.activate() if active else line_in.deactivate()
                t1 = events.wait_for(
                    IO_TOPIC, after=t0, timeout=TIMEOUT_S, where=port_state(input_port, active)
                )
                t2 = line_out.wait_for(active, after=t0, timeout=TIMEOUT_S)
                record_chain(
                    bench.timeline,
                    [(f"input {verb}", t0), (f"input event {verb}", t1), (f"output {verb}", t2)],
                )
                assert line_out.is_active is active
    finally:
        bench.output("ptz-input").deactivate()
        undo()
