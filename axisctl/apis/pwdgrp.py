"""``/axis-cgi/pwdgrp.cgi``: user accounts and their roles.

Requests go as form-encoded POSTs so passwords never appear in a URL. Passwords are checked
before sending against the manuals' rule: 1 to 64 printable ASCII characters (32 to 126).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from axisctl.errors import DeviceError, MalformedResponseError
from axisctl.transport.flow import API, Flow, HttpRequest, HttpResponse, ModeT, operation

PATH = "/axis-cgi/pwdgrp.cgi"
API_NAME = "pwdgrp.cgi"

USERNAME_RULE = re.compile(r"[A-Za-z0-9]{1,14}")


class Role(enum.Enum):
    """An account's role. Each role includes the ones below it."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def groups(self) -> str:
        """The ``sgrp`` value for this role: ``admin:operator:viewer`` and so on."""
        return {
            Role.VIEWER: "viewer",
            Role.OPERATOR: "operator:viewer",
            Role.ADMIN: "admin:operator:viewer",
        }[self]

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}[self]


def check_username(name: str) -> str:
    if not USERNAME_RULE.fullmatch(name):
        raise ValueError(
            f"user name {name!r} is invalid: use 1 to 14 letters and digits (A-Z, a-z, 0-9)"
        )
    return name


def check_password(password: str) -> str:
    """Raise ``ValueError`` (without echoing the password) unless it follows the device rule."""
    if not 1 <= len(password) <= 64:
        raise ValueError(f"password must be 1 to 64 characters, got {len(password)}")
    for index, char in enumerate(password):
        if not 32 <= ord(char) <= 126:
            raise ValueError(
                f"password character {index + 1} is not printable ASCII (codes 32 to 126)"
            )
    return password


@dataclass(frozen=True)
class User:
    """An account as ``action=get`` reports it."""

    name: str
    role: Role | None
    ptz: bool = False


def parse_groups(text: str) -> dict[str, list[str]]:
    """Parse ``group="a,b"`` lines into ``{"group": ["a", "b"]}``."""
    groups: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r'\s*([A-Za-z0-9_\-]+)="([^"]*)"\s*', line)
        if match is None:
            raise MalformedResponseError(
                f'get: line {number} is not group="users": {line[:60]!r}', api=API_NAME
            )
        groups[match.group(1)] = [u for u in match.group(2).split(",") if u]
    return groups


def users_from_groups(groups: dict[str, list[str]]) -> list[User]:
    """Derive each user's highest role from the group lists (``digusers`` lists them all)."""
    names: list[str] = []
    for key in ("digusers", "admin", "operator", "viewer"):
        names += [n for n in groups.get(key, []) if n not in names]
    users = []
    for name in names:
        role = next(
            (
                role
                for role in (Role.ADMIN, Role.OPERATOR, Role.VIEWER)
                if name in groups.get(role.value, [])
            ),
            None,
        )
        users.append(User(name=name, role=role, ptz=name in groups.get("ptz", [])))
    return users


def _body_text(response: HttpResponse) -> str:
    text = response.text()
    return re.sub(r"</?(html|body)>", "", text, flags=re.IGNORECASE).strip()


def _expect(response: HttpResponse, action: str, user: str, verb: str) -> None:
    text = _body_text(response)
    if text.startswith("Error:"):
        raise DeviceError(text[len("Error:") :].strip(), method=action, api=API_NAME)
    if not re.fullmatch(rf"{verb} (the )?account {re.escape(user)}\.", text):
        raise MalformedResponseError(f"{action}: unexpected answer {text[:80]!r}", api=API_NAME)


class UsersAPI(API[ModeT]):
    """User management."""

    @operation
    def list(self) -> Flow[list[User]]:
        """All accounts with their highest role."""
        response = yield HttpRequest(
            "POST", PATH, api=API_NAME, data={"action": "get"}, idempotent=True
        )
        text = _body_text(response)
        if text.startswith("Error:"):
            raise DeviceError(text[len("Error:") :].strip(), method="get", api=API_NAME)
        return users_from_groups(parse_groups(text))

    @operation
    def add(
        self,
        name: str,
        password: str,
        role: Role,
        *,
        ptz: bool = False,
        comment: str | None = None,
        initial_admin: bool = False,
    ) -> Flow[None]:
        """Create an account. ``initial_admin`` creates the first administrator of a new device."""
        form = {
            "action": "add",
            "user": check_username(name),
            "pwd": check_password(password),
            "grp": "root" if initial_admin else "users",
            "sgrp": role.groups + (":ptz" if ptz else ""),
            "strict_pwd": "1",
        }
        if comment:
            form["comment"] = comment
        response = yield HttpRequest(
            "POST", PATH, api=API_NAME, data=form, authenticate=not initial_admin
        )
        _expect(response, "add", name, "Created")

    @operation
    def update(
        self,
        name: str,
        *,
        password: str | None = None,
        role: Role | None = None,
        ptz: bool | None = None,
    ) -> Flow[None]:
        """Change an account's password and/or role."""
        form = {"action": "update", "user": check_username(name)}
        if password is not None:
            form["pwd"] = check_password(password)
            form["strict_pwd"] = "1"  # noqa: S105 - a flag, not a password
        if role is not None:
            form["sgrp"] = role.groups + (":ptz" if ptz else "")
        if len(form) == 2:
            raise ValueError("update needs a new password or role")
        response = yield HttpRequest("POST", PATH, api=API_NAME, data=form)
        _expect(response, "update", name, "Modified")

    @operation
    def remove(self, name: str) -> Flow[None]:
        """Delete an account."""
        form = {"action": "remove", "user": check_username(name)}
        response = yield HttpRequest("POST", PATH, api=API_NAME, data=form)
        _expect(response, "remove", name, "Removed")
