"""Push profile and settings calls of ``device.lpr``: ``cloud*.cgi`` and ``config.cgi``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axisctl.apis.lpr import fields as flat
from axisctl.apis.lpr import push
from axisctl.apis.lpr import settings as config_wire
from axisctl.apis.lpr.models import ListKey
from axisctl.apis.lpr.settings import (
    AccessControlType,
    BarrierDirection,
    BarrierMode,
    LprSettings,
)
from axisctl.apis.lpr.wire import checked, parsed, request
from axisctl.errors import ConfigurationError
from axisctl.transport.flow import API, Flow, ModeT, operation


class ConfigCalls(API[ModeT]):
    """Push profiles, detection parameters and access control."""

    @operation
    def push_config(self, profile: int = 1) -> Flow[push.PushConfig]:
        """Push profile 1, 2 or 3; its password and auth key read as ``None`` (not shown)."""
        method = push.cgi_for(profile)
        response = checked((yield request("GET", method)), method)
        values = parsed(
            method,
            lambda: flat.parse_flat(response.content, push.ROOT, push.FIELDS, f"{method} answer"),
        )
        return push.PushConfig.from_wire(values)

    @operation
    def set_push_config(self, config: push.PushConfig, profile: int = 1) -> Flow[None]:
        """Store a push profile. ``password``/``auth_key`` ``None`` keep the device's."""
        method = push.cgi_for(profile)
        config.validate()
        body = flat.format_flat(
            push.ROOT, ((push.FIELDS[name], value) for name, value in config.to_wire().items())
        )
        checked(
            (yield request("POST", method, content=body, content_type="application/xml")), method
        )

    # --- detection and access control ------------------------------------------------------

    @operation
    def settings(self) -> Flow[LprSettings]:
        """Detection and barrier settings (``config.cgi``)."""
        response = checked((yield request("GET", "config.cgi")), "config.cgi")
        values = parsed(
            "config.cgi",
            lambda: flat.parse_flat(
                response.content, config_wire.ROOT, config_wire.FIELDS, "config.cgi answer"
            ),
        )
        return LprSettings.from_wire(values)

    @operation
    def set_settings(
        self,
        base: LprSettings | None = None,
        *,
        sensitivity: float | None = None,
        min_chars: int | None = None,
        char_deviation: int | None = None,
        strict_matching: bool | None = None,
        ttl_s: int | None = None,
        access_control: AccessControlType | str | None = None,
        barrier_mode: BarrierMode | str | None = None,
        barrier_lists: Iterable[ListKey | str] | None = None,
        barrier_direction: BarrierDirection | str | None = None,
        barrier_roi: str | int | None = None,
        io_port: int | None = None,
        pulse_ms: int | None = None,
        relay_url: str | None = None,
        relay_user: str | None = None,
        relay_port: int | None = None,
        relay_password: str | None = None,
    ) -> Flow[None]:
        """Change the settings given (all of ``base``'s, then the keywords); the rest stay.

        ``cam.lpr.set_settings(min_chars=4, strict_matching=True)``. The app applies the
        change all or nothing.
        """
        changes: dict[str, Any] = base.to_wire() if base is not None else {}
        changes.update(
            config_wire.changes_to_wire(
                {
                    "sensitivity": sensitivity,
                    "min_chars": min_chars,
                    "char_deviation": char_deviation,
                    "strict_matching": strict_matching,
                    "ttl_s": ttl_s,
                    "access_control": access_control,
                    "barrier_mode": barrier_mode,
                    "barrier_lists": barrier_lists,
                    "barrier_direction": barrier_direction,
                    "barrier_roi": barrier_roi,
                    "io_port": io_port,
                    "pulse_ms": pulse_ms,
                    "relay_url": relay_url,
                    "relay_user": relay_user,
                    "relay_port": relay_port,
                    "relay_password": relay_password,
                }
            )
        )
        if not changes:
            raise ConfigurationError("set_settings: no setting given", api="fflprapp")
        body = flat.format_flat(
            config_wire.ROOT, ((config_wire.FIELDS[name], value) for name, value in changes.items())
        )
        checked(
            (yield request("POST", "config.cgi", content=body, content_type="application/xml")),
            "config.cgi",
        )
