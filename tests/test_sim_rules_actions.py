"""Rules between devices, as a site sets them up: a camera's HTTP notification reaching a strobe
speaker, a gate camera's plate lists as a condition, and a camera's input-to-output rule.

Every rule is installed through the test-control surface and observed through its real
effect on another simulated device or a port, over HTTP.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest

from axisctl.sim import Simulator
from axisctl.sim.rules import HttpNotification, Rule, VirtualInputActive

USER, PASSWORD = "root", "pass"
SIREN = "/axis-cgi/siren_and_light.cgi"
RULES = "/axisctl-sim/rules"


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, auth=httpx.DigestAuth(USER, PASSWORD))


def rpc(http: httpx.Client, method: str, params: dict[str, Any]) -> Any:
    answer = http.post(SIREN, json={"apiVersion": "1.0", "method": method, "params": params})
    assert "error" not in answer.json(), answer.json()
    return answer.json()["data"]


@pytest.fixture
def strobe() -> Iterator[tuple[Simulator, httpx.Client]]:
    """A strobe speaker out of maintenance with profile "Alarm" and a virtual-input rule."""
    with Simulator("d4200-ve", user=USER, password=PASSWORD) as sim, client(sim.urls[0]) as http:
        rpc(http, "setMaintenanceMode", {"maintenanceMode": False})
        light = {"pattern": "Steady", "colors": ["red"], "priority": 5}
        rpc(http, "addProfile", {"name": "Alarm", "light": light})
        rule = {
            "name": "vinput 1",
            "condition": {"type": "virtual-input", "port": 1},
            "action": {"type": "run-while-active", "profile": "Alarm"},
        }
        assert http.post(RULES, json=rule).status_code == 200
        yield sim, http


@pytest.fixture
def camera() -> Iterator[tuple[Simulator, httpx.Client]]:
    with Simulator("p1455-le-3", user=USER, password=PASSWORD) as sim, client(sim.urls[0]) as http:
        yield sim, http


@pytest.fixture
def ptz() -> Iterator[tuple[Simulator, httpx.Client]]:
    with Simulator("ptz-camera", user=USER, password=PASSWORD) as sim, client(sim.urls[0]) as http:
        yield sim, http


def playing(strobe_http: httpx.Client) -> str | None:
    light = strobe_http.get("/axisctl-sim/siren-light").json()["light"]
    return light.get("profile") if light else None


def notify_rule(condition: dict[str, Any], url: str, **action: Any) -> dict[str, Any]:
    body = {"type": "http-notification", "url": url, "user": USER, "password": PASSWORD}
    body.update(action)
    return {"name": "notify", "condition": condition, "action": body}


def present(camera_http: httpx.Client, plate: str) -> None:
    answer = camera_http.post("/axisctl-sim/lpr/vehicles", json={"plate": plate})
    assert answer.json()["read"] is True


def test_a_camera_input_sets_the_strobes_virtual_input_over_http(
    camera: tuple[Simulator, httpx.Client],
    strobe: tuple[Simulator, httpx.Client],
    wait_until: Callable[..., None],
) -> None:
    """The manual's recipe: the camera's rule calls activate.cgi, the strobe's rule plays."""
    cam_sim, cam = camera
    strobe_sim, siren = strobe
    rule = notify_rule(
        {"type": "digital-input", "port": 1},
        strobe_sim.urls[0] + "/axis-cgi/virtualinput/activate.cgi",
        query="schemaversion=1&port=1",
    )
    assert cam.post(RULES, json=rule).status_code == 200
    assert playing(siren) is None
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    wait_until(lambda: playing(siren) == "Alarm", what="the strobe plays Alarm")
    assert strobe_sim.devices[0].virtual_inputs.is_active(1)
    log = cam_sim.devices[0].rules.log
    assert [f.what for f in log] == [
        f"notify GET {strobe_sim.urls[0]}/axis-cgi/virtualinput/activate.cgi",
        f"notify GET {strobe_sim.urls[0]}/axis-cgi/virtualinput/activate.cgi: done",
    ]


def test_a_notification_fires_once_per_activation(
    camera: tuple[Simulator, httpx.Client],
    strobe: tuple[Simulator, httpx.Client],
) -> None:
    cam_sim, cam = camera
    strobe_sim, _siren = strobe
    rule = notify_rule(
        {"type": "digital-input", "port": 1},
        strobe_sim.urls[0] + "/axis-cgi/virtualinput/activate.cgi?schemaversion=1",
        query="port=2",
    )
    cam.post(RULES, json=rule)
    for circuit in ("closed", "open", "closed", "closed", "open"):
        cam.post("/axisctl-sim/io/1", json={"circuit": circuit})
    assert cam_sim.devices[0].rules.wait_idle()
    answered = [
        r.status
        for r in strobe_sim.devices[0].requests
        if r.path == "/axis-cgi/virtualinput/activate.cgi"
    ]
    assert answered == [401, 200, 401, 200]  # two rising edges, each with a digest challenge
    assert strobe_sim.devices[0].virtual_inputs.is_active(2)


def test_a_blocklisted_plate_starts_a_strobe_profile_with_the_manuals_body(
    camera: tuple[Simulator, httpx.Client],
    strobe: tuple[Simulator, httpx.Client],
    wait_until: Callable[..., None],
) -> None:
    cam_sim, cam = camera
    strobe_sim, siren = strobe
    cam.get(
        "/local/fflprapp/api.cgi", params={"api": "addplate", "plate": "BAD666", "list": "block"}
    )
    cam.get(
        "/local/fflprapp/api.cgi", params={"api": "addplate", "plate": "ABC123", "list": "allow"}
    )
    body = '{  "apiVersion": "1.0",  "method": "start",  "params": {"profile": "Alarm"} }'
    rule = notify_rule(
        {"type": "plate-in-list", "list": "block"},
        strobe_sim.urls[0] + SIREN,
        method="POST",
        body=body,
    )
    assert cam.post(RULES, json=rule).json()["rules"][0]["condition"] == {
        "type": "plate-in-list",
        "list": "block",
    }
    present(cam, "ABC123")
    assert cam_sim.devices[0].rules.wait_idle()
    assert playing(siren) is None
    present(cam, "BAD666")
    wait_until(lambda: playing(siren) == "Alarm", what="the strobe plays Alarm")


@pytest.mark.parametrize(
    ("plate_list", "plates", "fires"),
    [
        ("allow", ["ABC123"], True),
        ("allow", ["BAD666", "ZZZ999"], False),
        ("unknown", ["ZZZ999"], True),
        ("unknown", ["ABC123", "BAD666"], False),
        ("custom", ["ABC123", "ZZZ999"], False),
    ],
)
def test_plate_list_conditions_follow_the_apps_list_hits(
    camera: tuple[Simulator, httpx.Client],
    ptz: tuple[Simulator, httpx.Client],
    plate_list: str,
    plates: list[str],
    fires: bool,
) -> None:
    cam_sim, cam = camera
    ptz_sim, _ = ptz
    for plate, key in (("BAD666", "block"), ("ABC123", "allow")):
        cam.get("/local/fflprapp/api.cgi", params={"api": "addplate", "plate": plate, "list": key})
    recipient = ptz_sim.urls[0] + "/axis-cgi/virtualinput/activate.cgi"
    rule = notify_rule(
        {"type": "plate-in-list", "list": plate_list}, recipient, query="schemaversion=1&port=7"
    )
    cam.post(RULES, json=rule)
    for plate in plates:
        present(cam, plate)
    assert cam_sim.devices[0].rules.wait_idle()
    assert ptz_sim.devices[0].virtual_inputs.is_active(7) is fires


def test_a_plate_list_rule_added_while_a_listed_vehicle_is_in_view_fires_at_once(
    camera: tuple[Simulator, httpx.Client], ptz: tuple[Simulator, httpx.Client]
) -> None:
    cam_sim, cam = camera
    ptz_sim, _ = ptz
    present(cam, "ZZZ999")
    recipient = ptz_sim.urls[0] + "/axis-cgi/virtualinput/activate.cgi"
    cam.post(
        RULES,
        json=notify_rule(
            {"type": "plate-in-list", "list": "unknown"}, recipient, query="schemaversion=1&port=3"
        ),
    )
    assert cam_sim.devices[0].rules.wait_idle()
    assert ptz_sim.devices[0].virtual_inputs.is_active(3)


class Recorder(BaseHTTPRequestHandler):
    """A recipient that asks for Basic credentials and records what it got."""

    seen: ClassVar[list[tuple[str, str, str, bytes]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        authorization = self.headers.get("Authorization", "")
        self.seen.append((self.command, self.path, authorization, body))
        if not authorization:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="recipient"')
        else:
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what was recorded."""


@pytest.fixture
def recipient() -> Iterator[tuple[str, list[tuple[str, str, str, bytes]]]]:
    seen: list[tuple[str, str, str, bytes]] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()
    thread.join()


def test_basic_credentials_and_a_post_body_reach_the_recipient(
    ptz: tuple[Simulator, httpx.Client],
    recipient: tuple[str, list[tuple[str, str, str, bytes]]],
) -> None:
    ptz_sim, cam = ptz
    url, seen = recipient
    rule = notify_rule(
        {"type": "digital-input", "port": 1},
        url + "/cgi-bin/notify.cgi",
        method="POST",
        body="motion=1",
        contentType="application/x-www-form-urlencoded",
        auth="basic",
    )
    cam.post(RULES, json=rule)
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    assert ptz_sim.devices[0].rules.wait_idle()
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert seen == [("POST", "/cgi-bin/notify.cgi", expected, b"motion=1")]


def test_a_request_httpx_cannot_build_fails_alone_and_later_ones_still_go_out(
    ptz: tuple[Simulator, httpx.Client],
    recipient: tuple[str, list[tuple[str, str, str, bytes]]],
) -> None:
    """A content type that is not ASCII cannot go in a header: that notification fails, the
    rule log says so, and the device's next notification is still sent."""
    ptz_sim, cam = ptz
    url, seen = recipient
    bad = notify_rule(
        {"type": "digital-input", "port": 1},
        url + "/bad",
        method="POST",
        body="x",
        contentType="application/j\u00f6son",
    )
    good = notify_rule({"type": "digital-input", "port": 2}, url + "/good")
    assert cam.post(RULES, json={**bad, "name": "bad"}).status_code == 200
    assert cam.post(RULES, json={**good, "name": "good"}).status_code == 200
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    assert ptz_sim.devices[0].rules.wait_idle()
    cam.post("/axisctl-sim/io/2", json={"circuit": "closed"})
    assert ptz_sim.devices[0].rules.wait_idle()
    assert [path for _, path, _, _ in seen] == ["/good"]
    (failed,) = [f for f in ptz_sim.devices[0].rules.log if f.rule == "bad" and f.error]
    assert "cannot send the request" in (failed.error or "")


def test_the_password_is_never_shown(
    ptz: tuple[Simulator, httpx.Client], caplog: pytest.LogCaptureFixture
) -> None:
    ptz_sim, cam = ptz
    secret = "s3cret-Pa55"
    rule = notify_rule(
        {"type": "digital-input", "port": 1},
        "http://127.0.0.1:9/unreachable",
        query="schemaversion=1&port=1",
        password=secret,
    )
    listed = cam.post(RULES, json=rule).json()
    with caplog.at_level(logging.DEBUG):
        cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
        assert ptz_sim.devices[0].rules.wait_idle()
    engine = ptz_sim.devices[0].rules
    action = engine.rules[0].action
    assert isinstance(action, HttpNotification)
    assert listed["rules"][0]["action"] == {
        "type": "http-notification",
        "method": "GET",
        "url": "http://127.0.0.1:9/unreachable",
        "query": "schemaversion=1&port=1",
        "user": USER,
        "auth": "digest",
    }
    failed = engine.log[-1]
    assert failed.what == "notify GET http://127.0.0.1:9/unreachable: failed"
    assert failed.error is not None
    assert "cannot reach" in failed.error
    shown = [repr(action), repr(action.notification()), repr(engine.rules[0]), caplog.text]
    shown += [str(f) for f in engine.log]
    assert not [text for text in shown if secret in text]
    assert "port=1" not in caplog.text  # the query string may carry a token


def test_a_ptz_cameras_input_holds_its_output_while_the_rule_is_active(
    ptz: tuple[Simulator, httpx.Client],
) -> None:
    _, cam = ptz
    ports = "/axis-cgi/io/portmanagement.cgi"
    body = {
        "apiVersion": "1.0",
        "method": "setPorts",
        "params": {"ports": [{"port": "1", "direction": "output"}]},
    }
    assert "error" not in cam.post(ports, json=body).json()
    rule = {
        "name": "input to output",
        "condition": {"type": "digital-input", "port": 1},
        "action": {"type": "output-while-active", "port": 2},
    }
    answer = cam.post(RULES, json=rule)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rules"][0]["action"] == {
        "type": "output-while-active",
        "port": 2,
        "state": "active",
    }
    assert cam.get("/axisctl-sim/io/2").json()["active"] is False
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    assert cam.get("/axisctl-sim/io/2").json()["active"] is True
    assert (
        cam.get("/axis-cgi/io/port.cgi", params={"checkactive": "2"}).text.strip() == "port2=active"
    )
    cam.post("/axisctl-sim/io/1", json={"circuit": "open"})
    assert cam.get("/axisctl-sim/io/2").json()["active"] is False


def test_an_inactive_state_rule_releases_the_output_and_clear_restores_it(
    ptz: tuple[Simulator, httpx.Client],
) -> None:
    ptz_sim, cam = ptz
    io = ptz_sim.devices[0].io
    with ptz_sim.devices[0].lock:
        ptz_sim.devices[0].params.apply({"IOPort.I2.Direction": "output"})
    io.set_output(3, True)
    rule = {
        "condition": {"type": "digital-input", "port": 1},
        "action": {"type": "output-while-active", "port": 3, "state": "inactive"},
    }
    cam.post(RULES, json=rule)
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    assert io.is_active(3) is False
    cam.post("/axisctl-sim/io/1", json={"circuit": "open"})
    assert io.is_active(3) is True
    cam.post("/axisctl-sim/io/1", json={"circuit": "closed"})
    assert cam.delete(RULES).json() == {"rules": []}
    assert io.is_active(3) is True


def test_a_device_without_light_and_siren_refuses_profile_rules_only(
    ptz: tuple[Simulator, httpx.Client],
) -> None:
    _, cam = ptz
    profile = {
        "condition": {"type": "digital-input", "port": 1},
        "action": {"type": "start", "profile": "A"},
    }
    answer = cam.post(RULES, json=profile)
    assert answer.status_code == 400
    assert "no light and siren" in answer.json()["error"]
    notify = notify_rule({"type": "virtual-input", "port": 1}, "http://127.0.0.1:9/x")
    assert cam.post(RULES, json=notify).status_code == 200


@pytest.mark.parametrize(
    ("condition", "action", "message"),
    [
        ({"type": "plate-in-list", "list": "vip"}, None, "condition.list"),
        ({"type": "plate-in-list"}, None, "condition.list"),
        ({"type": "plate-in-list", "list": "block"}, None, "no License Plate Verifier"),
        (None, {"type": "http-notification"}, "action.url"),
        (None, {"type": "http-notification", "url": "ftp://host/x"}, "action.url"),
        (None, {"type": "http-notification", "url": "http://u:p@host/x"}, "credentials"),
        (None, {"type": "http-notification", "url": "http://h/", "method": "PUT"}, "method"),
        (None, {"type": "http-notification", "url": "http://h/", "auth": "ntlm"}, "auth"),
        (None, {"type": "http-notification", "url": "http://h/", "password": "x"}, "user"),
        (None, {"type": "http-notification", "url": "http://h/", "body": 3}, "action.body"),
        (None, {"type": "http-notification", "url": "http://h:99999/"}, "port"),
        (None, {"type": "http-notification", "url": "http://h:x/"}, "port"),
        (None, {"type": "output-while-active", "port": 0}, "action.port"),
        (None, {"type": "output-while-active", "port": 2, "state": "on"}, "action.state"),
        (None, {"type": "output-while-active", "port": 9}, "does not exist"),
        (None, {"type": "output-while-active", "port": 2}, "configure it as an output"),
    ],
)
def test_bad_rules_between_devices_are_refused_with_the_reason(
    ptz: tuple[Simulator, httpx.Client],
    condition: dict[str, Any] | None,
    action: dict[str, Any] | None,
    message: str,
) -> None:
    _, cam = ptz
    body = {
        "condition": condition or {"type": "digital-input", "port": 1},
        "action": action or {"type": "http-notification", "url": "http://127.0.0.1:9/"},
    }
    answer = cam.post(RULES, json=body)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert cam.get(RULES).json()["rules"] == []


def test_rules_built_in_python_notify_too(
    ptz: tuple[Simulator, httpx.Client], strobe: tuple[Simulator, httpx.Client]
) -> None:
    ptz_sim, _ = ptz
    strobe_sim, siren = strobe
    action = HttpNotification(
        strobe_sim.urls[0] + "/axis-cgi/virtualinput/activate.cgi",
        query="schemaversion=1&port=1",
        user=USER,
        password=PASSWORD,
    )
    ptz_sim.devices[0].rules.add(Rule(VirtualInputActive(5), action, name="relay"))
    with client(ptz_sim.urls[0]) as cam:
        cam.get("/axis-cgi/virtualinput/activate.cgi", params={"schemaversion": "1", "port": "5"})
    assert ptz_sim.devices[0].rules.wait_idle()
    assert playing(siren) == "Alarm"
