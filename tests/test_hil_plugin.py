"""The HIL pytest plugin without a bench: inert when no rig is asked for, its options, marker,
generated fixtures and the usage error of a broken rig file."""

from __future__ import annotations

import signal

import pytest

pytest_plugins = ["pytester"]

TESTS_USING_THE_RIG = """
import pytest

def test_plain():
    assert 1 + 1 == 2

def test_wants_the_bench(bench):
    raise AssertionError("must not run without a rig")

@pytest.mark.rig_requires("osdp")
def test_wants_a_capability():
    raise AssertionError("must not run without a rig")

def test_wants_the_timeline(hil_timeline):
    raise AssertionError("must not run without a rig")
"""


INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


@pytest.fixture(autouse=True)
def _quiet_and_no_rig_in_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AXISCTL_HIL_RIG", raising=False)
    pytester.makeini(INI)


def test_without_a_rig_rig_tests_skip_saying_how_to_give_one_and_nothing_else_changes(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_rig=TESTS_USING_THE_RIG)
    before = signal.getsignal(signal.SIGTERM)
    result = pytester.runpytest("-rs", "--hil-log-dir", "logs")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["hil: no rig given: --hil-report and --hil-log-dir write nothing"])
    result.stdout.fnmatch_lines(["*no HIL rig given: run pytest with --rig FILE or --rig virtual*"])
    assert "hil rig:" not in result.stdout.str()
    assert "hil:" not in pytester.runpytest().stdout.str()
    assert not (pytester.path / "logs").exists()
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_rig_requires_marker_is_registered_for_strict_markers(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(TESTS_USING_THE_RIG)
    result = pytester.runpytest("--strict-markers", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.rig_requires(*capabilities): skip the test*"])
    assert pytester.runpytest("--strict-markers").ret == pytest.ExitCode.OK


def test_the_options_are_in_the_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["*axisctl hardware-in-the-loop*", "*--rig=PATH|virtual*", "*--hil-log-dir=DIR*"]
    )
    result.stdout.fnmatch_lines(["*--hil-report=DIR*", "*hil_rig*"])


def test_a_rig_file_mistake_is_a_usage_error_naming_file_line_and_column(
    pytester: pytest.Pytester,
) -> None:
    rig = pytester.path / "bench.yaml"
    rig.write_text("name: bench\nkind: virtual\ndevices:\n  cam:\n    modle: p1455-le-3\n")
    pytester.makepyfile("def test_x(bench): pass\n")
    result = pytester.runpytest("--rig", "bench.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*the rig file cannot be used:*", f"*{rig}:5:5: unknown key 'modle'*did you mean 'model'?"]
    )


def test_a_rig_file_that_does_not_exist_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--rig", "missing.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*missing.yaml:1:1: cannot read the rig file*"])


def test_each_rig_item_gets_a_fixture_named_after_it(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--rig", "virtual", "--fixtures")
    for name in (
        "device_gate_camera",
        "events_intercom",
        "wire_gate_loop",
        "wire_barrier",
        "sensor_strobe_light",
        "reader_door_osdp",
        "wiegand_door_wiegand",
        "relay_relays_1",
        "rig_devices",
        "rig_outputs",
        "hil_timeline",
    ):
        result.stdout.fnmatch_lines([f"{name} *"])
    assert "device_gate_camera" not in pytester.runpytest("--fixtures").stdout.str()


def test_the_rig_is_named_in_the_header_and_read_from_the_ini_file(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI + "hil_rig = virtual\n")
    pytester.makepyfile("def test_plain(): pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["hil rig: virtual (virtual) from axisctl/hil/rigs/virtual.yaml"])
    result.assert_outcomes(passed=1)


def test_the_environment_names_the_rig_when_the_command_line_does_not(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AXISCTL_HIL_RIG", "virtual")
    pytester.makepyfile("def test_plain(): pass\n")
    pytester.runpytest().stdout.fnmatch_lines(["hil rig: virtual (virtual)*"])


def test_a_fixture_for_an_item_the_rig_lacks_skips_with_the_name(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_door(wire_front_door):\n    raise AssertionError\n")
    result = pytester.runpytest("--rig", "virtual", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*rig 'virtual' has no item for fixture(s) wire_front_door*"])


PI_RIG = """
name: pi-bench
devices:
  strobe:
    model: d4200-ve
    url: http://192.0.2.10
    credentials: {user_env: HIL_TEST_STROBE_USER, password_env: HIL_TEST_STROBE_PASSWORD}
"""


def test_a_bench_that_cannot_start_fails_its_tests_once_each_without_retrying(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HIL_TEST_STROBE_USER", raising=False)
    monkeypatch.delenv("HIL_TEST_STROBE_PASSWORD", raising=False)
    (pytester.path / "bench.yaml").write_text(PI_RIG)
    pytester.makepyfile(
        "def test_one(bench): pass\ndef test_two(bench): pass\ndef test_plain(): pass\n"
    )
    result = pytester.runpytest("--rig", "bench.yaml")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*the bench for rig 'pi-bench' did not start: *HIL_TEST_STROBE_USER*is not set*",
            "*the bench for rig 'pi-bench' did not start: ConfigurationError: *",
        ]
    )
    assert "pytest_plugin.py" not in result.stdout.str()


def test_without_a_rig_the_plugin_loads_nothing_of_the_harness(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_was_imported():
            loaded = [name for name in sys.modules if name.startswith(
                ("axisctl.sim", "axisctl.hil.bench", "axisctl.hil.rig", "gpiozero"))]
            assert loaded == []
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_a_module_s_own_bench_fixture_is_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def bench():
            return "the module's own bench"

        def test_uses_its_own_bench(bench):
            assert bench == "the module's own bench"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_log_file_names_are_readable_and_never_shared() -> None:
    from axisctl.hil.pytest_logs import log_file_name

    assert log_file_name("hil/scenarios/test_door.py::test_card") == (
        "hil.scenarios.test_door.py__test_card.log"
    )
    names = {
        log_file_name(nodeid)
        for nodeid in ("t.py::test[a b]", "t.py::test[a_b]", "a/b.py::t", "a_b.py::t")
    }
    assert len(names) == 4
    assert all("/" not in name and " " not in name for name in names)
