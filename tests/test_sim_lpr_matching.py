"""Plate matching of the simulated License Plate Verifier, against the manual and a reference model.

The manual: one character of deviation by default ("AXI S1234" accepts "AXI SI234", "AXIS
1234" accepts "AXI 1234"), "Strict matching" for an exact match, a configurable deviation,
plates under the minimum number of characters (5) not read, reads under the sensitivity
level not shown.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.sim.lpr.matching import (
    ListHit,
    allowed_deviation,
    best_hit,
    edit_distance_within,
    is_readable,
    normalise,
)
from axisctl.sim.lpr.state import (
    DetectionSettings,
    PlateEntry,
    PlateList,
    Schedule,
    default_lists,
)

NOON_MONDAY = dt.datetime(2024, 6, 3, 12, 0, tzinfo=dt.timezone.utc)
NOON_SATURDAY = dt.datetime(2024, 6, 8, 12, 0, tzinfo=dt.timezone.utc)


@functools.cache
def reference_distance(a: str, b: str) -> int:
    """Levenshtein distance straight from its definition: the reference model."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    return min(
        reference_distance(a[1:], b) + 1,
        reference_distance(a, b[1:]) + 1,
        reference_distance(a[1:], b[1:]) + (a[0] != b[0]),
    )


def lists_with(**plates: list[str]) -> dict[str, PlateList]:
    lists = default_lists()
    for key, entries in plates.items():
        for plate in entries:
            lists[key].entries[plate] = PlateEntry(plate, description=f"{key}:{plate}")
    return lists


def hit_for(lists: dict[str, PlateList], text: str, deviation: int = 1) -> ListHit | None:
    return best_hit(lists.values(), text, deviation, NOON_MONDAY)


# --- the manual's examples -----------------------------------------------------------------


def test_the_manuals_examples_match_with_the_default_deviation() -> None:
    deviation = allowed_deviation(DetectionSettings())
    assert deviation == 1
    substitution = hit_for(lists_with(allow=["AXI S1234"]), "AXI SI234", deviation)
    assert substitution is not None
    assert (substitution.list_key, substitution.plate, substitution.distance) == (
        "allow",
        "AXI S1234",
        1,
    )
    deletion = hit_for(lists_with(allow=["AXIS 1234"]), "AXI 1234", deviation)
    assert deletion is not None
    assert deletion.distance == 1


def test_strict_matching_wants_every_character() -> None:
    strict = allowed_deviation(DetectionSettings(strict_matching=True, char_deviation=2))
    assert strict == 0
    assert hit_for(lists_with(allow=["AXI S1234"]), "AXI SI234", strict) is None
    assert hit_for(lists_with(allow=["AXIS 1234"]), "AXI 1234", strict) is None
    exact = hit_for(lists_with(allow=["AXIS 1234"]), "axis-1234", strict)
    assert exact is not None
    assert exact.distance == 0


def test_two_characters_off_needs_a_deviation_of_two() -> None:
    lists = lists_with(allow=["ABC123"])
    assert hit_for(lists, "ABD124", allowed_deviation(DetectionSettings())) is None
    two = hit_for(lists, "ABD124", allowed_deviation(DetectionSettings(char_deviation=2)))
    assert two is not None
    assert two.distance == 2


def test_plates_are_compared_without_case_spaces_and_dashes() -> None:
    assert normalise("axi s1234") == "AXIS1234"
    assert normalise(" M-SR 1669 ") == "MSR1669"
    assert normalise("tölsl123") == "TÖLSL123"
    hit = hit_for(lists_with(block=["M SR1669"]), "m-sr-1669", 0)
    assert hit is not None
    assert hit.list_key == "block"


def test_short_plates_and_unsure_reads_are_not_read() -> None:
    default = DetectionSettings()
    assert not is_readable("ABC1", 0.9, default)
    assert is_readable("ABC12", 0.9, default)
    assert not is_readable("AB-C1", 0.9, default)  # four characters once the dash is gone
    assert is_readable("ABC1", 0.9, DetectionSettings(min_chars=4))
    assert not is_readable("ABC123", 0.45, default)
    assert is_readable("ABC123", 0.5, default)


# --- which list wins -----------------------------------------------------------------------


def test_the_closest_entry_wins_across_lists() -> None:
    lists = lists_with(allow=["ABC123"], block=["ABC124"])
    hit = hit_for(lists, "ABC123")
    assert hit is not None
    assert (hit.list_key, hit.distance) == ("allow", 0)


def test_a_tie_goes_to_the_block_list_then_allow_then_custom() -> None:
    tie = hit_for(lists_with(allow=["ABC123"], block=["ABC123"], custom=["ABC123"]), "ABC123")
    assert tie is not None
    assert tie.list_key == "block"
    no_block = hit_for(lists_with(allow=["ABC124"], custom=["ABC125"]), "ABC123")
    assert no_block is not None
    assert no_block.list_key == "allow"


def test_the_mode_decides_a_tie_not_the_list_name() -> None:
    lists = lists_with(allow=["ABC123"], custom=["ABC123"])
    lists["custom"].mode = "block"
    hit = hit_for(lists, "ABC123")
    assert hit is not None
    assert (hit.list_key, hit.mode) == ("custom", "block")


def test_a_list_outside_its_schedule_is_ignored() -> None:
    lists = lists_with(allow=["ABC123"])
    weekdays = frozenset({"Mon", "Tue", "Wed", "Thu", "Fri"})
    lists["allow"].schedules = [Schedule(True, 8 * 60, 17 * 60, weekdays)]
    assert best_hit(lists.values(), "ABC123", 1, NOON_MONDAY) is not None
    assert best_hit(lists.values(), "ABC123", 1, NOON_SATURDAY) is None


def test_the_hit_carries_the_list_name_and_the_entry_description() -> None:
    lists = lists_with(block=["WR6677"])
    lists["block"].name = "Most wanted"
    hit = hit_for(lists, "WR6677")
    assert hit == ListHit("block", "Most wanted", "block", "WR6677", "block:WR6677", 0)


def test_a_large_list_gives_its_one_close_entry() -> None:
    lists = default_lists()
    for number in range(20_000):
        plate = f"AB{number:05d}"
        lists["allow"].entries[plate] = PlateEntry(plate)
    hit = hit_for(lists, "AB19999X")
    assert hit is not None
    assert (hit.plate, hit.distance) == ("AB19999", 1)


# --- property tests against the reference model --------------------------------------------

plates = st.text(alphabet="AB0189-", max_size=8)


@given(plates, plates, st.integers(min_value=0, max_value=4))
def test_bounded_distance_agrees_with_the_reference(a: str, b: str, limit: int) -> None:
    expected = reference_distance(a, b)
    assert edit_distance_within(a, b, limit) == (expected if expected <= limit else None)
    assert edit_distance_within(b, a, limit) == edit_distance_within(a, b, limit)


@given(
    st.dictionaries(
        st.sampled_from(["allow", "block", "custom"]),
        st.lists(st.text(alphabet="AB01", min_size=1, max_size=6), max_size=5),
    ),
    st.text(alphabet="AB01 -", min_size=1, max_size=7),
    st.integers(min_value=0, max_value=3),
)
def test_best_hit_agrees_with_a_brute_force_model(
    entries: dict[str, list[str]], text: str, deviation: int
) -> None:
    lists = lists_with(**entries)
    mode_rank = {"block": 0, "allow": 1, "none": 2}
    order = ["allow", "block", "custom"]
    candidates = [
        (
            reference_distance(normalise(text), normalise(plate)),
            mode_rank[lists[key].mode],
            order.index(key),
            position,
            key,
            plate,
        )
        for key in order
        for position, plate in enumerate(lists[key].entries)
    ]
    within = [c for c in candidates if c[0] <= deviation]
    hit = hit_for(lists, text, deviation)
    if not within:
        assert hit is None
        return
    distance, *_, key, plate = min(within)
    assert hit is not None
    assert (hit.distance, hit.list_key, hit.plate) == (distance, key, plate)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("", "ABC", 3), ("KITTEN", "SITTING", 3), ("ABCDEF", "ABCDEF", 0)],
)
def test_known_distances(a: str, b: str, distance: int) -> None:
    assert edit_distance_within(a, b, 5) == distance
    assert edit_distance_within(a, b, distance - 1) is None
