"""Rules that bind inputs to light and siren profiles, as the strobe speaker's manual sets up.

Two of the manual's action types, on two condition types:

- "Run light and siren profile while the rule is active" (:class:`RunProfileWhileActive`):
  the profile starts when the condition becomes true and what it started stops when the
  condition becomes false;
- "Run light and siren profile" with Start or Stop (:class:`RunProfile`): on the condition
  becoming true, start (or stop) the profile;
- conditions "I/O > Digital input is active" (:class:`DigitalInputActive`) and
  "I/O > Virtual input" (:class:`VirtualInputActive`), ports numbered from 1 as the
  manual's "Port 1", and "MQTT > Stateful" (:class:`MqttStateful`): the last payload of a
  stateful MQTT subscription's topic equals the rule's payload.

The engine listens on the device's event bus, so a rule reacts to an input however it
changed: the test-control surface, a simulated pin, ``virtualinput/activate.cgi`` or a
timed deactivation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axisctl.sim.bus import TOPIC_INPUT_PORT, TOPIC_VIRTUAL_INPUT, SimEvent
from axisctl.sim.mqtt.topics import (
    DATA_PAYLOAD,
    SOURCE_TOPIC,
    TOPIC_MQTT_STATEFUL,
    check_filter,
    filter_matches,
)
from axisctl.sim.sirenlight import ServiceError

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice


@dataclass(frozen=True)
class DigitalInputActive:
    """ "I/O > Digital input is active" on port ``port`` (1-based)."""

    port: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "digital-input", "port": self.port}


@dataclass(frozen=True)
class VirtualInputActive:
    """ "I/O > Virtual input" ``port`` (1-based) is active."""

    port: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "virtual-input", "port": self.port}


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

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> MqttStateful:
        topic_filter, payload = raw.get("filter"), raw.get("payload")
        if not isinstance(topic_filter, str) or check_filter(topic_filter) is not None:
            raise ValueError("'condition.filter' must be an MQTT subscription filter")
        if not isinstance(payload, str):
            raise ValueError("'condition.payload' must be a string")
        return cls(topic_filter, payload)


@dataclass(frozen=True)
class RunProfileWhileActive:
    """Run ``profile`` while the rule is active."""

    profile: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "run-while-active", "profile": self.profile}


@dataclass(frozen=True)
class RunProfile:
    """Start (or, with ``start=False``, stop) ``profile`` when the rule becomes active."""

    profile: str
    start: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"type": "start" if self.start else "stop", "profile": self.profile}


Condition = DigitalInputActive | VirtualInputActive | MqttStateful
Action = RunProfileWhileActive | RunProfile


@dataclass
class Rule:
    condition: Condition
    action: Action
    name: str = ""
    #: What the rule's last start returned, stopped when a while-active rule ends.
    started: dict[str, int] = field(default_factory=dict)
    active: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "condition": self.condition.to_json(),
            "action": self.action.to_json(),
            "active": self.active,
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Rule:
        """Build a rule from its JSON form; ``ValueError`` says which field is wrong."""
        condition_raw = payload.get("condition")
        action_raw = payload.get("action")
        if not isinstance(condition_raw, dict):
            raise ValueError("'condition' must be an object with 'type' and 'port'")
        if not isinstance(action_raw, dict):
            raise ValueError("'action' must be an object with 'type' and 'profile'")
        condition = (
            MqttStateful.from_json(condition_raw)
            if condition_raw.get("type") == "mqtt-stateful"
            else cls._port_condition(condition_raw)
        )
        profile = action_raw.get("profile")
        if not isinstance(profile, str) or not profile:
            raise ValueError("'action.profile' must be a profile name")
        action_kind = action_raw.get("type")
        action: Action
        if action_kind == "run-while-active":
            action = RunProfileWhileActive(profile)
        elif action_kind in ("start", "stop"):
            action = RunProfile(profile, start=action_kind == "start")
        else:
            raise ValueError("'action.type' must be 'run-while-active', 'start' or 'stop'")
        name = payload.get("name", "")
        if not isinstance(name, str):
            raise ValueError("'name' must be a string")
        return cls(condition, action, name=name)

    @staticmethod
    def _port_condition(condition_raw: dict[str, Any]) -> Condition:
        port = condition_raw.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or port < 1:
            raise ValueError("'condition.port' must be an integer >= 1")
        kind = condition_raw.get("type")
        if kind == "digital-input":
            return DigitalInputActive(port)
        if kind == "virtual-input":
            return VirtualInputActive(port)
        raise ValueError(
            "'condition.type' must be 'digital-input', 'virtual-input' or 'mqtt-stateful'"
        )


@dataclass(frozen=True)
class Firing:
    """One thing a rule did, for tests and the control surface to inspect."""

    time: float
    rule: str
    what: str
    error: str | None = None


class RuleEngine:
    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self.rules: list[Rule] = []
        self.log: list[Firing] = []
        device.bus.subscribe(self._on_event)

    def add(self, rule: Rule) -> Rule:
        """Add a rule; if its condition already holds, it acts at once, as an enabled rule."""
        if self.device.siren_light is None:
            raise ValueError(f"{self.device.spec.prod_nbr} has no light and siren to run")
        if isinstance(rule.condition, DigitalInputActive):
            if rule.condition.port > self.device.io.count:
                raise ValueError(
                    f"digital input port {rule.condition.port} does not exist "
                    f"(the device has {self.device.io.count})"
                )
        elif (
            isinstance(rule.condition, VirtualInputActive)
            and rule.condition.port > self.device.virtual_inputs.count
        ):
            raise ValueError(
                f"virtual input port {rule.condition.port} does not exist "
                f"(the device has {self.device.virtual_inputs.count})"
            )
        with self.device.lock:
            self.rules.append(rule)
            if self._holds(rule.condition):
                self._set(rule, True)
        return rule

    def clear(self) -> None:
        with self.device.lock:
            for rule in self.rules:
                if rule.active:
                    self._set(rule, False)
            self.rules.clear()

    def _holds(self, condition: Condition) -> bool:
        if isinstance(condition, DigitalInputActive):
            return self.device.io.is_active(condition.port)
        if isinstance(condition, MqttStateful):
            # The last message of each stateful MQTT topic is the bus's current state.
            return any(condition.holds_for(event) for event in self.device.bus.current())
        return self.device.virtual_inputs.is_active(condition.port)

    def _on_event(self, event: SimEvent) -> None:
        if event.topic == TOPIC_MQTT_STATEFUL:
            for rule in list(self.rules):
                if isinstance(rule.condition, MqttStateful):
                    holds = rule.condition.holds_for(event)
                    if holds is not None:
                        self._set(rule, holds)
            return
        if event.topic == TOPIC_INPUT_PORT:
            port = int(event.source.get("port", "-1")) + 1
            active = event.data.get("state") == "1"
            kind: type[DigitalInputActive | VirtualInputActive] = DigitalInputActive
        elif event.topic == TOPIC_VIRTUAL_INPUT:
            port = int(event.source.get("port", "0"))
            active = event.data.get("active") == "1"
            kind = VirtualInputActive
        else:
            return
        for rule in list(self.rules):
            if isinstance(rule.condition, kind) and rule.condition.port == port:
                self._set(rule, active)

    def _set(self, rule: Rule, active: bool) -> None:
        if active == rule.active:
            return
        rule.active = active
        service = self.device.siren_light
        if service is None:
            return
        action = rule.action
        now = self.device.clock.now()
        try:
            if isinstance(action, RunProfileWhileActive):
                if active:
                    rule.started = service.start_profile(action.profile)
                    self.log.append(Firing(now, rule.name, f"start {action.profile}"))
                else:
                    service.stop_started(
                        {key.removesuffix("Id"): value for key, value in rule.started.items()}
                    )
                    rule.started = {}
                    self.log.append(Firing(now, rule.name, f"stop {action.profile}"))
            elif active:
                if action.start:
                    rule.started = service.start_profile(action.profile)
                else:
                    service.stop({"profile": action.profile})
                verb = "start" if action.start else "stop"
                self.log.append(Firing(now, rule.name, f"{verb} {action.profile}"))
        except ServiceError as error:
            # A rule naming a deleted profile does nothing on a device; keep the reason.
            self.log.append(Firing(now, rule.name, "failed", error.message))
