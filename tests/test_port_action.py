"""The port.cgi text formats: action syntax and check answers, by example and by property."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.codecs.port_action import (
    MAX_STATES,
    MAX_WAIT_MS,
    CircuitState,
    Direction,
    PortAction,
    format_check,
    format_check_active,
    format_check_direction,
    format_port_list,
    parse_action,
    parse_check,
    parse_check_active,
    parse_check_direction,
    parse_port_list,
)
from axisctl.errors import ParseError

# --- the documented examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("1:/", PortAction(1, (True,))),
        ("4:\\", PortAction(4, (False,))),
        ("2:/300\\", PortAction(2, (True, False), (300,))),
        ("2:/300\\500/300\\", PortAction(2, (True, False, True, False), (300, 500, 300))),
    ],
)
def test_documented_actions_parse_and_format(text: str, action: PortAction) -> None:
    assert parse_action(text) == action
    assert action.format() == text


def test_pulse_builds_the_documented_double_pulse() -> None:
    action = PortAction.pulse(2, 300, count=2, gap_ms=500)
    assert action.format() == "2:/300\\500/300\\"
    assert action.duration_ms == 1100
    assert action.final_active is False


def test_pulse_gap_defaults_to_the_pulse_length() -> None:
    assert PortAction.pulse(3, 200, count=3).format() == "3:/200\\200/200\\200/200\\"


def test_set_leaves_the_output_in_the_state() -> None:
    assert PortAction.set(1, True).format() == "1:/"
    assert PortAction.set(1, False).format() == "1:\\"
    assert PortAction.set(1, True).duration_ms == 0


# --- rejections say what and where ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected '<port>:'"),
        ("/300\\", "expected '<port>:'"),
        ("x:/", "is not a number"),
        ("0:/", "port 0 does not exist"),
        ("1:", "no state"),
        ("1:/300", "ends with a wait"),
        ("1:300/", "position 2"),
        ("1:/\\", "expected a wait in milliseconds at position 3"),
        ("1:/abc\\", "position 3"),
        ("1:/70000\\", "exceeds 65535"),
        ("1:/-5\\", "position 3"),
        ("1:/300|", "position 6"),
        ("99999:/", "out of range"),
    ],
)
def test_bad_actions_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_action(text)
    assert fragment in caught.value.message


def test_a_wait_with_thousands_of_digits_is_a_parse_error_not_a_crash() -> None:
    with pytest.raises(ParseError, match="exceeds"):
        parse_action("1:/" + "9" * 5000 + "\\")


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: PortAction(0, (True,)), "out of range"),
        (lambda: PortAction(1, ()), "at least one state"),
        (lambda: PortAction(1, (True, False)), "need 1 waits"),
        (lambda: PortAction(1, (True, False), (MAX_WAIT_MS + 1,)), "outside"),
        (lambda: PortAction(1, (True,) * (MAX_STATES + 1), (1,) * MAX_STATES), "at most"),
        (lambda: PortAction.pulse(1, 0), "pulse length"),
        (lambda: PortAction.pulse(1, 100, count=0), "count"),
        (lambda: PortAction.pulse(1, 100, count=2, gap_ms=0), "gap"),
        (lambda: PortAction.pulse(1, 100, count=MAX_STATES), "pulses fit"),
    ],
)
def test_actions_cannot_be_built_invalid(make: object, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        make()  # type: ignore[operator]


# --- check answers ----------------------------------------------------------------------


def test_check_answer_one_is_closed_zero_is_open() -> None:
    assert parse_check("port1=0\nport2=1\n") == {1: CircuitState.OPEN, 2: CircuitState.CLOSED}


def test_checkactive_and_checkdirection_answers() -> None:
    assert parse_check_active("port3=active\r\nport4=inactive\r\n") == {3: True, 4: False}
    assert parse_check_direction("port1=input\r\nport2=output") == {
        1: Direction.INPUT,
        2: Direction.OUTPUT,
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("port1=2", "expected 0|1"),
        ("port1", "line 1"),
        ("port1=0\n# Error: bad", "line 2"),
        ("portx=0", "line 1"),
        ("port0=1", "port 0"),
    ],
)
def test_bad_check_answers_are_parse_errors(text: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        parse_check(text)


def test_check_formats_are_what_the_parsers_read() -> None:
    circuits = {2: CircuitState.CLOSED, 1: CircuitState.OPEN}
    assert format_check(circuits) == "port2=1\r\nport1=0\r\n"
    assert parse_check(format_check(circuits)) == circuits
    assert parse_check_active(format_check_active({5: True})) == {5: True}
    assert parse_check_direction(format_check_direction({1: Direction.OUTPUT})) == {
        1: Direction.OUTPUT
    }


def test_port_lists() -> None:
    assert parse_port_list("1, 2,16") == [1, 2, 16]
    assert format_port_list([3, 1]) == "3,1"
    for bad in ("", "1,,2", "0", "a", "1;2", "\uff11"):  # the last: a fullwidth one
        with pytest.raises(ParseError):
            parse_port_list(bad)
    with pytest.raises(ParseError, match="at least one"):
        format_port_list([])


# --- properties -------------------------------------------------------------------------

waits = st.integers(min_value=0, max_value=MAX_WAIT_MS)


@st.composite
def actions(draw: st.DrawFn) -> PortAction:
    states = draw(st.lists(st.booleans(), min_size=1, max_size=20))
    gaps = draw(st.lists(waits, min_size=len(states) - 1, max_size=len(states) - 1))
    port = draw(st.integers(min_value=1, max_value=9999))
    return PortAction(port, tuple(states), tuple(gaps))


@given(actions())
def test_format_then_parse_is_identity(action: PortAction) -> None:
    assert parse_action(action.format()) == action


@given(actions())
def test_formatted_actions_use_only_the_documented_alphabet(action: PortAction) -> None:
    head, _, body = action.format().partition(":")
    assert head == str(action.port)
    assert set(body) <= set("0123456789/\\")
    assert body[0] in "/\\"
    assert body[-1] in "/\\"


@given(st.text(max_size=60))
def test_garbage_is_rejected_with_parse_error_only(text: str) -> None:
    try:
        action = parse_action(text)
    except ParseError:
        return
    # Whatever parses must mean the same when written back and read again.
    assert parse_action(action.format()) == action


@given(st.text(alphabet="0123456789:/\\x ", max_size=40))
def test_near_miss_actions_are_rejected_with_parse_error_only(text: str) -> None:
    try:
        action = parse_action(text)
    except ParseError as exc:
        message = exc.message
        assert message.startswith("action ")
        return
    assert parse_action(action.format()) == action


@given(st.text(max_size=80))
def test_garbage_check_answers_raise_parse_error_only(text: str) -> None:
    for parse in (parse_check, parse_check_active, parse_check_direction):
        with contextlib.suppress(ParseError):
            parse(text)


@given(st.dictionaries(st.integers(1, 9999), st.sampled_from(list(CircuitState)), max_size=20))
def test_check_round_trip(circuits: dict[int, CircuitState]) -> None:
    assert parse_check(format_check(circuits)) == circuits
