"""Shared fixtures: simulated devices served on real loopback sockets, and the CLI as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from axisctl import AsyncDevice, Device
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.clock import SimClock

USER = "root"
PASSWORD = "pass"
AXISCTL = [sys.executable, "-m", "axisctl"]


# --- simulated devices on a real clock ------------------------------------------------------


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A fresh simulated D4200-VE strobe speaker, so tests never share device state."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as simulator:
        yield simulator


@pytest.fixture
def simulated(sim: Simulator) -> SimulatedDevice:
    return sim.devices[0]


@pytest.fixture
def device(sim: Simulator) -> Iterator[Device]:
    with Device(sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def adevice(sim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(sim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def dev(
    request: pytest.FixtureRequest, device: Device, adevice: AsyncDevice
) -> Device | AsyncDevice:
    """``device`` and then ``adevice``: each test using it runs once for each client."""
    return device if request.param == "sync" else adevice


# --- simulated devices on a manual clock ----------------------------------------------------


@pytest.fixture
def clock() -> SimClock:
    """A manual clock on its own: time moves only with ``clock.advance``."""
    return SimClock(manual=True)


@pytest.fixture
def msim() -> Iterator[Simulator]:
    """A strobe speaker on a manual clock: time moves only with ``msim.clock.advance``."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD, manual_clock=True) as simulator:
        yield simulator


@pytest.fixture
def mdevice(msim: Simulator) -> Iterator[Device]:
    with Device(msim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture
async def madevice(msim: Simulator) -> AsyncIterator[AsyncDevice]:
    async with AsyncDevice(msim.urls[0], USER, PASSWORD, retries=0) as dev:
        yield dev


@pytest.fixture(params=["sync", "async"])
def mdev(
    request: pytest.FixtureRequest, mdevice: Device, madevice: AsyncDevice
) -> Device | AsyncDevice:
    """``mdevice`` and then ``madevice``, as ``dev`` is for the real-clock devices."""
    return mdevice if request.param == "sync" else madevice


# --- the command line as a real process -----------------------------------------------------


def _environ(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without any AXISCTL_* setting, then ``env`` on top."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AXISCTL_")}
    full_env.update(env or {})
    return full_env


def _run_axisctl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AXISCTL, *args],
        capture_output=True,
        text=True,
        env=_environ(env),
        timeout=60,
        check=False,
    )


def _env_for(url: str) -> dict[str, str]:
    return {"AXISCTL_DEVICE": url, "AXISCTL_USER": USER, "AXISCTL_PASSWORD": PASSWORD}


@pytest.fixture
def axisctl_command() -> list[str]:
    """The command line that starts axisctl with this interpreter, for ``subprocess.Popen``."""
    return list(AXISCTL)


@pytest.fixture
def cli_environ() -> Callable[[dict[str, str] | None], dict[str, str]]:
    """The environment the CLI runs in: ours without AXISCTL_* settings, plus the given ones."""
    return _environ


@pytest.fixture
def axisctl_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run(*args, env=None)``: axisctl run to the end, settings only from ``env``."""
    return _run_axisctl


@pytest.fixture
def cli_env_for() -> Callable[[str], dict[str, str]]:
    """The AXISCTL_* settings that point the CLI at a device URL as root."""
    return _env_for
