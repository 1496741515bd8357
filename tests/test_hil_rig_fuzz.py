"""Whatever a rig file holds, reading it gives a Rig or a RigError pointing inside the file."""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axisctl.hil.rig import Rig, RigError, parse_rig, virtual_rig_text

VIRTUAL = virtual_rig_text()
#: What YAML counts as a line break.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

#: Words of the schema, so that generated documents reach past the top-level checks.
KEYS = [
    "version", "name", "kind", "safe_state", "devices", "relay_boards", "wires", "wiegand",
    "osdp", "sensors", "model", "url", "credentials", "user_env", "password_env", "active",
    "channels", "bcm", "device", "port", "pin", "direction", "via", "relay", "d0", "d1",
    "baud", "scbk_env", "readers", "address", "watches", "description", "strobe", "door",
    "hat", "w",
]  # fmt: skip
WORDS = [
    "d4200-ve", "intercom", "a9188", "p1455-le-3", "virtual", "physical", "inactive", "active",
    "high", "low", "pi-to-device", "device-to-pi", "direct", "relay", "optocoupler",
    "level-shifter", "light", "microphone", "hat/1", "http://192.0.2.1", "/dev/serial0",
    "STROBE_USER", "strobe", "door",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=300),
    st.sampled_from(WORDS),
    st.text(max_size=8),
    st.floats(allow_nan=True),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.integers(0, 3)), children, max_size=6),
    ),
    max_leaves=40,
)


def check(text: str | bytes) -> None:
    try:
        rig = parse_rig(text, source="fuzz.yaml")
    except RigError as error:
        decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        lines = len(LINE_BREAK.findall(decoded)) + 1
        for problem in error.problems:
            assert problem.at.source == "fuzz.yaml"
            assert 1 <= problem.at.line <= lines
            assert problem.at.column >= 1
        return
    assert isinstance(rig, Rig)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_is_a_rig_or_a_rig_error(text: str) -> None:
    check(text)


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_any_bytes_are_a_rig_or_a_rig_error(data: bytes) -> None:
    check(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_yaml_document_is_a_rig_or_a_rig_error(document: Any) -> None:
    check(yaml.safe_dump(document))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(VIRTUAL)),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=20),
)
def test_any_edit_of_the_virtual_rig_is_a_rig_or_a_rig_error(
    start: int, length: int, inserted: str
) -> None:
    check(VIRTUAL[:start] + inserted + VIRTUAL[start + length :])


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=VIRTUAL.count("\n")), st.sampled_from(WORDS + KEYS))
def test_replacing_a_value_of_the_virtual_rig_is_a_rig_or_a_rig_error(
    index: int, word: str
) -> None:
    lines = VIRTUAL.splitlines()
    if index < len(lines) and ":" in lines[index]:
        key, _, _ = lines[index].partition(":")
        lines[index] = f"{key}: {word}"
    check("\n".join(lines) + "\n")


def test_nesting_too_deep_is_a_rig_error() -> None:
    check("a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_recursive_aliases_are_not_followed() -> None:
    check("name: &x [*x]\ndevices: &d {a: *d}\n")
