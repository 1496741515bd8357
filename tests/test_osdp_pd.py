"""The reader emulator's protocol core, driven frame by frame as a control panel would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.osdp import (
    DEFAULT_SCBK,
    BuzzerCommand,
    Challenge,
    ClientCryptogram,
    Command,
    CommandReceived,
    ComSet,
    ComSettings,
    CpHandshake,
    EmulatorState,
    FrameDecoder,
    KeyChanged,
    KeypadData,
    KeySet,
    LedColor,
    LedCommand,
    LocalStatus,
    Nak,
    NakReason,
    OutputCommand,
    OutputControl,
    Packet,
    PdCapabilities,
    PdId,
    PeripheralCore,
    PermanentLedControl,
    RawCardData,
    ReaderConfig,
    Reply,
    SecureChannel,
    SecureChannelChanged,
    SettingsChanged,
    TemporaryLedControl,
    TextCommand,
    ToneCode,
    decode,
    decode_reply,
    encode,
    encode_records,
)
from axisctl.errors import ConfigurationError, InvalidSettingValueError

SITE_KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
H10301_123_4567 = "10111101100010001110101110"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Panel:
    """A scripted control panel: sends one command at a time and checks the sequence echo."""

    def __init__(self, reader: PeripheralCore, address: int = 1, *, clock: Clock | None = None):
        self.reader = reader
        self.address = address
        self.sequence = 0
        self.clock = clock or Clock()
        self.channel: SecureChannel | None = None
        self.last_frame = b""

    def send(
        self, code: int, data: bytes = b"", *, sequence: int | None = None, **kw: object
    ) -> Packet:
        seq = self.sequence if sequence is None else sequence
        packet = Packet(self.address, False, seq, code, data, **kw)  # type: ignore[arg-type]
        if self.channel is not None and packet.security is None:
            packet = self.channel.protect(packet)
        frame = encode(packet, mark=True)
        reply = self.frame(frame)
        assert reply, f"no reply to {code:#04x}"
        answer = decode(reply)
        assert answer.reply
        assert answer.sequence == seq
        if sequence is None:
            self.sequence = self.sequence % 3 + 1
        if self.channel is not None and answer.security is not None:
            answer = self.channel.unprotect(answer)
        return answer

    def frame(self, frame: bytes) -> bytes:
        self.last_frame = self.reader.receive_data(frame, self.clock.now)
        return self.last_frame

    def secure(self, scbk: bytes = SITE_KEY, *, default_key: bool = False) -> None:
        handshake = CpHandshake(scbk, default_key=default_key)
        block, challenge = handshake.challenge()
        ccrypt = self.send(Command.CHLNG, challenge.encode(), security=block)
        assert ccrypt.code == Reply.CCRYPT, decode_reply(ccrypt.code, ccrypt.data)
        block, scrypt = handshake.server_cryptogram(
            ccrypt.security, ClientCryptogram.decode(ccrypt.data)
        )
        rmac = self.send(Command.SCRYPT, scrypt.encode(), security=block)
        assert rmac.code == Reply.RMAC_I, decode_reply(rmac.code, rmac.data)
        self.channel = handshake.finish(rmac.security, decode_reply(rmac.code, rmac.data))  # type: ignore[arg-type]


def reader_for(config: ReaderConfig | None = None, clock: Clock | None = None) -> PeripheralCore:
    config = config or ReaderConfig(1)
    clock = clock or Clock()
    state = EmulatorState(inputs=config.inputs, outputs=config.outputs, clock=clock)
    return PeripheralCore(config, state)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def panel(clock: Clock) -> Panel:
    return Panel(reader_for(ReaderConfig(1, inputs=2, outputs=2), clock), clock=clock)


def nak_reason(packet: Packet) -> NakReason:
    assert packet.code == Reply.NAK
    return Nak.decode(packet.data).reason


# --- identity and status --------------------------------------------------------------------


def test_id_and_cap_describe_the_configured_reader() -> None:
    identity = PdId(0x00A0B1, 7, 2, 0x12345678, (1, 2, 3))
    panel = Panel(reader_for(ReaderConfig(1, identity=identity, inputs=4, outputs=2, leds=2)))
    pdid = panel.send(Command.ID, b"\x00")
    assert PdId.decode(pdid.data) == identity
    caps = PdCapabilities.decode(panel.send(Command.CAP, b"\x00").data)
    assert caps.get(1) == (1, 1, 4)
    assert caps.get(2) == (2, 1, 2)
    assert caps.get(4) == (4, 1, 2)
    assert caps.supports_crc
    assert caps.supports_secure_channel
    assert caps.receive_buffer_size == 256


def test_status_queries_report_the_emulated_state(panel: Panel) -> None:
    panel.reader.state.set_tamper(True)
    panel.reader.state.set_input(1, True)
    assert LocalStatus.decode(panel.send(Command.LSTAT).data) == LocalStatus(True, False)
    assert panel.send(Command.ISTAT).data == b"\x00\x01"
    assert panel.send(Command.OSTAT).data == b"\x00\x00"
    assert panel.send(Command.RSTAT).data == b"\x00"


def test_poll_reports_one_queued_event_at_a_time_then_ack(panel: Panel) -> None:
    panel.reader.state.present_card(H10301_123_4567)
    panel.reader.state.press_keys("12*#")
    raw = panel.send(Command.POLL)
    assert raw.code == Reply.RAW
    assert raw.data == bytes.fromhex("00011a00bd88eb80")
    keys = panel.send(Command.POLL)
    assert keys.code == Reply.KEYPAD
    assert keys.data == b"\x00\x0412\x7f\x0d"
    assert panel.send(Command.POLL).code == Reply.ACK


def test_long_key_sequences_are_split_into_several_reports(panel: Panel) -> None:
    panel.reader.state.press_keys("1" * 300)
    first = KeypadData.decode(panel.send(Command.POLL).data)
    second = KeypadData.decode(panel.send(Command.POLL).data)
    assert (len(first.digits), len(second.digits)) == (255, 45)


def test_bad_card_bits_and_keys_are_refused_before_they_are_queued(panel: Panel) -> None:
    with pytest.raises(InvalidSettingValueError, match="bits"):
        panel.reader.state.present_card("10102")
    with pytest.raises(InvalidSettingValueError, match="digits"):
        panel.reader.state.press_keys("12x")
    with pytest.raises(ConfigurationError, match="input 5 does not exist"):
        panel.reader.state.set_input(5, True)
    assert panel.reader.state.pending_events() == 0


# --- addressing and framing -----------------------------------------------------------------


def test_other_readers_traffic_and_replies_are_ignored() -> None:
    reader = reader_for(ReaderConfig(1))
    for_other = encode(Packet(2, False, 0, Command.ID, b"\x00"))
    a_reply = encode(Packet(1, True, 0, Reply.ACK))
    assert reader.receive_data(for_other + a_reply, 0.0) == b""


def test_a_broadcast_is_answered_with_the_broadcast_reply_address() -> None:
    reader = reader_for(ReaderConfig(1))
    reply = reader.receive_data(encode(Packet(0x7F, False, 0, Command.ID, b"\x00")), 0.0)
    assert reply[1] == 0xFF
    assert decode(reply).code == Reply.PDID


def test_replies_mirror_the_mark_byte_and_the_check_character() -> None:
    reader = reader_for(ReaderConfig(1))
    marked = reader.receive_data(encode(Packet(1, False, 0, Command.POLL), mark=True), 0.0)
    assert marked[:2] == b"\xff\x53"
    plain = reader.receive_data(encode(Packet(1, False, 1, Command.POLL, use_crc=False)), 0.0)
    assert plain[0] == 0x53
    assert not decode(plain).use_crc
    forced = reader_for(ReaderConfig(1, mark=True))
    assert forced.receive_data(encode(Packet(1, False, 0, Command.POLL)), 0.0)[0] == 0xFF


def test_a_frame_split_across_reads_is_answered_once_complete() -> None:
    reader = reader_for(ReaderConfig(1))
    frame = encode(Packet(1, False, 0, Command.ID, b"\x00"))
    assert reader.receive_data(frame[:5], 0.0) == b""
    assert decode(reader.receive_data(frame[5:], 0.0)).code == Reply.PDID


# --- sequence numbers -----------------------------------------------------------------------


def test_a_repeated_command_gets_the_same_reply_bytes_and_is_not_applied_twice(
    panel: Panel,
) -> None:
    panel.send(Command.POLL)
    panel.reader.state.present_card(H10301_123_4567)
    frame = encode(Packet(1, False, 1, Command.POLL), mark=True)
    first = panel.frame(frame)
    again = panel.frame(frame)
    assert first == again
    assert decode(first).code == Reply.RAW
    assert panel.reader.state.pending_events() == 0
    panel.sequence = 2
    assert panel.send(Command.POLL).code == Reply.ACK


def test_an_out_of_step_sequence_number_is_refused(panel: Panel) -> None:
    panel.send(Command.POLL)  # 0
    panel.send(Command.POLL)  # 1
    assert nak_reason(panel.send(Command.POLL, sequence=1 + 2)) is NakReason.SEQUENCE
    panel.sequence = 0
    assert panel.send(Command.POLL).code == Reply.ACK


# --- commands -------------------------------------------------------------------------------


def test_unknown_commands_and_bad_payloads_are_refused_with_the_right_reason(panel: Panel) -> None:
    assert nak_reason(panel.send(0x80, b"\x01\x02\x03")) is NakReason.UNKNOWN_COMMAND
    assert nak_reason(panel.send(Command.LED, b"\x00" * 13)) is NakReason.COMMAND_LENGTH
    assert nak_reason(panel.send(Command.POLL, b"\x00")) is NakReason.COMMAND_LENGTH


def test_led_commands_show_temporary_then_permanent_state(panel: Panel, clock: Clock) -> None:
    record = LedCommand(
        temporary_control=TemporaryLedControl.SET,
        temporary_on_time=5,
        temporary_off_time=5,
        temporary_on_color=LedColor.RED,
        temporary_timer=30,
        permanent_control=PermanentLedControl.SET,
        permanent_on_time=1,
        permanent_on_color=LedColor.GREEN,
    )
    assert panel.send(Command.LED, record.encode()).code == Reply.ACK
    led = panel.reader.state.led()
    assert led.temporary
    assert led.describe() == "red 0.5 s / off 0.5 s (temporary, 3.0 s left)"
    clock.now += 3.0
    assert panel.reader.state.led().describe() == "steady green"
    cancel = LedCommand(temporary_control=TemporaryLedControl.CANCEL)
    panel.send(Command.LED, (record.encode()))
    panel.send(Command.LED, cancel.encode())
    assert not panel.reader.state.led().temporary
    assert panel.reader.state.led(led=1).describe() == "off"


def test_the_buzzer_beeps_its_count_then_falls_silent(panel: Panel, clock: Clock) -> None:
    beep = BuzzerCommand(tone=ToneCode.DEFAULT, on_time=2, off_time=2, count=3)
    panel.send(Command.BUZ, beep.encode())
    assert panel.reader.state.buzzer().describe() == "beeping 0.2 s on / 0.2 s off, 3 times"
    clock.now += 1.3
    assert not panel.reader.state.buzzer().active
    forever = BuzzerCommand(tone=ToneCode.DEFAULT, on_time=1, off_time=9, count=0)
    panel.send(Command.BUZ, forever.encode())
    clock.now += 600
    assert panel.reader.state.buzzer().active
    panel.send(Command.BUZ, BuzzerCommand(tone=ToneCode.OFF).encode())
    assert panel.reader.state.buzzer().describe() == "silent"


def test_outputs_follow_permanent_and_timed_controls(panel: Panel, clock: Clock) -> None:
    records = [
        OutputCommand(0, OutputControl.PERMANENT_ON_ABORT),
        OutputCommand(1, OutputControl.TEMPORARY_ON, timer=20),
    ]
    assert panel.send(Command.OUT, encode_records(records)).code == Reply.ACK
    assert panel.reader.state.outputs() == (True, True)
    clock.now += 2.0
    assert panel.reader.state.outputs() == (True, False)
    off = OutputCommand(0, OutputControl.PERMANENT_OFF_ABORT)
    panel.send(Command.OUT, off.encode())
    assert panel.reader.state.outputs() == (False, False)
    missing = OutputCommand(5, OutputControl.PERMANENT_ON)
    assert nak_reason(panel.send(Command.OUT, missing.encode())) is NakReason.UNABLE_TO_PROCESS


def test_text_is_shown_by_row(panel: Panel) -> None:
    panel.send(Command.TEXT, TextCommand("WELCOME", row=1).encode())
    panel.send(Command.TEXT, TextCommand("PIN?", row=2).encode())
    assert [t.text for t in panel.reader.state.text()] == ["WELCOME", "PIN?"]


def test_accepted_commands_are_reported_as_events_polls_are_not(panel: Panel) -> None:
    panel.send(Command.POLL)
    panel.send(Command.BUZ, BuzzerCommand(on_time=1, count=1).encode())
    (event,) = panel.reader.take_events()
    assert isinstance(event, CommandReceived)
    assert event.command is Command.BUZ
    assert not event.secure


def test_comset_answers_with_the_old_address_then_moves(panel: Panel) -> None:
    reply = panel.send(Command.COMSET, ComSet(0x20, 38400).encode())
    assert ComSettings.decode(reply.data) == ComSettings(0x20, 38400)
    assert panel.reader.address == 0x20
    assert SettingsChanged(0x20, 38400) in panel.reader.take_events()
    panel.address = 0x20
    assert panel.send(Command.POLL).code == Reply.ACK


# --- secure channel -------------------------------------------------------------------------


def test_the_handshake_matches_the_sia_vectors() -> None:
    """SIA OSDP Annex E: SCBK-D, RND.A = B0..B7, RND.B = A0..A7."""
    reader = PeripheralCore(ReaderConfig(1), random=lambda n: bytes(range(0xA0, 0xA0 + n)))
    panel = Panel(reader)
    handshake = CpHandshake(None, default_key=True, random=lambda n: bytes(range(0xB0, 0xB0 + n)))
    block, challenge = handshake.challenge()
    ccrypt = panel.send(Command.CHLNG, challenge.encode(), security=block)
    assert ClientCryptogram.decode(ccrypt.data).cryptogram == bytes.fromhex(
        "FDE5D2F428EC16312471EA3C02BD7796"
    )
    block, scrypt = handshake.server_cryptogram(
        ccrypt.security, ClientCryptogram.decode(ccrypt.data)
    )
    assert scrypt.cryptogram == bytes.fromhex("26D3356E07762D262801FC8E6665A891")
    rmac = panel.send(Command.SCRYPT, scrypt.encode(), security=block)
    assert rmac.data == bytes.fromhex("B2A30057EB98BA2229EC1F875662B524")
    assert reader.secure


def test_secured_commands_get_secured_replies(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    panel.secure()
    panel.reader.state.present_card(H10301_123_4567)
    raw = panel.send(Command.POLL)
    assert raw.code == Reply.RAW
    assert RawCardData.decode(raw.data).bits == H10301_123_4567
    assert bytes.fromhex("bd88eb80") not in panel.last_frame
    events = panel.reader.take_events()
    assert SecureChannelChanged(True) in events


def test_a_bad_mac_ends_the_session_with_a_plaintext_nak(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    panel.secure()
    secured = panel.channel.protect(Packet(1, False, panel.sequence, Command.POLL))  # type: ignore[union-attr]
    forged = Packet(
        1, False, secured.sequence, Command.POLL, security=secured.security, mac=b"\0\0\0\0"
    )
    reply = decode(panel.frame(encode(forged)))
    assert reply.security is None
    assert nak_reason(reply) is NakReason.SECURITY_CONDITION
    assert not panel.reader.secure


def test_plaintext_during_a_session_is_refused_and_ends_it(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    panel.secure()
    channel, panel.channel = panel.channel, None
    assert channel is not None
    assert nak_reason(panel.send(Command.POLL)) is NakReason.SECURITY_CONDITION
    assert not panel.reader.secure


def test_sequence_zero_ends_the_session(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    panel.secure()
    panel.channel = None
    panel.sequence = 0
    assert panel.send(Command.ID, b"\x00").code == Reply.PDID
    assert not panel.reader.secure


def test_the_session_expires_after_eight_quiet_seconds(panel: Panel, clock: Clock) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY), clock)
    panel.secure()
    clock.now += 9
    assert nak_reason(panel.send(Command.POLL)) is NakReason.SECURITY_CONDITION


def test_keyset_installs_a_new_key_and_ends_the_session(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1))
    assert panel.reader.install_mode
    panel.secure(default_key=True)
    new_key = bytes(range(0x40, 0x50))
    assert panel.send(Command.KEYSET, KeySet(new_key).encode()).code == Reply.ACK
    assert not panel.reader.secure
    assert not panel.reader.install_mode
    assert KeyChanged(new_key) in panel.reader.take_events()
    panel.channel = None
    panel.secure(new_key)
    assert panel.reader.secure


def test_keyset_in_plaintext_is_refused(panel: Panel) -> None:
    reply = panel.send(Command.KEYSET, KeySet(SITE_KEY).encode())
    assert nak_reason(reply) is NakReason.SECURITY_CONDITION


def test_a_reader_with_a_key_does_not_take_the_default_key(panel: Panel) -> None:
    panel.reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    handshake = CpHandshake(None, default_key=True)
    block, challenge = handshake.challenge()
    ccrypt = panel.send(Command.CHLNG, challenge.encode(), security=block)
    # Answered (no NAK), but with a cryptogram over its own key, which the panel rejects.
    with pytest.raises(Exception, match="does not match"):
        handshake.server_cryptogram(ccrypt.security, ClientCryptogram.decode(ccrypt.data))


def test_a_reader_that_requires_the_channel_refuses_plaintext_commands() -> None:
    panel = Panel(reader_for(ReaderConfig(1, scbk=SITE_KEY, require_secure=True)))
    assert panel.send(Command.ID, b"\x00").code == Reply.PDID
    assert nak_reason(panel.send(Command.POLL)) is NakReason.SECURITY_CONDITION
    panel.secure()
    assert panel.send(Command.POLL).code == Reply.ACK


def test_a_reader_without_the_channel_refuses_the_handshake() -> None:
    panel = Panel(reader_for(ReaderConfig(1, secure_channel=False)))
    reply = panel.send(
        Command.CHLNG,
        Challenge(bytes(8)).encode(),
        security=CpHandshake(None, default_key=True).challenge()[0],
    )
    assert nak_reason(reply) is NakReason.SECURE_CHANNEL_UNSUPPORTED


def test_the_key_never_shows_in_reprs_or_events() -> None:
    config = ReaderConfig(1, scbk=SITE_KEY)
    assert SITE_KEY.hex() not in repr(config)
    assert repr(SITE_KEY) not in repr(config)
    assert repr(DEFAULT_SCBK) not in repr(KeyChanged(DEFAULT_SCBK))


def test_configuration_mistakes_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="address"):
        ReaderConfig(0x7F)
    with pytest.raises(ConfigurationError, match="16 bytes"):
        ReaderConfig(1, scbk=b"short")
    with pytest.raises(ConfigurationError, match="client_uid"):
        ReaderConfig(1, client_uid=b"1234")


@given(st.binary(max_size=300))
def test_any_bytes_get_only_well_formed_replies_or_silence(data: bytes) -> None:
    reader = reader_for(ReaderConfig(1, scbk=SITE_KEY))
    reply = reader.receive_data(data, 0.0)
    packets = FrameDecoder().feed(reply)
    assert all(packet.reply for packet in packets)
    assert len(b"".join(encode(p) for p in packets)) <= len(reply)


@given(st.integers(0, 3), st.binary(max_size=40), st.integers(0x60, 0x80))
def test_any_well_framed_command_gets_exactly_one_reply(
    sequence: int, data: bytes, code: int
) -> None:
    reader = reader_for(ReaderConfig(1, inputs=1, outputs=1))
    reply = reader.receive_data(encode(Packet(1, False, sequence, code, data)), 0.0)
    (packet,) = FrameDecoder().feed(reply)
    assert packet.sequence == sequence
    assert packet.code in set(Reply)


def test_a_frame_with_a_corrupted_length_is_dropped_after_a_quiet_gap() -> None:
    reader = reader_for(ReaderConfig(1))
    bogus = b"\x53\x01\xff\x01"  # announces a 511-byte frame that never comes
    assert reader.receive_data(bogus, 0.0) == b""
    good = encode(Packet(1, False, 0, Command.ID, b"\x00"))
    assert decode(reader.receive_data(good, 1.0)).code == Reply.PDID
