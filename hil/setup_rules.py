"""The action rules the scenarios rely on: their names, and their JSON for the virtual rig.

On the virtual rig a scenario installs each rule through ``bench.install_rule`` (the JSON of
:meth:`axisctl.sim.rules.Rule.from_json`). On a physical rig an operator sets the same rules
up by hand in each device's web interface (System > Events > Rules, as
docs/hil-scenarios.md describes) and lists their names under the device's ``rules:`` in the
rig file; the scenario then asks for the capability ``rule:<device>/<name>`` and skips
without it.

Port numbers come from the rig's wires, so a rig that wires another port needs no change
here: the rule is built for whatever port the wire names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axisctl.hil.setup_strobe import FLASHING, STEADY

__all__ = [
    "BLOCK_TO_STROBE",
    "INPUT_TO_OUTPUT",
    "LOOP_TO_STROBE",
    "MQTT_TOPIC",
    "STROBE_INPUT_FLASHING",
    "STROBE_MQTT_STEADY",
    "STROBE_VINPUT_STEADY",
    "STROBE_VIRTUAL_INPUT",
    "RuleName",
    "block_to_strobe",
    "input_to_output",
    "loop_to_strobe",
    "strobe_input_flashing",
    "strobe_mqtt_steady",
    "strobe_vinput_steady",
]


@dataclass(frozen=True)
class RuleName:
    """An action rule on a rig device, by the name an operator gives it."""

    device: str
    name: str

    @property
    def capability(self) -> str:
        """What a scenario requires: ``rule:<device>/<name>``."""
        return f"rule:{self.device}/{self.name}"


STROBE_INPUT_FLASHING = RuleName("strobe", "hil-input-flashing")
STROBE_VINPUT_STEADY = RuleName("strobe", "hil-vinput-steady")
STROBE_MQTT_STEADY = RuleName("strobe", "hil-mqtt-steady")
LOOP_TO_STROBE = RuleName("gate-camera", "hil-loop-to-strobe")
BLOCK_TO_STROBE = RuleName("gate-camera", "hil-block-to-strobe")
INPUT_TO_OUTPUT = RuleName("ptz-camera", "hil-input-to-output")

#: The strobe's virtual input a camera sets over HTTP.
STROBE_VIRTUAL_INPUT = 1
#: The topic of the strobe's stateful MQTT subscription; payload ``On`` runs the profile.
MQTT_TOPIC = "axisctl-hil/strobe"


def _rule(name: RuleName, condition: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    return {"name": name.name, "condition": condition, "action": action}


def strobe_input_flashing(port: int) -> dict[str, Any]:
    """Strobe: I/O > Digital input is active (``port``) → run ``hil-flashing`` while active."""
    return _rule(
        STROBE_INPUT_FLASHING,
        {"type": "digital-input", "port": port},
        {"type": "run-while-active", "profile": FLASHING.name},
    )


def strobe_vinput_steady(port: int = STROBE_VIRTUAL_INPUT) -> dict[str, Any]:
    """Strobe: I/O > Virtual input (``port``) → run ``hil-steady`` while active."""
    return _rule(
        STROBE_VINPUT_STEADY,
        {"type": "virtual-input", "port": port},
        {"type": "run-while-active", "profile": STEADY.name},
    )


def strobe_mqtt_steady(topic: str = MQTT_TOPIC) -> dict[str, Any]:
    """Strobe: MQTT > Stateful, filter ``topic``, payload ``On`` → run ``hil-steady`` while
    active."""
    return _rule(
        STROBE_MQTT_STEADY,
        {"type": "mqtt-stateful", "filter": topic, "payload": "On"},
        {"type": "run-while-active", "profile": STEADY.name},
    )


def loop_to_strobe(
    input_port: int,
    strobe_url: str,
    user: str,
    password: str,
    virtual_input: int = STROBE_VIRTUAL_INPUT,
) -> dict[str, Any]:
    """Gate camera: digital input ``input_port`` (the loop) → HTTP notification GET
    ``<strobe>/axis-cgi/virtualinput/activate.cgi?schemaversion=1&port=<virtual_input>``
    with the strobe's account."""
    return _rule(
        LOOP_TO_STROBE,
        {"type": "digital-input", "port": input_port},
        {
            "type": "http-notification",
            "method": "GET",
            "url": strobe_url.rstrip("/") + "/axis-cgi/virtualinput/activate.cgi",
            "query": f"schemaversion=1&port={virtual_input}",
            "user": user,
            "password": password,
            "auth": "digest",
        },
    )


#: The body the strobe manual's camera recipe POSTs to ``siren_and_light.cgi``.
START_FLASHING_BODY = (
    '{"apiVersion": "1.0", "method": "start", "params": {"profile": "' + FLASHING.name + '"}}'
)


def block_to_strobe(strobe_url: str, user: str, password: str) -> dict[str, Any]:
    """Gate camera: License Plate Verifier, plate on the block list → HTTP notification POST
    ``<strobe>/axis-cgi/siren_and_light.cgi`` starting ``hil-flashing``."""
    return _rule(
        BLOCK_TO_STROBE,
        {"type": "plate-in-list", "list": "block"},
        {
            "type": "http-notification",
            "method": "POST",
            "url": strobe_url.rstrip("/") + "/axis-cgi/siren_and_light.cgi",
            "body": START_FLASHING_BODY,
            "contentType": "application/json",
            "user": user,
            "password": password,
            "auth": "digest",
        },
    )


def input_to_output(input_port: int, output_port: int) -> dict[str, Any]:
    """PTZ camera: digital input ``input_port`` → output ``output_port`` active while the
    rule is active ("Toggle I/O while the rule is active", state active)."""
    return _rule(
        INPUT_TO_OUTPUT,
        {"type": "digital-input", "port": input_port},
        {"type": "output-while-active", "port": output_port, "state": "active"},
    )
