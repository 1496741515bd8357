"""The ``devices``, ``relay_boards`` and ``sensors`` sections of a rig file."""

from __future__ import annotations

from types import MappingProxyType
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode

from axisctl.hil.rig_context import BuildContext
from axisctl.hil.rig_errors import did_you_mean, one_of
from axisctl.hil.rig_fields import MappingReader, integer_value, key_text
from axisctl.hil.rig_model import (
    Credentials,
    Level,
    RelayBoard,
    RelayChannel,
    RigDevice,
    RigKind,
    Sensor,
    SensorKind,
)
from axisctl.hil.rig_yaml import describe
from axisctl.sim.catalog import MODELS

__all__ = ["read_devices", "read_relay_boards", "read_sensors"]

_DEVICE_KEYS = ("model", "url", "credentials", "rules", "description")
_CREDENTIAL_KEYS = ("user_env", "password_env")
_SECRETS_ON_DEVICE = {
    "password": "credentials.password_env",
    "user": "credentials.user_env",
    "username": "credentials.user_env",
}
_SECRETS_IN_CREDENTIALS = {"password": "password_env", "user": "user_env", "username": "user_env"}
_BOARD_KEYS = ("active", "channels", "description")
_CHANNEL_KEYS = ("bcm", "safe_state", "description")
_SENSOR_KEYS = ("kind", "bcm", "device", "watches", "active", "description")
#: Relay boards for the Pi have 1 to 16 channels; 64 leaves room for chained boards.
_CHANNEL_MAX = 64


def read_devices(context: BuildContext, node: Node | None) -> None:
    """Fill ``context.devices``."""
    for name, at, value in context.section(node, "devices", "device"):
        fields = context.reader(
            value, f"device {name!r}", at, _DEVICE_KEYS, secret_hints=_SECRETS_ON_DEVICE
        )
        model = _model(context, fields)
        url = _url(context, fields)
        credentials = _credentials(context, fields)
        rules = fields.text_list("rules")
        description = fields.description()
        if model is not None and rules is not None and fields.valid:
            context.devices[name] = RigDevice(
                name, model, url, credentials, description, at, rules=rules
            )


def _model(context: BuildContext, fields: MappingReader) -> str | None:
    key = fields.text("model", required=True)
    if key is None or key in MODELS:
        return key
    context.log.add(
        fields.value_location("model"),
        f"{fields.what} has a model axisctl does not know",
        expected=one_of(sorted(MODELS)),
        got=repr(key),
        hint=did_you_mean(key.lower(), MODELS),
    )
    return None


def _url(context: BuildContext, fields: MappingReader) -> str | None:
    if context.kind is RigKind.VIRTUAL:
        if "url" in fields:
            context.log.add(
                fields.key_location("url"),
                f"{fields.what} has a URL, but a virtual rig starts a simulator for each device",
                hint="remove 'url', or make the rig 'kind: physical'",
            )
        return None
    url = fields.text("url", required=True)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        # Never echo it: the part before '@' may be a password.
        context.log.add(
            fields.value_location("url"),
            f"the URL of {fields.what} holds a user name or password, not shown here",
            expected="http(s)://host[:port] without 'user:password@'",
            hint="name the environment variables holding it under 'credentials'",
        )
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        context.log.add(
            fields.value_location("url"),
            f"the URL of {fields.what} is not valid",
            expected="http://host[:port] or https://host[:port]",
            got=repr(url),
        )
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        context.log.add(
            fields.value_location("url"),
            f"the URL of {fields.what} has an invalid port",
            expected="a port 1-65535",
            got=repr(url),
        )
        return None
    return url


def _credentials(context: BuildContext, fields: MappingReader) -> Credentials | None:
    node = fields.node("credentials", required=context.kind is RigKind.PHYSICAL)
    if node is None:
        return None
    creds = context.reader(
        node,
        f"'credentials' of {fields.what}",
        fields.key_location("credentials"),
        _CREDENTIAL_KEYS,
        secret_hints=_SECRETS_IN_CREDENTIALS,
    )
    user = creds.env_name("user_env", required=True)
    password = creds.env_name("password_env", required=True)
    if user is None or password is None:
        return None
    return Credentials(user, password)


def read_relay_boards(context: BuildContext, node: Node | None) -> dict[str, RelayBoard]:
    boards: dict[str, RelayBoard] = {}
    for name, at, value in context.section(node, "relay_boards", "relay board"):
        fields = context.reader(value, f"relay board {name!r}", at, _BOARD_KEYS)
        active = fields.choice("active", Level, required=True)
        channels = _channels(context, fields, name, active or Level.LOW)
        description = fields.description()
        if active is not None and channels is not None:
            boards[name] = RelayBoard(name, active, MappingProxyType(channels), description, at)
    return boards


def _channels(
    context: BuildContext, fields: MappingReader, board: str, active: Level
) -> dict[int, RelayChannel] | None:
    node = fields.node("channels", required=True)
    if node is None:
        return None
    if not isinstance(node, MappingNode) or not node.value:
        context.log.add(
            context.at(node),
            f"the channels of {fields.what} must map channel numbers to BCM lines",
            expected="entries like '1: 5' or '1: {bcm: 5, safe_state: inactive}'",
            got=describe(node),
        )
        return None
    channels: dict[int, RelayChannel] = {}
    complete = True
    for key_node, value_node in node.value:
        number = integer_value(
            key_node, f"a channel number of {fields.what}", 1, _CHANNEL_MAX,
            context.log, context.source,
        )  # fmt: skip
        if number is None:
            complete = False
            continue
        ref = f"{board}/{number}"
        if number in channels:
            context.log.add(context.at(key_node), f"duplicate channel {number} in {fields.what}")
            continue
        channel = _channel(context, key_node, value_node, ref, active)
        if channel is None:
            complete = False
            continue
        channels[number] = channel
    return channels if complete else None


def _channel(
    context: BuildContext, key_node: Node, node: Node, ref: str, active: Level
) -> RelayChannel | None:
    at = context.at(key_node)
    what = f"relay channel {ref}"
    board, number = ref.split("/")
    if isinstance(node, ScalarNode):
        bcm = context.bcm_value(node, what, ref)
        fields = None
    else:
        fields = context.reader(node, what, at, _CHANNEL_KEYS)
        bcm = context.bcm(fields, "bcm", ref)
    if fields is None:
        safe_state = context.default_safe_state
        if safe_state is None:
            context.log.add(
                at,
                f"{what} is a Pi output without a safe state, and the rig has no default",
                expected=f"'{key_text(key_node)}: {{bcm: ..., safe_state: inactive}}', "
                "or a top-level 'safe_state'",
            )
    else:
        safe_state = context.safe_state(fields, what)
    if bcm is None or safe_state is None:
        return None
    description = fields.description() if fields is not None else ""
    return RelayChannel(board, int(number), bcm, active, safe_state, description, at)


def read_sensors(context: BuildContext, node: Node | None) -> dict[str, Sensor]:
    sensors: dict[str, Sensor] = {}
    for name, at, value in context.section(node, "sensors", "sensor"):
        fields = context.reader(value, f"sensor {name!r}", at, _SENSOR_KEYS)
        kind = fields.choice("kind", SensorKind, required=True)
        line = context.bcm(fields, "bcm", name)
        device = context.device(fields)
        watches = fields.text("watches", required=True)
        active = fields.choice("active", Level, required=True)
        if (
            kind is None or line is None or device is None or watches is None or active is None
            or not fields.valid
        ):  # fmt: skip
            continue
        sensors[name] = Sensor(
            name,
            kind,
            line,
            device.name,
            watches,
            active,
            fields.description(),
            at,
        )
    return sensors
