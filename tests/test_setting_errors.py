"""Each API's "invalid setting" error names its API unless told otherwise."""

from __future__ import annotations

import pytest

from axisctl.apis.access.errors import IDPOINT_API, InvalidAccessSettingError
from axisctl.apis.lpr.errors import API_NAME as LPR_API
from axisctl.apis.lpr.errors import InvalidLprSettingError
from axisctl.apis.mqtt.errors import CLIENT_API, InvalidMqttSettingError
from axisctl.apis.sirenlight.errors import API_NAME as SIREN_API
from axisctl.apis.sirenlight.errors import InvalidProfileError
from axisctl.errors import InvalidSettingValueError


@pytest.mark.parametrize(
    ("kind", "api"),
    [
        (InvalidAccessSettingError, IDPOINT_API),
        (InvalidLprSettingError, LPR_API),
        (InvalidMqttSettingError, CLIENT_API),
        (InvalidProfileError, SIREN_API),
    ],
)
def test_an_api_s_setting_error_names_its_api(
    kind: type[InvalidSettingValueError], api: str
) -> None:
    error = kind("out of range", field="level", value=9, allowed=(1, 2))
    assert error.api == api
    assert str(error).startswith(f"{api}: ")
    assert (error.field, error.value, error.allowed) == ("level", 9, (1, 2))
    assert kind("x", field="f", api="other.cgi").api == "other.cgi"


def test_the_generic_error_names_no_api_unless_given() -> None:
    assert InvalidSettingValueError("x", field="f").api is None
