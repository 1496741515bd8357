"""``/axis-cgi/param.cgi`` as AXIS OS answers it: HTTP 200 text, errors as ``# Error:`` lines."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict

from axisctl.codecs import param_text
from axisctl.errors import ParseError
from axisctl.sim.accounts import Level
from axisctl.sim.handlers._form import arguments, text
from axisctl.sim.webctx import device_of, level_of, unauthorized

_CONTROL_ARGUMENTS = frozenset({"action", "usergroup", "responseformat", "template", "group"})


async def param_cgi(request: web.Request) -> web.StreamResponse:
    args = await arguments(request)
    action = args.get("action", "")
    if action == "list":
        return _list(request, args.get("group"))
    if level_of(request) < Level.OPERATOR:
        # AXIS OS answers a role that is too low with a fresh challenge, not 403.
        return unauthorized(request)
    if action == "update":
        return _update(request, {k: v for k, v in args.items() if k not in _CONTROL_ARGUMENTS})
    if action == "add":
        return _add(request, args)
    if action == "remove":
        return _remove(request, args.get("group", ""))
    return text(f"# Error: Invalid action '{action}'\r\n")


def _bare(name: str) -> str | None:
    try:
        return param_text.check_name(name)
    except ParseError:
        return None


def _group_list(argument: str) -> list[str]:
    """``root.Brand, Properties`` -> ``["Brand", "Properties"]``."""
    return [param_text.strip_root(g.strip()) for g in argument.split(",") if g.strip()]


def _list(request: web.Request, group_argument: str | None) -> web.Response:
    device = device_of(request)
    groups = _group_list(group_argument) if group_argument else None
    values, errors = device.params.listing(groups, level_of(request))
    return text(param_text.format_list(values, errors))


def _update(request: web.Request, raw: dict[str, str]) -> web.Response:
    device = device_of(request)
    if not raw:
        return text("# Error: No parameters to update\r\n")
    updates: dict[str, str] = {}
    for name, value in raw.items():
        bare = _bare(name)
        if bare is None:
            return text(f"# Error: Error setting '{name}' to '{value}'!\r\n")
        updates[bare] = value
    error, too_low = device.params.check_update(updates, level_of(request))
    if too_low:
        return unauthorized(request)
    if error is not None:
        return text(f"# Error: {error}\r\n")
    device.params.apply(updates)
    return text("OK\r\n")


def _add(request: web.Request, args: MultiDict[str]) -> web.Response:
    device = device_of(request)
    group = param_text.strip_root(args.get("group", ""))
    template = args.get("template", "")
    prefix = f"{group}."
    values: dict[str, str] = {}
    for key, value in args.items():
        bare = _bare(key)
        if bare is None or key in _CONTROL_ARGUMENTS:
            continue
        if bare.startswith(prefix):
            # "StreamProfile.S.Name": the letter stands for the entry being created.
            values[bare[len(prefix) :].split(".", 1)[-1]] = value
    try:
        entry = device.params.add_group(template, group, values)
    except ValueError as exc:
        return text(f"# Request failed: {exc}\r\n")
    return text(f"{entry} OK\r\n")


def _remove(request: web.Request, group_argument: str) -> web.Response:
    device = device_of(request)
    groups = _group_list(group_argument)
    if not groups:
        return text("# Request failed: No group given\r\n")
    try:
        device.params.remove_groups(groups)
    except ValueError as exc:
        return text(f"# Request failed: {exc}\r\n")
    return text("OK\r\n")
