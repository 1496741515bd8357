"""Inputs that run siren and light profiles on the simulated D4200-VE, as the manual sets up.

Inputs are pressed through the test-control surface, as an external test bench would, and
virtual inputs through the VAPIX CGI a camera calls.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from axisctl.sim import Simulator
from axisctl.sim.control import is_loopback
from axisctl.sim.rules import (
    DigitalInputActive,
    Rule,
    RunProfile,
    RunProfileWhileActive,
    VirtualInputActive,
)

USER, PASSWORD = "root", "pass"
SIREN = "/axis-cgi/siren_and_light.cgi"


@pytest.fixture
def http(msim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=msim.urls[0], auth=httpx.DigestAuth(USER, PASSWORD)) as client:
        rpc(client, "setMaintenanceMode", {"maintenanceMode": False})
        for name, priority in (("A", 3), ("B", 4)):
            light = {"pattern": "Steady", "colors": ["red"], "priority": priority}
            rpc(client, "addProfile", {"name": name, "light": light})
        yield client


def rpc(http: httpx.Client, method: str, params: dict[str, Any]) -> Any:
    body = {"apiVersion": "1.0", "method": method, "params": params}
    answer = http.post(SIREN, json=body).json()
    assert "error" not in answer, answer
    return answer["data"]


def playing_profile(msim: Simulator) -> str | None:
    outputs = msim.devices[0].siren_light.outputs()  # type: ignore[union-attr]
    light = outputs["light"]
    return light.get("profile") if light else None


def press(http: httpx.Client, port: int, circuit: str) -> httpx.Response:
    return http.post(f"/axisctl-sim/io/{port}", json={"circuit": circuit})


def test_pressing_a_digital_input_runs_the_profile_while_it_is_active(
    http: httpx.Client, msim: Simulator
) -> None:
    answer = http.post(
        "/axisctl-sim/rules",
        json={
            "name": "door",
            "condition": {"type": "digital-input", "port": 1},
            "action": {"type": "run-while-active", "profile": "B"},
        },
    )
    assert answer.status_code == 200
    assert press(http, 1, "closed").json()["active"] is True
    assert playing_profile(msim) == "B"
    assert press(http, 1, "open").json()["active"] is False
    assert playing_profile(msim) is None


def test_the_manuals_two_priorities_example(http: httpx.Client, msim: Simulator) -> None:
    """A (3) started by hand, B (4) while the input is active: B shows over A, then A."""
    msim.devices[0].rules.add(Rule(DigitalInputActive(1), RunProfileWhileActive("B")))
    rpc(http, "start", {"profile": "A"})
    assert playing_profile(msim) == "A"
    press(http, 1, "closed")
    assert playing_profile(msim) == "B"
    press(http, 1, "open")
    assert playing_profile(msim) == "A"


def test_normal_state_closed_makes_an_opening_circuit_active(
    http: httpx.Client, msim: Simulator
) -> None:
    """The manual's alarm example: Normal state = Circuit closed, active when the loop opens."""
    simulated = msim.devices[0]
    simulated.rules.add(Rule(DigitalInputActive(1), RunProfileWhileActive("B")))
    press(http, 1, "closed")
    assert playing_profile(msim) == "B"
    with simulated.lock:
        simulated.params.apply({"IOPort.I0.Input.Trig": "open"})
    press(http, 1, "closed")
    assert playing_profile(msim) is None
    press(http, 1, "open")
    assert playing_profile(msim) == "B"


def test_a_port_configured_as_output_triggers_nothing(http: httpx.Client, msim: Simulator) -> None:
    simulated = msim.devices[0]
    simulated.rules.add(Rule(DigitalInputActive(2), RunProfileWhileActive("B")))
    with simulated.lock:
        simulated.params.apply({"IOPort.I1.Direction": "output"})
    assert press(http, 2, "closed").status_code == 400
    assert playing_profile(msim) is None


def test_virtual_input_runs_a_profile_while_active_and_a_timed_activation_ends_it(
    http: httpx.Client, msim: Simulator
) -> None:
    msim.devices[0].rules.add(Rule(VirtualInputActive(1), RunProfileWhileActive("B")))
    activate = "/axis-cgi/virtualinput/activate.cgi"
    assert http.get(activate, params={"schemaversion": "1", "port": "1"}).status_code == 200
    assert playing_profile(msim) == "B"
    http.get("/axis-cgi/virtualinput/deactivate.cgi", params={"schemaversion": "1", "port": "1"})
    assert playing_profile(msim) is None
    http.get(activate, params={"schemaversion": "1", "port": "1", "duration": "30"})
    msim.clock.advance(29)
    assert playing_profile(msim) == "B"
    msim.clock.advance(1)
    assert playing_profile(msim) is None


def test_start_and_stop_rules_act_on_the_rising_edge_only(
    http: httpx.Client, msim: Simulator
) -> None:
    rules = msim.devices[0].rules
    rules.add(Rule(DigitalInputActive(1), RunProfile("A", start=True)))
    rules.add(Rule(DigitalInputActive(2), RunProfile("A", start=False)))
    press(http, 1, "closed")
    press(http, 1, "open")
    assert playing_profile(msim) == "A"  # a start rule does not stop on release
    press(http, 2, "closed")
    assert playing_profile(msim) is None


def test_a_rule_for_a_deleted_profile_does_nothing_but_says_why(
    http: httpx.Client, msim: Simulator
) -> None:
    rules = msim.devices[0].rules
    rules.add(Rule(DigitalInputActive(1), RunProfileWhileActive("gone"), name="stale"))
    press(http, 1, "closed")
    assert playing_profile(msim) is None
    assert rules.log[-1].rule == "stale"
    assert rules.log[-1].error == "Requested profile is invalid"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"condition": {"type": "digital-input", "port": 9}, "action": {}}, "action"),
        ({"condition": {"type": "digital-input", "port": 0}, "action": {}}, "port"),
        ({"condition": {"type": "smoke", "port": 1}, "action": {}}, "condition.type"),
        (
            {
                "condition": {"type": "digital-input", "port": 9},
                "action": {"type": "start", "profile": "A"},
            },
            "does not exist",
        ),
        (
            {
                "condition": {"type": "virtual-input", "port": 1},
                "action": {"type": "dance", "profile": "A"},
            },
            "action.type",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_reason(
    http: httpx.Client, body: dict[str, Any], message: str
) -> None:
    answer = http.post("/axisctl-sim/rules", json=body)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert http.get("/axisctl-sim/rules").json()["rules"] == []


def test_control_surface_moves_a_manual_clock(http: httpx.Client, msim: Simulator) -> None:
    before = http.get("/axisctl-sim/clock").json()
    assert before["manual"] is True
    after = http.post("/axisctl-sim/clock", json={"advance": 90}).json()
    assert after["now"] - before["now"] == pytest.approx(90)
    assert http.post("/axisctl-sim/clock", json={"advance": -1}).status_code == 400


def test_control_surface_shows_what_the_light_and_siren_do(
    http: httpx.Client, msim: Simulator
) -> None:
    rpc(http, "start", {"profile": "B"})
    shown = http.get("/axisctl-sim/siren-light").json()
    assert shown["lightOn"] is True
    assert shown["light"]["profile"] == "B"
    assert shown["sirenOn"] is False


def test_control_surface_restart_and_factory_default(http: httpx.Client, msim: Simulator) -> None:
    assert http.post("/axisctl-sim/restart", json={"seconds": 20}).status_code == 200
    assert http.get("/axis-cgi/io/port.cgi", params={"check": "1"}).status_code == 503
    msim.clock.advance(20)
    assert http.get("/axis-cgi/io/port.cgi", params={"check": "1"}).status_code == 200
    assert http.post("/axisctl-sim/factory-default").status_code == 200
    assert msim.devices[0].siren_light is not None
    assert msim.devices[0].siren_light.maintenance


def test_control_surface_needs_an_administrator(msim: Simulator) -> None:
    assert httpx.get(msim.urls[0] + "/axisctl-sim/io").status_code == 401


@pytest.mark.parametrize(
    ("remote", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("192.168.0.10", False),
        ("fe80::1%eth0", False),
        (None, False),
        ("not-an-ip", False),
    ],
)
def test_only_loopback_clients_reach_the_control_surface(remote: str | None, allowed: bool) -> None:
    assert is_loopback(remote) is allowed


def _non_loopback_address() -> str | None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 9))  # no packet is sent; this only picks a route
        address: str = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_a_client_on_the_network_is_refused_by_the_control_surface() -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with Simulator("d4200-ve", host="0.0.0.0") as exposed:  # noqa: S104 - the point of the test
        port = exposed.urls[0].rsplit(":", 1)[1]
        auth = httpx.DigestAuth(USER, PASSWORD)
        remote = httpx.get(f"http://{address}:{port}/axisctl-sim/io", auth=auth)
        local = httpx.get(f"http://127.0.0.1:{port}/axisctl-sim/io", auth=auth)
        vapix = httpx.get(f"http://{address}:{port}/axis-cgi/io/port.cgi?check=1", auth=auth)
    assert remote.status_code == 403
    assert "loopback" in remote.json()["error"]
    assert local.status_code == 200
    assert vapix.status_code == 200


def test_control_surface_refuses_an_absurd_voltage(http: httpx.Client) -> None:
    answer = http.post("/axisctl-sim/io/1", json={"volts": 10**400})
    assert answer.status_code == 400
    assert "out of range" in answer.json()["error"]
    assert http.get("/axisctl-sim/io/1").json()["circuit"] == "open"


def test_uptime_follows_the_simulated_clock(http: httpx.Client, msim: Simulator) -> None:
    def uptime() -> int:
        answer = http.post(
            "/axis-cgi/systemready.cgi", json={"apiVersion": "1.0", "method": "systemready"}
        )
        return int(answer.json()["data"]["uptime"])

    before = uptime()
    msim.clock.advance(3600)
    assert uptime() - before == 3600
    msim.devices[0].restart(seconds=60)
    msim.clock.advance(60)
    assert uptime() == 0
