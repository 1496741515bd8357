"""Authentication end to end: Digest reuse, algorithms, nonces, roles, Basic and URLs.

Every test talks to a simulated device over a real loopback socket.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from axisctl import (
    AsyncDevice,
    AuthenticationError,
    ConfigurationError,
    Credentials,
    Device,
    ForbiddenError,
    digest,
    serverauth,
)
from axisctl.sim import Fault, FaultKind, Level, SimulatedDevice, Simulator
from axisctl.sim.accounts import Account, Outcome

#: The administrator of the ``sim`` fixture (tests/conftest.py).
USER = "root"
PASSWORD = "pass"
#: A parameter every viewer may read but only an administrator may change.
ADMIN_WRITABLE = "Time.POSIXTimeZone"
#: Distinctive enough that finding it anywhere in logs or messages means a leak.
WRONG_PASSWORD = "N0t-The-Secret-7Qx"

VIEWER = "viewer1"
VIEWER_PASSWORD = "vpass"


def host_port(url: str) -> str:
    """``http://127.0.0.1:8080`` -> ``127.0.0.1:8080``."""
    return url.split("://", 1)[1]


def set_policy(simulated: SimulatedDevice, policy: str) -> None:
    simulated.params.set_value("Network.HTTP.AuthenticationPolicy", policy)


class DigestSpy:
    """Wraps a simulated device's Digest verifier to record the algorithm of every answer."""

    def __init__(self, simulated: SimulatedDevice) -> None:
        self.algorithms: list[str] = []
        self._verify = simulated.digest.verify

    def __call__(
        self, header: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[Outcome, Account | None]:
        for part in header.split(","):
            key, _, value = part.strip().partition("=")
            if key.lower().endswith("algorithm"):
                self.algorithms.append(value.strip('"'))
        return self._verify(header, method, *args, **kwargs)


@pytest.fixture
def digest_spy(simulated: SimulatedDevice, monkeypatch: pytest.MonkeyPatch) -> DigestSpy:
    spy = DigestSpy(simulated)
    monkeypatch.setattr(simulated.digest, "verify", spy)
    return spy


@pytest.fixture
def viewer(sim: Simulator, simulated: SimulatedDevice) -> Iterator[Device]:
    simulated.add_account(VIEWER, VIEWER_PASSWORD, Level.VIEWER)
    with Device(sim.urls[0], VIEWER, VIEWER_PASSWORD, retries=0) as dev:
        yield dev


# --- Digest: one round trip per call ---------------------------------------------------------


def test_digest_challenge_is_reused_across_calls(
    device: Device, simulated: SimulatedDevice
) -> None:
    """Ten reads cost eleven requests: only the very first call is challenged."""
    for _ in range(10):
        assert device.params.get("Brand.ProdNbr") == simulated.spec.prod_nbr
    assert simulated.request_count() == 11
    assert simulated.status_counts() == {200: 10, 401: 1}


async def test_digest_challenge_is_reused_across_calls_async(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    for _ in range(10):
        assert await adevice.params.get("Brand.ProdNbr") == simulated.spec.prod_nbr
    assert simulated.request_count() == 11
    assert simulated.status_counts() == {200: 10, 401: 1}


def test_digest_challenge_is_shared_by_different_apis(
    device: Device, simulated: SimulatedDevice
) -> None:
    """The cached challenge is per device, not per path: other CGIs cost one request too."""
    device.params.list("Brand")
    simulated.reset_stats()
    device.info.get_all()
    device.users.list()
    device.params.brand()
    assert simulated.status_counts() == {200: 3}


# --- Digest algorithms -----------------------------------------------------------------------


@pytest.mark.parametrize("algorithms", [("SHA-256", "MD5"), ("MD5", "SHA-256")])
def test_client_picks_sha256_when_offered_with_md5(
    algorithms: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The strongest algorithm wins, whatever order the device lists them in."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD, digest_algorithms=algorithms) as sim:
        simulated = sim.devices[0]
        spy = DigestSpy(simulated)
        monkeypatch.setattr(simulated.digest, "verify", spy)
        with Device(sim.urls[0], USER, PASSWORD, retries=0) as dev:
            dev.params.brand()
            dev.params.brand()
    assert spy.algorithms == ["SHA-256", "SHA-256"]


def test_md5_only_device_gets_md5(
    device: Device, simulated: SimulatedDevice, digest_spy: DigestSpy
) -> None:
    device.params.brand()
    assert digest_spy.algorithms == ["MD5"]


@pytest.mark.parametrize("algorithm", ["SHA-256", "MD5"])
def test_single_algorithm_device_works(algorithm: str) -> None:
    with (
        Simulator("d4200-ve", user=USER, password=PASSWORD, digest_algorithms=(algorithm,)) as sim,
        Device(sim.urls[0], USER, PASSWORD, retries=0) as dev,
    ):
        for _ in range(3):
            assert dev.params.brand().prod_nbr == sim.spec.prod_nbr
        assert sim.devices[0].status_counts() == {200: 3, 401: 1}


@pytest.mark.parametrize("algorithm", ["SHA-256", "MD5"])
async def test_single_algorithm_device_works_async(algorithm: str) -> None:
    with Simulator("d4200-ve", user=USER, password=PASSWORD, digest_algorithms=(algorithm,)) as sim:
        async with AsyncDevice(sim.urls[0], USER, PASSWORD, retries=0) as dev:
            for _ in range(3):
                assert (await dev.params.brand()).prod_nbr == sim.spec.prod_nbr
        assert sim.devices[0].status_counts() == {200: 3, 401: 1}


# --- Stale and expired nonces ----------------------------------------------------------------


def test_stale_nonce_costs_one_extra_request(device: Device, simulated: SimulatedDevice) -> None:
    """A ``stale=true`` answer costs one retry with the fresh nonce; then reuse resumes."""
    device.params.brand()
    simulated.reset_stats()
    simulated.faults.add(Fault(FaultKind.STALE_NONCE, count=1))
    assert device.params.brand().prod_nbr == simulated.spec.prod_nbr
    assert simulated.status_counts() == {401: 1, 200: 1}
    device.params.brand()
    assert simulated.status_counts() == {401: 1, 200: 2}


async def test_stale_nonce_costs_one_extra_request_async(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    await adevice.params.brand()
    simulated.reset_stats()
    simulated.faults.add(Fault(FaultKind.STALE_NONCE, count=1))
    assert (await adevice.params.brand()).prod_nbr == simulated.spec.prod_nbr
    assert simulated.status_counts() == {401: 1, 200: 1}


def test_stale_nonce_on_a_write_still_applies_it_once(
    device: Device, simulated: SimulatedDevice
) -> None:
    device.params.brand()
    simulated.faults.add(Fault(FaultKind.STALE_NONCE, count=1))
    device.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert simulated.params.value(ADMIN_WRITABLE) == "CET-1CEST"


def test_expired_nonce_is_renewed(device: Device, simulated: SimulatedDevice) -> None:
    """A nonce older than the device's lifetime is refused with stale=true and renewed."""
    device.params.brand()
    simulated.digest.lifetime_s = 0.2
    simulated.reset_stats()
    # Let the cached nonce age past the lifetime; the fresh one is used at once.
    time.sleep(0.3)
    assert device.params.brand().prod_nbr == simulated.spec.prod_nbr
    assert simulated.status_counts() == {401: 1, 200: 1}


async def test_expired_nonce_is_renewed_async(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    await adevice.params.brand()
    simulated.digest.lifetime_s = 0.2
    simulated.reset_stats()
    await asyncio.sleep(0.3)
    assert (await adevice.params.brand()).prod_nbr == simulated.spec.prod_nbr
    assert simulated.status_counts() == {401: 1, 200: 1}


def test_nonces_stale_on_arrival_are_not_reported_as_role_too_low(
    device: Device, simulated: SimulatedDevice
) -> None:
    """With lifetime 0 no call can succeed, but the error must not blame the account's role."""
    device.params.brand()
    simulated.digest.lifetime_s = 0
    with pytest.raises(Exception) as caught:  # noqa: PT011 - any error but ForbiddenError
        device.params.brand()
    assert not isinstance(caught.value, ForbiddenError)


# --- Wrong password: clear error, no secret anywhere -----------------------------------------


def test_wrong_password_names_device_and_user_but_not_password(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = sim.urls[0]
    with Device(url, USER, WRONG_PASSWORD, retries=0) as dev:
        with pytest.raises(AuthenticationError) as caught:
            dev.params.list("Brand")
        text_of_device = repr(dev)
    error = caught.value
    assert host_port(url) in str(error)
    assert repr(USER) in str(error)
    assert error.device == url
    assert not isinstance(error, ForbiddenError)
    assert host_port(url) in text_of_device
    assert USER in text_of_device
    credentials = Credentials(USER, WRONG_PASSWORD)
    assert USER in repr(credentials)
    assert str(credentials) == USER
    assert caplog.records, "expected DEBUG records from the transport"
    for text in (str(error), repr(error), text_of_device, repr(credentials), caplog.text):
        assert WRONG_PASSWORD not in text


async def test_wrong_password_names_device_and_user_but_not_password_async(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = sim.urls[0]
    async with AsyncDevice(url, USER, WRONG_PASSWORD, retries=0) as dev:
        with pytest.raises(AuthenticationError) as caught:
            await dev.params.list("Brand")
        text_of_device = repr(dev)
    assert host_port(url) in str(caught.value)
    assert repr(USER) in str(caught.value)
    for text in (str(caught.value), repr(caught.value), text_of_device, caplog.text):
        assert WRONG_PASSWORD not in text


def test_unknown_user_is_an_authentication_error(sim: Simulator) -> None:
    with (
        Device(sim.urls[0], "nobody", PASSWORD, retries=0) as dev,
        pytest.raises(AuthenticationError, match="'nobody'"),
    ):
        dev.params.list("Brand")


def test_wrong_basic_password_is_not_logged_even_encoded(
    sim: Simulator, simulated: SimulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    """Basic puts the password in every request; it must not reach the logs, plain or base64."""
    set_policy(simulated, "Basic")
    caplog.set_level(logging.DEBUG)
    with (
        Device(
            sim.urls[0], USER, WRONG_PASSWORD, auth="basic", allow_basic_over_http=True, retries=0
        ) as dev,
        pytest.raises(AuthenticationError) as caught,
    ):
        dev.params.list("Brand")
    encoded = base64.b64encode(f"{USER}:{WRONG_PASSWORD}".encode()).decode()
    for text in (str(caught.value), caplog.text):
        assert WRONG_PASSWORD not in text
        assert encoded not in text


# --- Roles -----------------------------------------------------------------------------------


def test_viewer_update_is_forbidden_on_first_call(
    viewer: Device, simulated: SimulatedDevice
) -> None:
    """A role too low is told apart from a wrong password, even before any call succeeded."""
    with pytest.raises(ForbiddenError) as caught:
        viewer.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert repr(VIEWER) in str(caught.value)
    assert simulated.params.value(ADMIN_WRITABLE) == "UTC0"


def test_viewer_update_is_forbidden_after_a_successful_read(
    viewer: Device, simulated: SimulatedDevice
) -> None:
    assert viewer.params.get(ADMIN_WRITABLE) == "UTC0"
    with pytest.raises(ForbiddenError):
        viewer.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert simulated.params.value(ADMIN_WRITABLE) == "UTC0"
    # The account still works for what it may do.
    assert viewer.params.get(ADMIN_WRITABLE) == "UTC0"


async def test_viewer_update_is_forbidden_async(sim: Simulator, simulated: SimulatedDevice) -> None:
    simulated.add_account(VIEWER, VIEWER_PASSWORD, Level.VIEWER)
    async with AsyncDevice(sim.urls[0], VIEWER, VIEWER_PASSWORD, retries=0) as dev:
        with pytest.raises(ForbiddenError):
            await dev.params.update({ADMIN_WRITABLE: "CET-1CEST"})
        assert await dev.params.get(ADMIN_WRITABLE) == "UTC0"
        with pytest.raises(ForbiddenError):
            await dev.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert simulated.params.value(ADMIN_WRITABLE) == "UTC0"


def test_viewer_cannot_read_all_device_info(viewer: Device) -> None:
    """basicdeviceinfo answers a viewer with JSON error 2001, which becomes ForbiddenError."""
    with pytest.raises(ForbiddenError, match="2001"):
        viewer.info.get_all()


async def test_viewer_cannot_read_all_device_info_async(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    simulated.add_account(VIEWER, VIEWER_PASSWORD, Level.VIEWER)
    async with AsyncDevice(sim.urls[0], VIEWER, VIEWER_PASSWORD, retries=0) as dev:
        with pytest.raises(ForbiddenError, match="2001"):
            await dev.info.get_all()


def test_admin_may_update_what_viewer_may_not(device: Device, simulated: SimulatedDevice) -> None:
    device.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert simulated.params.value(ADMIN_WRITABLE) == "CET-1CEST"


# --- Basic authentication --------------------------------------------------------------------


def test_basic_over_plain_http_is_refused(sim: Simulator) -> None:
    with pytest.raises(ConfigurationError, match="allow_basic_over_http"):
        Device(sim.urls[0], USER, PASSWORD, auth="basic")


def test_basic_over_plain_http_is_refused_async(sim: Simulator) -> None:
    with pytest.raises(ConfigurationError, match="allow_basic_over_http"):
        AsyncDevice(sim.urls[0], USER, PASSWORD, auth="basic")


def test_basic_over_http_works_when_allowed(sim: Simulator, simulated: SimulatedDevice) -> None:
    """Basic is sent up front, so every call is one request and none is challenged."""
    set_policy(simulated, "Basic")
    with Device(
        sim.urls[0], USER, PASSWORD, auth="basic", allow_basic_over_http=True, retries=0
    ) as dev:
        assert dev.params.brand().prod_nbr == simulated.spec.prod_nbr
        dev.params.update({ADMIN_WRITABLE: "CET-1CEST"})
    assert simulated.params.value(ADMIN_WRITABLE) == "CET-1CEST"
    assert simulated.status_counts() == {200: 2}
    assert {r.user for r in simulated.requests} == {USER}


async def test_basic_over_http_works_when_allowed_async(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    set_policy(simulated, "Basic")
    async with AsyncDevice(
        sim.urls[0], USER, PASSWORD, auth="basic", allow_basic_over_http=True, retries=0
    ) as dev:
        assert (await dev.params.brand()).prod_nbr == simulated.spec.prod_nbr
    assert simulated.status_counts() == {200: 1}


def test_digest_client_on_basic_only_device_says_so(
    device: Device, simulated: SimulatedDevice
) -> None:
    set_policy(simulated, "Basic")
    with pytest.raises(AuthenticationError, match="offers only Basic"):
        device.params.list("Brand")


async def test_digest_client_on_basic_only_device_says_so_async(
    adevice: AsyncDevice, simulated: SimulatedDevice
) -> None:
    set_policy(simulated, "Basic")
    with pytest.raises(AuthenticationError, match="offers only Basic"):
        await adevice.params.list("Brand")


def test_digest_client_works_when_device_offers_both(
    device: Device, simulated: SimulatedDevice
) -> None:
    set_policy(simulated, "Basic_Digest")
    assert device.params.brand().prod_nbr == simulated.spec.prod_nbr


# --- Device URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize("device_class", [Device, AsyncDevice])
def test_user_info_in_url_is_refused(device_class: type[Device] | type[AsyncDevice]) -> None:
    with pytest.raises(ConfigurationError, match="credentials") as caught:
        device_class("http://root:hunter2@127.0.0.1:8080", USER, PASSWORD)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1", "rtsp://127.0.0.1:554", "127.0.0.1", "ws://127.0.0.1/"]
)
def test_non_http_scheme_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http"):
        Device(url, USER, PASSWORD)


def test_url_without_host_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="no host"):
        Device("http://", USER, PASSWORD)


@pytest.mark.parametrize(
    "url", ["ftp://root:hunter2@127.0.0.1", "root:hunter2@127.0.0.1", "http://root:hunter2@"]
)
def test_refused_url_never_echoes_a_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Device(url, USER, PASSWORD)
    assert "hunter2" not in str(caught.value)


def test_malformed_port_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        Device("http://127.0.0.1:http", USER, PASSWORD)


# --- Anonymous access ------------------------------------------------------------------------


def test_anonymous_device_reads_public_apis_only(
    sim: Simulator, simulated: SimulatedDevice
) -> None:
    with Device(sim.urls[0], retries=0) as dev:
        status = dev.system.status()
        assert status.ready
        assert not status.needs_setup
        apis = dev.discovery.list()
        assert "basic-device-info" in {entry.id for entry in apis}
        with pytest.raises(AuthenticationError, match="requires credentials"):
            dev.params.list()
        assert "user=" not in repr(dev)
    assert all(record.user is None for record in simulated.requests)


async def test_anonymous_device_reads_public_apis_only_async(sim: Simulator) -> None:
    async with AsyncDevice(sim.urls[0], retries=0) as dev:
        assert (await dev.system.status()).ready
        assert await dev.discovery.list()
        with pytest.raises(AuthenticationError, match="requires credentials"):
            await dev.params.list()


def test_half_given_credentials_are_refused(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="both"):
        Device(sim.urls[0], USER)


def test_a_flood_of_challenges_keeps_the_nonce_table_bounded() -> None:
    server = serverauth.DigestServer("flood")
    first = server.challenges()[0]
    for _ in range(serverauth.MAX_NONCES + 50):
        server.challenges()
    assert len(server._nonces) <= serverauth.MAX_NONCES
    # The oldest nonce went first: a client still holding it is told to retry (stale).
    nonce = digest.parse_auth_params(first.partition(" ")[2])["nonce"]
    assert nonce not in server._nonces
