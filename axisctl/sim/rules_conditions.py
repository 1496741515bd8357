"""The conditions of simulated action rules: when a rule is active.

Each condition says which bus events concern it (:meth:`holds_for`) and whether it holds
right now (:meth:`holds_now`, for a rule added while its condition already holds), and
refuses a device it cannot apply to (:meth:`check`).

- "I/O > Digital input is active" (:class:`DigitalInputActive`) and "I/O > Virtual input"
  (:class:`VirtualInputActive`), ports numbered from 1 as the manuals' "Port 1";
- "MQTT > Stateful" (:class:`MqttStateful`): the last payload of a stateful MQTT
  subscription's topic equals the rule's payload;
- the License Plate Verifier's list topics (:class:`PlateInList`): a vehicle the gate camera
  follows is on the allow, block or custom list, or on none (``unknown``). The app publishes
  them as the stateful events ``ALPV.Allow_list``, ``ALPV.Block_list``, ``ALPV.Custom_list``
  and ``ALPV.NotInList``, which a camera's rules offer as conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from axisctl.sim.bus import TOPIC_INPUT_PORT, TOPIC_VIRTUAL_INPUT, SimEvent
from axisctl.sim.lpr.alpv import topic as alpv_topic
from axisctl.sim.mqtt.topics import (
    DATA_PAYLOAD,
    SOURCE_TOPIC,
    TOPIC_MQTT_STATEFUL,
    check_filter,
    filter_matches,
)

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

__all__ = [
    "PLATE_LISTS",
    "Condition",
    "DigitalInputActive",
    "MqttStateful",
    "PlateInList",
    "VirtualInputActive",
    "condition_from_json",
]


def _current(device: SimulatedDevice, condition: Condition) -> bool:
    """Whether the last state the bus holds for the condition's topic makes it true."""
    return any(condition.holds_for(event) for event in device.bus.current())


@dataclass(frozen=True)
class DigitalInputActive:
    """ "I/O > Digital input is active" on port ``port`` (1-based)."""

    port: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "digital-input", "port": self.port}

    def holds_for(self, event: SimEvent) -> bool | None:
        if event.topic != TOPIC_INPUT_PORT:
            return None
        if int(event.source.get("port", "-1")) + 1 != self.port:
            return None
        return event.data.get("state") == "1"

    def holds_now(self, device: SimulatedDevice) -> bool:
        return device.io.is_active(self.port)

    def check(self, device: SimulatedDevice) -> None:
        if self.port > device.io.count:
            raise ValueError(
                f"digital input port {self.port} does not exist (the device has {device.io.count})"
            )


@dataclass(frozen=True)
class VirtualInputActive:
    """ "I/O > Virtual input" ``port`` (1-based) is active."""

    port: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "virtual-input", "port": self.port}

    def holds_for(self, event: SimEvent) -> bool | None:
        if event.topic != TOPIC_VIRTUAL_INPUT:
            return None
        if int(event.source.get("port", "0")) != self.port:
            return None
        return event.data.get("active") == "1"

    def holds_now(self, device: SimulatedDevice) -> bool:
        return device.virtual_inputs.is_active(self.port)

    def check(self, device: SimulatedDevice) -> None:
        if self.port > device.virtual_inputs.count:
            raise ValueError(
                f"virtual input port {self.port} does not exist "
                f"(the device has {device.virtual_inputs.count})"
            )


@dataclass(frozen=True)
class MqttStateful:
    """ "MQTT > Stateful": the state of subscription ``topic_filter`` is ``payload``.

    The state is the payload of the last message on the topic; it needs a stateful MQTT
    subscription (``configureMqttSubscription`` with ``isStateData``) for the topic.
    """

    topic_filter: str
    payload: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "mqtt-stateful", "filter": self.topic_filter, "payload": self.payload}

    def holds_for(self, event: SimEvent) -> bool | None:
        """Whether ``event`` makes the condition true or false; ``None``: not about it."""
        if event.topic != TOPIC_MQTT_STATEFUL:
            return None
        if not filter_matches(self.topic_filter, event.source.get(SOURCE_TOPIC, "")):
            return None
        return event.data.get(DATA_PAYLOAD) == self.payload

    def holds_now(self, device: SimulatedDevice) -> bool:
        # The last message of each stateful MQTT topic is the bus's current state.
        return _current(device, self)

    def check(self, device: SimulatedDevice) -> None:
        """Any device with an MQTT client can hold the rule; a subscription may come later."""

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> MqttStateful:
        topic_filter, payload = raw.get("filter"), raw.get("payload")
        if not isinstance(topic_filter, str) or check_filter(topic_filter) is not None:
            raise ValueError("'condition.filter' must be an MQTT subscription filter")
        if not isinstance(payload, str):
            raise ValueError("'condition.payload' must be a string")
        return cls(topic_filter, payload)


#: The lists a plate can be on, and the ALPV topic that is active while one is in view.
#: ``unknown`` is a plate on none of them.
PLATE_LISTS = {
    "allow": "Allow_list",
    "block": "Block_list",
    "custom": "Custom_list",
    "unknown": "NotInList",
}


@dataclass(frozen=True)
class PlateInList:
    """License Plate Verifier: a vehicle in view is on list ``plate_list``.

    ``allow``, ``block`` or ``custom``; ``unknown`` holds while a vehicle on none of the lists
    is in view. It holds from the vehicle's first read on that list until its LOST (the app's
    stateful ``ALPV.<list>`` topic), so a rule on it becomes active once per vehicle arriving
    when no other vehicle on the same list is in view.
    """

    plate_list: str

    def __post_init__(self) -> None:
        if self.plate_list not in PLATE_LISTS:
            raise ValueError(f"'condition.list' must be one of {', '.join(PLATE_LISTS)}")

    @property
    def topic(self) -> str:
        return alpv_topic(PLATE_LISTS[self.plate_list])

    def to_json(self) -> dict[str, Any]:
        return {"type": "plate-in-list", "list": self.plate_list}

    def holds_for(self, event: SimEvent) -> bool | None:
        if event.topic != self.topic:
            return None
        return event.data.get("active") == "1"

    def holds_now(self, device: SimulatedDevice) -> bool:
        return _current(device, self)

    def check(self, device: SimulatedDevice) -> None:
        if device.lpr is None:
            raise ValueError(
                f"{device.spec.prod_nbr} has no License Plate Verifier for a plate-in-list rule"
            )

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PlateInList:
        plate_list = raw.get("list")
        if not isinstance(plate_list, str):
            raise ValueError(f"'condition.list' must be one of {', '.join(PLATE_LISTS)}")
        return cls(plate_list)


Condition = DigitalInputActive | VirtualInputActive | MqttStateful | PlateInList

_TYPES = "'digital-input', 'virtual-input', 'mqtt-stateful' or 'plate-in-list'"


def condition_from_json(raw: object) -> Condition:
    """A condition from its JSON form; ``ValueError`` says which field is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("'condition' must be an object with 'type' and 'port'")
    kind = raw.get("type")
    if kind == "mqtt-stateful":
        return MqttStateful.from_json(raw)
    if kind == "plate-in-list":
        return PlateInList.from_json(raw)
    port = raw.get("port")
    if not isinstance(port, int) or isinstance(port, bool) or port < 1:
        raise ValueError("'condition.port' must be an integer >= 1")
    if kind == "digital-input":
        return DigitalInputActive(port)
    if kind == "virtual-input":
        return VirtualInputActive(port)
    raise ValueError(f"'condition.type' must be {_TYPES}")
