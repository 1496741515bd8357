"""The scenarios keep the rules of docs/hil-scenarios.md: they ask for every action rule they
install, never look at the kind of rig, and the rules they rely on are documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from axisctl.hil import setup_rules
from axisctl.hil.setup_rules import RuleName

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "hil" / "scenarios").glob("test_scenario_*.py"))
DOC = (ROOT / "docs" / "hil-scenarios.md").read_text(encoding="utf-8")
RULES: dict[str, RuleName] = {
    name: value for name, value in vars(setup_rules).items() if isinstance(value, RuleName)
}


def _required_constants(node: ast.AST) -> set[str]:
    """Names X of ``X.capability`` inside ``rig_requires(...)`` calls under ``node``."""
    found: set[str] = set()
    for call in ast.walk(node):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr != "rig_requires":
            continue
        for arg in call.args:
            if (
                isinstance(arg, ast.Attribute)
                and arg.attr == "capability"
                and isinstance(arg.value, ast.Name)
            ):
                found.add(arg.value.id)
    return found


def _installed_constants(function: ast.FunctionDef) -> set[str]:
    """Names X of ``bench.install_rule(device, X.name, ...)`` in ``function``."""
    found: set[str] = set()
    for call in ast.walk(function):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "install_rule"
            and len(call.args) >= 2
            and isinstance(call.args[1], ast.Attribute)
            and isinstance(call.args[1].value, ast.Name)
        ):
            found.add(call.args[1].value.id)
    return found


def test_there_is_a_scenario_file_per_area() -> None:
    assert [path.stem for path in SCENARIOS] == [
        "test_scenario_camera",
        "test_scenario_door",
        "test_scenario_gate",
        "test_scenario_strobe",
    ]
    assert not (ROOT / "hil" / "scenarios" / "__init__.py").exists()


@pytest.mark.parametrize("path", SCENARIOS, ids=str)
def test_every_installed_rule_is_a_required_capability(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_level = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark"
            for target in statement.targets
        ):
            module_level |= _required_constants(statement)
    tests = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert tests
    for test in tests:
        required = module_level.copy()
        for decorator in test.decorator_list:
            required |= _required_constants(decorator)
        installed = _installed_constants(test)
        assert installed <= set(RULES), f"{test.name} installs a rule not in setup_rules"
        missing = installed - required
        assert not missing, f"{test.name} installs {missing} without rig_requires(...capability)"


@pytest.mark.parametrize("path", SCENARIOS, ids=str)
def test_scenarios_never_ask_what_kind_of_rig_they_run_on(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for forbidden in ("bench.kind", "RigKind", ".simulated(", "axisctl.sim"):
        assert forbidden not in text, f"{path.name} uses {forbidden}"


@pytest.mark.parametrize("constant", sorted(RULES))
def test_every_rule_is_documented_for_the_operator(constant: str) -> None:
    rule = RULES[constant]
    row = f"| `{rule.device}` | `{rule.name}` |"
    assert row in DOC, f"docs/hil-scenarios.md has no rule row for {rule.capability}"


def test_rule_json_is_what_the_simulator_takes() -> None:
    from axisctl.sim.rules import Rule

    built = [
        setup_rules.strobe_input_flashing(1),
        setup_rules.strobe_vinput_steady(),
        setup_rules.strobe_mqtt_steady(),
        setup_rules.loop_to_strobe(1, "http://127.0.0.1:1/", "operator", "secret"),
        setup_rules.block_to_strobe("http://127.0.0.1:1", "operator", "secret"),
        setup_rules.input_to_output(1, 2),
    ]
    names = [Rule.from_json(rule).name for rule in built]
    assert sorted(names) == sorted(rule.name for rule in RULES.values())
    for rule in built:
        assert "secret" not in str(Rule.from_json(rule).to_json())
