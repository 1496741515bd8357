"""Fault injection: each simulated failure surfaces as its documented exception, and idempotent
calls recover where retries allow it while non-idempotent ones are never sent twice.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from axisctl import (
    AsyncDevice,
    ConnectionLostError,
    Device,
    DeviceTimeoutError,
    DeviceUnreachableError,
    HTTPStatusError,
    Role,
    TransportError,
)
from axisctl.sim import Fault, FaultKind, Level, SimulatedDevice, Simulator

USER = "root"
PASSWORD = "pass"
PARAM_PATH = "/axis-cgi/param.cgi"
USERS_PATH = "/axis-cgi/pwdgrp.cgi"
FAULTS_PATH = "/axisctl-sim/faults"
#: Client read timeout for the latency tests, and a server delay well beyond it.
TIMEOUT = 0.3
LATENCY = 0.8


def connect(sim: Simulator, *, retries: int, timeout: float = 5.0) -> Device:
    return Device(sim.urls[0], USER, PASSWORD, retries=retries, timeout=timeout)


def aconnect(sim: Simulator, *, retries: int, timeout: float = 5.0) -> AsyncDevice:
    return AsyncDevice(sim.urls[0], USER, PASSWORD, retries=retries, timeout=timeout)


def warm_up(dev: Device, simulated: SimulatedDevice) -> None:
    """Make one call so the Digest challenge is cached, then forget it in the request log."""
    dev.params.brand()
    simulated.reset_stats()


async def awarm_up(dev: AsyncDevice, simulated: SimulatedDevice) -> None:
    await dev.params.brand()
    simulated.reset_stats()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def statuses(simulated: SimulatedDevice, path: str = PARAM_PATH) -> list[int]:
    return [r.status for r in simulated.requests if r.path == path]


@pytest.fixture
def admin_http(sim: Simulator) -> Iterator[httpx.Client]:
    """A plain httpx client on the simulator's control surface, as administrator."""
    with httpx.Client(
        base_url=sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD), timeout=5.0
    ) as client:
        yield client


# --- Latency ---------------------------------------------------------------------------------


def test_latency_beyond_timeout_is_a_device_timeout(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    with connect(sim, retries=0, timeout=TIMEOUT) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.LATENCY, seconds=LATENCY))
        started = time.monotonic()
        with pytest.raises(DeviceTimeoutError) as caught:
            dev.params.brand()
        assert time.monotonic() - started < LATENCY
    assert caught.value.device == sim.urls[0]
    assert isinstance(caught.value, TransportError)


async def test_latency_beyond_timeout_is_a_device_timeout_async(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    async with aconnect(sim, retries=0, timeout=TIMEOUT) as dev:
        await awarm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.LATENCY, seconds=LATENCY))
        started = time.monotonic()
        with pytest.raises(DeviceTimeoutError):
            await dev.params.brand()
        assert time.monotonic() - started < LATENCY


def test_timed_out_idempotent_call_is_retried(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.faults.add(Fault(FaultKind.LATENCY, seconds=LATENCY, count=1))
    with connect(sim, retries=1, timeout=TIMEOUT) as dev:
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr


def test_latency_within_timeout_is_only_slow(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.faults.add(Fault(FaultKind.LATENCY, seconds=0.1, count=None))
    with connect(sim, retries=0, timeout=2.0) as dev:
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr


# --- HTTP errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_status_is_retried(
    sim: Simulator, simulated: SimulatedDevice, status: int
) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=status, count=1))
    with connect(sim, retries=2) as dev:
        assert dev.params.list("Brand")["Brand.ProdNbr"] == simulated.spec.prod_nbr
    assert statuses(simulated)[0] == status
    assert simulated.status_counts()[status] == 1


async def test_503_is_retried_async(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=1))
    async with aconnect(sim, retries=2) as dev:
        assert (await dev.params.list("Brand"))["Brand.ProdNbr"] == simulated.spec.prod_nbr
    assert simulated.status_counts()[503] == 1


def test_503_without_retries_is_an_http_status_error(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=1))
    with connect(sim, retries=0) as dev:
        with pytest.raises(HTTPStatusError) as caught:
            dev.params.list("Brand")
        assert caught.value.status == 503
        assert caught.value.device == sim.urls[0]
        assert statuses(simulated) == [503]
        # The fault is spent: the next call goes through.
        assert dev.params.list("Brand")


async def test_503_without_retries_is_an_http_status_error_async(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=1))
    async with aconnect(sim, retries=0) as dev:
        with pytest.raises(HTTPStatusError) as caught:
            await dev.params.list("Brand")
    assert caught.value.status == 503
    assert statuses(simulated) == [503]


def test_retries_are_bounded(sim: Simulator, simulated: SimulatedDevice) -> None:
    """A device that keeps answering 503 gets the first attempt plus ``retries`` more."""
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=None))
    with connect(sim, retries=2) as dev, pytest.raises(HTTPStatusError) as caught:
        dev.params.list("Brand")
    assert caught.value.status == 503
    assert statuses(simulated) == [503, 503, 503]


@pytest.mark.parametrize("status", [500, 501])
def test_server_error_is_not_retried(
    sim: Simulator, simulated: SimulatedDevice, status: int
) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=status, count=1))
    with connect(sim, retries=2) as dev, pytest.raises(HTTPStatusError) as caught:
        dev.params.list("Brand")
    assert caught.value.status == status
    assert statuses(simulated) == [status]


async def test_500_is_not_retried_async(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=500, count=1))
    async with aconnect(sim, retries=2) as dev:
        with pytest.raises(HTTPStatusError) as caught:
            await dev.params.list("Brand")
    assert caught.value.status == 500
    assert statuses(simulated) == [500]


def test_fault_applies_only_to_its_path(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=1, path=USERS_PATH))
    with connect(sim, retries=0) as dev:
        assert dev.params.brand()
        with pytest.raises(HTTPStatusError):
            dev.users.list()


# --- Broken connections ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.TRUNCATE])
def test_broken_connection_without_retries_is_connection_lost(
    sim: Simulator, simulated: SimulatedDevice, kind: FaultKind
) -> None:
    with connect(sim, retries=0) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(kind, count=1))
        with pytest.raises(ConnectionLostError) as caught:
            dev.params.brand()
        assert caught.value.device == sim.urls[0]
        assert len(statuses(simulated)) == 1
        # The client recovers on a new connection.
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.TRUNCATE])
def test_broken_connection_is_retried(
    sim: Simulator, simulated: SimulatedDevice, kind: FaultKind
) -> None:
    with connect(sim, retries=1) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(kind, count=1))
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr
    assert len(statuses(simulated)) == 2


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.TRUNCATE])
def test_broken_first_call_is_retried(
    sim: Simulator, simulated: SimulatedDevice, kind: FaultKind
) -> None:
    """Also when the fault hits the very first, unauthenticated request."""
    simulated.faults.add(Fault(kind, count=1))
    with connect(sim, retries=1) as dev:
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.TRUNCATE])
async def test_broken_connection_async(
    sim: Simulator, simulated: SimulatedDevice, kind: FaultKind
) -> None:
    async with aconnect(sim, retries=0) as dev:
        await awarm_up(dev, simulated)
        simulated.faults.add(Fault(kind, count=1))
        with pytest.raises(ConnectionLostError):
            await dev.params.brand()
    simulated.faults.add(Fault(kind, count=1))
    async with aconnect(sim, retries=1) as dev:
        assert (await dev.params.brand()).prod_nbr == simulated.spec.prod_nbr


def test_connection_refused_is_unreachable() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with (
        Device(url, USER, PASSWORD, retries=1) as dev,
        pytest.raises(DeviceUnreachableError) as caught,
    ):
        dev.params.brand()
    assert caught.value.device == url


async def test_connection_refused_is_unreachable_async() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    async with AsyncDevice(url, USER, PASSWORD, retries=1) as dev:
        with pytest.raises(DeviceUnreachableError) as caught:
            await dev.system.status()
    assert caught.value.device == url


# --- Non-idempotent calls are sent once ------------------------------------------------------


def test_non_idempotent_call_is_not_retried_after_503(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    with connect(sim, retries=2) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=None))
        with pytest.raises(HTTPStatusError) as caught:
            dev.users.add("alice", "alicepass1", Role.VIEWER)
    assert caught.value.status == 503
    assert statuses(simulated, USERS_PATH) == [503]
    assert "alice" not in simulated.accounts.accounts


def test_non_idempotent_param_add_is_not_retried(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    with connect(sim, retries=2) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.DROP, count=None))
        with pytest.raises(ConnectionLostError):
            dev.params.add("StreamProfile", "streamprofile", {"Name": "p1"})
    assert len(statuses(simulated)) == 1
    assert "StreamProfile.S0.Name" not in simulated.params


def test_non_idempotent_call_cut_off_mid_answer_ran_exactly_once(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    """The device created the account but the answer was cut: a retry would have repeated it."""
    with connect(sim, retries=2) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.TRUNCATE, count=1, path=USERS_PATH))
        with pytest.raises(ConnectionLostError):
            dev.users.add("alice", "alicepass1", Role.VIEWER)
        assert statuses(simulated, USERS_PATH) == [200]
        assert simulated.accounts.accounts["alice"].level is Level.VIEWER
        assert [u.name for u in dev.users.list()].count("alice") == 1


async def test_non_idempotent_call_is_not_retried_async(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    async with aconnect(sim, retries=2) as dev:
        await awarm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=None))
        with pytest.raises(HTTPStatusError):
            await dev.users.add("alice", "alicepass1", Role.VIEWER)
    assert statuses(simulated, USERS_PATH) == [503]


def test_idempotent_update_is_retried(sim: Simulator, simulated: SimulatedDevice) -> None:
    """param.cgi updates set absolute values, so they count as idempotent and are retried."""
    with connect(sim, retries=2) as dev:
        warm_up(dev, simulated)
        simulated.faults.add(Fault(FaultKind.HTTP_ERROR, status=503, count=1))
        dev.params.update({"Time.POSIXTimeZone": "CET-1CEST"})
    assert simulated.params.value("Time.POSIXTimeZone") == "CET-1CEST"
    assert statuses(simulated) == [503, 200]


# --- Faults armed over HTTP ------------------------------------------------------------------


def test_fault_armed_over_http(
    sim: Simulator, simulated: SimulatedDevice, admin_http: httpx.Client
) -> None:
    answer = admin_http.post(FAULTS_PATH, json={"kind": "http_error", "status": 503, "count": 1})
    assert answer.status_code == 200
    assert answer.json()["faults"] == [
        {"kind": "http_error", "count": 1, "path": "/", "seconds": 0.0, "status": 503}
    ]
    assert [f.kind for f in simulated.faults.active()] == [FaultKind.HTTP_ERROR]
    with connect(sim, retries=0) as dev:
        with pytest.raises(HTTPStatusError) as caught:
            dev.params.list("Brand")
        assert caught.value.status == 503
        assert dev.params.list("Brand")
    assert admin_http.get(FAULTS_PATH).json() == {"faults": []}


def test_fault_armed_over_http_is_retried(
    sim: Simulator, simulated: SimulatedDevice, admin_http: httpx.Client
) -> None:
    admin_http.post(
        FAULTS_PATH, json={"kind": "http_error", "status": 503, "count": 1}
    ).raise_for_status()
    with connect(sim, retries=2) as dev:
        assert dev.params.list("Brand")
    assert statuses(simulated)[0] == 503


def test_faults_cleared_over_http(
    sim: Simulator, simulated: SimulatedDevice, admin_http: httpx.Client
) -> None:
    admin_http.post(FAULTS_PATH, json={"kind": "drop", "count": None}).raise_for_status()
    assert admin_http.delete(FAULTS_PATH).json() == {"faults": []}
    with connect(sim, retries=0) as dev:
        assert dev.params.brand()


BAD_FAULTS: list[Any] = [
    {"kind": "earthquake"},
    {"status": 503},
    {"kind": "http_error", "status": 200},
    {"kind": "http_error", "status": "503"},
    {"kind": "http_error", "count": 0},
    {"kind": "http_error", "count": -1},
    {"kind": "latency", "seconds": -1},
    {"kind": "latency", "seconds": 601},
    {"kind": "latency", "seconds": "slow"},
    ["http_error", 503],
    "http_error",
]


@pytest.mark.parametrize("payload", BAD_FAULTS, ids=lambda p: repr(p))
def test_bad_fault_json_is_refused_and_server_keeps_running(
    sim: Simulator, simulated: SimulatedDevice, admin_http: httpx.Client, payload: Any
) -> None:
    answer = admin_http.post(FAULTS_PATH, json=payload)
    assert answer.status_code == 400
    assert answer.json()["error"]
    assert simulated.faults.active() == []
    with connect(sim, retries=0) as dev:
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr
    assert admin_http.get(FAULTS_PATH).status_code == 200


def test_malformed_json_body_is_refused(
    sim: Simulator, simulated: SimulatedDevice, admin_http: httpx.Client
) -> None:
    answer = admin_http.post(
        FAULTS_PATH, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert simulated.faults.active() == []
    with connect(sim, retries=0) as dev:
        assert dev.params.brand()


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_only_admin_may_arm_faults(sim: Simulator, simulated: SimulatedDevice, who: str) -> None:
    simulated.add_account("viewer1", "vpass", Level.VIEWER)
    auth = httpx.DigestAuth("viewer1", "vpass") if who == "viewer" else None
    with httpx.Client(base_url=sim.urls[0], auth=auth, timeout=5.0) as client:
        answer = client.post(FAULTS_PATH, json={"kind": "drop"})
    assert answer.status_code == 401
    assert simulated.faults.active() == []


async def test_fault_armed_over_http_async(sim: Simulator, simulated: SimulatedDevice) -> None:
    async with httpx.AsyncClient(
        base_url=sim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD), timeout=5.0
    ) as client:
        armed = await client.post(FAULTS_PATH, json={"kind": "http_error", "status": 503})
        assert armed.status_code == 200
        refused = await client.post(FAULTS_PATH, json={"kind": "http_error", "status": 99})
        assert refused.status_code == 400
    async with aconnect(sim, retries=0) as dev:
        with pytest.raises(HTTPStatusError) as caught:
            await dev.params.list("Brand")
        assert caught.value.status == 503
        assert await dev.params.list("Brand")
