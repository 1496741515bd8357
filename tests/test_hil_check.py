"""``hil check`` on the virtual rig: all OK when wired as the rig file says, and exactly the
faults of a bench wired otherwise (the virtual site's ``actual_wiring``)."""

from __future__ import annotations

import pytest

from axisctl.apis.io import Direction as PortDirection
from axisctl.hil.bench import open_bench
from axisctl.hil.check import CheckReport, Status, check_bench, check_rig
from axisctl.hil.check_items import item_rows
from axisctl.hil.check_wires import verdict
from axisctl.hil.rig import Rig, parse_rig, virtual_rig, virtual_rig_text
from axisctl.hil.virtual_site import VirtualSite

TIMEOUT = 3.0


def statuses(report: CheckReport) -> dict[str, Status]:
    return {result.item: result.status for result in report.results}


def miswired(*replacements: tuple[str, str]) -> Rig:
    text = virtual_rig_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return parse_rig(text, source="actual-wiring.yaml")


def test_the_virtual_rig_is_wired_right() -> None:
    rig = virtual_rig()
    report = check_rig(rig, timeout=TIMEOUT)
    assert report.ok, [r for r in report.results if r.status is not Status.OK]
    found = statuses(report)
    expected = (
        set(rig.devices) | set(rig.wires) | set(rig.sensors) | set(rig.wiegand) | {"door-osdp"}
    )
    assert expected | {"mqtt-broker"} == set(found)
    assert set(found.values()) == {Status.OK}
    by_item = {result.item: result for result in report.results}
    assert by_item["gate-loop"].path == "BCM 5 → relay relays/1 → gate-camera port 1 (pin 3)"
    assert by_item["ptz-output"].path == "ptz-camera port 2 (pin 4) → optocoupler → BCM 21"
    assert "4242" in by_item["door-wiegand"].detail
    assert report.pins == "MockFactory"
    assert report.to_json()["counts"] == {"OK": len(found)}
    checked = [r.item for r in report.results if r.item != "mqtt-broker"]
    assert checked == [row[0] for row in item_rows(rig)], "the rows a skipped check lists"


def test_swapped_lines_and_an_inverted_level_are_reported_exactly() -> None:
    actual = miswired(
        # device-to-pi: gate-output and strobe-output on each other's line
        ("    port: 2                # Output 1, open drain: tied to pin 1 when active\n"
         "    direction: device-to-pi\n    via: direct\n    bcm: 17",
         "    port: 2\n    direction: device-to-pi\n    via: direct\n    bcm: 16"),
        ("    port: 2\n    direction: device-to-pi\n    via: direct\n    bcm: 16\n  door",
         "    port: 2\n    direction: device-to-pi\n    via: direct\n    bcm: 17\n  door"),
        # relay channels 1 and 2 on each other's coil line
        ("      1: 5 ", "      1: 6 "),
        ("      2: 6 ", "      2: 5 "),
        # the PTZ's output optocoupler wired the other way
        ("    bcm: 21\n    active: low", "    bcm: 21\n    active: high"),
    )  # fmt: skip
    report = check_rig(virtual_rig(), timeout=TIMEOUT, site=VirtualSite(actual_wiring=actual))
    faults = {r.item: r for r in report.results if r.status is not Status.OK}
    assert {name: r.status for name, r in faults.items()} == {
        "gate-loop": Status.WRONG_LINE,
        "strobe-trigger": Status.WRONG_LINE,
        "gate-output": Status.WRONG_LINE,
        "strobe-output": Status.WRONG_LINE,
        "ptz-output": Status.INVERTED,
    }
    assert "strobe-trigger (strobe port 1) moved instead" in faults["gate-loop"].detail
    assert "gate-loop (gate-camera port 1) moved instead" in faults["strobe-trigger"].detail
    assert "strobe-output (BCM 16) moved instead" in faults["gate-output"].detail
    assert "gate-output (BCM 17) moved instead" in faults["strobe-output"].detail
    assert "BCM 21 reads active while ptz-camera port 2 is inactive" in faults["ptz-output"].detail
    assert not report.ok


def test_swapped_wiegand_lines_show_as_flipped_bits() -> None:
    actual = miswired(("d0: 23\n    d1: 24", "d0: 24\n    d1: 23"))
    report = check_rig(virtual_rig(), timeout=TIMEOUT, site=VirtualSite(actual_wiring=actual))
    faults = {r.item: r for r in report.results if r.status is not Status.OK}
    assert list(faults) == ["door-wiegand"]
    assert faults["door-wiegand"].status is Status.WRONG_LINE
    assert "D0 and D1 are swapped" in faults["door-wiegand"].detail


def test_the_check_leaves_the_bench_safe_and_the_devices_as_it_found_them() -> None:
    with open_bench(virtual_rig()) as bench:
        strobe = bench.device("strobe")
        before = strobe.io.directions(1, 2)
        # A port held active by something else than the wire: STUCK.
        gate = bench.simulated("gate-camera")
        assert gate is not None
        gate.io.press(1)
        report = check_bench(bench, timeout=TIMEOUT)
        found = statuses(report)
        assert found["gate-loop"] is Status.STUCK
        assert all(s is Status.OK for item, s in found.items() if item != "gate-loop")
        assert strobe.io.directions(1, 2) == before
        assert before[2] is PortDirection.INPUT, "the simulator's default, put back"
        assert any("strobe's wired ports" in note for note in report.notes)
        assert strobe.siren_light.status().idle
        for name, line in bench.outputs.items():
            assert line.is_active == line.safe_active, name
        assert not bench.device("gate-camera").io.check_active(2)[2]


def test_items_it_cannot_move_are_skipped_with_the_reason() -> None:
    rig = parse_rig(
        virtual_rig_text().replace(
            "      3: 19                # module-input\n", "      3: 19\n      4: 26\n"
        )
        + "  ptz-led:\n    kind: light\n    bcm: 13\n    device: ptz-camera\n"
        "    watches: status-led\n    active: high\n",
        source="with-extras.yaml",
    )
    report = check_rig(rig, timeout=TIMEOUT)
    by_item = {result.item: result for result in report.results}
    assert by_item["relays/4"].status is Status.SKIPPED
    assert "no wire" in by_item["relays/4"].detail
    assert by_item["ptz-led"].status is Status.SKIPPED
    assert "no light or siren" in by_item["ptz-led"].detail
    assert report.ok, "skipped items do not fail the check"


@pytest.mark.parametrize(
    ("near", "far_before", "far_after", "others", "status"),
    [
        (False, False, True, [], Status.OK),
        (True, True, False, [], Status.OK),
        (False, True, False, [], Status.INVERTED),
        (False, True, None, [], Status.STUCK),
        (False, False, None, ["x (BCM 3)"], Status.WRONG_LINE),
        (False, True, None, ["x (BCM 3)"], Status.WRONG_LINE),
        (False, False, None, [], Status.NO_CHANGE),
    ],
)
def test_the_verdict_of_each_outcome(
    near: bool, far_before: bool, far_after: bool | None, others: list[str], status: Status
) -> None:
    found, detail = verdict(near, far_before, far_after, others, near="BCM 5", far="port 1")
    assert found is status
    if status is Status.WRONG_LINE:
        assert "x (BCM 3) moved instead of port 1" in detail
    if status is Status.NO_CHANGE:
        assert detail == "port 1 never moved"
