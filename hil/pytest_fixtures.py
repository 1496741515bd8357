"""The fixtures of the HIL plugin (docs/hil-harness.md lists them with examples).

Always there: ``rig``, ``bench``, the mappings ``rig_devices``, ``rig_outputs``,
``rig_inputs``, ``rig_relays``, ``rig_readers``, ``rig_wiegand``, ``rig_events``, and
``hil_timeline``; without a rig each of them skips the test, saying how to give one.
With a rig, :func:`rig_item_fixtures` adds one fixture per item of the rig file:
``device_<name>``, ``wire_<name>``, ``sensor_<name>``, ``reader_<name>``,
``events_<name>``, ``wiegand_<name>`` and ``relay_<board>_<channel>`` (``-`` → ``_``).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

# Only types at import time: the plugin loads in every pytest run, rig or not, and must
# not pull in the simulators and drivers for a session that never asks for them.
if TYPE_CHECKING:
    from axisctl import Device
    from axisctl.hil.bench import Bench
    from axisctl.hil.bench_links import RecordedReader, WiegandLinkHandle
    from axisctl.hil.event_recorder import EventRecorder
    from axisctl.hil.lines import InputLine, OutputLine
    from axisctl.hil.pytest_session import HilSession
    from axisctl.hil.rig_model import Rig
    from axisctl.hil.timeline import TimelineWindow

__all__ = [
    "HIL_KEY",
    "NO_RIG",
    "LazyMapping",
    "bench",
    "fixture_name",
    "hil_session",
    "hil_timeline",
    "rig",
    "rig_devices",
    "rig_events",
    "rig_inputs",
    "rig_item_fixtures",
    "rig_outputs",
    "rig_readers",
    "rig_relays",
    "rig_wiegand",
]

HIL_KEY = pytest.StashKey["HilSession"]()
NO_RIG = (
    "no HIL rig given: run pytest with --rig FILE or --rig virtual "
    "(or set AXISCTL_HIL_RIG, or hil_rig in the ini file)"
)
#: The prefixes of the fixtures generated per rig item.
ITEM_PREFIXES = ("device_", "wire_", "sensor_", "reader_", "events_", "wiegand_", "relay_")

T = TypeVar("T")


def hil_session(config: pytest.Config) -> HilSession | None:
    """The session's HIL state, ``None`` when no rig was given."""
    return config.stash.get(HIL_KEY, None)


def _session_or_skip(request: pytest.FixtureRequest) -> HilSession:
    found = hil_session(request.config)
    if found is None:
        pytest.skip(NO_RIG)
    return found


class LazyMapping(Mapping[str, T]):
    """A read-only mapping whose values are fetched on first access (an OSDP reader or
    a device is only touched when a test looks it up)."""

    def __init__(self, names: Sequence[str], get: Callable[[str], T]) -> None:
        self._names = tuple(names)
        self._get = get
        self._cache: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self._names:
            known = ", ".join(self._names) or "none"
            raise KeyError(f"{name!r} is not on this rig (it has: {known})")
        if name not in self._cache:
            self._cache[name] = self._get(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<LazyMapping of {', '.join(self._names) or 'nothing'}>"


@pytest.fixture(scope="session")
def rig(request: pytest.FixtureRequest) -> Rig:
    """The rig file given with ``--rig``, read and validated."""
    return _session_or_skip(request).rig


@pytest.fixture(scope="session")
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    """The started bench of the rig (one per session; reset before each test)."""
    session = _session_or_skip(request)
    yield session.bench()
    session.make_safe("session fixtures torn down")


@pytest.fixture(scope="session")
def rig_devices(bench: Bench) -> Mapping[str, Device]:
    """Device name -> its connected ``axisctl.Device``."""
    return LazyMapping(list(bench.rig.devices), bench.device)


@pytest.fixture(scope="session")
def rig_outputs(bench: Bench) -> Mapping[str, OutputLine]:
    """Wire name -> the ``OutputLine`` of each pi-to-device wire."""
    names = [wire.name for wire in bench.rig.wires.values() if wire.pi_drives]
    return LazyMapping(names, bench.output)


@pytest.fixture(scope="session")
def rig_inputs(bench: Bench) -> Mapping[str, InputLine]:
    """Wire or sensor name -> the ``InputLine`` of each device-to-pi wire and sensor."""
    names = [wire.name for wire in bench.rig.wires.values() if not wire.pi_drives]
    return LazyMapping([*names, *bench.rig.sensors], bench.input)


@pytest.fixture(scope="session")
def rig_relays(bench: Bench) -> Mapping[str, OutputLine]:
    """``board/channel`` -> the ``OutputLine`` driving that relay channel's coil."""
    refs = [c.ref for b in bench.rig.relay_boards.values() for c in b.channels.values()]
    return LazyMapping(refs, bench.output)


@pytest.fixture(scope="session")
def rig_readers(bench: Bench) -> Mapping[str, RecordedReader]:
    """OSDP reader name -> the started reader emulator playing it."""
    names = list(bench.rig.osdp.readers) if bench.rig.osdp is not None else []
    return LazyMapping(names, bench.osdp_reader)


@pytest.fixture(scope="session")
def rig_wiegand(bench: Bench) -> Mapping[str, WiegandLinkHandle]:
    """Wiegand link name -> the Pi's transmitter on it (pi-to-device links)."""
    names = [n for n, link in bench.rig.wiegand.items() if link.direction.value == "pi-to-device"]
    return LazyMapping(names, bench.wiegand)


@pytest.fixture(scope="session")
def rig_events(bench: Bench) -> Mapping[str, EventRecorder]:
    """Device name -> the recorder of its event stream."""
    return LazyMapping(list(bench.rig.devices), bench.events)


@pytest.fixture
def hil_timeline(request: pytest.FixtureRequest, bench: Bench) -> TimelineWindow:
    """This test's share of the run's timeline (from the bench reset before it)."""
    session = _session_or_skip(request)
    return session.window(request.node.nodeid)


def fixture_name(prefix: str, name: str) -> str:
    """``device_`` + ``gate-camera`` → ``device_gate_camera``."""
    return prefix + re.sub(r"[^0-9A-Za-z_]", "_", name)


def rig_item_fixtures(rig: Rig) -> types.ModuleType:
    """A plugin module with a session fixture per rig item, and the JUnit properties one."""
    module = types.ModuleType("axisctl_hil_rig_fixtures", f"Fixtures of rig {rig.name}")
    items: list[tuple[str, Callable[[Bench], object], str]] = []
    for name in rig.devices:
        items.append((fixture_name("device_", name), _getter("device", name), f"device {name}"))
        items.append((fixture_name("events_", name), _getter("events", name), f"events of {name}"))
    for wire in rig.wires.values():
        method = "output" if wire.pi_drives else "input"
        items.append((fixture_name("wire_", wire.name), _getter(method, wire.name), "a wire"))
    for name in rig.sensors:
        items.append((fixture_name("sensor_", name), _getter("input", name), f"sensor {name}"))
    for name in rig.osdp.readers if rig.osdp is not None else ():
        items.append((fixture_name("reader_", name), _getter("osdp_reader", name), "a reader"))
    for name, link in rig.wiegand.items():
        if link.direction.value == "pi-to-device":
            items.append((fixture_name("wiegand_", name), _getter("wiegand", name), "Wiegand"))
    for board in rig.relay_boards.values():
        for channel in board.channels.values():
            label = fixture_name("relay_", f"{board.name}_{channel.channel}")
            items.append((label, _getter("output", channel.ref), f"relay {channel.ref}"))
    for label, getter, what in items:
        setattr(module, label, _item_fixture(label, getter, what))
    module.__dict__["_hil_suite_properties"] = _suite_properties_fixture()
    return module


def _getter(method: str, name: str) -> Callable[[Bench], object]:
    def get(bench: Bench) -> object:
        found: object = getattr(bench, method)(name)
        return found

    return get


def _item_fixture(label: str, get: Callable[[Bench], object], what: str) -> Any:
    def fixture(bench: Bench) -> object:
        return get(bench)

    fixture.__doc__ = f"The rig's {what} (generated from the rig file)."
    fixture.__name__ = label
    return pytest.fixture(scope="session", name=label)(fixture)


def _suite_properties_fixture() -> Any:
    # Only in the rig's own fixture module: an autouse fixture must not reach the tests
    # of a session that gave no rig.
    def suite_properties(
        request: pytest.FixtureRequest, record_testsuite_property: Callable[[str, object], None]
    ) -> None:
        """Rig metadata as JUnit testsuite properties (devices' firmware once they answer)."""
        session = hil_session(request.config)
        if session is not None:
            session.set_property_recorder(record_testsuite_property)

    return pytest.fixture(scope="session", autouse=True, name="_hil_suite_properties")(
        suite_properties
    )
