"""``device.lpr`` push profiles (``cloud*.cgi``) and settings (``config.cgi``), sync and async.

Secrets go in, are stored decoded on the camera, and never come back out.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any, TypeVar

import httpx
import pytest

from axisctl import AsyncDevice, Device, ForbiddenError
from axisctl.apis.lpr import (
    AccessControlType,
    BarrierDirection,
    BarrierMode,
    HttpAuthType,
    InvalidLprSettingError,
    ListKey,
    LprRequestRefusedError,
    LprSettings,
    PushConfig,
    PushProtocol,
)
from axisctl.errors import ConfigurationError
from axisctl.sim import Level, SimulatedDevice, Simulator
from axisctl.sim.lpr.state import LprState

T = TypeVar("T")
Dev = Device | AsyncDevice
PREFIX = "/local/fflprapp/"
SECRET = "receiver-secret-1"
KEY = "auth-key-secret-2"


async def resolve(value: T) -> Any:
    return await value if inspect.isawaitable(value) else value


def state_of(camera: SimulatedDevice) -> LprState:
    assert camera.lpr is not None
    with camera.lock:
        return copy.deepcopy(camera.lpr.state)


@pytest.fixture
def http(gate_sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gate_sim.urls[0], auth=httpx.DigestAuth("root", "pass")) as client:
        yield client


async def test_push_profiles_start_disabled(gate_dev: Dev) -> None:
    for profile in (1, 2, 3):
        assert await resolve(gate_dev.lpr.push_config(profile)) == PushConfig()


async def test_a_push_profile_is_stored_decoded_and_its_secrets_never_come_back(
    gate_dev: Dev, gate_camera: SimulatedDevice, http: httpx.Client
) -> None:
    config = PushConfig(
        "127.0.0.1:8080",
        enabled=True,
        event_update=False,
        send_images=False,
        use_multipart=False,
        user="cam1",
        password=SECRET,
        http_auth=HttpAuthType.DIGEST,
        auth_key=KEY,
        latitude=55.70421,
        longitude=13.19366,
        sensor_provider_id="gate-1",
    )
    await resolve(gate_dev.lpr.set_push_config(config, profile=2))
    stored = state_of(gate_camera).profiles[2]
    assert (stored.url, stored.user, stored.password, stored.x_auth_key) == (
        "127.0.0.1:8080",
        "cam1",
        SECRET,
        KEY,
    )
    assert (stored.enable, stored.event_update, stored.skip_image_in_post) == (True, False, True)
    assert (stored.http_auth_type, stored.latitude, stored.sensor_provider_id) == (
        1,
        "55.70421",
        "gate-1",
    )
    assert state_of(gate_camera).profiles[1].enable is False

    read = await resolve(gate_dev.lpr.push_config(2))
    assert read == dataclasses.replace(config, password=None, auth_key=None)
    raw = await asyncio.to_thread(http.get, PREFIX + "cloud2.cgi")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/xml")
    assert b"<password></password>" in raw.content or b"<password/>" in raw.content
    for secret in (SECRET, KEY):
        assert secret not in raw.text
        assert secret.encode() not in raw.content
        assert secret not in repr(config)
    # Sending the read config back keeps the secrets; "" clears one.
    await resolve(gate_dev.lpr.set_push_config(dataclasses.replace(read, url="10.0.0.5:80"), 2))
    assert state_of(gate_camera).profiles[2].password == SECRET
    await resolve(gate_dev.lpr.set_push_config(dataclasses.replace(read, password=""), 2))
    assert state_of(gate_camera).profiles[2].password == ""
    assert state_of(gate_camera).profiles[2].x_auth_key == KEY


async def test_a_tcp_profile(gate_dev: Dev, gate_camera: SimulatedDevice) -> None:
    config = PushConfig("tcp://10.1.2.3:9000", PushProtocol.TCP, enabled=True)
    await resolve(gate_dev.lpr.set_push_config(config, profile=3))
    assert state_of(gate_camera).profiles[3].protocol == 8
    assert (await resolve(gate_dev.lpr.push_config(3))).protocol is PushProtocol.TCP


async def test_bad_push_configs_are_caught_before_sending(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    with pytest.raises(InvalidLprSettingError, match="is not host:port"):
        await resolve(gate_dev.lpr.set_push_config(PushConfig("10.1.2.3", PushProtocol.TCP)))
    with pytest.raises(InvalidLprSettingError, match="not 1, 2 or 3"):
        await resolve(gate_dev.lpr.push_config(0))
    assert gate_camera.request_count(PREFIX + "cloud.cgi") == 0


async def test_settings_default_and_partial_changes(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    assert await resolve(gate_dev.lpr.settings()) == LprSettings()
    await resolve(gate_dev.lpr.set_settings(min_chars=4, strict_matching=True, ttl_s=5))
    await resolve(
        gate_dev.lpr.set_settings(
            access_control="io",
            barrier_mode=BarrierMode.OPEN_FROM_LISTS,
            barrier_lists=[ListKey.ALLOW, "custom"],
            barrier_direction="any",
            barrier_roi=1,
            pulse_ms=2500,
        )
    )
    state = state_of(gate_camera)
    assert (state.detection.min_chars, state.detection.strict_matching) == (4, True)
    assert state.detection.ttl_s == 5.0
    assert state.detection.char_deviation == 1
    access = state.access
    assert (access.type, access.barrier_mode, access.direction, access.roi) == (
        "io",
        "open_from_lists",
        "any",
        "1",
    )
    assert access.barrier_lists == frozenset({"allow", "custom"})
    assert (access.io_port, access.pulse_ms) == (2, 2500)
    settings = await resolve(gate_dev.lpr.settings())
    assert settings == LprSettings(
        min_chars=4,
        strict_matching=True,
        ttl_s=5,
        access_control=AccessControlType.IO,
        barrier_mode=BarrierMode.OPEN_FROM_LISTS,
        barrier_lists=frozenset({ListKey.ALLOW, ListKey.CUSTOM}),
        barrier_direction=BarrierDirection.ANY,
        barrier_roi="1",
        pulse_ms=2500,
    )
    # A whole LprSettings can be sent back, with keywords on top.
    await resolve(gate_dev.lpr.set_settings(settings, min_chars=6))
    assert state_of(gate_camera).detection.min_chars == 6
    assert state_of(gate_camera).access.pulse_ms == 2500


async def test_the_relay_password_is_stored_but_never_shown(
    gate_dev: Dev, gate_camera: SimulatedDevice, http: httpx.Client
) -> None:
    await resolve(
        gate_dev.lpr.set_settings(
            access_control=AccessControlType.RELAY,
            relay_url="192.168.0.20",
            relay_user="root",
            relay_password=SECRET,
            relay_port=9,
        )
    )
    assert state_of(gate_camera).access.relay_password == SECRET
    raw = await asyncio.to_thread(http.get, PREFIX + "config.cgi")
    assert SECRET not in raw.text
    assert SECRET not in repr(state_of(gate_camera).access)
    settings = await resolve(gate_dev.lpr.settings())
    assert (settings.relay_url, settings.relay_user, settings.relay_port) == (
        "192.168.0.20",
        "root",
        9,
    )


async def test_a_port_that_is_not_an_output_is_refused_by_the_camera(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    before = state_of(gate_camera)
    with pytest.raises(LprRequestRefusedError, match=r"not an output port .*outputs: 2"):
        await resolve(gate_dev.lpr.set_settings(io_port=1, pulse_ms=5000))
    assert state_of(gate_camera) == before


async def test_bad_settings_are_caught_before_sending(
    gate_dev: Dev, gate_camera: SimulatedDevice
) -> None:
    with pytest.raises(InvalidLprSettingError, match="min_chars is '11', expected") as caught:
        await resolve(gate_dev.lpr.set_settings(min_chars=11))
    assert caught.value.allowed == (1, 10)
    with pytest.raises(InvalidLprSettingError, match="barrier_direction") as caught:
        await resolve(gate_dev.lpr.set_settings(barrier_direction="both"))
    assert caught.value.allowed == ("in", "out", "any")
    with pytest.raises(ConfigurationError, match="no setting given"):
        await resolve(gate_dev.lpr.set_settings())
    assert gate_camera.request_count(PREFIX + "config.cgi") == 0


async def test_an_operator_may_not_configure_the_app(
    gate_sim: Simulator, gate_camera: SimulatedDevice
) -> None:
    gate_camera.add_account("operator", "op-pass", Level.OPERATOR)
    with (
        Device(gate_sim.urls[0], "operator", "op-pass", retries=0) as operator,
        pytest.raises(ForbiddenError),
    ):
        operator.lpr.settings()
