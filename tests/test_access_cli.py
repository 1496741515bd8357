"""``axisctl reader settings|entry-list``, run as a process against a simulated intercom."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator

import pytest

from axisctl.apis.access import CardData
from axisctl.sim import SimulatedDevice, Simulator

Run = Callable[..., subprocess.CompletedProcess[str]]
GORDON_CARD = CardData.wiegand("Wiegand26", 0, 10213)


@pytest.fixture
def isim() -> Iterator[Simulator]:
    with Simulator("intercom", user="root", password="pass") as simulator:
        yield simulator


@pytest.fixture
def intercom(isim: Simulator) -> SimulatedDevice:
    return isim.devices[0]


@pytest.fixture
def run(
    isim: Simulator, axisctl_cli: Run, cli_env_for: Callable[[str], dict[str, str]]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    def reader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return axisctl_cli("reader", *args, env={**cli_env_for(isim.urls[0]), **(env or {})})

    return reader


def test_settings_show_as_a_table_and_as_json(run: Run) -> None:
    table = run("settings", "show")
    assert table.returncode == 0, table.stderr
    assert "door open time (s)" in table.stdout
    shown = run("settings", "show", "--json")
    assert json.loads(shown.stdout)["doorOpenTimeS"] == 7


def test_settings_set_changes_only_what_is_given(run: Run, intercom: SimulatedDevice) -> None:
    result = run(
        "settings", "set", "--protocol", "wiegand", "--output-format", "Wiegand26",
        "--door-open-time", "9", "--no-entry-list",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Settings saved" in result.stdout
    assert intercom.access is not None
    settings = intercom.access.settings
    assert (settings.protocol.value, settings.output_format.value) == ("Wiegand", "Wiegand26")
    assert (settings.door_open_time_s, settings.entry_list, settings.pin_length) == (9, False, 4)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--pin-timeout", "51"), 2, "3<=x<=50"),
        ((), 2, "nothing to change"),
        (("--external-reader", "--protocol", "OSDP"), 9, "external reader"),
    ],
)
def test_settings_set_refuses_bad_values(
    run: Run, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run("settings", "set", *args)
    assert result.returncode == code
    assert message in result.stderr


def test_the_manuals_recipe_from_the_command_line(run: Run, intercom: SimulatedDevice) -> None:
    added = run(
        "entry-list", "add", "Gordon", "Freeman", "--wiegand", "Wiegand26", "--facility", "0",
        "--number", "10213", "--uses", "10", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    holder = json.loads(added.stdout)
    assert holder["card"] == {"hex": "02004fcb", "bitCount": 26, "bits": GORDON_CARD.bits}
    assert holder["remainingUses"] == 10
    assert intercom.access is not None
    assert intercom.access.present_card(GORDON_CARD).granted
    shown = run("entry-list", "show")
    assert "Gordon Freeman" in shown.stdout
    assert "Wiegand26 FC 0 #10213" in shown.stdout


def test_a_pin_comes_from_the_environment_and_is_never_printed(
    run: Run, intercom: SimulatedDevice
) -> None:
    added = run("entry-list", "add", "Alyx", "--pin", "--json", env={"AXISCTL_READER_PIN": "8642"})
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["pin"] == "****"
    shown = run("entry-list", "show", "--json")
    table = run("entry-list", "show")
    for output in (added.stdout, added.stderr, shown.stdout, table.stdout):
        assert "8642" not in output
    assert json.loads(shown.stdout)[0]["pin"] == "****"
    assert intercom.access is not None
    assert intercom.access.present_pin("8642").granted


def test_without_a_pin_source_add_stops(run: Run, intercom: SimulatedDevice) -> None:
    result = run("entry-list", "add", "Alyx", "--pin")
    assert result.returncode == 2
    assert "AXISCTL_READER_PIN" in result.stderr
    assert intercom.access is not None
    assert intercom.access.entry_list.holders() == []


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (("Alyx",), {}, 9, "give a card, a PIN or both"),
        (("Alyx", "--pin"), {"AXISCTL_READER_PIN": "12ab"}, 9, "digits 0-9"),
        (("Alyx", "--card", "02004fcb"), {}, 2, "--bit-count"),
        (("Alyx", "--card-bits", "1012"), {}, 9, "other than 0/1"),
        (("Alyx", "--pin", "--valid-to", "someday"), {"AXISCTL_READER_PIN": "1234"}, 2, "someday"),
    ],
)
def test_bad_holders_are_refused(
    run: Run, args: tuple[str, ...], env: dict[str, str], code: int, message: str
) -> None:
    result = run("entry-list", "add", *args, env=env)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "12ab" not in result.stderr


def test_the_device_refuses_a_duplicate_name(run: Run) -> None:
    first = run("entry-list", "add", "Gordon", "--card-bits", GORDON_CARD.bits)
    assert first.returncode == 0, first.stderr
    again = run("entry-list", "add", "gordon", "--card", "02020002", "--bit-count", "26")
    assert again.returncode == 6
    assert "first names must be unique" in again.stderr


def test_remove_by_name_all_or_none(run: Run, intercom: SimulatedDevice) -> None:
    for name, card in (("Gordon", "02004fcb"), ("Alyx", "02020002")):
        assert run("entry-list", "add", name, "--card", card, "--bit-count", "26").returncode == 0
    missing = run("entry-list", "remove", "Gordon", "Barney")
    assert missing.returncode == 2
    assert "Barney" in missing.stderr
    assert intercom.access is not None
    assert len(intercom.access.entry_list.holders()) == 2
    removed = run("entry-list", "remove", "gordon")
    assert removed.returncode == 0, removed.stderr
    assert [h.first_name for h in intercom.access.entry_list.holders()] == ["Alyx"]
    assert "The entry list is empty" not in run("entry-list", "show").stdout
