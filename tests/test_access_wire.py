"""Card data, Wiegand frames and the wire form of reader settings and credential holders:
round trips, worked examples, and malformed input that gets only the typed error."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.apis.access import (
    CardData,
    CredentialHolder,
    FacilityCodeMode,
    InvalidAccessSettingError,
    InvalidCardError,
    KeypressFormat,
    OutputFormat,
    ReaderProtocol,
    ReaderSettings,
    WiegandFormat,
    decode_wiegand,
    encode_wiegand,
)
from axisctl.apis.access.errors import (
    AccessServiceError,
    CredentialNotFoundError,
    DuplicatePinError,
    error_class,
)
from axisctl.apis.access.settings_wire import (
    WIRE_NAMES,
    from_configuration,
    parse_changes,
    to_configuration,
)
from axisctl.apis.access.wire import (
    answer_of,
    fault_json,
    format_duration,
    format_time,
    parse_duration,
    parse_fault,
    parse_time,
)
from axisctl.errors import HTTPStatusError, MalformedResponseError, ParseError
from axisctl.transport.flow import HttpResponse


def failure(call: Callable[[], object]) -> str | None:
    """The message of the ParseError ``call`` raises, or ``None`` when it succeeds."""
    try:
        call()
    except ParseError as exc:
        return exc.message
    return None


# --- cards --------------------------------------------------------------------------------------

# (format, facility, number, Axis hex, OSDP RAW hex), checked against Proxmark3's Wiegand packers.
WORKED = [
    (WiegandFormat.WIEGAND26, 123, 4567, "02f623ae", "bd88eb80"),
    (WiegandFormat.WIEGAND26, 0, 10213, "02004fcb", "8013f2c0"),
    (WiegandFormat.WIEGAND26, 1, 1, "02020002", "80800080"),
    (WiegandFormat.WIEGAND34, 123, 4567, "0000f623af", "003d88ebc0"),
    (WiegandFormat.WIEGAND37, 0, 4567, "00000023af", "0000011d78"),
    (WiegandFormat.WIEGAND37, 0, 12345678901, "15bfb8386a", "adfdc1c350"),
    (WiegandFormat.WIEGAND37_FACILITY_CODE, 123, 4567, "0007b023af", "003d811d78"),
    (WiegandFormat.WIEGAND37_FACILITY_CODE, 65535, 524287, "0fffffffff", "7ffffffff8"),
]


def test_the_axis_worked_h10301_example() -> None:
    card = CardData.from_bits("1 0000 0000 0010 0111 1110 0101 1")
    assert (card.hex, card.bit_count) == ("02004fcb", 26)
    fields = decode_wiegand(card)
    assert (fields.format, fields.facility, fields.number) == (WiegandFormat.WIEGAND26, 0, 10213)


@pytest.mark.parametrize(("kind", "facility", "number", "axis", "osdp"), WORKED)
def test_worked_examples(
    kind: WiegandFormat, facility: int, number: int, axis: str, osdp: str
) -> None:
    card = encode_wiegand(kind, facility, number)
    assert card.hex == axis
    assert card.osdp_bytes.hex() == osdp
    assert CardData.from_osdp(bytes.fromhex(osdp), kind.bit_count) == card
    assert CardData.from_hex(axis, kind.bit_count) == card
    fields = decode_wiegand(card, kind)
    assert (fields.facility, fields.number) == (facility, number)


@st.composite
def frames(draw: st.DrawFn) -> tuple[WiegandFormat, int, int]:
    kind = draw(st.sampled_from(list(WiegandFormat)))
    facility = draw(st.integers(0, (1 << kind.facility_bits) - 1)) if kind.facility_bits else 0
    return kind, facility, draw(st.integers(0, (1 << kind.number_bits) - 1))


@given(frames())
def test_every_frame_decodes_to_what_was_encoded(frame: tuple[WiegandFormat, int, int]) -> None:
    kind, facility, number = frame
    fields = decode_wiegand(encode_wiegand(kind, facility, number), kind)
    assert (fields.format, fields.facility, fields.number) == frame


@given(frames(), st.data())
def test_one_flipped_bit_fails_a_parity_check(
    frame: tuple[WiegandFormat, int, int], data: st.DataObject
) -> None:
    kind, facility, number = frame
    card = encode_wiegand(kind, facility, number)
    position = data.draw(st.integers(0, card.bit_count - 1))
    flipped = CardData(card.value ^ (1 << position), card.bit_count)
    with pytest.raises(InvalidCardError, match="parity"):
        decode_wiegand(flipped, kind)


@given(st.integers(1, 512).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, (1 << n) - 1))))
def test_the_three_spellings_round_trip(bits: tuple[int, int]) -> None:
    count, value = bits
    card = CardData(value, count)
    assert CardData.from_bits(card.bits) == card
    assert CardData.from_hex(card.hex, count) == card
    assert CardData.from_osdp(card.osdp_bytes, count) == card
    assert len(card.osdp_bytes) == (count + 7) // 8


@given(st.text(max_size=80), st.integers(-5, 600))
def test_any_text_is_a_card_or_the_typed_error(text: str, count: int) -> None:
    with contextlib.suppress(InvalidCardError):
        assert CardData.from_bits(text).bit_count >= 1
    with contextlib.suppress(InvalidCardError):
        assert CardData.from_hex(text, count).bit_count == count


@given(st.binary(max_size=70), st.integers(-5, 600))
def test_any_bytes_are_osdp_card_data_or_the_typed_error(data: bytes, count: int) -> None:
    try:
        card = CardData.from_osdp(data, count)
    except InvalidCardError:
        return
    assert card.bit_count == count


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: decode_wiegand(CardData(0, 30)), "a 30-bit frame is no Wiegand format"),
        (lambda: decode_wiegand(CardData(0, 26), "Wiegand34"), "Wiegand34 frames have 34 bits"),
        (lambda: decode_wiegand(CardData(0, 26)), "trailing odd parity"),
        (lambda: decode_wiegand(CardData(1 << 25 | 1, 26)), "leading even parity"),
        (lambda: encode_wiegand("Wiegand26", 256, 1), "facility code 256 is out of range 0-255"),
        (lambda: encode_wiegand("Wiegand37", 1, 1), "Wiegand37 has no facility code"),
        (lambda: encode_wiegand("Wiegand99", 1, 1), "is not one of"),
        (lambda: CardData(4, 2), "does not fit in 2 bits"),
        (lambda: CardData(0, 0), "out of range 1-512"),
        (lambda: CardData.from_hex("0x1ff", 8), "has more than 8 bits"),
    ],
)
def test_bad_frames_say_what_is_wrong(call: Any, message: str) -> None:
    with pytest.raises(InvalidCardError, match=message):
        call()


# --- durations and times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT7S", 7), ("PT1M30S", 90), ("P1DT2H", 93600), ("PT0.5S", 0.5), ("PT10S", 10)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, "x") == seconds


@given(st.integers(0, 10**6))
def test_whole_second_durations_round_trip(seconds: int) -> None:
    assert parse_duration(format_duration(seconds), "x") == seconds


@given(st.text(max_size=30))
def test_any_text_is_a_duration_or_the_typed_error(text: str) -> None:
    problem = failure(lambda: parse_duration(text, "x"))
    assert problem is None or problem.startswith("x is ")


@given(st.datetimes(timezones=st.just(dt.timezone.utc)))
def test_times_round_trip(stamp: dt.datetime) -> None:
    assert parse_time(format_time(stamp), "x") == stamp


@given(st.text(max_size=40))
def test_any_text_is_a_time_or_the_typed_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        assert parse_time(text, "x").tzinfo is dt.timezone.utc


def test_times_with_offsets_are_utc() -> None:
    assert parse_time("2025-01-31T18:00:00+01:00", "x") == dt.datetime(
        2025, 1, 31, 17, tzinfo=dt.timezone.utc
    )
    with pytest.raises(ParseError, match="with a zone"):
        parse_time("2025-01-31T18:00:00", "x")


# --- reader settings on the wire ----------------------------------------------------------------

settings_strategy = st.builds(
    ReaderSettings,
    external_reader=st.just(False),
    protocol=st.sampled_from(list(ReaderProtocol)),
    osdp_address=st.integers(0, 126),
    keypress_format=st.sampled_from(list(KeypressFormat)),
    keypress_facility_code=st.integers(0, 255),
    output_format=st.sampled_from(list(OutputFormat)),
    facility_code_mode=st.sampled_from(list(FacilityCodeMode)),
    facility_code=st.integers(0, 255),
    pin_length=st.integers(0, 32),
    pin_timeout_s=st.integers(3, 50),
    door_open_time_s=st.integers(1, 60),
    entry_list=st.booleans(),
)


@given(settings_strategy)
def test_settings_round_trip(settings: ReaderSettings) -> None:
    settings.validate()
    pairs = [(item["Name"], item["Value"]) for item in to_configuration(settings)]
    assert [name for name, _ in pairs] == list(WIRE_NAMES)
    assert from_configuration(pairs, "Configuration") == settings


@given(
    st.lists(st.tuples(st.sampled_from([*WIRE_NAMES, "Other"]), st.text(max_size=12)), max_size=6)
)
def test_any_configuration_is_settings_or_the_typed_error(pairs: list[tuple[str, str]]) -> None:
    problem = failure(lambda: ReaderSettings().replace(parse_changes(pairs, "Configuration")))
    assert problem is None or problem.startswith("Configuration[")


def test_the_osdp_address_is_hex_on_the_wire() -> None:
    assert parse_changes([("IdPoint.Hardware.Address", "7e")], "c") == {"osdp_address": 126}
    (address,) = [
        i for i in to_configuration(ReaderSettings(osdp_address=16)) if "Address" in i["Name"]
    ]
    assert address["Value"] == "10"


def test_fractions_of_seconds_are_refused() -> None:
    with pytest.raises(ParseError, match="whole seconds"):
        parse_changes([("Door.AccessTime", "PT7.5S")], "c")


def test_unknown_names_are_skipped_in_answers() -> None:
    pairs = [("IdPoint.Future", "x"), ("IdPoint.PIN.Length", "6")]
    assert from_configuration(pairs, "c") == ReaderSettings(pin_length=6)


def test_a_setting_by_an_unknown_name_is_refused() -> None:
    with pytest.raises(InvalidAccessSettingError, match="not a reader setting"):
        ReaderSettings().replace({"volume": 3})


# --- credential holders on the wire -------------------------------------------------------------

names = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20).filter(
    lambda text: text.strip() != ""
)
stamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2090, 1, 1),
    timezones=st.just(dt.timezone.utc),
)
holders = st.builds(
    CredentialHolder,
    first_name=names,
    last_name=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    card=st.one_of(st.none(), frames().map(lambda f: encode_wiegand(*f))),
    pin=st.from_regex(r"[0-9]{1,32}", fullmatch=True),
    valid_from=st.one_of(st.none(), stamps),
    valid_to=st.none(),
    remaining_uses=st.one_of(st.none(), st.integers(0, 1000)),
    suspended=st.booleans(),
    notes=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    token=st.text("abcdef0123456789:.-", max_size=30),
)


@given(holders)
def test_holders_round_trip(holder: CredentialHolder) -> None:
    holder.validate()
    wire = json.loads(json.dumps(holder.to_wire()))
    assert CredentialHolder.from_wire(wire, "Credential", strict=True) == holder


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
credential_like = st.fixed_dictionaries(
    {},
    optional={
        "token": json_values,
        "Enabled": json_values,
        "Status": st.sampled_from(["Enabled", "Disabled", "x"]) | json_values,
        "ValidFrom": st.sampled_from(["2025-01-01T00:00:00Z", "yesterday"]) | json_values,
        "IdData": st.lists(
            st.fixed_dictionaries(
                {
                    "Name": st.sampled_from(["PIN", "Card", "BitCount", "Other"]),
                    "Value": json_values,
                }
            ),
            max_size=4,
        )
        | json_values,
        "Attribute": st.lists(
            st.fixed_dictionaries(
                {
                    "Name": st.sampled_from(["FirstName", "LastName", "RemainingUses"]),
                    "Value": json_values,
                }
            ),
            max_size=4,
        )
        | json_values,
    },
)


@given(credential_like | json_values)
def test_any_json_is_a_holder_or_the_typed_error(value: Any) -> None:
    for strict in (False, True):
        problem = failure(
            partial(CredentialHolder.from_wire, value, "Credential[0]", strict=strict)
        )
        assert problem is None or problem.startswith("Credential[0]")


def test_a_pin_never_shows_in_repr_or_errors() -> None:
    holder = CredentialHolder("Gordon", pin="8642")
    assert "8642" not in repr(holder)
    with pytest.raises(InvalidAccessSettingError) as caught:
        CredentialHolder("Gordon", pin="86a42").validate()
    assert "86a42" not in str(caught.value)


# --- faults -------------------------------------------------------------------------------------


def _response(status: int, body: Any) -> HttpResponse:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpResponse(status, {"content-type": "application/json"}, content)


def test_faults_become_typed_errors() -> None:
    body = fault_json("the PIN is in use", ("ter:InvalidArgVal", "pacsaxis:DuplicatePIN"))
    with pytest.raises(DuplicatePinError) as caught:
        answer_of(_response(400, body), "pacsaxis:SetCredential", api="vapix/pacs")
    assert caught.value.subcodes == ("ter:InvalidArgVal", "pacsaxis:DuplicatePIN")
    assert caught.value.fault_code == "env:Sender"
    assert caught.value.method == "pacsaxis:SetCredential"
    assert error_class(["ter:NotFound"]) is CredentialNotFoundError
    assert error_class(["ter:Whatever"]) is AccessServiceError


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, b"<html>oops</html>", HTTPStatusError),
        (200, b"{not json", MalformedResponseError),
        (200, [], MalformedResponseError),
    ],
)
def test_answers_that_are_not_the_shape_are_typed_errors(
    status: int, body: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        answer_of(_response(status, body), "op", api="vapix/pacs")


@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_are_a_fault_or_none(content: bytes) -> None:
    fault = parse_fault(content)
    if fault is not None:
        code, subcodes, reason = fault
        assert isinstance(code, str)
        assert all(isinstance(s, str) for s in subcodes)
        assert isinstance(reason, str)
