"""``axisctl lpr push``: where the License Plate Verifier sends its events (HTTP POST, TCP)."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import click

from axisctl.apis.lpr import HttpAuthType, PushConfig, PushProtocol
from axisctl.cli.app import Connection
from axisctl.cli.lpr_group import lpr
from axisctl.cli.lpr_output import json_option, pass_connection
from axisctl.cli.output import console, print_json, print_table

__all__ = ["lpr_push"]

EVENT_TYPES = ("new", "update", "lost")
profile_option = click.option(
    "--profile",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="Push profile: each sends to its own server.",
)


def _secret_from(variable: str | None, option: str) -> str | None:
    """A secret from the environment variable named by an option (never from argv)."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise click.UsageError(f"{option} {variable}: that environment variable is not set")
    return value


def push_json(profile: int, config: PushConfig) -> dict[str, Any]:
    return {
        "profile": profile,
        "url": config.url,
        "protocol": config.protocol.name.lower(),
        "enabled": config.enabled,
        "events": [kind for kind in EVENT_TYPES if getattr(config, f"event_{kind}")],
        "sendImages": config.send_images,
        "multipart": config.use_multipart,
        "eventBuffer": config.use_event_buffer,
        "user": config.user,
        "httpAuth": config.http_auth.name.lower(),
        "deviceId": config.sensor_provider_id,
        "latitude": config.latitude,
        "longitude": config.longitude,
    }


def _print_config(profile: int, config: PushConfig) -> None:
    events = ", ".join(k for k in EVENT_TYPES if getattr(config, f"event_{k}")) or "none"
    body = "multipart/form-data" if config.use_multipart else "application/json"
    rows = [
        ("profile", profile),
        ("url", config.url or "(none)"),
        ("protocol", config.protocol.name),
        ("enabled", "yes" if config.enabled else "no"),
        ("events", events),
        ("images", "sent" if config.send_images else "not sent"),
        ("HTTP body", body),
        ("resend buffer", "on" if config.use_event_buffer else "off"),
        ("user", config.user or "(none)"),
        ("password", "(never shown)"),
        ("HTTP auth", config.http_auth.name.capitalize()),
        ("X-Auth-Key", "(never shown)"),
        ("device id", config.sensor_provider_id),
    ]
    if config.latitude is not None or config.longitude is not None:
        rows.append(("position", f"{config.latitude}, {config.longitude}"))
    print_table(None, ("setting", "value"), rows)


@lpr.group("push")
def lpr_push() -> None:
    """Push events: the servers the app sends every plate read to (profiles 1-3).

    Secrets come from environment variables named by --password-env and --auth-key-env,
    never from the command line; the camera never shows them back.

    \b
    Examples:
      axisctl lpr push show
      axisctl lpr push set --url 192.168.0.10:8080 --enable
      RECEIVER_PW=secret axisctl lpr push set --user cam1 --password-env RECEIVER_PW
      axisctl lpr push set --profile 2 --protocol tcp --url 192.168.0.10:9000 --enable
    """


@lpr_push.command("show")
@profile_option
@json_option
@pass_connection
def push_show(conn: Connection, profile: int, as_json: bool) -> None:
    """One push profile's settings (password and auth key are never shown).

    \b
    Examples:
      axisctl lpr push show
      axisctl lpr push show --profile 2 --json
    """
    with conn.device() as device:
        config = device.lpr.push_config(profile)
    if as_json:
        print_json(push_json(profile, config))
    else:
        _print_config(profile, config)


def _events(text: str) -> dict[str, bool]:
    wanted = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(EVENT_TYPES))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: choose from new, update, lost", param_hint="--events"
        )
    return {f"event_{kind}": kind in wanted for kind in EVENT_TYPES}


@lpr_push.command("set")
@profile_option
@click.option(
    "--url",
    help="Receiver: host:port (HTTP, the manual's form), http(s)://..., or host:port for TCP.",
)
@click.option("--protocol", type=click.Choice(["http", "tcp"]), help="HTTP POST or TCP.")
@click.option("--enable/--disable", default=None, help="Send events to this server or not.")
@click.option("--events", metavar="new,update,lost", help="Which events to send.")
@click.option(
    "--multipart/--json-body",
    default=None,
    help="HTTP body: multipart/form-data with the JPEG, or JSON with base64 images.",
)
@click.option("--images/--no-images", default=None, help="Send the plate images or not.")
@click.option("--buffer/--no-buffer", default=None, help="Resend up to 100 failed events later.")
@click.option("--user", help="User name the camera logs in to the receiver with.")
@click.option("--password-env", metavar="VAR", help="Take the receiver password from $VAR.")
@click.option("--http-auth", type=click.Choice(["basic", "digest"]), help="How the user is sent.")
@click.option("--auth-key-env", metavar="VAR", help="Send X-Auth-Key with the value of $VAR.")
@click.option("--device-id", help="Device ID the events carry (sensorProviderID).")
@pass_connection
def push_set(
    conn: Connection,
    profile: int,
    url: str | None,
    protocol: str | None,
    enable: bool | None,
    events: str | None,
    multipart: bool | None,
    images: bool | None,
    buffer: bool | None,
    user: str | None,
    password_env: str | None,
    http_auth: str | None,
    auth_key_env: str | None,
    device_id: str | None,
) -> None:
    """Change a push profile; settings not given stay as they are.

    An empty variable named by --password-env or --auth-key-env clears that secret.

    \b
    Examples:
      axisctl lpr push set --url 192.168.0.10:8080 --events new,lost --enable
      axisctl lpr push set --json-body --no-images
      RECEIVER_KEY=abc123 axisctl lpr push set --auth-key-env RECEIVER_KEY
      axisctl lpr push set --profile 2 --protocol tcp --url 10.0.0.5:9000 --enable
    """
    changes: dict[str, Any] = {
        "url": url,
        "protocol": PushProtocol[protocol.upper()] if protocol else None,
        "enabled": enable,
        "use_multipart": multipart,
        "send_images": images,
        "use_event_buffer": buffer,
        "user": user,
        "password": _secret_from(password_env, "--password-env"),
        "http_auth": HttpAuthType[http_auth.upper()] if http_auth else None,
        "auth_key": _secret_from(auth_key_env, "--auth-key-env"),
        "sensor_provider_id": device_id,
    }
    if events is not None:
        changes.update(_events(events))
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give at least one setting")
    with conn.device() as device:
        current = device.lpr.push_config(profile)
        device.lpr.set_push_config(dataclasses.replace(current, **changes), profile)
        stored = device.lpr.push_config(profile)
    console.print(f"Push profile {profile} saved", highlight=False)
    _print_config(profile, stored)
