"""Events inside a simulated device, in the wire form the device's event stream uses.

Components publish what changed (an input went active, a virtual input was set, the light
pattern changed); the rule engine and, later, the event stream subscribe. Stateful topics
keep their last value per source, so a new subscriber can be told the current state.
Subscribers run synchronously under the device lock, in publishing order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Topics in the wire form of the reference's topic table (§3.5, §6.4).
TOPIC_INPUT_PORT = "tns1:Device/tnsaxis:IO/Port"
TOPIC_OUTPUT_PORT = "tns1:Device/tnsaxis:IO/OutputPort"
TOPIC_VIRTUAL_INPUT = "tns1:Device/tnsaxis:IO/VirtualInput"
TOPIC_DIGITAL_INPUT = "tns1:Device/Trigger/DigitalInput"
TOPIC_RELAY = "tns1:Device/Trigger/Relay"
TOPIC_LIGHT_STATUS = "tns1:Device/tnsaxis:Light/Status"
TOPIC_SYSTEM_READY = "tns1:Device/tnsaxis:Status/SystemReady"
TOPIC_SIREN_LIGHT_STATUS = "tns1:Device/tnsaxis:SirenAndLight/Status"


@dataclass(frozen=True)
class SimEvent:
    """One notification: ``time`` is the device clock reading when it happened."""

    topic: str
    source: Mapping[str, str]
    data: Mapping[str, str]
    time: float
    stateful: bool = True
    key: Mapping[str, str] = field(default_factory=dict)

    @property
    def source_key(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.source.items()))


Subscriber = Callable[[SimEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: dict[int, Subscriber] = {}
        self._ids = itertools.count()
        self._state: dict[tuple[str, tuple[tuple[str, str], ...]], SimEvent] = {}
        self.history: list[SimEvent] = []
        self.history_limit = 10_000

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; call the returned function to remove it."""
        token = next(self._ids)
        self._subscribers[token] = subscriber
        return lambda: self._subscribers.pop(token, None) and None

    def publish(self, event: SimEvent) -> None:
        if event.stateful:
            self._state[(event.topic, event.source_key)] = event
        self.history.append(event)
        if len(self.history) > self.history_limit:
            del self.history[: len(self.history) - self.history_limit]
        for subscriber in list(self._subscribers.values()):
            subscriber(event)

    def current(self) -> list[SimEvent]:
        """The last event of every stateful topic and source: the device's present state."""
        return list(self._state.values())

    def events(self, topic: str | None = None) -> list[SimEvent]:
        """Events published so far (the most recent ``history_limit``), optionally one topic."""
        return [e for e in self.history if topic is None or e.topic == topic]
