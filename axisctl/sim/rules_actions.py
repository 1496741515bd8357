"""The actions of simulated action rules: what a rule does when it becomes active (or ends).

- "Run light and siren profile while the rule is active" (:class:`RunProfileWhileActive`)
  and "Run light and siren profile" with Start or Stop (:class:`RunProfile`): the strobe
  speaker's two profile actions;
- "I/O > Toggle I/O while the rule is active" (:class:`OutputWhileActive`): an output port is
  set to ``state`` (active by default) while the rule is active and back when it ends, as a
  camera's input-to-output rule does;
- "Notifications > Send notification through HTTP" (:class:`HttpNotification`): when the rule
  becomes active, a GET or POST to a recipient URL with Digest or Basic credentials; this is
  how a camera sets a strobe speaker's virtual input or starts its profile.

Each action refuses a device it cannot run on (:meth:`check`); only the profile actions need
light and siren.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from axisctl.sim.rules_http import Notification, shown_url

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

__all__ = [
    "Action",
    "HttpNotification",
    "OutputWhileActive",
    "RunProfile",
    "RunProfileWhileActive",
    "action_from_json",
]


def _needs_siren_light(device: SimulatedDevice) -> None:
    if device.siren_light is None:
        raise ValueError(f"{device.spec.prod_nbr} has no light and siren to run")


@dataclass(frozen=True)
class RunProfileWhileActive:
    """Run ``profile`` while the rule is active."""

    profile: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "run-while-active", "profile": self.profile}

    def check(self, device: SimulatedDevice) -> None:
        _needs_siren_light(device)


@dataclass(frozen=True)
class RunProfile:
    """Start (or, with ``start=False``, stop) ``profile`` when the rule becomes active."""

    profile: str
    start: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"type": "start" if self.start else "stop", "profile": self.profile}

    def check(self, device: SimulatedDevice) -> None:
        _needs_siren_light(device)


@dataclass(frozen=True)
class OutputWhileActive:
    """Hold output ``port`` (1-based) at ``state`` while the rule is active.

    ``active=True`` (the manual's "State: Active") makes the port active, that is the
    opposite of its normal state, and inactive again when the rule ends; ``active=False``
    the other way round.
    """

    port: int
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "output-while-active",
            "port": self.port,
            "state": "active" if self.active else "inactive",
        }

    def check(self, device: SimulatedDevice) -> None:
        if not 1 <= self.port <= device.io.count:
            raise ValueError(
                f"output port {self.port} does not exist (the device has {device.io.count})"
            )
        if device.io.direction(self.port) != "output":
            raise ValueError(
                f"port {self.port} is an input; configure it as an output before the rule"
            )

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> OutputWhileActive:
        port = raw.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or port < 1:
            raise ValueError("'action.port' must be an integer >= 1")
        state = raw.get("state", "active")
        if state not in ("active", "inactive"):
            raise ValueError("'action.state' must be 'active' or 'inactive'")
        return cls(port, active=state == "active")


HTTP_METHODS = ("GET", "POST")
AUTH_KINDS = ("digest", "basic")


@dataclass(frozen=True)
class HttpNotification:
    """Send an HTTP request to ``url`` when the rule becomes active.

    ``query`` is the action's "query string suffix", appended to the recipient's URL;
    ``body`` (POST) is sent as ``content_type``. ``user`` and ``password`` are the
    recipient's credentials, sent with ``auth`` (``digest`` or ``basic``). The password is
    never shown: not in :meth:`to_json`, not in ``repr``, not in the rule log.
    """

    url: str
    method: str = "GET"
    query: str = ""
    body: str = ""
    content_type: str = "application/json"
    user: str = ""
    password: str = field(default="", repr=False)
    auth: str = "digest"

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("'action.url' must be an http(s)://host[:port]/path URL")
        try:
            # urlsplit checks the port only when asked: an unchecked one would first fail
            # when the rule fires, inside whatever changed the input.
            _ = parts.port
        except ValueError:
            raise ValueError("'action.url' has a port that is not a number in 0-65535") from None
        if parts.username is not None or parts.password is not None:
            raise ValueError("'action.url' must not hold credentials; give 'user' and 'password'")
        if self.method not in HTTP_METHODS:
            raise ValueError(f"'action.method' must be one of {', '.join(HTTP_METHODS)}")
        if self.auth not in AUTH_KINDS:
            raise ValueError(f"'action.auth' must be one of {', '.join(AUTH_KINDS)}")

    def __repr__(self) -> str:
        user = f" as {self.user}" if self.user else ""
        return f"HttpNotification({self.method} {shown_url(self.url)}{user})"

    def full_url(self) -> str:
        if not self.query:
            return self.url
        return self.url + ("&" if "?" in self.url else "?") + self.query.lstrip("?&")

    def notification(self, rule: str = "") -> Notification:
        return Notification(
            method=self.method,
            url=self.full_url(),
            body=self.body.encode("utf-8") if self.method == "POST" else b"",
            content_type=self.content_type if self.method == "POST" and self.body else "",
            user=self.user,
            password=self.password,
            auth=self.auth,
            rule=rule,
        )

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"type": "http-notification", "method": self.method}
        shown["url"] = self.url
        if self.query:
            shown["query"] = self.query
        if self.body:
            shown["body"] = self.body
            shown["contentType"] = self.content_type
        if self.user:
            shown.update(user=self.user, auth=self.auth)
        return shown

    def check(self, device: SimulatedDevice) -> None:
        """Any device can send a notification."""

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> HttpNotification:
        values: dict[str, str] = {}
        for key, attr in (
            ("url", "url"),
            ("method", "method"),
            ("query", "query"),
            ("body", "body"),
            ("contentType", "content_type"),
            ("user", "user"),
            ("password", "password"),
            ("auth", "auth"),
        ):
            value = raw.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ValueError(f"'action.{key}' must be a string")
            values[attr] = value
        if "url" not in values:
            raise ValueError("'action.url' is required: the recipient's http(s) URL")
        values["method"] = values.get("method", "GET").upper()
        values["auth"] = values.get("auth", "digest").lower()
        if values.get("password") and not values.get("user"):
            raise ValueError("'action.password' needs 'action.user'")
        return cls(**values)


Action = RunProfileWhileActive | RunProfile | OutputWhileActive | HttpNotification

_TYPES = "'run-while-active', 'start', 'stop', 'output-while-active' or 'http-notification'"


def action_from_json(raw: object) -> Action:
    """An action from its JSON form; ``ValueError`` says which field is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("'action' must be an object with 'type' and 'profile'")
    kind = raw.get("type")
    if kind == "output-while-active":
        return OutputWhileActive.from_json(raw)
    if kind == "http-notification":
        return HttpNotification.from_json(raw)
    if kind in ("run-while-active", "start", "stop"):
        profile = raw.get("profile")
        if not isinstance(profile, str) or not profile:
            raise ValueError("'action.profile' must be a profile name")
        if kind == "run-while-active":
            return RunProfileWhileActive(profile)
        return RunProfile(profile, start=kind == "start")
    raise ValueError(f"'action.type' must be {_TYPES}")
