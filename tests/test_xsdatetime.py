"""The one xs:dateTime reader behind event metadata and the access-control services."""

from __future__ import annotations

import datetime as dt

import pytest

from axisctl.codecs.xsdatetime import Problem, XsDateTimeError, parse_xs_datetime

UTC = dt.timezone.utc


def test_offsets_become_utc_and_long_fractions_are_cut_to_microseconds() -> None:
    stamp = parse_xs_datetime(
        "2025-01-31T17:00:00.1234567+01:30", zone_required=True, max_fraction_digits=9
    )
    assert stamp == dt.datetime(2025, 1, 31, 15, 30, 0, 123456, tzinfo=UTC)


def test_no_zone_means_utc_unless_one_is_required() -> None:
    text = "2025-01-31T17:00:00"
    assert parse_xs_datetime(text, zone_required=False, max_fraction_digits=9) == dt.datetime(
        2025, 1, 31, 17, tzinfo=UTC
    )
    with pytest.raises(XsDateTimeError) as caught:
        parse_xs_datetime(text, zone_required=True, max_fraction_digits=9)
    assert caught.value.problem is Problem.SYNTAX


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2025-01-31 17:00:00Z", Problem.SYNTAX),
        ("2025-01-31T17:00:00.1234567890Z", Problem.SYNTAX),  # more than 9 fraction digits
        ("2025-01-31T17:00:00+24:00", Problem.OFFSET),
        ("2025-13-31T17:00:00Z", Problem.VALUE),
    ],
)
def test_each_kind_of_problem_is_named(text: str, problem: Problem) -> None:
    with pytest.raises(XsDateTimeError) as caught:
        parse_xs_datetime(text, zone_required=False, max_fraction_digits=9)
    assert caught.value.problem is problem
