"""The simulated app's ``/local/fflprapp/`` endpoints under raw HTTP: what no typed client sends.

Every refused request must answer 400 (or 404) with a plain-text reason, leave the state
exactly as it was, and leave the camera serving.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axisctl.sim import SimulatedDevice, Simulator
from axisctl.sim.lpr.state import LprState

PREFIX = "/local/fflprapp/"
DAYS = dict.fromkeys(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), True)


@pytest.fixture
def http(gate_sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gate_sim.urls[0], auth=httpx.DigestAuth("root", "pass")) as client:
        yield client


def state_of(camera: SimulatedDevice) -> LprState:
    assert camera.lpr is not None
    with camera.lock:
        return copy.deepcopy(camera.lpr.state)


def assert_refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert reason in response.text


def assert_still_serving(http: httpx.Client) -> None:
    response = http.get(PREFIX + "list_mgmt.cgi")
    assert response.status_code == 200
    assert len(response.json()["lists"]) == 3


def list_body(*lists: dict[str, Any]) -> bytes:
    return json.dumps({"lists": list(lists)}).encode()


def window(**changes: Any) -> dict[str, Any]:
    return {"enabled": True, "start_time": "480", "end_time": "1020", **DAYS, **changes}


LIST_MGMT_REFUSALS = [
    (b"{not json", "body is not JSON"),
    (b'{"lists": []}', "at least one list"),
    (b'["lists"]', "at least one list"),
    (list_body({"id": "9", "name": "x"}), "lists[0].id '9' is not a list id"),
    (list_body({"id": "1", "name": ""}), "lists[0].name is empty"),
    (list_body({"id": "1", "name": "a/b"}), "a slash"),
    (list_body({"id": "1", "mode": "deny"}), "lists[0].mode 'deny' is not allow, block or none"),
    (list_body({"id": "1", "schedule": [window(start_time="1440")]}), "past 1439"),
    (list_body({"id": "1", "schedule": [window(end_time="8:00")]}), "end_time is '8:00'"),
    (list_body({"id": "1", "schedule": [window(Mon="yes")]}), "Mon is a string"),
    (list_body({"id": "1", "schedule": "always"}), "schedule is a string, expected a list"),
    (list_body({"id": "1", "name": "A"}, {"id": "1", "name": "B"}), "appears twice"),
    # The first list is fine: it must not be renamed when the second is refused.
    (list_body({"id": "1", "name": "Residents"}, {"id": "2", "mode": "x"}), "lists[1].mode"),
    (list_body({"id": "3", "name": "Allow List"}), "taken by the allow list"),
]


@pytest.mark.parametrize(("body", "reason"), LIST_MGMT_REFUSALS)
def test_list_mgmt_refuses_bad_changes_and_changes_nothing(
    http: httpx.Client, gate_camera: SimulatedDevice, body: bytes, reason: str
) -> None:
    before = state_of(gate_camera)
    response = http.post(PREFIX + "list_mgmt.cgi", content=body)
    assert_refused(response, 400, reason)
    assert state_of(gate_camera) == before
    assert_still_serving(http)


def test_list_mgmt_swaps_names_in_one_request(
    http: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    body = list_body({"id": "1", "name": "Block list"}, {"id": 2, "name": "Allow list"})
    response = http.post(PREFIX + "list_mgmt.cgi", content=body)
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["lists"]] == [
        "Block list",
        "Allow list",
        "Custom list",
    ]
    lists = state_of(gate_camera).lists
    assert (lists["allow"].name, lists["block"].name) == ("Block list", "Allow list")


def test_a_list_is_reached_by_key_file_stem_or_display_name(
    http: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    ok = http.get(
        PREFIX + "api.cgi", params={"api": "addplate", "plate": "M SR1669,09-29-2023,car"}
    )
    assert_refused(ok, 400, "list is missing")
    for list_name in ("block", "Block list", "BLOCK_LIST"):
        response = http.get(
            PREFIX + "api.cgi",
            params={"api": "addplate", "plate": f"P-{list_name},09-29-2023,car", "list": list_name},
        )
        assert response.status_code == 200
        assert response.text == "OK"
    for path in ("block_list.cgi", "Block%20list.cgi", "block.cgi"):
        response = http.get(PREFIX + path)
        assert response.status_code == 200, path
        assert response.text.startswith(
            '<?xml version="1.0" encoding="UTF-8" ?><bw_list mode="block">'
        )
        assert "<s>P-block,09-29-2023,car</s>" in response.text
    assert_refused(http.get(PREFIX + "vip_list.cgi"), 404, "no list named 'vip_list'")
    exported = http.get(PREFIX + "api.cgi", params={"api": "exportblock"})
    assert exported.text.splitlines() == [
        "P-block,09-29-2023,car",
        "P-Block list,09-29-2023,car",
        "P-BLOCK_LIST,09-29-2023,car",
    ]


BW_LIST_REFUSALS = [
    (b"", "empty document"),
    (b"<bw_list><s>A1</s>", "not well-formed"),
    (b"<bw_list><s>A1,31-12-2023</s></bw_list>", "MM-DD-YYYY"),
    (b"<bw_list><s>ok</s><s>,,</s></bw_list>", "<s> number 2: plate is empty"),
    (b'<!DOCTYPE x [<!ENTITY e "e">]><bw_list><s>&e;</s></bw_list>', "DOCTYPE"),
    (b"<whitelist/>", "root is <whitelist>"),
]


@pytest.mark.parametrize(("body", "reason"), BW_LIST_REFUSALS)
def test_a_batch_add_with_any_bad_plate_adds_none(
    http: httpx.Client, gate_camera: SimulatedDevice, body: bytes, reason: str
) -> None:
    before = state_of(gate_camera)
    assert_refused(http.post(PREFIX + "allow_list.cgi", content=body), 400, reason)
    assert state_of(gate_camera) == before
    assert_still_serving(http)


API_REFUSALS = [
    ({}, 400, "api is missing; expected addplate, delplate"),
    ({"api": "dropall"}, 400, "api 'dropall' is unknown"),
    ({"api": "addplate", "plate": "A1,2023-09-29", "list": "allow"}, 400, "MM-DD-YYYY"),
    ({"api": "addplate", "plate": "A1", "list": "vip"}, 400, "list 'vip' is not a list"),
    ({"api": "delplate", "list": "allow"}, 400, "plate is missing"),
    ({"api": "delplate", "plate": "ZZZ", "list": "allow"}, 404, "plate 'ZZZ' is not on Allow"),
]


@pytest.mark.parametrize(("params", "status", "reason"), API_REFUSALS)
def test_api_cgi_refusals(
    http: httpx.Client,
    gate_camera: SimulatedDevice,
    params: dict[str, str],
    status: int,
    reason: str,
) -> None:
    before = state_of(gate_camera)
    assert_refused(http.get(PREFIX + "api.cgi", params=params), status, reason)
    assert state_of(gate_camera) == before


def upload(
    http: httpx.Client, command: str, data: bytes = b"", name: str = "allow_list.csv"
) -> httpx.Response:
    return http.post(
        PREFIX + "upload.cgi",
        data={"command": command, "list": name},
        files={"data": (name, data, "text/csv")},
    )


def test_upload_steps_out_of_order_are_refused(
    http: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    before = state_of(gate_camera)
    assert_refused(upload(http, "save"), 400, "no upload in progress for allow_list.csv")
    assert_refused(upload(http, "upload", b"A1\n"), 400, "send command=new first")
    assert_refused(upload(http, "append"), 400, "command 'append' is unknown")
    assert_refused(upload(http, "new", name="allow_list.txt"), 400, "is not <list>.csv")
    assert_refused(upload(http, "new", name="vip_list.csv"), 400, "'vip_list' is not a list")
    assert_refused(http.get(PREFIX + "upload.cgi"), 405, "Method Not Allowed")
    assert state_of(gate_camera) == before


def test_an_upload_with_bad_lines_lists_them_and_imports_nothing(
    http: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    before = state_of(gate_camera)
    assert upload(http, "new").status_code == 200
    assert upload(http, "upload", b"A1\nB1,2022-13").status_code == 200
    assert upload(http, "upload", b"-01\nC1,,x,y\nD1\n").status_code == 200
    response = upload(http, "save")
    assert_refused(response, 400, "2 bad lines in allow_list.csv; nothing imported")
    assert response.text.splitlines()[1:] == [
        "line 2: date '2022-13-01' is not a date in the form YYYY-MM-DD",
        "line 3: 4 fields; expected at most 3: license plate,date,description",
    ]
    assert state_of(gate_camera) == before
    # The failed save discarded the upload: nothing is left to save.
    assert_refused(upload(http, "save"), 400, "no upload in progress")


def test_an_upload_past_the_size_limit_is_discarded(
    http: httpx.Client, gate_camera: SimulatedDevice
) -> None:
    assert upload(http, "new").status_code == 200
    chunk = b"P1234567,,description\n" * 40_000  # about 880 KB
    assert upload(http, "upload", chunk).status_code == 200
    assert upload(http, "upload", chunk).status_code == 200
    assert_refused(upload(http, "upload", chunk), 400, "larger than 2097152 bytes; discarded")
    assert_refused(upload(http, "save"), 400, "no upload in progress")
    assert state_of(gate_camera).lists["allow"].entries == {}


CLOUD_REFUSALS = [
    (b"<cloud_config><url>%%%</url></cloud_config>", "<url> is not base64"),
    (b"<cloud_config><protocol>4</protocol></cloud_config>", "<protocol> is '4', expected 1"),
    (b"<cloud_config><http_auth_type>2</http_auth_type></cloud_config>", "0 (Basic), 1 (Digest)"),
    (b"<cloud_config><event_new>true</event_new></cloud_config>", "expected 0 or 1"),
    (b"<cloud_config><passwd>eA==</passwd></cloud_config>", "unknown setting <passwd>"),
    (b"<cloud_config><longitude>181</longitude></cloud_config>", "-180 to 180 degrees"),
    (b"<cloud_config><enable>1</enable><url>/w==</url></cloud_config>", "not base64 of UTF-8"),
    (b"<cloud_config><url><b>x</b></url></cloud_config>", "holds elements"),
]


@pytest.mark.parametrize(("body", "reason"), CLOUD_REFUSALS)
def test_cloud_cgi_refuses_bad_values_and_changes_nothing(
    http: httpx.Client, gate_camera: SimulatedDevice, body: bytes, reason: str
) -> None:
    before = state_of(gate_camera)
    assert_refused(http.post(PREFIX + "cloud3.cgi", content=body), 400, reason)
    assert state_of(gate_camera) == before


def test_cloud_cgi_takes_partial_posts(http: httpx.Client, gate_camera: SimulatedDevice) -> None:
    body = (
        b"<cloud_config><url>aHR0cDovLzEwLjAuNS4yMjM6NTAwMg==</url><enable>1</enable>"
        b"</cloud_config>"
    )
    assert http.post(PREFIX + "cloud.cgi", content=body).text == "OK"
    profile = state_of(gate_camera).profiles[1]
    assert (profile.url, profile.enable, profile.protocol, profile.event_new) == (
        "http://10.0.5.223:5002",
        True,
        1,
        True,
    )


CONFIG_REFUSALS = [
    (b"<configuration><min_chars>0</min_chars></configuration>", "whole number 1-10"),
    (b"<configuration><sensitivity>1.01</sensitivity></configuration>", "number 0-1"),
    (b"<configuration><barrier_lists>allow,vip</barrier_lists></configuration>", "'vip'"),
    (b"<configuration><barrier_roi>3</barrier_roi></configuration>", "all | 1 | 2"),
    (b"<configuration><relay_password>***</relay_password></configuration>", "not base64"),
    (b"<configuration><ttl>10</ttl><io_port>1</io_port></configuration>", "not an output port"),
]


@pytest.mark.parametrize(("body", "reason"), CONFIG_REFUSALS)
def test_config_cgi_refuses_bad_values_and_changes_nothing(
    http: httpx.Client, gate_camera: SimulatedDevice, body: bytes, reason: str
) -> None:
    before = state_of(gate_camera)
    assert_refused(http.post(PREFIX + "config.cgi", content=body), 400, reason)
    assert state_of(gate_camera) == before


EVENTS_REFUSALS = [
    ("events.cgi", {"timestampfrom": "yesterday"}, 400, "timestampfrom 'yesterday'"),
    ("events.cgi", {"direction": "3"}, 400, "0 (unknown), 1 (in) or 2 (out)"),
    ("events.cgi", {"list": "vip"}, 400, "allow, block, custom or none"),
    ("search.cgi", {"roi": "0"}, 400, "roi '0' is not 1 or 2"),
    ("events.cgi", {"limit": "5000"}, 400, "limit '5000' is not a whole number 0-1000"),
    ("tools.cgi", {}, 400, "action is missing"),
    ("tools.cgi", {"action": "getImage"}, 400, "name is missing"),
    ("tools.cgi", {"action": "getImage", "name": "1/none.jpg"}, 404, "no image '1/none.jpg'"),
]


@pytest.mark.parametrize(("cgi", "params", "status", "reason"), EVENTS_REFUSALS)
def test_event_log_refusals(
    http: httpx.Client, cgi: str, params: dict[str, str], status: int, reason: str
) -> None:
    assert_refused(http.get(PREFIX + cgi, params=params), status, reason)


def test_wrong_methods_are_405(http: httpx.Client) -> None:
    for cgi in ("events.cgi", "list_mgmt.cgi", "config.cgi", "allow_list.cgi"):
        response = http.delete(PREFIX + cgi)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_every_path_needs_an_administrator(gate_sim: Simulator) -> None:
    with httpx.Client(base_url=gate_sim.urls[0]) as anonymous:
        assert anonymous.get(PREFIX + "list_mgmt.cgi").status_code == 401
        assert anonymous.get(PREFIX + "no_such.cgi").status_code == 401


POST_ENDPOINTS = [
    "list_mgmt.cgi",
    "allow_list.cgi",
    "cloud.cgi",
    "config.cgi",
    "upload.cgi?command=save&list=allow_list.csv",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(POST_ENDPOINTS),
    st.binary(max_size=200)
    | st.sampled_from(
        [b"<cloud_config>", b"<configuration><ttl>", b'{"lists": [{"id": "1"}]}']
    ).flatmap(lambda head: st.binary(max_size=60).map(lambda tail: head + tail)),
    st.sampled_from(["application/xml", "application/json", "multipart/form-data; boundary=x"]),
)
def test_garbage_bodies_never_break_the_camera_or_its_state(
    http: httpx.Client,
    gate_camera: SimulatedDevice,
    endpoint: str,
    body: bytes,
    content_type: str,
) -> None:
    before = state_of(gate_camera)
    response = http.post(PREFIX + endpoint, content=body, headers={"Content-Type": content_type})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.text.strip()
        assert state_of(gate_camera) == before
    assert_still_serving(http)
