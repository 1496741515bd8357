"""OSDP command and reply payloads: wire examples from libosdp, dispatch and typed errors."""

from __future__ import annotations

import pytest

from axisctl.drivers.osdp.errors import MessageError, UnknownCodeError
from axisctl.drivers.osdp.messages import (
    Busy,
    BuzzerCommand,
    CapabilitiesRequest,
    CapabilityFunction,
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
from axisctl.errors import InvalidSettingValueError, ParseError


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# Decrypted payloads of the golden libosdp 3.2.9 session, captured between libosdp's
# control panel and reader.
COMMAND_EXAMPLES: list[tuple[int, str, object]] = [
    (Command.POLL, "", None),
    (Command.LSTAT, "", None),
    (Command.ID, "00", IdRequest()),
    (Command.CAP, "00", CapabilitiesRequest()),
    (
        Command.LED,
        "00 00 02 05 05 01 00 1e 00 00 00 00 00 00",
        (
            LedCommand(
                temporary_control=TemporaryLedControl.SET,
                temporary_on_time=5,
                temporary_off_time=5,
                temporary_on_color=LedColor.RED,
                temporary_timer=30,
            ),
        ),
    ),
    (
        Command.LED,
        "00 01 00 00 00 00 00 00 00 01 01 00 02 00",
        (
            LedCommand(
                led=1,
                permanent_control=PermanentLedControl.SET,
                permanent_on_time=1,
                permanent_on_color=LedColor.GREEN,
            ),
        ),
    ),
    (
        Command.BUZ,
        "00 02 02 02 03",
        (BuzzerCommand(tone=ToneCode.DEFAULT, on_time=2, off_time=2, count=3),),
    ),
    (Command.OUT, "00 05 14 00", (OutputCommand(0, OutputControl.TEMPORARY_ON, 20),)),
    (Command.TEXT, "00 01 00 01 01 05 48 45 4c 4c 4f", TextCommand("HELLO")),
    (Command.COMSET, "65 80 25 00 00", ComSet(101, 9600)),
    (
        Command.KEYSET,
        "01 10 f0 e0 d0 c0 b0 a0 90 80 70 60 50 40 30 20 10 00",
        KeySet(h("f0e0d0c0b0a090807060504030201000")),
    ),
    (Command.CHLNG, "d7 64 c8 cc e9 32 55 c4", Challenge(h("d764c8cce93255c4"))),
    (
        Command.SCRYPT,
        "3e 60 fd e7 d5 5e 2c f2 a3 ba 6f a8 57 ea 50 3b",
        ServerCryptogram(h("3e60fde7d55e2cf2a3ba6fa857ea503b")),
    ),
]

REPLY_EXAMPLES: list[tuple[int, str, object]] = [
    (Reply.ACK, "", None),
    (Reply.NAK, "01", Nak(NakReason.CHECK_CHARACTER)),
    (Reply.PDID, "b1 a0 00 07 02 78 56 34 12 01 02 03", PdId(0xA0B1, 7, 2, 0x12345678, (1, 2, 3))),
    (
        Reply.PDCAP,
        "01 01 04 02 01 04 0a 00 01 10 02 00",
        PdCapabilities(
            (
                PdCapability(1, 1, 4),
                PdCapability(2, 1, 4),
                PdCapability(10, 0, 1),
                PdCapability(16, 2, 0),
            )
        ),
    ),
    (Reply.LSTATR, "01 00", LocalStatus(tamper=True)),
    (Reply.ISTATR, "00 01 01 00", InputStatus((False, True, True, False))),
    (Reply.OSTATR, "01", OutputStatus((True,))),
    (Reply.RSTATR, "02", ReaderStatus((ReaderState.TAMPER,))),
    (
        Reply.RAW,
        "00 01 1a 00 bd 88 eb 80",
        RawCardData(0, CardFormat.WIEGAND, 26, h("bd88eb80")),
    ),
    (Reply.KEYPAD, "00 05 31 32 33 7f 0d", KeypadData(0, "123*#")),
    (Reply.COM, "65 80 25 00 00", ComSettings(101, 9600)),
    (
        Reply.CCRYPT,
        "b1 a0 07 00 78 56 34 12 47 8d 7a a0 5d 83 f3 ea "
        "72 72 46 cb dd 92 35 fe ee a8 27 0b 98 34 3c de",
        ClientCryptogram(
            h("b1a0070078563412"), h("478d7aa05d83f3ea"), h("727246cbdd9235feeea8270b98343cde")
        ),
    ),
    (
        Reply.RMAC_I,
        "b2 9a ee 4b e9 87 f2 82 9c 9c 90 23 3f 39 17 69",
        InitialRmac(h("b29aee4be987f2829c9c90233f391769")),
    ),
    (Reply.BUSY, "", Busy()),
]


def _encoded(payload: object) -> bytes:
    if payload is None:
        return b""
    if isinstance(payload, tuple):
        return encode_records(payload)
    encode = getattr(payload, "encode")  # noqa: B009 - every payload class has one
    result = encode()
    assert isinstance(result, bytes)
    return result


@pytest.mark.parametrize(("code", "wire", "payload"), COMMAND_EXAMPLES)
def test_command_examples_decode_and_encode(code: int, wire: str, payload: object) -> None:
    assert decode_command(code, h(wire)) == payload
    assert _encoded(payload) == h(wire)


@pytest.mark.parametrize(("code", "wire", "payload"), REPLY_EXAMPLES)
def test_reply_examples_decode_and_encode(code: int, wire: str, payload: object) -> None:
    assert decode_reply(code, h(wire)) == payload
    assert _encoded(payload) == h(wire)


def test_several_records_in_one_led_command() -> None:
    first = LedCommand(led=0, permanent_control=PermanentLedControl.SET, permanent_on_time=1)
    second = LedCommand(led=1, temporary_control=TemporaryLedControl.CANCEL)
    payload = encode_records([first, second])
    assert len(payload) == 28
    assert decode_command(Command.LED, payload) == (first, second)
    with pytest.raises(MessageError, match="14 unexpected bytes"):
        LedCommand.decode(payload)


def test_id_without_reply_type_byte_means_standard() -> None:
    assert decode_command(Command.ID, b"") == IdRequest(0)


def test_pdid_from_a_field_trace() -> None:
    pd_id = PdId.decode(h("5C 26 23 14 10 00 03 08 CC 04 00 04"))
    assert pd_id.vendor_code == 0x23265C
    assert pd_id.serial_number == 0xCC080300
    assert pd_id.firmware_version == "4.0.4"


def test_capability_helpers() -> None:
    caps = PdCapabilities.decode(h("08 01 00 09 01 00 0a 00 01"))
    assert caps.supports_crc
    assert caps.supports_secure_channel
    assert caps.receive_buffer_size == 256
    assert caps.get(CapabilityFunction.READERS) is None
    bare = PdCapabilities(())
    assert bare.supports_crc
    assert not bare.supports_secure_channel
    assert bare.receive_buffer_size is None


def test_raw_card_bits_are_msb_first_and_left_aligned() -> None:
    # HID H10301, facility 123, card 4567 (the worked example of docs/readers-wiegand.md).
    card = RawCardData.from_bits("10111101100010001110101110")
    assert card.encode() == h("00 01 1a 00 bd 88 eb 80")
    assert card.bits == "10111101100010001110101110"
    assert RawCardData.from_bits("0001001010101011").data == h("12ab")


def test_keypad_accepts_ascii_star_and_hash_from_other_readers() -> None:
    # libosdp passes key bytes through; some readers send ASCII * and #.
    assert KeypadData.decode(h("00 04 31 32 2a 23")) == KeypadData(0, "12*#")
    assert KeypadData(1, "9#").encode() == h("01 02 39 0d")


@pytest.mark.parametrize(
    ("code", "wire", "field", "words"),
    [
        (Command.POLL, "00", "length", "1 unexpected bytes"),
        (Command.LED, "00" * 13, "length", "non-zero multiple of 14"),
        (Command.LED, "00 00 02 05 05 09 00 1e 00 00 00 00 00 00", "temporary_on_color", "got 9"),
        (Command.LED, "00 00 07 05 05 01 00 1e 00 00 00 00 00 00", "temporary_control", "got 7"),
        (Command.BUZ, "00 03 02 02 03", "tone", "got 3"),
        (Command.OUT, "00 07 14 00", "control", "got 7"),
        (Command.TEXT, "00 01 00 01 01 05 48 45 4c 4c", "text", "needs 5 bytes, 4 left"),
        (Command.TEXT, "00 01 00 01 01 01 c4", "text", "ASCII"),
        (Command.TEXT, "00 00 00 01 01 00", "control", "got 0"),
        (Command.COMSET, "7f 80 25 00 00", "address", "0..126"),
        (Command.COMSET, "01 00 00 00 00", "baud_rate", "got 0"),
        (Command.KEYSET, "01 08 00 01 02 03 04 05 06 07", "key_length", "expected 16"),
        (Command.KEYSET, "00 10" + "00" * 16, "key_type", "got 0"),
        (Command.CHLNG, "01 02 03", "rnd_a", "needs 8 bytes"),
        (Command.SCRYPT, "00" * 17, "length", "1 unexpected bytes"),
    ],
)
def test_bad_command_payloads_name_the_field(code: int, wire: str, field: str, words: str) -> None:
    with pytest.raises(MessageError, match=words) as caught:
        decode_command(code, h(wire))
    assert caught.value.field == field
    assert caught.value.code == code
    assert isinstance(caught.value, ParseError)


@pytest.mark.parametrize(
    ("code", "wire", "field", "words"),
    [
        (Reply.ACK, "00", "length", "unexpected"),
        (Reply.NAK, "", "reason", "needs 1 bytes, 0 left"),
        (Reply.NAK, "0a", "reason", "got 10"),
        (Reply.PDID, "00" * 11, "firmware", "needs 3 bytes, 2 left"),
        (Reply.PDCAP, "01 01", "length", "multiple of 3"),
        (Reply.LSTATR, "02 00", "tamper", "expected 0 or 1, got 2"),
        (Reply.ISTATR, "00 05", "inputs[1]", "got 5"),
        (Reply.RSTATR, "03", "readers[0]", "got 3"),
        (Reply.RAW, "00 01 1a 00 bd 88 eb", "data", "needs 4 bytes, 3 left"),
        (Reply.RAW, "00 05 08 00 ff", "format", "got 5"),
        (Reply.KEYPAD, "00 02 31 01", "digits[1]", "unknown key code 0x01"),
        (Reply.COM, "ff 80 25 00 00", "address", "got 255"),
        (Reply.CCRYPT, "00" * 31, "cryptogram", "needs 16 bytes, 15 left"),
        (Reply.RMAC_I, "00" * 15, "rmac", "needs 16"),
        (Reply.BUSY, "00", "length", "unexpected"),
    ],
)
def test_bad_reply_payloads_name_the_field(code: int, wire: str, field: str, words: str) -> None:
    with pytest.raises(MessageError, match=words) as caught:
        decode_reply(code, h(wire))
    assert caught.value.field == field


def test_nak_keeps_extra_detail_bytes() -> None:
    nak = Nak.decode(h("06 01 02"))
    assert nak == Nak(NakReason.SECURITY_CONDITION, h("01 02"))
    assert nak.encode() == h("06 01 02")


@pytest.mark.parametrize("code", [Command.MFG, Command.FILETRANSFER, 0x00, 0x99])
def test_unknown_command_codes_raise_their_own_error(code: int) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        decode_command(code, b"")
    assert caught.value.field == "code"


def test_unknown_reply_code_names_it() -> None:
    with pytest.raises(UnknownCodeError, match="MFGREP"):
        decode_reply(Reply.MFGREP, b"")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: LedCommand(reader=256), "reader"),
        (lambda: LedCommand(temporary_timer=70000), "temporary_timer"),
        (lambda: LedCommand(temporary_on_color=8), "temporary_on_color"),  # type: ignore[arg-type]
        (lambda: BuzzerCommand(count=-1), "count"),
        (lambda: OutputCommand(1, OutputControl.NOP, timer=True), "timer"),
        (lambda: TextCommand("caf\u00e9"), "text"),
        (lambda: TextCommand("x" * 256), "text length"),
        (lambda: ComSet(0x7F, 9600), "address"),
        (lambda: KeySet(bytes(8)), "key"),
        (lambda: Challenge(bytes(7)), "rnd_a"),
        (lambda: PdId(0x1000000, 0, 0, 0), "vendor_code"),
        (lambda: PdId(0, 0, 0, 0, (1, 2)), "firmware"),  # type: ignore[arg-type]
        (lambda: PdCapabilities((PdCapability(1, 1, 300),)), "capabilities[0].item_count"),
        (lambda: RawCardData(0, CardFormat.WIEGAND, 26, bytes(3)), "data"),
        (lambda: RawCardData.from_bits("012"), "bits"),
        (lambda: KeypadData(0, "12x"), "digits"),
        (lambda: ReaderStatus((4,)), "readers[0]"),  # type: ignore[arg-type]
    ],
)
def test_constructors_reject_out_of_range_values(build: object, field: str) -> None:
    assert callable(build)
    with pytest.raises(InvalidSettingValueError) as caught:
        build()
    assert caught.value.field == field


def test_plain_ints_become_enum_members() -> None:
    led = LedCommand(temporary_on_color=1)  # type: ignore[arg-type]
    assert led.temporary_on_color is LedColor.RED
    assert OutputCommand(0, 5).control is OutputControl.TEMPORARY_ON  # type: ignore[arg-type]
    assert TextCommand("x", control=3).control is TextControl.TEMPORARY  # type: ignore[arg-type]


def test_keyset_never_shows_the_key() -> None:
    key = h("f0e0d0c0b0a090807060504030201000")
    text = repr(KeySet(key))
    assert key.hex() not in text
    assert "f0" not in text
