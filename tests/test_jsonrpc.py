"""The JSON envelope shared by the JSON APIs (axisctl/transport/jsonrpc.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from axisctl.errors import DeviceError, ForbiddenError, MalformedResponseError
from axisctl.transport.flow import HttpResponse
from axisctl.transport.jsonrpc import build_envelope, parse_envelope

API = "basicdeviceinfo.cgi"
METHOD = "getProperties"
ALLOWED = (MalformedResponseError, DeviceError, ForbiddenError)


def response(body: Any) -> HttpResponse:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(200, {"content-type": "application/json"}, content)


def parse(body: Any) -> dict[str, Any]:
    return parse_envelope(response(body), api=API, method=METHOD)


def test_data_is_returned() -> None:
    data = {"propertyList": {"ProdNbr": "D4200-VE", "Version": "12.2.63"}}
    body = {"apiVersion": "1.3", "context": "axisctl", "method": METHOD, "data": data}
    assert parse(body) == data


def test_data_is_returned_without_method_and_context() -> None:
    # Real devices leave "method" out of get*Properties answers.
    assert parse({"apiVersion": "1.3", "data": {"propertyList": {}}}) == {"propertyList": {}}


def test_error_object_raises_device_error() -> None:
    body = {
        "apiVersion": "1.3",
        "error": {"code": 1000, "message": "Property not supported: Nope"},
    }
    with pytest.raises(DeviceError) as caught:
        parse(body)
    error = caught.value
    assert error.code == 1000
    assert error.method == METHOD
    assert error.api == API
    assert error.message == "Property not supported: Nope"
    assert "error 1000" in str(error)


def test_error_wins_over_data() -> None:
    body = {"data": {"a": 1}, "error": {"code": 8000, "message": "Internal error"}}
    with pytest.raises(DeviceError) as caught:
        parse(body)
    assert caught.value.code == 8000


def test_error_without_message_still_raises_device_error() -> None:
    with pytest.raises(DeviceError) as caught:
        parse({"error": {"code": 4002}})
    assert caught.value.code == 4002
    assert caught.value.message == "(no message)"


@pytest.mark.parametrize("code", [2001, 2105])
def test_access_forbidden_codes_raise_forbidden_error(code: int) -> None:
    with pytest.raises(ForbiddenError) as caught:
        parse({"error": {"code": code, "message": "Access forbidden"}})
    assert caught.value.api == API
    assert str(code) in caught.value.message


def test_forbidden_codes_are_per_api() -> None:
    body = {"error": {"code": 2001, "message": "Invalid parameter"}}
    with pytest.raises(DeviceError) as caught:
        parse_envelope(response(body), api=API, method=METHOD, forbidden_codes=frozenset({2105}))
    assert caught.value.code == 2001


@pytest.mark.parametrize("code", ["1000", 1000.0, True, None, [1000], {"value": 1000}])
def test_error_with_non_integer_code_is_malformed(code: Any) -> None:
    with pytest.raises(MalformedResponseError, match="integer code"):
        parse({"error": {"code": code, "message": "x"}})


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\xfd",
        b"<html><body>Error</body></html>",
        [],
        "data",
        None,
        {},
        {"data": None},
        {"data": []},
        {"data": "yes"},
        {"error": "Access forbidden"},
        {"error": [2001]},
    ],
)
def test_malformed_answers_raise_malformed_response_error(body: Any) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        parse(body)
    assert caught.value.api == API


@given(st.binary())
@example(b"\xef\xbb\xbf{}")
@example(b"\x00\x00\x00{")
@example(b'{"error": {"code": 1}}')
def test_arbitrary_bytes_raise_only_axis_errors(content: bytes) -> None:
    try:
        result = parse(content)
    except ALLOWED:
        return
    assert isinstance(result, dict)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
envelopes = st.one_of(
    json_values,
    st.builds(lambda v: {"data": v}, json_values),
    st.builds(lambda v: {"error": v}, json_values),
    st.builds(lambda c, m: {"error": {"code": c, "message": m}}, json_values, json_values),
    st.builds(lambda d, e: {"data": d, "error": e}, json_values, json_values),
)


@given(envelopes)
def test_arbitrary_json_raises_only_axis_errors(body: Any) -> None:
    try:
        result = parse(body)
    except ALLOWED:
        return
    assert isinstance(result, dict)
    assert result == body["data"]


def test_deeply_nested_json_is_malformed_not_recursion_error() -> None:
    with pytest.raises(MalformedResponseError):
        parse(b"[" * 100_000)


def test_huge_integer_is_malformed_not_value_error() -> None:
    with pytest.raises((MalformedResponseError, DeviceError)):
        parse(b'{"error": {"code": ' + b"9" * 5000 + b', "message": "x"}}')


def test_build_envelope_omits_api_version_when_none() -> None:
    body = build_envelope("getSupportedVersions", api_version=None)
    assert "apiVersion" not in body
    assert body == {"context": "axisctl", "method": "getSupportedVersions"}


def test_build_envelope_with_version_and_params() -> None:
    body = build_envelope("getProperties", {"propertyList": ["ProdNbr"]}, api_version="1.3")
    assert body == {
        "apiVersion": "1.3",
        "context": "axisctl",
        "method": "getProperties",
        "params": {"propertyList": ["ProdNbr"]},
    }
    assert build_envelope("getAllProperties")["apiVersion"] == "1.0"
    assert "params" not in build_envelope("getAllProperties")
