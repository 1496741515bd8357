"""``/axis-cgi/systemready.cgi``: is the device up, and does it still need its first account?

Needs no credentials. Every value on the wire is a string ("yes", "7800").
"""

from __future__ import annotations

from dataclasses import dataclass

from axisctl.apis._fields import require_str
from axisctl.errors import MalformedResponseError
from axisctl.transport.flow import API, Flow, ModeT, operation
from axisctl.transport.jsonrpc import json_call

PATH = "/axis-cgi/systemready.cgi"
API_NAME = "systemready.cgi"


@dataclass(frozen=True)
class SystemReady:
    """The device's readiness. ``needs_setup`` means no administrator account exists yet."""

    ready: bool
    needs_setup: bool
    uptime_s: int | None
    boot_id: str | None
    preview_mode_s: int | None = None


def _yes_no(data: dict[str, object], key: str) -> bool:
    value = require_str(data, key, api=API_NAME, where="systemready")
    if value not in ("yes", "no"):
        raise MalformedResponseError(
            f"systemready: {key!r} is {value!r}, expected yes or no", api=API_NAME
        )
    return value == "yes"


def _seconds(data: dict[str, object], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        raise MalformedResponseError(
            f"systemready: {key!r} is {value!r}, expected a number of seconds", api=API_NAME
        ) from None


class SystemReadyAPI(API[ModeT]):
    """System readiness."""

    @operation
    def status(self, timeout_s: int | None = None) -> Flow[SystemReady]:
        """Ask whether the system is ready; the device waits up to ``timeout_s`` for it."""
        params = {"timeout": timeout_s} if timeout_s is not None else None
        data = yield from json_call(
            api=API_NAME,
            path=PATH,
            method="systemready",
            params=params,
            idempotent=True,
            authenticate=False,
            # The device may hold the answer for timeout_s; do not give up before it does.
            timeout=timeout_s + 10.0 if timeout_s is not None else None,
        )
        boot_id = data.get("bootid")
        return SystemReady(
            ready=_yes_no(data, "systemready"),
            needs_setup=_yes_no(data, "needsetup") if "needsetup" in data else False,
            uptime_s=_seconds(data, "uptime"),
            boot_id=boot_id if isinstance(boot_id, str) else None,
            preview_mode_s=_seconds(data, "previewmode"),
        )
