"""The axisctl HIL pytest plugin (entry point ``pytest11: axisctl_hil``); docs/hil-harness.md.

    pytest --rig virtual hil/scenarios                 # the simulated site
    pytest --rig bench.yaml --hil-report out/ tests/   # a Pi bench, with the HTML report

Without a rig (no ``--rig``, no ``AXISCTL_HIL_RIG``, no ``hil_rig`` ini option) the plugin
is inert: it adds its options, its marker and fixtures that skip, and nothing else runs.
With one, it reads the rig file at configure time (a mistake is a usage error naming
``file:line:column``), opens the bench when the first test needs it, resets it before each
test, makes it safe after each test and at the end (Ctrl-C included; SIGTERM and exit
through :mod:`axisctl.hil.pytest_safety`), writes a log per test and the run's report.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from axisctl.errors import AxisError
from axisctl.hil import pytest_fixtures
from axisctl.hil.pytest_fixtures import HIL_KEY, ITEM_PREFIXES, NO_RIG, hil_session

__all__ = ["RIG_ENV"]

#: The environment variable that gives the rig when ``--rig`` is not on the command line.
RIG_ENV = "AXISCTL_HIL_RIG"
#: Where the plugin's fixtures are defined (a test module may have its own `bench`).
_PLUGIN_FIXTURES = "axisctl.hil.pytest_fixtures"
MARKER = (
    "rig_requires(*capabilities): skip the test, with the reason, unless the rig has every "
    "capability ('wire:gate-loop', 'osdp', 'plate-display', ...; docs/hil-harness.md)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("axisctl-hil", "axisctl hardware-in-the-loop (docs/hil-harness.md)")
    group.addoption(
        "--rig",
        metavar="PATH|virtual",
        default=None,
        help="Rig file to run HIL tests on, or 'virtual' for the bundled simulated site "
        f"(default: ${RIG_ENV}, then the hil_rig ini option; none: HIL tests skip).",
    )
    group.addoption(
        "--hil-log-dir",
        metavar="DIR",
        default=None,
        help="Write each HIL test's timeline log (and safety.log) into DIR.",
    )
    group.addoption(
        "--hil-report",
        metavar="DIR",
        default=None,
        help="Write the run as DIR/run.json and the HTML report DIR/index.html "
        "(logs go to DIR/logs unless --hil-log-dir says otherwise).",
    )
    parser.addini("hil_rig", "Rig file (relative to the ini file) or 'virtual'.", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.pluginmanager.register(pytest_fixtures, "axisctl-hil-fixtures")
    rig_path = _rig_path(config)
    if rig_path is None:
        return
    # Imported only with a rig: they bring the simulators' and drivers' modules along.
    from axisctl.hil.pytest_fixtures import rig_item_fixtures
    from axisctl.hil.pytest_session import HilSession
    from axisctl.hil.rig import RigError, load_rig

    try:
        rig = load_rig(rig_path)
    except RigError as error:
        raise pytest.UsageError(f"the rig file cannot be used:\n{error}") from None
    report_dir = _directory(config, config.getoption("hil_report"))
    log_dir = _directory(config, config.getoption("hil_log_dir"))
    if log_dir is None and report_dir is not None:
        log_dir = report_dir / "logs"
    config.stash[HIL_KEY] = HilSession(
        rig, log_dir=log_dir, report_dir=report_dir, announce=_announcer(config)
    )
    config.pluginmanager.register(rig_item_fixtures(rig), "axisctl-hil-rig-fixtures")


def _announcer(config: pytest.Config) -> Callable[[str], None]:
    """Write to the real stderr, past pytest's capture (the process may be about to end,
    taking whatever was captured with it)."""

    def announce(text: str) -> None:
        capture = config.pluginmanager.getplugin("capturemanager")
        released = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
        with released:
            sys.stderr.write(text)
            sys.stderr.flush()

    return announce


def _rig_path(config: pytest.Config) -> str | None:
    given = config.getoption("rig") or os.environ.get(RIG_ENV) or None
    if given:
        return _resolve(str(given), config.invocation_params.dir)
    ini = config.getini("hil_rig")
    if not ini:
        return None
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return _resolve(str(ini), base)


def _resolve(value: str, base: Path) -> str:
    from axisctl.hil.rig import VIRTUAL_RIG_NAME

    if value == VIRTUAL_RIG_NAME:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base / path)


def _directory(config: pytest.Config, value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else config.invocation_params.dir / path


def pytest_report_header(config: pytest.Config) -> str | None:
    session = hil_session(config)
    if session is None:
        if config.getoption("hil_report") or config.getoption("hil_log_dir"):
            return "hil: no rig given: --hil-report and --hil-log-dir write nothing"
        return None
    rig = session.rig
    return f"hil rig: {rig.name} ({rig.kind.value}) from {rig.source}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, with the reason, a test that asks for a rig item fixture this rig lacks."""
    session = hil_session(config)
    if session is None:
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        missing = [
            name
            for name in getattr(item, "fixturenames", ())
            if name.startswith(ITEM_PREFIXES) and name not in info.name2fixturedefs
        ]
        if missing:
            reason = f"rig {session.rig.name!r} has no item for fixture(s) {', '.join(missing)}"
            item.add_marker(pytest.mark.skip(reason=reason))


def _required(item: pytest.Item) -> list[str]:
    required: list[str] = []
    for marker in item.iter_markers("rig_requires"):
        for capability in marker.args:
            if not isinstance(capability, str) or not capability:
                raise pytest.UsageError(
                    f"{item.nodeid}: rig_requires takes capability strings, got {capability!r}"
                )
            required.append(capability)
    return required


def _uses_bench(item: pytest.Item) -> bool:
    """Whether the test gets the plugin's bench: a test module's own ``bench`` is not it."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None or not info.name2fixturedefs.get("bench"):
        return False
    return bool(info.name2fixturedefs["bench"][-1].func.__module__ == _PLUGIN_FIXTURES)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures: its capabilities, then a reset bench and its window."""
    required = _required(item)
    if not required and not _uses_bench(item):
        return
    session = hil_session(item.config)
    if session is None:
        _skip(NO_RIG)
    from axisctl.hil.pytest_session import BenchUnavailable

    try:
        bench = session.bench()
    except BenchUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    except AxisError as error:
        # An expected failure (credentials not set, a device unreachable): its message
        # says it all; a traceback into the harness would only hide it.
        pytest.fail(f"the bench for rig {session.rig.name!r} did not start: {error}", pytrace=False)
    reasons = bench.missing(*required)
    if reasons:
        _skip("; ".join(reasons))
    session.begin(item.nodeid)


def _skip(reason: str) -> NoReturn:
    # Reported at the test, as a skip marker is, not at this line of the plugin.
    raise pytest.skip.Exception(reason, _use_item_location=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    try:
        return (yield)
    finally:
        session = hil_session(item.config)
        if session is not None:
            test = session.end(item.nodeid)
            for measured in test.latencies if test is not None else ():
                value = f"{measured.seconds * 1000:.3f}"
                item.user_properties.append((f"hil.latency.{measured.name}", value))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    session = hil_session(item.config)
    if session is not None:
        session.test(item.nodeid).update(report)
        text = session.window_text(item.nodeid)
        if text and (report.when == "call" or report.failed):
            report.sections.append(("hil timeline", text))
        if report.when == "teardown":
            session.finish_test(item.nodeid)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    hil = hil_session(session.config)
    if hil is not None:
        hil.finish(int(exitstatus), interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = hil_session(config)
    if session is None:
        return
    if session.log_dir is not None and session.bench_started:
        terminalreporter.write_line(f"HIL logs: {session.log_dir}")
    if session.report_path is not None:
        terminalreporter.write_line(f"HIL report: {session.report_path}")


def pytest_unconfigure(config: pytest.Config) -> None:
    session = hil_session(config)
    if session is not None:
        session.close()
        del config.stash[HIL_KEY]
