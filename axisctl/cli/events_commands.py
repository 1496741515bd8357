"""``axisctl events``: the event topics a device declares (``events list``).

Other ``events`` subcommands (``events watch``) live in their own modules and attach to
the :func:`events` group defined here.
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from axisctl.cli.app import Connection, cli
from axisctl.cli.device_commands import json_option, pass_connection
from axisctl.cli.output import console, print_json
from axisctl.events import Event, FilterError, TopicFilter
from axisctl.events.declarations import ItemDeclaration, TopicDeclaration

#: Values and items listed in the table; longer lists are shortened.
_SHOWN_VALUES = 6
_SHOWN_ITEMS = 4


@cli.group("events")
def events() -> None:
    """Device events: declared topics, and the event stream.

    Topics are written as the websocket stream and topic filters take them
    (tns1:Device/tnsaxis:IO/VirtualInput); filters also accept the MQTT spelling
    (onvif:Device/axis:IO/VirtualInput).

    \b
    Examples:
      axisctl events list                              # every topic the device declares
      axisctl events list --topic 'tns1:Device//.'     # only the device's own topics
      axisctl events list --json                       # items, types and values for scripts
    """


@events.command("list")
@click.option(
    "--topic",
    "topic_filter",
    metavar="FILTER",
    help="Only topics matching this topic filter: a topic, TOPIC//. for it and everything "
    "below, alternatives joined by |.",
)
@json_option
@pass_connection
def events_list(conn: Connection, topic_filter: str | None, as_json: bool) -> None:
    """List the event topics the device declares (Event1 GetEventInstances).

    A stateful topic (property) sends its current state to every new subscriber; its
    state item is marked with * in the data column. Any account may list topics.
    """
    wanted = _topic_filter(topic_filter)
    with conn.device() as device:
        declared = device.events.declarations()
    if wanted is not None:
        declared = [d for d in declared if wanted.matches(d.topic)]
    if as_json:
        print_json([_as_json(declaration) for declaration in declared])
        return
    # Topics are what people copy into filters: never cut them short, wrap the rest.
    table = Table(title_justify="left")
    table.add_column("topic", no_wrap=True)
    for column in ("name", "stateful", "source", "data"):
        table.add_column(column)
    for d in declared:
        table.add_row(
            d.topic,
            d.title,
            "yes" if d.is_property else "no",
            _items_summary((*d.source, *d.key)),
            _items_summary(d.data),
        )
    console.print(table)


def _topic_filter(expression: str | None) -> TopicFilter | None:
    if expression is None:
        return None
    try:
        return TopicFilter(expression)
    except FilterError as error:
        raise click.BadParameter(error.message, param_hint="--topic") from None


def _items_summary(items: tuple[ItemDeclaration, ...]) -> str:
    parts = []
    for item in items:
        text = item.name + ("*" if item.is_property_state else "")
        if item.values:
            text += f" ({_values_summary(item.values)})"
        parts.append(text)
    if len(parts) > _SHOWN_ITEMS:
        parts[_SHOWN_ITEMS:] = [f"... ({len(parts) - _SHOWN_ITEMS} more; see --json)"]
    return ", ".join(parts)


def _values_summary(values: tuple[str, ...]) -> str:
    """``1..64`` for a run of whole numbers, else the first few values."""
    numbers = [int(v) for v in values if v.lstrip("-").isdigit() and len(v) < 19]
    if len(numbers) == len(values) > 2:
        low, high = min(numbers), max(numbers)
        if sorted(numbers) == list(range(low, high + 1)):
            return f"{low}..{high}"
    shown = ", ".join(values[:_SHOWN_VALUES])
    return shown + (", ..." if len(values) > _SHOWN_VALUES else "")


def _item_json(item: ItemDeclaration) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": item.name,
        "type": item.type,
        "nice_name": item.nice_name,
        "is_property_state": item.is_property_state,
        "values": list(item.values),
    }
    if item.value_nice_names:
        body["value_nice_names"] = dict(item.value_nice_names)
    return body


def _as_json(declaration: TopicDeclaration) -> dict[str, Any]:
    typed = declaration.event_class
    return {
        "topic": declaration.topic,
        "mqtt_topic": declaration.mqtt_topic,
        "nice_name": declaration.nice_name,
        "title": declaration.title,
        "is_property": declaration.is_property,
        "is_application_data": declaration.is_application_data,
        "is_deprecated": declaration.is_deprecated,
        "event_class": None if typed is Event else typed.__name__,
        "source": [_item_json(item) for item in declaration.source],
        "key": [_item_json(item) for item in declaration.key],
        "data": [_item_json(item) for item in declaration.data],
    }
