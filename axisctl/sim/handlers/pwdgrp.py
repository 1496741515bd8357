"""``/axis-cgi/pwdgrp.cgi``: accounts; administrators only, but for a new device's first admin."""

from __future__ import annotations

import re

from aiohttp import web

from axisctl.sim.accounts import Account, Level
from axisctl.sim.handlers._form import arguments, text
from axisctl.sim.webctx import device_of, level_of, unauthorized

_USER = re.compile(r"[A-Za-z0-9]{1,14}")
_SGRP_LEVEL = {"admin": Level.ADMIN, "operator": Level.OPERATOR, "viewer": Level.VIEWER}


def _html(message: str, status: int = 200) -> web.Response:
    response = text(f"<html><body>{message}</body></html>", content_type="text/html")
    response.set_status(status)
    return response


def _parse_sgrp(sgrp: str) -> tuple[Level, bool] | None:
    parts = [p for p in sgrp.split(":") if p]
    if not parts or any(p not in (*_SGRP_LEVEL, "ptz") for p in parts):
        return None
    levels = [_SGRP_LEVEL[p] for p in parts if p in _SGRP_LEVEL]
    if not levels:
        return None
    return max(levels), "ptz" in parts


def _password_ok(password: str) -> bool:
    return 1 <= len(password) <= 64 and all(32 <= ord(c) <= 126 for c in password)


async def pwdgrp_cgi(request: web.Request) -> web.StreamResponse:
    device = device_of(request)
    args = await arguments(request)
    action = args.get("action", "")
    if not device.accounts.has_admin:
        return _initial_admin(request, args.get("action", ""), dict(args))
    if level_of(request) < Level.ADMIN:
        return unauthorized(request)
    if action == "get":
        return text(device.accounts.groups_text())
    if action not in ("add", "update", "remove"):
        return _html("Error: action operation type.")
    user = args.get("user", "")
    if not _USER.fullmatch(user):
        return _html("Error: account user name.")
    accounts = device.accounts.accounts
    if action == "remove":
        if user not in accounts or user == "root":
            return _html(f"Error: malformed action operation, {action}.")
        del accounts[user]
        return _html(f"Removed account {user}.")
    password = args.get("pwd")
    if password is not None and not _password_ok(password):
        return _html("Error: consult the system log file.")
    role = _parse_sgrp(args["sgrp"]) if "sgrp" in args else None
    if "sgrp" in args and role is None:
        return _html("Error: consult the system log file.")
    if action == "add":
        if user in accounts or password is None or role is None:
            return _html(f"Error: malformed action operation, {action}.")
        accounts[user] = Account(
            user, password, role[0], ptz=role[1], comment=args.get("comment", "")
        )
        return _html(f"Created account {user}.")
    if user not in accounts or (password is None and role is None):
        return _html(f"Error: malformed action operation, {action}.")
    account = accounts[user]
    if password is not None:
        account.password = password
    if role is not None:
        if user == "root" and role[0] is not Level.ADMIN:
            return _html("Error: consult the system log file.")
        account.level, account.ptz = role
    return _html(f"Modified account {user}.")


def _initial_admin(request: web.Request, action: str, args: dict[str, str]) -> web.StreamResponse:
    """No admin yet: only the creation of an admin with PTZ rights is accepted (AXIS OS 11.5+)."""
    device = device_of(request)
    if action != "add":
        return unauthorized(request, body="Error: initial admin user must be created first.")
    role = _parse_sgrp(args.get("sgrp", ""))
    user = args.get("user", "")
    password = args.get("pwd", "")
    if role != (Level.ADMIN, True) or not _USER.fullmatch(user) or not _password_ok(password):
        return unauthorized(request, body="Error: not a valid initial admin user.")
    device.accounts.accounts[user] = Account(user, password, Level.ADMIN, ptz=True)
    return _html(f"Created account {user}.")
