"""``/axis-cgi/apidiscovery.cgi``: which JSON APIs the device offers, and in which versions."""

from __future__ import annotations

import builtins
import enum
from dataclasses import dataclass
from typing import Any

from axisctl.apis._fields import require_list, require_str
from axisctl.errors import MalformedResponseError
from axisctl.transport.flow import API, Flow, ModeT, operation
from axisctl.transport.jsonrpc import json_call, supported_versions

PATH = "/axis-cgi/apidiscovery.cgi"
API_NAME = "apidiscovery.cgi"


class ApiStatus(enum.Enum):
    """Maturity of an API. Values newer firmware invents arrive as ``UNKNOWN``."""

    OFFICIAL = "official"
    RELEASED = "released"
    BETA = "beta"
    ALPHA = "alpha"
    DEPRECATED = "deprecated"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str | None) -> ApiStatus | None:
        if value is None:
            return None
        try:
            return cls(value.lower())
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class ApiEntry:
    """One API in the device's list; ``id`` is the stable key (``"basic-device-info"``)."""

    id: str
    version: str
    name: str
    doc_link: str | None = None
    status: ApiStatus | None = None
    raw_status: str | None = None

    @classmethod
    def from_json(cls, item: Any, index: int) -> ApiEntry:
        where = f"apiList[{index}]"
        if not isinstance(item, dict):
            raise MalformedResponseError(f"{where} is not an object", api=API_NAME)
        status = item.get("status")
        doc_link = item.get("docLink")
        return cls(
            id=require_str(item, "id", api=API_NAME, where=where),
            version=require_str(item, "version", api=API_NAME, where=where),
            name=require_str(item, "name", api=API_NAME, where=where),
            doc_link=doc_link if isinstance(doc_link, str) else None,
            status=ApiStatus.parse(status if isinstance(status, str) else None),
            raw_status=status if isinstance(status, str) else None,
        )


class ApiDiscoveryAPI(API[ModeT]):
    """API discovery service."""

    @operation
    def list(self) -> Flow[list[ApiEntry]]:
        """Every API the device announces."""
        data = yield from json_call(api=API_NAME, path=PATH, method="getApiList", idempotent=True)
        items = require_list(data, "apiList", api=API_NAME, where="getApiList")
        return [ApiEntry.from_json(item, index) for index, item in enumerate(items)]

    @operation
    def supported_versions(self) -> Flow[builtins.list[str]]:
        """Versions of the discovery API itself."""
        return (yield from supported_versions(api=API_NAME, path=PATH))
