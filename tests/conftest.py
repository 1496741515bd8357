"""Shared fixtures: simulated devices served on real loopback sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from axisctl import AsyncDevice, Device
from axisctl.sim import SimulatedDevice, Simulator

USER = "root"
PASSWORD = "pass"


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
