"""HTTPS end to end: verification on by default, certificate pinning and a custom CA bundle.

The simulator serves a freshly generated self-signed certificate. Its default policy
("Recommended") offers only Basic over HTTPS, which is what most tests use; the Digest tests
switch the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from axisctl import (
    AsyncDevice,
    CertificatePinMismatchError,
    ConfigurationError,
    Device,
    TLSError,
)
from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.certs import generate

USER = "root"
PASSWORD = "pass"
#: A well-formed pin that matches no certificate the simulator generates.
OTHER_PIN = "00" * 32


@pytest.fixture
def tls_sim() -> Iterator[Simulator]:
    with Simulator("d4200-ve", user=USER, password=PASSWORD, https=True) as simulator:
        yield simulator


@pytest.fixture
def tls_device(tls_sim: Simulator) -> SimulatedDevice:
    return tls_sim.devices[0]


def fingerprint(sim: Simulator) -> str:
    assert sim.certificate is not None
    return sim.certificate.sha256


def colon_upper(hex_fingerprint: str) -> str:
    """``abcd...`` -> ``AB:CD:...``, the way browsers and openssl print fingerprints."""
    return ":".join(hex_fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


def credentialed_requests(simulated: SimulatedDevice) -> list[str]:
    return [f"{r.method} {r.path}" for r in simulated.requests if r.user is not None]


def test_simulator_serves_https(tls_sim: Simulator) -> None:
    assert tls_sim.urls[0].startswith("https://")
    assert len(fingerprint(tls_sim)) == 64


# --- Default verification --------------------------------------------------------------------


def test_self_signed_certificate_is_refused_by_default(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    with (
        Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", retries=2) as dev,
        pytest.raises(TLSError) as caught,
    ):
        dev.params.brand()
    assert not isinstance(caught.value, CertificatePinMismatchError)
    assert caught.value.device == tls_sim.urls[0]
    assert tls_device.requests == []


async def test_self_signed_certificate_is_refused_by_default_async(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    async with AsyncDevice(tls_sim.urls[0], USER, PASSWORD, auth="basic") as dev:
        with pytest.raises(TLSError) as caught:
            await dev.params.brand()
    assert not isinstance(caught.value, CertificatePinMismatchError)
    assert tls_device.requests == []


# --- Pinning ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["lower-hex", "colon-upper"])
def test_matching_pin_is_accepted(tls_sim: Simulator, form: str) -> None:
    pin = fingerprint(tls_sim)
    if form == "colon-upper":
        pin = colon_upper(pin)
    with Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=pin) as dev:
        assert dev.params.brand().prod_nbr == tls_sim.spec.prod_nbr


@pytest.mark.parametrize("form", ["lower-hex", "colon-upper"])
async def test_matching_pin_is_accepted_async(tls_sim: Simulator, form: str) -> None:
    pin = fingerprint(tls_sim)
    if form == "colon-upper":
        pin = colon_upper(pin)
    async with AsyncDevice(tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=pin) as dev:
        assert (await dev.params.brand()).prod_nbr == tls_sim.spec.prod_nbr


def test_pin_with_digest_policy(tls_sim: Simulator, tls_device: SimulatedDevice) -> None:
    """Digest over HTTPS works once the device's policy offers it; reuse still applies."""
    tls_device.params.set_value("Network.HTTP.AuthenticationPolicy", "Digest")
    with Device(tls_sim.urls[0], USER, PASSWORD, pin_sha256=fingerprint(tls_sim)) as dev:
        for _ in range(3):
            assert dev.params.brand().prod_nbr == tls_sim.spec.prod_nbr
    assert tls_device.status_counts() == {401: 1, 200: 3}


async def test_pin_with_digest_policy_async(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    tls_device.params.set_value("Network.HTTP.AuthenticationPolicy", "Digest")
    async with AsyncDevice(tls_sim.urls[0], USER, PASSWORD, pin_sha256=fingerprint(tls_sim)) as dev:
        assert (await dev.params.brand()).prod_nbr == tls_sim.spec.prod_nbr


def test_wrong_pin_fails_before_credentials_are_sent(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    """Basic sends the password with the first request, so the pin must stop it before that."""
    with (
        Device(
            tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=OTHER_PIN, retries=2
        ) as dev,
        pytest.raises(CertificatePinMismatchError) as caught,
    ):
        dev.params.brand()
    assert fingerprint(tls_sim) in str(caught.value)
    assert caught.value.device == tls_sim.urls[0]
    assert credentialed_requests(tls_device) == []
    assert tls_device.requests == []


async def test_wrong_pin_fails_before_credentials_are_sent_async(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    async with AsyncDevice(
        tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=OTHER_PIN, retries=2
    ) as dev:
        with pytest.raises(CertificatePinMismatchError) as caught:
            await dev.params.brand()
    assert fingerprint(tls_sim) in str(caught.value)
    assert credentialed_requests(tls_device) == []
    assert tls_device.requests == []


def test_wrong_pin_is_a_tls_error(tls_sim: Simulator) -> None:
    """Code that catches TLSError also catches a pin mismatch."""
    with (
        Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=OTHER_PIN) as dev,
        pytest.raises(TLSError),
    ):
        dev.system.status()


def test_pin_of_another_certificate_is_refused(
    tls_sim: Simulator, tls_device: SimulatedDevice
) -> None:
    other = generate("another device").sha256
    with (
        Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=other) as dev,
        pytest.raises(CertificatePinMismatchError),
    ):
        dev.params.brand()
    assert credentialed_requests(tls_device) == []


@pytest.mark.parametrize(
    "pin",
    [
        "",
        "abc",
        "00" * 31,  # 31 bytes
        "00" * 33,
        "zz" * 32,  # not hex
        "sha1:" + "00" * 20,
    ],
)
@pytest.mark.parametrize("device_class", [Device, AsyncDevice])
def test_malformed_pin_is_a_configuration_error(
    tls_sim: Simulator, pin: str, device_class: type[Device] | type[AsyncDevice]
) -> None:
    with pytest.raises(ConfigurationError, match="SHA-256"):
        device_class(tls_sim.urls[0], USER, PASSWORD, auth="basic", pin_sha256=pin)


# --- CA bundle -------------------------------------------------------------------------------


def test_ca_bundle_trusts_the_device(tls_sim: Simulator, tmp_path: Path) -> None:
    assert tls_sim.certificate is not None
    cert_path, _ = tls_sim.certificate.write_pem(tmp_path)
    with Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", ca_bundle=cert_path) as dev:
        assert dev.params.brand().prod_nbr == tls_sim.spec.prod_nbr


async def test_ca_bundle_trusts_the_device_async(tls_sim: Simulator, tmp_path: Path) -> None:
    assert tls_sim.certificate is not None
    cert_path, _ = tls_sim.certificate.write_pem(tmp_path)
    async with AsyncDevice(
        tls_sim.urls[0], USER, PASSWORD, auth="basic", ca_bundle=str(cert_path)
    ) as dev:
        assert (await dev.params.brand()).prod_nbr == tls_sim.spec.prod_nbr


def test_ca_bundle_of_another_device_is_refused(
    tls_sim: Simulator, tls_device: SimulatedDevice, tmp_path: Path
) -> None:
    cert_path, _ = generate("another device").write_pem(tmp_path)
    with (
        Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", ca_bundle=cert_path) as dev,
        pytest.raises(TLSError),
    ):
        dev.params.brand()
    assert tls_device.requests == []


def test_missing_ca_bundle_is_a_configuration_error(tls_sim: Simulator, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not a file"):
        Device(tls_sim.urls[0], USER, PASSWORD, auth="basic", ca_bundle=tmp_path / "missing.pem")
