"""Rules binding inputs to siren and light profiles (work in progress)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from axisctl.sim.device import SimulatedDevice


class Rule:
    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Rule:
        raise ValueError("rules are not implemented yet")

    def to_json(self) -> dict[str, Any]:
        return {}


class RuleEngine:
    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self.rules: list[Rule] = []

    def add(self, rule: Rule) -> None:
        self.rules.append(rule)

    def clear(self) -> None:
        self.rules.clear()
