"""Property tests of the OSDP payloads: every message round-trips, junk gives MessageError."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.osdp.errors import MessageError
from axisctl.drivers.osdp.messages import (
    Busy,
    BuzzerCommand,
    CapabilitiesRequest,
    CardFormat,
    Challenge,
    ClientCryptogram,
    Command,
    ComSet,
    ComSettings,
    IdRequest,
    InitialRmac,
    InputStatus,
    KeypadData,
    KeySet,
    LedColor,
    LedCommand,
    LocalStatus,
    Nak,
    NakReason,
    OutputCommand,
    OutputControl,
    OutputStatus,
    PdCapabilities,
    PdCapability,
    PdId,
    PermanentLedControl,
    RawCardData,
    ReaderState,
    ReaderStatus,
    Reply,
    ServerCryptogram,
    TemporaryLedControl,
    TextCommand,
    TextControl,
    ToneCode,
    decode_command,
    decode_reply,
    encode_records,
)

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
colors = st.sampled_from(LedColor)


def blob(size: int) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


led_commands = st.builds(
    LedCommand,
    reader=u8,
    led=u8,
    temporary_control=st.sampled_from(TemporaryLedControl),
    temporary_on_time=u8,
    temporary_off_time=u8,
    temporary_on_color=colors,
    temporary_off_color=colors,
    temporary_timer=u16,
    permanent_control=st.sampled_from(PermanentLedControl),
    permanent_on_time=u8,
    permanent_off_time=u8,
    permanent_on_color=colors,
    permanent_off_color=colors,
)
buzzer_commands = st.builds(BuzzerCommand, u8, st.sampled_from(ToneCode), u8, u8, u8)
output_commands = st.builds(OutputCommand, u8, st.sampled_from(OutputControl), u16)


@st.composite
def raw_cards(draw: st.DrawFn) -> RawCardData:
    bits = draw(st.integers(0, 200))
    return RawCardData(
        draw(u8), draw(st.sampled_from(CardFormat)), bits, draw(blob((bits + 7) // 8))
    )


SINGLE_PAYLOADS: list[st.SearchStrategy[Any]] = [
    st.builds(IdRequest, u8),
    st.builds(CapabilitiesRequest, u8),
    led_commands,
    buzzer_commands,
    output_commands,
    st.builds(
        TextCommand,
        st.text(st.characters(max_codepoint=127), max_size=40),
        u8,
        st.sampled_from(TextControl),
        u8,
        u8,
        u8,
    ),
    st.builds(ComSet, st.integers(0, 0x7E), st.integers(1, 0xFFFFFFFF)),
    st.builds(KeySet, blob(16)),
    st.builds(Challenge, blob(8)),
    st.builds(ServerCryptogram, blob(16)),
    st.builds(Nak, st.sampled_from(NakReason), st.binary(max_size=4)),
    st.builds(
        PdId,
        st.integers(0, 0xFFFFFF),
        u8,
        u8,
        st.integers(0, 0xFFFFFFFF),
        st.tuples(u8, u8, u8),
    ),
    st.builds(PdCapabilities, st.lists(st.builds(PdCapability, u8, u8, u8)).map(tuple)),
    st.builds(LocalStatus, st.booleans(), st.booleans()),
    st.builds(InputStatus, st.lists(st.booleans()).map(tuple)),
    st.builds(OutputStatus, st.lists(st.booleans()).map(tuple)),
    st.builds(ReaderStatus, st.lists(st.sampled_from(ReaderState)).map(tuple)),
    raw_cards(),
    st.builds(KeypadData, u8, st.text("0123456789*#ABCDEFGH", max_size=40)),
    st.builds(ComSettings, st.integers(0, 0x7E), st.integers(1, 0xFFFFFFFF)),
    st.builds(ClientCryptogram, blob(8), blob(8), blob(16)),
    st.builds(InitialRmac, blob(16)),
    st.just(Busy()),
]


@given(st.one_of(SINGLE_PAYLOADS))
def test_every_payload_round_trips(payload: Any) -> None:
    data = payload.encode()
    assert type(payload).decode(data) == payload
    decoder = decode_reply if isinstance(payload.CODE, Reply) else decode_command
    assert decoder(payload.CODE, data) in (payload, (payload,))


@given(
    st.one_of(
        st.lists(led_commands, min_size=1, max_size=5),
        st.lists(buzzer_commands, min_size=1, max_size=5),
        st.lists(output_commands, min_size=1, max_size=5),
    )
)
def test_record_lists_round_trip(records: list[Any]) -> None:
    decoded = decode_command(records[0].CODE, encode_records(records))
    assert decoded == tuple(records)


@given(st.sampled_from(Command) | u8, st.binary(max_size=80))
def test_arbitrary_command_payloads_raise_only_message_errors(code: int, data: bytes) -> None:
    with contextlib.suppress(MessageError):
        decode_command(code, data)


@given(st.sampled_from(Reply) | u8, st.binary(max_size=80))
def test_arbitrary_reply_payloads_raise_only_message_errors(code: int, data: bytes) -> None:
    with contextlib.suppress(MessageError):
        decode_reply(code, data)
