"""portmanagement.cgi setPorts: validating the entries and the per-port failures.

Validation only reads the bank; :meth:`IOBank.set_ports` applies the plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from axisctl.codecs import param_text
from axisctl.sim.catalog import IOPortSpec
from axisctl.sim.io.ports import CLOSED, INPUT, OPEN, OUTPUT, other, param_name

#: Longest name or usage setPorts accepts; matches the IOPort parameters' limit.
MAX_TEXT = 64

#: The general error codes of portmanagement.cgi that setPorts reports per port.
INVALID_VALUE = 2104

_SETTABLE = ("port", "name", "usage", "direction", "normalState", "state")


@dataclass(frozen=True)
class PortSettingError:
    """One failure of setPorts, in the shape of the documented ``details``."""

    code: int
    message: str
    port: str | None = None
    property_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        details: dict[str, str] = {}
        if self.port is not None:
            details["port"] = self.port
        if self.property_name is not None:
            details["propertyName"] = self.property_name
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if details:
            body["details"] = details
        return body


@dataclass
class PortPlan:
    """The validated part of one setPorts entry."""

    index: int
    updates: dict[str, str] = field(default_factory=dict)
    state: str | None = None


def plan_ports(
    entries: Sequence[Any],
    ports: Sequence[IOPortSpec],
    direction: Callable[[int], str],
) -> tuple[list[PortPlan], list[str], list[PortSettingError]]:
    """Validate setPorts entries; return the plans, the changed port ids and the failures.

    ``ports`` are the bank's ports and ``direction(index)`` a port's current direction. An
    entry with only ``port`` changes nothing and is not listed as changed.
    """
    errors: list[PortSettingError] = []
    plans: list[PortPlan] = []
    changed: list[str] = []
    for entry in entries:
        plan = _plan(entry, ports, direction, errors)
        if plan is None:
            continue
        plans.append(plan)
        if len(entry) > 1:
            changed.append(str(plan.index))
    return plans, changed, errors


def invalid(index: int, prop: str) -> PortSettingError:
    """The failure for property ``prop`` of the port with 0-based ``index``."""
    return PortSettingError(
        INVALID_VALUE, "Invalid parameter value specified", port=str(index), property_name=prop
    )


def _plan(
    entry: Any,
    ports: Sequence[IOPortSpec],
    current_direction: Callable[[int], str],
    errors: list[PortSettingError],
) -> PortPlan | None:
    if not isinstance(entry, dict):
        errors.append(PortSettingError(INVALID_VALUE, "Invalid parameter value specified"))
        return None
    port_id = entry.get("port")
    if (
        not isinstance(port_id, str)
        or not port_id.isascii()
        or not port_id.isdigit()
        or len(port_id) > 4
        or int(port_id) >= len(ports)
    ):
        errors.append(
            PortSettingError(
                INVALID_VALUE,
                "Invalid parameter value specified",
                port=port_id if isinstance(port_id, str) else None,
                property_name="port",
            )
        )
        return None
    index = int(port_id)
    spec = ports[index]
    plan = PortPlan(index)
    for key in entry:
        if key not in _SETTABLE:
            errors.append(invalid(index, key))
    direction = current_direction(index)
    wanted = entry.get("direction")
    if wanted is not None:
        if wanted not in (INPUT, OUTPUT) or (wanted != direction and not spec.configurable):
            errors.append(invalid(index, "direction"))
        else:
            direction = wanted
            plan.updates[param_name(index, "Direction")] = wanted
    group = "Input" if direction == INPUT else "Output"
    for key, param in (("name", f"{group}.Name"), ("usage", "Usage")):
        value = entry.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not _text_ok(value):
            errors.append(invalid(index, key))
        else:
            plan.updates[param_name(index, param)] = value
    normal = entry.get("normalState")
    if normal is not None:
        if normal not in (OPEN, CLOSED):
            errors.append(invalid(index, "normalState"))
        else:
            trigger = "Input.Trig" if direction == INPUT else "Output.Active"
            plan.updates[param_name(index, trigger)] = other(normal)
    state = entry.get("state")
    if state is not None:
        if state not in (OPEN, CLOSED) or direction != OUTPUT:
            errors.append(invalid(index, "state"))
        else:
            plan.state = state
    return plan


def _text_ok(value: str) -> bool:
    if len(value) > MAX_TEXT:
        return False
    try:
        param_text.check_value("", value)
    except ValueError:
        return False
    return True
