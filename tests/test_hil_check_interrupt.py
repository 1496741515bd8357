"""Ctrl-C or SIGTERM in the middle of ``hil check``: the bench is made safe and every device
setting the check changed is put back before it exits."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from axisctl.device import Device
from axisctl.hil.bench import open_bench
from axisctl.hil.check import check_bench
from axisctl.hil.rig import virtual_rig
from axisctl.hil.timeline import TimelineEntry
from axisctl.sim import Simulator


def test_ctrl_c_while_a_relay_is_closed_leaves_the_bench_safe() -> None:
    with open_bench(virtual_rig()) as bench:
        strobe = bench.device("strobe")
        directions = strobe.io.directions(1, 2)
        interrupted = False

        def ctrl_c(entry: TimelineEntry) -> None:
            nonlocal interrupted
            what = (entry.kind, entry.source, entry.detail)
            if what == ("gpio", "strobe-trigger", "active") and not interrupted:
                interrupted = True
                raise KeyboardInterrupt

        unsubscribe = bench.timeline.subscribe(ctrl_c)
        try:
            with pytest.raises(KeyboardInterrupt):
                check_bench(bench, timeout=3.0)
        finally:
            unsubscribe()
        assert interrupted
        for name, line in bench.outputs.items():
            assert line.is_active == line.safe_active, name
        assert strobe.io.directions(1, 2) == directions


@pytest.fixture
def strobe() -> Iterator[Simulator]:
    with Simulator("d4200-ve", user="operator", password="sigterm-pw") as simulator:
        yield simulator


def test_sigterm_puts_the_devices_back(
    strobe: Simulator,
    tmp_path: Path,
    axisctl_command: list[str],
    cli_environ: Callable[[dict[str, str] | None], dict[str, str]],
    wait_until: Callable[..., None],
) -> None:
    with Device(strobe.urls[0], "operator", "sigterm-pw") as device:
        # Port 1 as an output: the check makes it the input its wire needs, for a while.
        device.io.configure(1, direction="output")
    bank = strobe.devices[0].io
    rig = tmp_path / "bench.yaml"
    rig.write_text(
        f"""
name: sigterm-bench
safe_state: inactive
devices:
  strobe:
    model: d4200-ve
    url: {strobe.urls[0]}
    credentials: {{user_env: T_USER, password_env: T_PASSWORD}}
relay_boards:
  relays: {{active: low, channels: {{1: 5}}}}
wires:
  strobe-trigger: {{device: strobe, port: 1, direction: pi-to-device, via: relay, relay: relays/1}}
""",
        encoding="utf-8",
    )
    env = cli_environ(
        {"GPIOZERO_PIN_FACTORY": "mock", "T_USER": "operator", "T_PASSWORD": "sigterm-pw"}
    )
    process = subprocess.Popen(
        [*axisctl_command, "hil", "check", "--rig", str(rig), "--timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_until(lambda: bank.direction(1) == "input", timeout=30, what="the check began")
        time.sleep(0.2)  # inside the 60 s wait for the loose wire
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert "the bench was made safe" in err
    assert bank.direction(1) == "output", "put back as it was"
    assert out == ""
