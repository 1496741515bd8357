"""Action rules of a simulated device: a condition, and what the device does while it holds.

A rule is active while its condition holds; becoming active runs its action, and becoming
inactive ends what a "while active" action started. Conditions are in
:mod:`axisctl.sim.rules_conditions` (digital input, virtual input, MQTT stateful, License
Plate Verifier list), actions in :mod:`axisctl.sim.rules_actions` (light and siren profiles,
an output while active, an HTTP notification); all of them are importable from here.

The engine listens on the device's event bus, so a rule reacts to an input however it
changed: the test-control surface, a simulated pin, ``virtualinput/activate.cgi``, a timed
deactivation, an MQTT message or a vehicle in front of the gate camera. Rules are configured
on the device (``device.rules.add``) or through ``/axisctl-sim/rules`` as JSON
(:meth:`Rule.from_json`), not through VAPIX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axisctl.sim.bus import SimEvent
from axisctl.sim.rules_actions import (
    Action,
    HttpNotification,
    OutputWhileActive,
    RunProfile,
    RunProfileWhileActive,
    action_from_json,
)
from axisctl.sim.rules_conditions import (
    PLATE_LISTS,
    Condition,
    DigitalInputActive,
    MqttStateful,
    PlateInList,
    VirtualInputActive,
    condition_from_json,
)
from axisctl.sim.rules_http import HttpNotifier, Notification
from axisctl.sim.sirenlight import ServiceError

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice

__all__ = [
    "PLATE_LISTS",
    "Action",
    "Condition",
    "DigitalInputActive",
    "Firing",
    "HttpNotification",
    "MqttStateful",
    "OutputWhileActive",
    "PlateInList",
    "Rule",
    "RuleEngine",
    "RunProfile",
    "RunProfileWhileActive",
    "VirtualInputActive",
]


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
        condition = condition_from_json(payload.get("condition"))
        action = action_from_json(payload.get("action"))
        name = payload.get("name", "")
        if not isinstance(name, str):
            raise ValueError("'name' must be a string")
        return cls(condition, action, name=name)


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
        self.notifier = HttpNotifier(self._notified)
        device.bus.subscribe(self._on_event)

    def add(self, rule: Rule) -> Rule:
        """Add a rule; if its condition already holds, it acts at once, as an enabled rule."""
        with self.device.lock:
            rule.condition.check(self.device)
            rule.action.check(self.device)
            self.rules.append(rule)
            if rule.condition.holds_now(self.device):
                self._set(rule, True)
        return rule

    def clear(self) -> None:
        """Remove every rule; what a while-active rule holds ends first."""
        with self.device.lock:
            for rule in self.rules:
                if rule.active:
                    self._set(rule, False)
            self.rules.clear()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every HTTP notification fired so far was sent; call without the lock."""
        return self.notifier.wait_idle(timeout)

    def close(self) -> None:
        """Let queued notifications go out (bounded) so that no worker outlives the device."""
        self.notifier.wait_idle()

    def _on_event(self, event: SimEvent) -> None:
        for rule in list(self.rules):
            holds = rule.condition.holds_for(event)
            if holds is not None:
                self._set(rule, holds)

    def _set(self, rule: Rule, active: bool) -> None:
        if active == rule.active:
            return
        rule.active = active
        action = rule.action
        now = self.device.clock.now()
        if isinstance(action, OutputWhileActive):
            self._hold_output(rule, action, active, now)
        elif isinstance(action, HttpNotification):
            if active:
                self._notify(action.notification(rule.name), now)
        else:
            self._run_profile(rule, action, active, now)

    def _hold_output(self, rule: Rule, action: OutputWhileActive, active: bool, now: float) -> None:
        state = action.active if active else not action.active
        try:
            self.device.io.set_output(action.port, state)
        except ValueError as error:
            # The port was made an input after the rule was added: a device does nothing.
            self.log.append(Firing(now, rule.name, "failed", str(error)))
            return
        shown = "active" if state else "inactive"
        self.log.append(Firing(now, rule.name, f"output {action.port} {shown}"))

    def _notify(self, notification: Notification, now: float) -> None:
        self.log.append(Firing(now, notification.rule, notification.what))
        self.notifier.submit(notification)

    def _notified(self, notification: Notification, error: str | None) -> None:
        with self.device.lock:
            what = f"{notification.what}: " + ("done" if error is None else "failed")
            self.log.append(Firing(self.device.clock.now(), notification.rule, what, error))

    def _run_profile(
        self, rule: Rule, action: RunProfileWhileActive | RunProfile, active: bool, now: float
    ) -> None:
        service = self.device.siren_light
        if service is None:
            return
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
