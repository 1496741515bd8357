"""``io/port.cgi`` and ``io/portmanagement.cgi`` of a simulated device.

port.cgi answers ``text/plain`` (ISO-8859-1): ``port<n>=<value>`` lines for ``check``,
``checkactive`` and ``checkdirection``, an empty body for ``action``. Every failure is a
single ``# Error: <message>`` line with HTTP 200, as the legacy text CGIs (param.cgi) report
them; port.cgi's own error format is undocumented.

portmanagement.cgi is a JSON API of the "new" error family (2100-2105, 1100). setPorts
reports per-port failures in the documented ``details``/``errors`` shape.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from multidict import MultiDict

from axisctl.codecs import port_action
from axisctl.codecs.port_action import CircuitState, Direction, PortAction
from axisctl.errors import ParseError
from axisctl.sim.accounts import Level
from axisctl.sim.device import SimulatedDevice
from axisctl.sim.handlers._form import arguments, text
from axisctl.sim.handlers._jsonrpc import NEW_FAMILY, RpcError, RpcRequest, dispatch
from axisctl.sim.io import OUTPUT, PortSettingError, SequenceOngoingError
from axisctl.sim.webctx import device_of

#: Versions of portmanagement.cgi the simulator speaks; answers carry the newest.
VERSIONS = ("1.0", "1.1")
ANSWER_VERSION = "1.1"

#: Most ports one setPorts request may carry (the API's documented limit).
MAX_PORTS = 256

SEQUENCE_ONGOING = 2200

_CHECKS = ("check", "checkactive", "checkdirection")


class _PortCgiError(Exception):
    """Answered as one ``# Error:`` line."""


# ----------------------------------------------------------------------------------------
# port.cgi


async def port_cgi(request: web.Request) -> web.StreamResponse:
    args = await arguments(request)
    device = device_of(request)
    try:
        with device.lock:
            body = _port_cgi(device, args)
    except _PortCgiError as exc:
        return text(f"# Error: {exc}\r\n")
    return text(body)


def _port_cgi(device: SimulatedDevice, args: MultiDict[str]) -> str:
    """Validate everything first, so that a bad request changes nothing."""
    bank = device.io
    if "monitor" in args:
        raise _PortCgiError("monitor is not supported by the simulator")
    known = {"action", *_CHECKS}
    if not any(key in known for key in args):
        raise _PortCgiError("No action specified; use check, checkactive, checkdirection or action")
    actions: list[PortAction] = []
    for raw in args.getall("action", []):
        try:
            action = port_action.parse_action(raw)
        except ParseError as exc:
            raise _PortCgiError(f"Invalid action: {exc.message}") from None
        _require_port(bank.count, action.port)
        if bank.direction(action.port) != OUTPUT:
            raise _PortCgiError(f"Port {action.port} is an input; only outputs take an action")
        actions.append(action)
    checks: list[tuple[str, list[int]]] = []
    for key in _CHECKS:
        for raw in args.getall(key, []):
            try:
                ports = port_action.parse_port_list(raw)
            except ParseError as exc:
                raise _PortCgiError(f"Invalid {key}: {exc.message}") from None
            for port in ports:
                _require_port(bank.count, port)
            checks.append((key, ports))
    for action in actions:
        bank.run_action(action)
    lines: list[str] = []
    for key, ports in checks:
        if key == "check":
            lines.append(
                port_action.format_check({p: CircuitState(bank.circuit(p)) for p in ports})
            )
        elif key == "checkactive":
            lines.append(port_action.format_check_active({p: bank.is_active(p) for p in ports}))
        else:
            lines.append(
                port_action.format_check_direction({p: Direction(bank.direction(p)) for p in ports})
            )
    return "".join(lines)


def _require_port(count: int, port: int) -> None:
    if not 1 <= port <= count:
        raise _PortCgiError(
            f"Invalid port {port}: the device has ports 1 to {count}"
            if count
            else f"Invalid port {port}: the device has no I/O ports"
        )


# ----------------------------------------------------------------------------------------
# portmanagement.cgi


class _DetailedError(Exception):
    """An error answer with ``details`` (and ``errors``), which plain RpcError cannot carry."""

    def __init__(self, rpc: RpcRequest, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", ""))
        self.rpc = rpc
        self.error = error


async def portmanagement_cgi(request: web.Request) -> web.StreamResponse:
    try:
        return await dispatch(
            request,
            family=NEW_FAMILY,
            versions=VERSIONS,
            methods={
                "getPorts": (Level.VIEWER, _get_ports),
                "setPorts": (Level.OPERATOR, _set_ports),
                "setStateSequence": (Level.VIEWER, _set_state_sequence),
            },
            answer_version=ANSWER_VERSION,
        )
    except _DetailedError as failure:
        body: dict[str, Any] = {"apiVersion": ANSWER_VERSION}
        if failure.rpc.context is not None:
            body["context"] = failure.rpc.context
        body["method"] = failure.rpc.method
        body["error"] = failure.error
        return web.Response(text=json.dumps(body), content_type="application/json")


def _get_ports(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    device = device_of(request)
    with device.lock:
        items = [device.io.port_json(port) for port in range(1, device.io.count + 1)]
    data: dict[str, Any] = {"numberOfPorts": len(items)}
    if items:
        data["items"] = items
    return data


def _set_ports(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    entries = rpc.params.get("ports")
    if entries is None:
        raise _DetailedError(
            rpc,
            {
                "code": NEW_FAMILY.missing,
                "message": "Required parameter missing: 'ports' not found",
                "details": {"missing_element": "ports"},
            },
        )
    if not isinstance(entries, list) or not entries:
        raise RpcError(NEW_FAMILY.invalid_value, "Invalid parameter value specified: ports")
    if len(entries) > MAX_PORTS:
        raise RpcError(
            NEW_FAMILY.invalid_value, f"Invalid parameter value specified: at most {MAX_PORTS}"
        )
    device = device_of(request)
    with device.lock:
        changed, errors = device.io.set_ports(entries)
    if errors:
        raise _DetailedError(rpc, _error_body(errors))
    return {"ports": changed}


def _error_body(errors: list[PortSettingError]) -> dict[str, Any]:
    first, *rest = errors
    body = first.to_json()
    if rest:
        body["errors"] = [error.to_json() for error in rest]
    return body


def _set_state_sequence(request: web.Request, rpc: RpcRequest) -> dict[str, Any]:
    invalid = NEW_FAMILY.invalid_value
    port_id = rpc.params.get("port")
    sequence = rpc.params.get("sequence")
    if port_id is None:
        raise RpcError(NEW_FAMILY.missing, "Required parameter missing: port")
    if sequence is None:
        raise RpcError(NEW_FAMILY.missing, "Required parameter missing: sequence")
    device = device_of(request)
    count = device.io.count
    if (
        not isinstance(port_id, str)
        or not port_id.isascii()
        or not port_id.isdigit()
        or len(port_id) > 4
        or int(port_id) >= count
    ):
        raise RpcError(invalid, "Invalid parameter value specified: port")
    if not isinstance(sequence, list) or not sequence:
        raise RpcError(invalid, "Invalid parameter value specified: sequence")
    steps: list[tuple[str, int]] = []
    for step in sequence:
        if not isinstance(step, dict):
            raise RpcError(invalid, "Invalid parameter value specified: sequence")
        state = step.get("state")
        ms = step.get("time")
        if state is None or ms is None:
            raise RpcError(NEW_FAMILY.missing, "Required parameter missing: state or time")
        if state not in ("open", "closed"):
            raise RpcError(invalid, "Invalid parameter value specified: state")
        if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= 65535:
            raise RpcError(invalid, "Invalid parameter value specified: time")
        steps.append((state, ms))
    port = int(port_id) + 1
    with device.lock:
        if device.io.direction(port) != OUTPUT:
            raise RpcError(invalid, "Invalid parameter value specified: port is an input")
        try:
            device.io.start_sequence(port, steps)
        except SequenceOngoingError as exc:
            raise RpcError(SEQUENCE_ONGOING, str(exc)) from None
    return {"port": port_id}
