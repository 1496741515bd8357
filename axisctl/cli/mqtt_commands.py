"""``axisctl mqtt``: the device's MQTT client, the events it publishes, the topics it reads."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from typing import Any

import click

from axisctl.apis.mqtt import (
    Announcement,
    BrokerServer,
    ClientConfig,
    ClientStatus,
    EventPublicationConfig,
    MqttSubscription,
    Protocol,
    PublicationFilter,
    RetainPolicy,
    SslSettings,
    TopicPrefix,
)
from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, print_json, print_table
from axisctl.device import Device
from axisctl.errors import AxisError

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")

#: Where ``configure`` takes the broker password from, so it stays out of shell history.
PASSWORD_ENV = "AXISCTL_MQTT_PASSWORD"  # noqa: S105 - a variable name, not a password
#: How often ``connect --wait`` asks the device whether it is connected.
POLL_SECONDS = 0.2


@cli.group()
def mqtt() -> None:
    """The device's MQTT client: broker, connection, published events, subscriptions.

    The device connects to an MQTT broker as a client, publishes the events you choose and
    turns messages on topics it subscribes to into events its rules can use (the strobe
    manual's "MQTT > Stateful" condition). Needs an administrator account.

    \b
    Examples:
      AXISCTL_MQTT_PASSWORD=secret axisctl mqtt configure --host broker.local --username cam1
      axisctl mqtt connect --wait 10
      axisctl mqtt status
      axisctl mqtt publication --topic onvif:Device/axis:IO/VirtualInput --retain property
      axisctl mqtt subscriptions --stateful Motion
      axisctl mqtt disconnect
    """


# --- client ---------------------------------------------------------------------------------


def _password(username: str | None, keep: bool) -> tuple[str | None, bool]:
    """(password, keep existing) for ``configure``: environment, prompt or kept."""
    if keep:
        return None, True
    if username is None:
        return None, False
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        return from_env, False
    if not sys.stdin.isatty():
        raise click.UsageError(
            f"no broker password: set {PASSWORD_ENV}, pass --keep-password, or run in a terminal"
        )
    entered: str = click.prompt(
        f"Broker password for {username} (empty for none)",
        hide_input=True,
        default="",
        show_default=False,
    )
    return entered or None, False


@mqtt.command("configure")
@click.option("--host", required=True, help="Broker host name or address.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Broker port. [default: 1883 tcp, 8883 ssl, 80 ws, 443 wss]",
)
@click.option(
    "--protocol",
    type=click.Choice([p.value for p in Protocol]),
    default="tcp",
    show_default=True,
    help="MQTT over TCP, SSL, WebSocket or secure WebSocket.",
)
@click.option("--basepath", help="URL path of a WebSocket broker (ws, wss).")
@click.option("--client-id", help="Client identifier on the broker. [default: serial number]")
@click.option(
    "--username", help=f"Broker user name; the password comes from {PASSWORD_ENV} or a prompt."
)
@click.option("--keep-password", is_flag=True, help="Keep the password the device already has.")
@click.option(
    "--prefix",
    "device_prefix",
    help="Device topic prefix, under which events are published. [default: axis/<serial>]",
)
@click.option("--keep-alive", type=click.IntRange(0, 65535), help="Keep-alive interval, seconds.")
@click.option(
    "--connect-timeout", type=click.IntRange(1, 3600), help="Connect timeout, seconds. [60]"
)
@click.option("--clean-session/--no-clean-session", default=None, help="Discard session state.")
@click.option(
    "--auto-reconnect/--no-auto-reconnect", default=None, help="Reconnect after a lost link."
)
@click.option(
    "--announce",
    is_flag=True,
    help="Send the device's default connect, disconnect and last-will messages "
    "(<prefix>/event/connection).",
)
@click.option(
    "--no-verify", is_flag=True, help="Do not validate the broker's certificate (ssl, wss)."
)
@click.option("--connect", "then_connect", is_flag=True, help="Activate the client afterwards.")
@pass_connection
def mqtt_configure(
    conn: Connection,
    host: str,
    port: int | None,
    protocol: str,
    basepath: str | None,
    client_id: str | None,
    username: str | None,
    keep_password: bool,
    device_prefix: str | None,
    keep_alive: int | None,
    connect_timeout: int | None,
    clean_session: bool | None,
    auto_reconnect: bool | None,
    announce: bool,
    no_verify: bool,
    then_connect: bool,
) -> None:
    """Set the broker the device connects to (replaces the whole client configuration).

    An active client reconnects with the new settings at once.

    \b
    Examples:
      axisctl mqtt configure --host 192.168.0.10
      AXISCTL_MQTT_PASSWORD=secret axisctl mqtt configure --host broker.example.com \\
          --protocol ssl --username siren1 --client-id "Siren 1" --connect
      axisctl mqtt configure --host broker.local --prefix site/strobes/1 --announce
    """
    password, keep = _password(username, keep_password)
    server_protocol = Protocol(protocol)
    announcement = Announcement() if announce else None
    config = ClientConfig(
        server=BrokerServer(host, server_protocol, port, basepath=basepath),
        username=username,
        password=password,
        keep_existing_password=keep,
        client_id=client_id,
        keep_alive_interval=keep_alive,
        connect_timeout=connect_timeout,
        clean_session=clean_session,
        auto_reconnect=auto_reconnect,
        device_topic_prefix=device_prefix,
        last_will=announcement,
        connect_message=announcement,
        disconnect_message=announcement,
        ssl=SslSettings(validate_server_cert=not no_verify) if server_protocol.secure else None,
    )
    with conn.device() as device:
        device.mqtt.configure_client(config)
        if then_connect:
            device.mqtt.activate()
        status = device.mqtt.status()
    console.print(f"MQTT broker set to {config.server.url}", highlight=False)
    _print_state(status)


def _print_state(status: ClientStatus) -> None:
    console.print(
        f"MQTT client: {status.raw_state or status.state.value}, "
        f"{status.raw_connection_status or status.connection_status.value}",
        highlight=False,
    )


def _status_json(status: ClientStatus) -> dict[str, Any]:
    return {
        "state": status.state.value,
        "connectionStatus": status.connection_status.value,
        "config": status.config.to_display_json(),
    }


def _yes_no(value: bool | None, default: str = "device default") -> str:
    if value is None:
        return default
    return "yes" if value else "no"


def _announcement_text(announcement: Announcement | None) -> str:
    if announcement is None:
        return "not sent"
    if announcement.use_default:
        return "device default"
    return f"{announcement.topic}: {announcement.message!r} (qos {announcement.qos})"


@mqtt.command("status")
@json_option
@pass_connection
def mqtt_status(conn: Connection, as_json: bool) -> None:
    """Whether the client is active and connected, and its settings (password masked).

    \b
    Examples:
      axisctl mqtt status
      axisctl mqtt status --json
    """
    with conn.device() as device:
        status = device.mqtt.status()
    if as_json:
        print_json(_status_json(status))
        return
    config = status.config
    server = config.server
    password = "*****" if config.keep_existing_password else "none"
    rows = [
        ("state", status.raw_state or status.state.value),
        ("connection", status.raw_connection_status or status.connection_status.value),
        ("broker", server.url if server.host else "(not configured)"),
        ("client id", config.client_id or ""),
        ("user name", config.username or ""),
        ("password", password),
        ("device topic prefix", config.device_topic_prefix or ""),
        (
            "keep-alive (s)",
            "" if config.keep_alive_interval is None else config.keep_alive_interval,
        ),
        ("connect timeout (s)", "" if config.connect_timeout is None else config.connect_timeout),
        ("clean session", _yes_no(config.clean_session)),
        ("auto reconnect", _yes_no(config.auto_reconnect)),
        ("connect message", _announcement_text(config.connect_message)),
        ("disconnect message", _announcement_text(config.disconnect_message)),
        ("last will", _announcement_text(config.last_will)),
    ]
    if config.ssl is not None:
        rows.append(("validate certificate", _yes_no(config.ssl.validate_server_cert)))
    print_table(None, ("setting", "value"), rows)


@mqtt.command("connect")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait up to SECONDS for the connection; exit 10 if it does not come up.",
)
@pass_connection
def mqtt_connect(conn: Connection, wait: float) -> None:
    """Activate the client: it connects to its broker and stays active over reboots.

    \b
    Examples:
      axisctl mqtt connect
      axisctl mqtt connect --wait 10
    """
    with conn.device() as device:
        device.mqtt.activate()
        status = _wait_connected(device, wait)
    _print_state(status)
    if wait and not status.connected:
        raise AxisError(
            f"the client is active but not connected to {status.config.server.url} after {wait:g} s"
        )


def _wait_connected(device: Device, wait: float) -> ClientStatus:
    deadline = time.monotonic() + wait
    while True:
        status = device.mqtt.status()
        if status.connected or time.monotonic() >= deadline:
            return status
        time.sleep(POLL_SECONDS)


@mqtt.command("disconnect")
@pass_connection
def mqtt_disconnect(conn: Connection) -> None:
    """Deactivate the client: it sends its disconnect message, if any, and leaves.

    \b
    Example:
      axisctl mqtt disconnect
    """
    with conn.device() as device:
        device.mqtt.deactivate()
        status = device.mqtt.status()
    _print_state(status)


# --- event publication ----------------------------------------------------------------------


@mqtt.command("publication")
@click.option(
    "--topic",
    "topics",
    multiple=True,
    metavar="FILTER",
    help="Publish events matching FILTER (onvif:/axis: spelling, '//.' for a subtree); "
    "repeat for more. Replaces the current filters.",
)
@click.option(
    "--retain",
    type=click.Choice([r.value for r in RetainPolicy]),
    help="Retain policy of the filters: none, property (stateful events only) or all.",
)
@click.option("--qos", type=click.IntRange(0, 2), help="QoS of the filters.")
@click.option("--clear", is_flag=True, help="Remove every filter: publish nothing.")
@click.option(
    "--custom-prefix", metavar="TOPIC", help="Publish under TOPIC instead of the default."
)
@click.option("--default-prefix", is_flag=True, help="Publish under <device topic prefix>/event.")
@click.option(
    "--namespaces/--no-namespaces", default=None, help="Keep tns:onvif/tns:axis in topics."
)
@click.option(
    "--serial-number/--no-serial-number", default=None, help="Add serialNumber to the payload."
)
@click.option(
    "--append-topic/--no-append-topic", default=None, help="Append the event topic to the prefix."
)
@json_option
@pass_connection
def mqtt_publication(
    conn: Connection,
    topics: tuple[str, ...],
    retain: str | None,
    qos: int | None,
    clear: bool,
    custom_prefix: str | None,
    default_prefix: bool,
    namespaces: bool | None,
    serial_number: bool | None,
    append_topic: bool | None,
    as_json: bool,
) -> None:
    """Show or change which events the device publishes, and where.

    Without options, shows the configuration. --topic replaces the filter list; the other
    options change only what they name and keep the rest.

    \b
    Examples:
      axisctl mqtt publication
      axisctl mqtt publication --topic onvif:Device/axis:IO/VirtualInput --retain property
      axisctl mqtt publication --topic 'onvif:Device/axis:IO//.' --qos 1
      axisctl mqtt publication --custom-prefix site/a/events --serial-number
      axisctl mqtt publication --clear
    """
    if custom_prefix is not None and default_prefix:
        raise click.UsageError("give --custom-prefix or --default-prefix, not both")
    if clear and topics:
        raise click.UsageError("give --clear or --topic, not both")
    with conn.device() as device:
        current = device.mqtt.publication_config()
        changed = _changed_publication(
            current,
            topics=topics,
            retain=RetainPolicy(retain) if retain is not None else None,
            qos=qos,
            clear=clear,
            custom_prefix=custom_prefix,
            default_prefix=default_prefix,
            namespaces=namespaces,
            serial_number=serial_number,
            append_topic=append_topic,
        )
        if changed != current:
            device.mqtt.configure_publication(changed)
            current = device.mqtt.publication_config()
        prefix = device.mqtt.status().config.device_topic_prefix or ""
    if as_json:
        print_json(current.to_json())
        return
    console.print(
        f"published under {current.broker_prefix(prefix)}"
        f"{'/<event topic>' if current.append_event_topic else ''}; "
        f"namespaces {'kept' if current.include_topic_namespaces else 'dropped'}; "
        f"serial number {'in' if current.include_serial_number else 'not in'} the payload",
        highlight=False,
    )
    if not current.filters:
        console.print("no event filters: the device publishes no events", highlight=False)
        return
    print_table(
        None,
        ("topic filter", "qos", "retain"),
        [(f.topic_filter, f.qos, f.retain.value) for f in current.filters],
    )


def _changed_publication(
    current: EventPublicationConfig,
    *,
    topics: tuple[str, ...],
    retain: RetainPolicy | None,
    qos: int | None,
    clear: bool,
    custom_prefix: str | None,
    default_prefix: bool,
    namespaces: bool | None,
    serial_number: bool | None,
    append_topic: bool | None,
) -> EventPublicationConfig:
    filters = current.filters
    if clear:
        filters = ()
    elif topics:
        filters = tuple(
            PublicationFilter(topic, qos or 0, retain or RetainPolicy.NONE) for topic in topics
        )
    elif retain is not None or qos is not None:
        filters = tuple(
            dataclasses.replace(
                f,
                qos=f.qos if qos is None else qos,
                retain=f.retain if retain is None else retain,
            )
            for f in filters
        )
    changes: dict[str, Any] = {"filters": filters}
    if custom_prefix is not None:
        changes["topic_prefix"] = TopicPrefix.CUSTOM
        changes["custom_topic_prefix"] = custom_prefix
    if default_prefix:
        changes["topic_prefix"] = TopicPrefix.DEFAULT
    if namespaces is not None:
        changes["include_topic_namespaces"] = namespaces
    if serial_number is not None:
        changes["include_serial_number"] = serial_number
    if append_topic is not None:
        changes["append_event_topic"] = append_topic
    return dataclasses.replace(current, **changes)


# --- subscriptions --------------------------------------------------------------------------


@mqtt.command("subscriptions")
@click.option(
    "--stateful",
    multiple=True,
    metavar="TOPIC",
    help="Subscribe to TOPIC; each payload becomes the state of an 'MQTT > Stateful' "
    "condition. No wildcards. Repeatable.",
)
@click.option(
    "--stateless",
    multiple=True,
    metavar="FILTER",
    help="Subscribe to FILTER ('+' and '#' allowed); each message is a one-off event.",
)
@click.option("--qos", type=click.IntRange(0, 2), default=0, show_default=True)
@click.option(
    "--device-prefix", is_flag=True, help="Put the device topic prefix in front of each topic."
)
@click.option("--clear", is_flag=True, help="Remove every subscription.")
@json_option
@pass_connection
def mqtt_subscriptions(
    conn: Connection,
    stateful: tuple[str, ...],
    stateless: tuple[str, ...],
    qos: int,
    device_prefix: bool,
    clear: bool,
    as_json: bool,
) -> None:
    """Show or replace the MQTT topics the device subscribes to (event bridge 1.1).

    Without options, shows them; --stateful and --stateless replace the whole list.

    \b
    Examples:
      axisctl mqtt subscriptions
      axisctl mqtt subscriptions --stateful Motion
      axisctl mqtt subscriptions --stateless 'building/+/door/#' --qos 1
      axisctl mqtt subscriptions --clear
    """
    wanted = [
        *(MqttSubscription(topic, True, qos, device_prefix) for topic in stateful),
        *(MqttSubscription(topic, False, qos, device_prefix) for topic in stateless),
    ]
    if clear and wanted:
        raise click.UsageError("give --clear or topics, not both")
    with conn.device() as device:
        if wanted or clear:
            device.mqtt.configure_subscriptions(wanted)
        current = device.mqtt.subscriptions()
    if as_json:
        print_json([s.to_json() for s in current])
        return
    if not current:
        console.print("no MQTT subscriptions", highlight=False)
        return
    print_table(
        None,
        ("topic filter", "type", "qos", "device prefix"),
        [
            (
                s.topic_filter,
                "stateful" if s.stateful else "stateless",
                s.qos,
                "yes" if s.use_device_topic_prefix else "no",
            )
            for s in current
        ],
    )
