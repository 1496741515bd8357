"""``/axis-cgi/basicdeviceinfo.cgi``: who the device is, in one JSON call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis._fields import require_dict
from axisctl.errors import MalformedResponseError
from axisctl.transport.flow import API, Flow, ModeT, operation
from axisctl.transport.jsonrpc import json_call, supported_versions

PATH = "/axis-cgi/basicdeviceinfo.cgi"
API_NAME = "basicdeviceinfo.cgi"

#: Wire name -> attribute of :class:`DeviceInfo`.
_FIELDS = {
    "ProdNbr": "prod_nbr",
    "ProdFullName": "prod_full_name",
    "ProdShortName": "prod_short_name",
    "ProdType": "prod_type",
    "ProdVariant": "prod_variant",
    "Brand": "brand",
    "SerialNumber": "serial_number",
    "Version": "version",
    "BuildDate": "build_date",
    "HardwareID": "hardware_id",
    "Architecture": "architecture",
    "Soc": "soc",
    "SocSerialNumber": "soc_serial_number",
    "WebURL": "web_url",
}


@dataclass(frozen=True)
class DeviceInfo:
    """The device's property list. Fields a firmware leaves out are ``None``.

    ``properties`` keeps every property as sent, including ones newer firmware adds.
    """

    prod_nbr: str | None = None
    prod_full_name: str | None = None
    prod_short_name: str | None = None
    prod_type: str | None = None
    prod_variant: str | None = None
    brand: str | None = None
    serial_number: str | None = None
    version: str | None = None
    build_date: str | None = None
    hardware_id: str | None = None
    architecture: str | None = None
    soc: str | None = None
    soc_serial_number: str | None = None
    web_url: str | None = None
    properties: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_property_list(cls, properties: Mapping[str, Any]) -> DeviceInfo:
        clean: dict[str, str] = {}
        for key, value in properties.items():
            if not isinstance(value, str):
                raise MalformedResponseError(
                    f"property {key!r} is {type(value).__name__}, expected a string", api=API_NAME
                )
            clean[key] = value
        known = {attr: clean[key] for key, attr in _FIELDS.items() if key in clean}
        return cls(**known, properties=clean)


def _property_list(data: dict[str, Any], method: str) -> dict[str, Any]:
    return require_dict(data, "propertyList", api=API_NAME, where=method)


class BasicDeviceInfoAPI(API[ModeT]):
    """Basic device information."""

    @operation
    def get_all(self) -> Flow[DeviceInfo]:
        """All properties (needs an operator account)."""
        data = yield from json_call(
            api=API_NAME, path=PATH, method="getAllProperties", idempotent=True
        )
        return DeviceInfo.from_property_list(_property_list(data, "getAllProperties"))

    @operation
    def get(self, names: Iterable[str]) -> Flow[DeviceInfo]:
        """Only the named properties, e.g. ``["ProdNbr", "Version"]``."""
        wanted = list(names)
        if not wanted:
            raise ValueError("name at least one property")
        data = yield from json_call(
            api=API_NAME,
            path=PATH,
            method="getProperties",
            params={"propertyList": wanted},
            idempotent=True,
        )
        return DeviceInfo.from_property_list(_property_list(data, "getProperties"))

    @operation
    def get_unrestricted(self) -> Flow[DeviceInfo]:
        """The properties any anonymous client may read (API 1.2 and later)."""
        data = yield from json_call(
            api=API_NAME, path=PATH, method="getAllUnrestrictedProperties", idempotent=True
        )
        return DeviceInfo.from_property_list(_property_list(data, "getAllUnrestrictedProperties"))

    @operation
    def supported_versions(self) -> Flow[list[str]]:
        """API versions the device speaks, e.g. ``["1.0", "1.3"]``."""
        return (yield from supported_versions(api=API_NAME, path=PATH))
