"""pwdgrp.cgi user management against the simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from axisctl import (
    AsyncDevice,
    AuthenticationError,
    Device,
    DeviceError,
    ForbiddenError,
    Role,
    User,
)
from axisctl.sim import SimulatedDevice, Simulator


@pytest.fixture
def fresh_sim() -> Iterator[Simulator]:
    """A device straight from the factory: no account at all."""
    with Simulator("d4200-ve", user=None, password=None) as simulator:
        yield simulator


def users_by_name(dev: Device) -> dict[str, User]:
    return {user.name: user for user in dev.users.list()}


def can_log_in(url: str, user: str, password: str) -> bool:
    with Device(url, user, password, retries=0) as dev:
        try:
            dev.params.get("Brand.ProdNbr")
        except AuthenticationError:
            return False
    return True


def test_list_shows_root_as_admin(device: Device) -> None:
    assert device.users.list() == [User("root", Role.ADMIN, ptz=True)]


async def test_list_async(adevice: AsyncDevice) -> None:
    assert await adevice.users.list() == [User("root", Role.ADMIN, ptz=True)]


def test_add_viewer_and_operator(device: Device, simulated: SimulatedDevice) -> None:
    device.users.add("alice", "alicepass", Role.VIEWER)
    device.users.add("bob", "bob pass!", Role.OPERATOR, ptz=True, comment="Bob")
    users = users_by_name(device)
    assert users["alice"] == User("alice", Role.VIEWER, ptz=False)
    assert users["bob"] == User("bob", Role.OPERATOR, ptz=True)
    assert users["root"].role is Role.ADMIN
    assert simulated.requests[-1].method == "POST"
    assert can_log_in(simulated.url, "alice", "alicepass")
    assert can_log_in(simulated.url, "bob", "bob pass!")


async def test_add_and_remove_async(adevice: AsyncDevice) -> None:
    await adevice.users.add("carol", "carolpass", Role.OPERATOR)
    assert User("carol", Role.OPERATOR) in await adevice.users.list()
    await adevice.users.remove("carol")
    assert [u.name for u in await adevice.users.list()] == ["root"]


def test_update_role_and_password(device: Device, simulated: SimulatedDevice) -> None:
    device.users.add("bob", "oldpass", Role.VIEWER)
    device.users.update("bob", password="newpass", role=Role.OPERATOR)
    assert users_by_name(device)["bob"].role is Role.OPERATOR
    assert can_log_in(simulated.url, "bob", "newpass")
    with (
        Device(simulated.url, "bob", "oldpass", retries=0) as old,
        pytest.raises(AuthenticationError),
    ):
        old.params.get("Brand.ProdNbr")


def test_update_role_only(device: Device) -> None:
    device.users.add("bob", "bobpass", Role.VIEWER)
    device.users.update("bob", role=Role.ADMIN, ptz=True)
    assert users_by_name(device)["bob"] == User("bob", Role.ADMIN, ptz=True)


def test_update_needs_something_to_change(device: Device) -> None:
    with pytest.raises(ValueError, match="password or role"):
        device.users.update("root")


def test_remove(device: Device, simulated: SimulatedDevice) -> None:
    device.users.add("alice", "alicepass", Role.VIEWER)
    device.users.remove("alice")
    assert "alice" not in users_by_name(device)
    assert not can_log_in(simulated.url, "alice", "alicepass")


def test_remove_missing_user(device: Device) -> None:
    with pytest.raises(DeviceError) as caught:
        device.users.remove("nobody")
    assert caught.value.method == "remove"


@pytest.mark.parametrize("name", ["root", "alice"])
def test_add_existing_user(device: Device, name: str) -> None:
    device.users.add("alice", "alicepass", Role.VIEWER)
    with pytest.raises(DeviceError) as caught:
        device.users.add(name, "another1", Role.OPERATOR)
    assert caught.value.method == "add"
    assert caught.value.api == "pwdgrp.cgi"
    assert users_by_name(device)["alice"].role is Role.VIEWER


def test_longest_password_is_accepted(device: Device, simulated: SimulatedDevice) -> None:
    password = "".join(chr(32 + i % 95) for i in range(64))
    device.users.add("long", password, Role.VIEWER)
    assert can_log_in(simulated.url, "long", password)


BAD_PASSWORDS = {
    "empty": "",
    "65-chars": "p" * 65,
    "non-ascii": "pässwörd",
    "emoji": "secret😀",
    "nul": "sec\x00ret",
    "tab": "sec\tret",
    "newline": "secret\n",
    "del": "secret\x7f",
}
PASSWORD_CALLS: dict[str, Callable[[Device, str], object]] = {
    "add": lambda d, pwd: d.users.add("newuser", pwd, Role.VIEWER),
    "update": lambda d, pwd: d.users.update("root", password=pwd),
    "initial-admin": lambda d, pwd: d.users.add(
        "admin1", pwd, Role.ADMIN, ptz=True, initial_admin=True
    ),
}


@pytest.mark.parametrize("password", BAD_PASSWORDS.values(), ids=BAD_PASSWORDS.keys())
@pytest.mark.parametrize("call", PASSWORD_CALLS.values(), ids=PASSWORD_CALLS.keys())
def test_bad_password_rejected_without_echoing_it(
    device: Device,
    simulated: SimulatedDevice,
    password: str,
    call: Callable[[Device, str], object],
) -> None:
    before = simulated.request_count()
    with pytest.raises(ValueError, match="password") as caught:
        call(device, password)
    if password:
        assert password not in str(caught.value)
        assert repr(password)[1:-1] not in repr(caught.value)
    assert simulated.request_count() == before


BAD_NAMES = ["", "a" * 15, "two words", "dash-name", "under_score", "dot.name", "jörg", "é"]
NAME_CALLS: dict[str, Callable[[Device, str], object]] = {
    "add": lambda d, name: d.users.add(name, "secret", Role.VIEWER),
    "update": lambda d, name: d.users.update(name, password="secret"),
    "remove": lambda d, name: d.users.remove(name),
}


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("call", NAME_CALLS.values(), ids=NAME_CALLS.keys())
def test_bad_user_name_rejected(
    device: Device, simulated: SimulatedDevice, name: str, call: Callable[[Device, str], object]
) -> None:
    before = simulated.request_count()
    with pytest.raises(ValueError, match="user name"):
        call(device, name)
    assert simulated.request_count() == before


def test_longest_user_name_is_accepted(device: Device) -> None:
    device.users.add("A" * 14, "secret", Role.VIEWER)
    assert "A" * 14 in users_by_name(device)


def test_initial_admin_on_new_device(fresh_sim: Simulator) -> None:
    url = fresh_sim.urls[0]
    with Device(url, retries=0) as anonymous:
        assert anonymous.system.status().needs_setup is True
        anonymous.users.add("admin1", "secret", Role.ADMIN, ptz=True, initial_admin=True)
        assert anonymous.system.status().needs_setup is False
    with Device(url, "admin1", "secret", retries=0) as admin:
        assert admin.users.list() == [User("admin1", Role.ADMIN, ptz=True)]


async def test_initial_admin_on_new_device_async(fresh_sim: Simulator) -> None:
    async with AsyncDevice(fresh_sim.urls[0], retries=0) as anonymous:
        await anonymous.users.add("root", "secret", Role.ADMIN, ptz=True, initial_admin=True)
        assert (await anonymous.system.status()).needs_setup is False


@pytest.mark.parametrize(("role", "ptz"), [(Role.ADMIN, False), (Role.OPERATOR, True)])
def test_initial_admin_must_be_admin_with_ptz(fresh_sim: Simulator, role: Role, ptz: bool) -> None:
    with Device(fresh_sim.urls[0], retries=0) as anonymous:
        with pytest.raises(AuthenticationError):
            anonymous.users.add("admin1", "secret", role, ptz=ptz, initial_admin=True)
        assert anonymous.system.status().needs_setup is True
    assert fresh_sim.devices[0].status_counts()[401] == 1


def test_operator_cannot_list_users(device: Device, simulated: SimulatedDevice) -> None:
    device.users.add("op", "oppass", Role.OPERATOR)
    with Device(simulated.url, "op", "oppass", retries=0) as operator:
        with pytest.raises(ForbiddenError) as caught:
            operator.users.list()
        assert caught.value.api == "pwdgrp.cgi"
        assert caught.value.device == operator.url
        # The account itself works for what an operator may do.
        assert operator.params.get("Brand.ProdNbr") == "D4200-VE"


async def test_viewer_cannot_add_users_async(device: Device, simulated: SimulatedDevice) -> None:
    device.users.add("view", "viewpass", Role.VIEWER)
    async with AsyncDevice(simulated.url, "view", "viewpass", retries=0) as viewer:
        with pytest.raises(ForbiddenError):
            await viewer.users.add("sneaky", "sneakypass", Role.ADMIN)
    assert "sneaky" not in users_by_name(device)
