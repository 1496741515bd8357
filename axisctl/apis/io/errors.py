"""The errors of the I/O port APIs, and how setPorts' per-port failures are read."""

from __future__ import annotations

import json
from typing import Any

from axisctl.apis.io.models import MANAGEMENT_API, PortFailure, port_index
from axisctl.errors import DeviceError
from axisctl.transport.flow import HttpResponse

#: The error code of setStateSequence while another sequence runs on the port.
SEQUENCE_ONGOING = 2200


class PortConfigurationError(DeviceError):
    """setPorts failed for some ports or properties; the device applied the rest.

    ``failures`` lists every failure the device reported, the first one included.
    """

    def __init__(self, message: str, *, code: int, failures: tuple[PortFailure, ...]) -> None:
        super().__init__(message, code=code, method="setPorts", api=MANAGEMENT_API)
        self.failures = failures

    def __str__(self) -> str:
        base = super().__str__()
        parts = []
        for failure in self.failures:
            port = f"port {failure.number}" if failure.number is not None else "a port"
            prop = f" ({failure.property_name})" if failure.property_name else ""
            parts.append(f"{port}{prop}: {failure.message}")
        return f"{base} ({'; '.join(parts)})" if parts else base


class SequenceOngoingError(DeviceError):
    """setStateSequence refused: a sequence already runs on that port (error 2200)."""


def _failure(item: Any) -> PortFailure | None:
    if not isinstance(item, dict):
        return None
    code = item.get("code")
    message = item.get("message")
    details = item.get("details")
    port = details.get("port") if isinstance(details, dict) else None
    prop = details.get("propertyName") if isinstance(details, dict) else None
    index = port_index(port)
    return PortFailure(
        code=code if isinstance(code, int) and not isinstance(code, bool) else 0,
        message=message if isinstance(message, str) else "(no message)",
        number=None if index is None else index + 1,
        property_name=prop if isinstance(prop, str) else None,
    )


def _raise_port_failures(response: HttpResponse) -> None:
    """Turn setPorts' per-port ``details``/``errors`` into :class:`PortConfigurationError`.

    Anything else (success, a whole-request error, a malformed answer) is left to
    :func:`parse_envelope`.
    """
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return
    code = error.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        return
    failures = [_failure(error)]
    rest = error.get("errors")
    if isinstance(rest, list):
        failures += [_failure(item) for item in rest]
    reported = tuple(f for f in failures if f is not None)
    if not any(f.number is not None for f in reported):
        # A whole-request error such as 2103 with details {"missing_element": "ports"}.
        return
    message = error.get("message")
    raise PortConfigurationError(
        message if isinstance(message, str) else "(no message)", code=code, failures=reported
    )
