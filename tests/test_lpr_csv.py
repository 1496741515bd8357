"""The manual's plate list CSV (``license plate,date,description``): reading and writing.

Every bad line must come back with its number, its text and a reason a person can act on,
and nothing but ``PlateCsvError`` may escape, whatever the file holds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.apis.lpr import (
    MAX_LIST_ENTRIES,
    PlateCsvError,
    PlateCsvLineError,
    PlateEntry,
    format_plate_csv,
    parse_plate_csv,
    read_plate_csv,
)
from axisctl.apis.lpr.plate_csv import MAX_CSV_BYTES, MESSAGE_LINES
from axisctl.errors import ParseError

MANUAL_EXAMPLES = "AXIS123\nAXIS123,,John Smith\nAXIS123,2022-06-08,John Smith\n"


def test_the_manuals_three_examples_are_read() -> None:
    entries, errors = parse_plate_csv(MANUAL_EXAMPLES)
    assert errors == []
    assert entries == [
        PlateEntry("AXIS123"),
        PlateEntry("AXIS123", None, "John Smith"),
        PlateEntry("AXIS123", dt.date(2022, 6, 8), "John Smith"),
    ]


def test_bytes_from_excel_with_bom_crlf_and_a_header_read_like_plain_text() -> None:
    data = (
        "\ufefflicense plate,date,description\r\nAXIS123\r\n\r\nTÖLSL123,2022-06-08,Ö\r\n"
    ).encode()
    entries, errors = parse_plate_csv(data)
    assert errors == []
    assert entries == [PlateEntry("AXIS123"), PlateEntry("TÖLSL123", dt.date(2022, 6, 8), "Ö")]


@pytest.mark.parametrize(
    "header", ["license plate,date,description", "License Plate, Date, Description"]
)
def test_a_header_is_skipped_only_as_the_first_line(header: str) -> None:
    entries, errors = parse_plate_csv(f"\n{header}\nABC123\n{header}\n")
    assert entries == [PlateEntry("ABC123")]
    assert len(errors) == 1
    assert errors[0].line_number == 4
    assert "date" in errors[0].reason


def test_old_mac_line_ends_and_quoted_fields() -> None:
    text = 'A1\r"M SR1669",2023-09-29,"Smith, John"\r"Q1",,"say ""hi"""'
    entries, errors = parse_plate_csv(text)
    assert errors == []
    assert entries == [
        PlateEntry("A1"),
        PlateEntry("M SR1669", dt.date(2023, 9, 29), "Smith, John"),
        PlateEntry("Q1", None, 'say "hi"'),
    ]


def test_spaces_around_fields_are_dropped_inside_the_plate_kept() -> None:
    entries, errors = parse_plate_csv("  AXI S1234 , 2022-06-08 ,  John  \n")
    assert errors == []
    assert entries == [PlateEntry("AXI S1234", dt.date(2022, 6, 8), "John")]


BAD_LINES = [
    ("AXIS123,2022-13-01,x", "date '2022-13-01' is not a date in the form YYYY-MM-DD"),
    ("AXIS123,08/06/2022", "date '08/06/2022' is not a date in the form YYYY-MM-DD"),
    ("AXIS123,2022-6-8", "date '2022-6-8' is not a date in the form YYYY-MM-DD"),
    ("AXIS123,,John,extra", "4 fields; expected at most 3: license plate,date,description"),
    (",2022-06-08,nobody", "plate is empty"),
    ('"AB,C",,', "plate 'AB,C' contains a comma"),
    ('"AXIS123,,open quote', "not valid CSV"),
    ("AXIS\x01123", "contains a control character"),
    ("A" * 33, "longer than 32 characters"),
    ("AXIS123,," + "d" * 256, "description is longer than 255 characters"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_a_bad_line_is_reported_with_its_number_text_and_reason(line: str, reason: str) -> None:
    entries, errors = parse_plate_csv(f"GOOD1\n{line}\nGOOD2\n")
    assert entries == [PlateEntry("GOOD1"), PlateEntry("GOOD2")]
    assert len(errors) == 1
    error = errors[0]
    assert error.line_number == 2
    assert error.line == line
    assert reason in error.reason
    assert str(error).startswith("line 2: ")


def test_a_line_that_is_not_utf8_is_reported_alone() -> None:
    entries, errors = parse_plate_csv(b"GOOD1\nK\xf6ln1,,x\nGOOD2\n")
    assert entries == [PlateEntry("GOOD1"), PlateEntry("GOOD2")]
    assert [(e.line_number, e.reason) for e in errors] == [(2, "not UTF-8 text")]
    assert errors[0].line == "K\ufffdln1,,x"


def test_read_plate_csv_lists_every_bad_line_and_is_a_parse_error() -> None:
    text = "\n".join(line for line, _ in BAD_LINES)
    with pytest.raises(PlateCsvError) as caught:
        read_plate_csv(text, source="vehicles.csv")
    assert isinstance(caught.value, ParseError)
    assert [e.line_number for e in caught.value.errors] == list(range(1, len(BAD_LINES) + 1))
    message = str(caught.value)
    assert message.startswith(f"vehicles.csv: {len(BAD_LINES)} bad lines, nothing imported")
    assert "line 1: date '2022-13-01'" in message


def test_the_message_is_capped_but_every_error_is_kept() -> None:
    text = "\n".join(f"P{n},bad" for n in range(MESSAGE_LINES + 5))
    with pytest.raises(PlateCsvError) as caught:
        read_plate_csv(text)
    assert len(caught.value.errors) == MESSAGE_LINES + 5
    assert str(caught.value).endswith("... and 5 more")


def test_a_file_over_the_size_limit_is_refused_as_a_whole() -> None:
    entries, errors = parse_plate_csv(b"A" * (MAX_CSV_BYTES + 1))
    assert entries == []
    assert errors == [
        PlateCsvLineError(
            0, "", f"the file has {MAX_CSV_BYTES + 1} bytes; at most {MAX_CSV_BYTES} are accepted"
        )
    ]
    assert str(errors[0]).startswith("file: ")


def test_more_plates_than_a_list_holds_is_refused() -> None:
    text = "".join(f"P{n}\n" for n in range(MAX_LIST_ENTRIES + 1))
    _, errors = parse_plate_csv(text)
    assert [e.line_number for e in errors] == [0]
    assert f"a list holds at most {MAX_LIST_ENTRIES}" in errors[0].reason


def test_format_leaves_out_trailing_empty_fields_like_the_manual() -> None:
    entries = read_plate_csv(MANUAL_EXAMPLES)
    assert format_plate_csv(entries) == MANUAL_EXAMPLES
    assert format_plate_csv([PlateEntry("A", dt.date(2022, 6, 8))]) == "A,2022-06-08\n"
    assert format_plate_csv([PlateEntry("A", None, "Smith, J")]) == 'A,,"Smith, J"\n'
    assert format_plate_csv([], header=True) == "license plate,date,description\n"


# --- properties ----------------------------------------------------------------------------

_plate_chars = st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"), blacklist_characters=',"\x85'
)
plates = st.text(_plate_chars, min_size=1, max_size=32).map(str.strip).filter(bool)
descriptions = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=60,
).map(str.strip)
entries_strategy = st.lists(
    st.builds(
        PlateEntry,
        plates,
        st.none() | st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)),
        descriptions,
    ),
    max_size=20,
)


@given(entries_strategy)
def test_written_files_read_back_the_same(entries: list[PlateEntry]) -> None:
    text = format_plate_csv(entries)
    assert read_plate_csv(text) == entries
    assert read_plate_csv(text.encode("utf-8")) == entries
    assert read_plate_csv(format_plate_csv(entries, header=True)) == entries


@given(st.text(max_size=400) | st.binary(max_size=400))
def test_any_input_gives_entries_and_errors_never_an_exception(data: str | bytes) -> None:
    entries, errors = parse_plate_csv(data)
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert len(entries) + len(errors) <= len(lines)
    for error in errors:
        assert 1 <= error.line_number <= len(lines)
        assert error.reason
    for entry in entries:
        assert entry.plate == entry.plate.strip()
        assert entry.plate
        assert "," not in entry.plate
