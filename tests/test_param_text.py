"""Property tests of the param.cgi text codec (axisctl/codecs/param_text.py)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from axisctl.codecs.param_text import (
    ParamListing,
    error_message,
    format_list,
    parse_list,
    parse_status,
    strip_root,
)
from axisctl.errors import ParseError

#: Characters that ``str.splitlines`` treats as line breaks besides CR and LF, and that
#: ISO-8859-1 can carry. See ``test_round_trip_of_values_with_other_line_separators``.
OTHER_LINE_SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x85"

segments = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=1,
    max_size=8,
)
#: Bare parameter names. A first segment ``root`` would make ``root.X`` and ``X`` the same
#: parameter, so it is left out here and covered by the ``root.`` prefix strategy instead.
bare_names = (
    st.lists(segments, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda name: name.split(".")[0] != "root")
)
latin1_values = st.text(
    alphabet=st.characters(
        min_codepoint=0, max_codepoint=255, exclude_characters="\r\n" + OTHER_LINE_SEPARATORS
    ),
    max_size=30,
)
# Values with the awkward parts the format must keep: '=', edge spaces, empty.
values = st.one_of(
    latin1_values,
    st.just(""),
    st.builds(lambda a, b: f" {a}={b} ", latin1_values, latin1_values),
)


@st.composite
def parameter_maps(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    """(what goes into format_list, with ``root.`` on some names; what parse_list must give)."""
    bare = draw(st.dictionaries(bare_names, values, max_size=10))
    given_names: dict[str, str] = {}
    for name, value in bare.items():
        given_names[f"root.{name}" if draw(st.booleans()) else name] = value
    return given_names, bare


@given(parameter_maps())
@example(({"Brand.ProdNbr": "D4200-VE", "root.A.B": ""}, {"Brand.ProdNbr": "D4200-VE", "A.B": ""}))
@example(({"Time.POSIXTimeZone": " a=b = c "}, {"Time.POSIXTimeZone": " a=b = c "}))
@example(({"IOPort.I0.Input.Name": "Tür ½ ÿ"}, {"IOPort.I0.Input.Name": "Tür ½ ÿ"}))
def test_format_then_parse_round_trips(maps: tuple[dict[str, str], dict[str, str]]) -> None:
    given_names, bare = maps
    text = format_list(given_names)
    text.encode("iso-8859-1")  # the wire text stays ISO-8859-1
    listing = parse_list(text)
    assert listing.values == bare
    assert listing.errors == ()


@given(parameter_maps())
def test_parse_accepts_lines_with_and_without_root_prefix(
    maps: tuple[dict[str, str], dict[str, str]],
) -> None:
    _, bare = maps
    text = "".join(f"{name}={value}\r\n" for name, value in bare.items())
    assert parse_list(text).values == bare
    assert parse_list(format_list(bare)).values == bare


@pytest.mark.parametrize("separator", list(OTHER_LINE_SEPARATORS))
def test_round_trip_of_values_with_other_line_separators(separator: str) -> None:
    values = {"IOPort.I0.Input.Name": f"Door{separator}Brand.ProdNbr=FAKE"}
    assert parse_list(format_list(values)).values == values


@given(st.text())
@example("root.A=1\r\n\r\nroot.B\r\n")
@example("# Error:\r\n#\r\n=\r\nroot.=x\r\n")
@example("\x85\x0c\u2028=")
def test_parse_list_of_garbage_parses_or_raises_parse_error(text: str) -> None:
    try:
        listing = parse_list(text)
    except ParseError:
        return
    assert isinstance(listing, ParamListing)


line_pieces = st.one_of(
    st.builds(lambda n, v: f"root.{n}={v}", bare_names, latin1_values),
    st.builds(lambda m: f"# Error: {m}", latin1_values),
    st.text(max_size=20),
)


@given(st.lists(line_pieces, max_size=8), st.sampled_from(["\r\n", "\n", "\r"]))
def test_parse_list_of_line_structured_garbage_never_crashes(
    lines: list[str], separator: str
) -> None:
    with contextlib.suppress(ParseError):
        parse_list(separator.join(lines))


no_equals_lines = st.text(
    alphabet=st.characters(
        min_codepoint=32, max_codepoint=255, exclude_characters="=\x85" + OTHER_LINE_SEPARATORS
    ),
    min_size=1,
    max_size=30,
).filter(lambda line: bool(line.strip()) and not line.startswith("#"))


@given(st.lists(st.tuples(bare_names, latin1_values), max_size=5), no_equals_lines)
@example([("Brand.Brand", "AXIS"), ("Brand.ProdNbr", "D4200-VE")], "garbage")
def test_line_without_equals_names_its_line_number(
    good: list[tuple[str, str]], bad_line: str
) -> None:
    text = "".join(f"root.{n}={v}\r\n" for n, v in good) + bad_line + "\r\nroot.Z=1\r\n"
    with pytest.raises(ParseError) as caught:
        parse_list(text)
    assert caught.value.message.startswith(f"line {len(good) + 1}:")


def test_blank_lines_count_towards_the_line_number() -> None:
    with pytest.raises(ParseError, match=r"^line 3: "):
        parse_list("root.A=1\r\n\r\nno equals sign here\r\n")


def test_invalid_name_in_listing_names_its_line_number() -> None:
    with pytest.raises(ParseError, match=r"^line 2: .*invalid parameter name"):
        parse_list("root.A=1\r\nroot.Bad Name=2\r\n")


def test_error_lines_come_out_in_errors() -> None:
    text = (
        "root.Brand.ProdNbr=D4200-VE\r\n"
        "# Error: Error -1 getting param in group 'Nope'\r\n"
        "root.Brand.Brand=AXIS\r\n"
    )
    listing = parse_list(text)
    assert listing.values == {"Brand.ProdNbr": "D4200-VE", "Brand.Brand": "AXIS"}
    assert listing.errors == ("Error -1 getting param in group 'Nope'",)


error_texts = st.text(
    alphabet=st.characters(
        min_codepoint=33, max_codepoint=255, exclude_characters="\x85" + OTHER_LINE_SEPARATORS
    ),
    min_size=1,
    max_size=30,
).filter(lambda message: message == message.strip())  # the parser strips messages


@given(st.dictionaries(bare_names, latin1_values, max_size=5), st.lists(error_texts, max_size=3))
def test_formatted_errors_come_back_in_errors(values: dict[str, str], errors: list[str]) -> None:
    listing = parse_list(format_list(values, errors))
    assert listing.values == values
    assert listing.errors == tuple(errors)


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\r\nb", "\n", "end\r"])
def test_format_list_rejects_line_breaks(value: str) -> None:
    with pytest.raises(ParseError, match="line break"):
        format_list({"Time.POSIXTimeZone": value})


@given(
    st.text(max_size=10),
    st.characters(min_codepoint=256, exclude_categories=["Cs"]),
    st.text(max_size=10),
)
@example("", "€", "")
@example("smile ", "😀", "")
def test_format_list_rejects_characters_outside_latin1(before: str, char: str, after: str) -> None:
    with pytest.raises(ParseError):
        format_list({"IOPort.I0.Input.Name": before + char + after})


@pytest.mark.parametrize("name", ["", "root.", "Brand..ProdNbr", "Brand.Prod Nbr", "A=B", "Ä"])
def test_format_list_rejects_invalid_names(name: str) -> None:
    with pytest.raises(ParseError, match="invalid parameter name"):
        format_list({name: "x"})


def test_strip_root_only_removes_the_prefix() -> None:
    assert strip_root("root.Brand.ProdNbr") == "Brand.ProdNbr"
    assert strip_root("Brand.ProdNbr") == "Brand.ProdNbr"
    assert strip_root("rootBrand") == "rootBrand"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OK", ""),
        ("OK\r\n", ""),
        (" OK \n", ""),
        ("S8 OK", "S8"),
        ("S8 OK\r\n", "S8"),
        ("P12 OK", "P12"),
    ],
)
def test_parse_status_accepts_ok_and_group_id(text: str, expected: str) -> None:
    assert parse_status(text) == expected


@pytest.mark.parametrize(
    "text", ["", "ok", "NOK", "OK OK", "S OK", "8 OK", "S8OK", "S8 OK extra", "# Error: x"]
)
def test_parse_status_rejects_anything_else(text: str) -> None:
    with pytest.raises(ParseError, match="expected 'OK'"):
        parse_status(text)


@given(st.text())
def test_parse_status_returns_id_or_raises_parse_error(text: str) -> None:
    try:
        result = parse_status(text)
    except ParseError:
        return
    assert result == "" or result[0].isalpha()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# Error: Error setting 'root.Time.SyncSource' to 'bogus'!\r\n",
            "Error setting 'root.Time.SyncSource' to 'bogus'!",
        ),
        (
            "more info# Request failed: Group 'StreamProfile.S7' does not exist\r\n",
            "Group 'StreamProfile.S7' does not exist",
        ),
        ("# Error: first line\r\nsecond line\r\n", "first line"),
        ("# Error:", "(no message)"),
        ("# Request failed:  \r\n", "(no message)"),
        ("OK\r\n", None),
        ("S3 OK\r\n", None),
        ("", None),
    ],
)
def test_error_message_for_both_prefixes(text: str, expected: str | None) -> None:
    assert error_message(text) == expected


def test_error_message_is_never_empty() -> None:
    assert error_message("# Error: \r\nS0 OK\r\n") == "(no message)"
