"""The control panel core against emulated readers on an in-memory bus with a manual clock.

Every exchange is deterministic: the bus hands each command to every reader core (as an
RS-485 bus does), hands the addressed reader's reply back, and advances a manual clock to
the control panel's next deadline when the line is quiet. Frames can be lost on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.osdp import (
    DEFAULT_SCBK,
    CardRead,
    Command,
    ComSet,
    ComSettings,
    ControlPanelCore,
    CpTimings,
    InputStatus,
    KeyChanged,
    KeyInstalled,
    KeyPress,
    LedColor,
    LedCommand,
    LocalStatus,
    NakError,
    NakReason,
    OutputCommand,
    OutputControl,
    Packet,
    PdConfig,
    PdId,
    PdOffline,
    PdOfflineError,
    PdOnline,
    PeripheralCore,
    PermanentLedControl,
    ReaderConfig,
    Reply,
    SecurityBlockType,
    StatusReport,
    UnexpectedReplyError,
    decode,
    describe_event,
    encode,
    encode_records,
    event_record,
)
from axisctl.drivers.osdp.cp_calls import set_key
from axisctl.errors import ConfigurationError

SITE_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
OTHER_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")
H10301_123_4567 = "10111101100010001110101110"
TIMINGS = CpTimings(reply_timeout=0.2, retries=3, poll_interval=0.05, offline_retry=1.0)

Reader = Callable[[bytes, float], bytes]


class Bus:
    """A control panel core and reader cores sharing one in-memory half-duplex line."""

    def __init__(self, cp: ControlPanelCore, *readers: PeripheralCore) -> None:
        self.cp = cp
        self.readers: list[Reader] = [reader.receive_data for reader in readers]
        self.now = 0.0
        self.commands: list[bytes] = []
        self.replies: list[bytes] = []
        self.events: list[Any] = []
        #: Commands whose replies get lost on the way back (counted down).
        self.lose_replies = 0
        #: Readers that are unplugged (indexes into ``readers``).
        self.unplugged: set[int] = set()

    def step(self) -> None:
        frame = self.cp.data_to_send(self.now)
        news = self.cp.take_events()
        self.events += news
        if frame:
            self.commands.append(frame)
            for index, reader in enumerate(self.readers):
                reply = b"" if index in self.unplugged else reader(frame, self.now)
                if reply:
                    self.replies.append(reply)
                    if self.lose_replies:
                        self.lose_replies -= 1
                    else:
                        self.now += 0.002
                        self.cp.receive_data(reply, self.now)
        elif not news:  # let the caller see events before time moves on
            deadline = self.cp.next_deadline()
            self.now = max(self.now + 0.001, deadline if deadline is not None else self.now)
        self.events += self.cp.take_events()

    def run(self, seconds: float) -> None:
        end = self.now + seconds
        while self.now < end:
            self.step()

    def run_until(self, condition: Callable[[], object], limit: float = 10.0) -> None:
        end = self.now + limit
        while not condition():
            assert self.now < end, f"not within {limit} simulated seconds"
            self.step()

    def result(self, future: Future[Any], limit: float = 5.0) -> Any:
        self.run_until(future.done, limit)
        return future.result(0)

    def sent(self) -> list[Packet]:
        return [decode(frame) for frame in self.commands]

    def of(self, kind: type) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


def bus_for(
    *configs: tuple[PdConfig, ReaderConfig | None], random: Callable[[int], bytes] | None = None
) -> tuple[Bus, list[PeripheralCore]]:
    cp = ControlPanelCore([cp_config for cp_config, _ in configs], TIMINGS, random=random)
    readers = [PeripheralCore(config) for _, config in configs if config is not None]
    return Bus(cp, *readers), readers


def online_bus(cp_config: PdConfig, pd_config: ReaderConfig) -> tuple[Bus, PeripheralCore]:
    bus, (reader,) = bus_for((cp_config, pd_config))
    bus.run_until(lambda: bus.of(PdOnline))
    return bus, reader


GREEN = LedCommand(
    permanent_control=PermanentLedControl.SET,
    permanent_on_time=1,
    permanent_on_color=LedColor.GREEN,
)


# --- coming online --------------------------------------------------------------------------


def test_a_plain_reader_comes_online_with_its_identity_and_capabilities() -> None:
    identity = PdId(vendor_code=0x0A0B0C, model=7, version=2, serial_number=99, firmware=(1, 2, 3))
    bus, _ = online_bus(PdConfig(5), ReaderConfig(5, identity=identity, inputs=2))
    (online,) = bus.of(PdOnline)
    assert online.address == 5
    assert not online.secure
    assert online.identity == identity
    assert online.capabilities is not None
    assert online.capabilities.supports_secure_channel
    info = bus.cp.reader_info(5)
    assert info.online
    assert info.last_error is None


def test_sequence_numbers_start_at_zero_then_cycle_one_to_three() -> None:
    bus, _ = online_bus(PdConfig(1), ReaderConfig(1))
    bus.run(0.5)
    sequences = [packet.sequence for packet in bus.sent()]
    assert sequences[0] == 0
    assert sequences[1:9] == [1, 2, 3, 1, 2, 3, 1, 2]
    assert 0 not in sequences[1:]


def test_every_command_starts_with_the_mark_byte_unless_disabled() -> None:
    bus, _ = online_bus(PdConfig(1), ReaderConfig(1))
    assert all(frame[0] == 0xFF for frame in bus.commands)
    quiet = ControlPanelCore([PdConfig(1)], TIMINGS, mark=False)
    assert quiet.data_to_send(0.0)[0] == 0x53


def test_a_reader_without_crc_gets_checksum_frames() -> None:
    bus, _ = online_bus(PdConfig(1, use_crc=False), ReaderConfig(1))
    assert all(not packet.use_crc for packet in bus.sent())
    assert all(not decode(reply).use_crc for reply in bus.replies)


# --- commands and events --------------------------------------------------------------------


def test_commands_complete_with_typed_replies() -> None:
    bus, reader = online_bus(PdConfig(3), ReaderConfig(3, inputs=2, outputs=2))
    assert isinstance(bus.result(bus.cp.submit(3, Command.ID, b"\x00")), PdId)
    assert bus.result(bus.cp.submit(3, Command.LSTAT)) == LocalStatus(False, False)
    assert bus.result(bus.cp.submit(3, Command.ISTAT)) == InputStatus((False, False))
    led = bus.cp.submit(3, Command.LED, GREEN.encode())
    assert bus.result(led) is None
    assert reader.state.led().describe() == "steady green"
    output = OutputCommand(1, OutputControl.PERMANENT_ON_ABORT)
    bus.result(bus.cp.submit(3, Command.OUT, encode_records([output])))
    assert reader.state.outputs() == (False, True)


def test_card_reads_and_key_presses_arrive_as_events_in_order() -> None:
    bus, reader = online_bus(PdConfig(2), ReaderConfig(2))
    reader.state.present_card(H10301_123_4567)
    reader.state.press_keys("1234#")
    reader.state.set_tamper(True)
    bus.run_until(
        lambda: len(bus.of(CardRead)) + len(bus.of(KeyPress)) + len(bus.of(StatusReport)) == 3
    )
    card, keys, status = [e for e in bus.events if not isinstance(e, PdOnline)]
    assert isinstance(card, CardRead)
    assert card.bits == H10301_123_4567
    assert card.data == bytes.fromhex("bd88eb80")
    assert keys == KeyPress(2, 0, "1234#")
    assert status == StatusReport(2, LocalStatus(tamper=True, power_failure=False))


def test_a_refused_command_fails_with_the_nak_reason_and_the_reader_stays_online() -> None:
    bus, _ = online_bus(PdConfig(1), ReaderConfig(1, outputs=1))
    missing_output = encode_records([OutputCommand(7, OutputControl.PERMANENT_ON)])
    future = bus.cp.submit(1, Command.OUT, missing_output)
    with pytest.raises(NakError) as refused:
        bus.result(future)
    assert refused.value.reason is NakReason.UNABLE_TO_PROCESS
    assert bus.cp.reader_info(1).online
    assert bus.result(bus.cp.submit(1, Command.LSTAT)) == LocalStatus()


def test_a_reply_that_does_not_fit_the_command_fails_it() -> None:
    def odd_reader(frame: bytes, now: float) -> bytes:
        packet = decode(frame.lstrip(b"\xff"))
        code = Reply.PDID if packet.code == Command.ID else Reply.ACK
        data = ReaderConfig().identity.encode() if code == Reply.PDID else b""
        if packet.code == Command.CAP:
            code, data = Reply.PDCAP, b""
        if packet.code == Command.LSTAT:
            code, data = Reply.ACK, b""
        return encode(Packet(packet.address, True, packet.sequence, code, data))

    cp = ControlPanelCore([PdConfig(1)], TIMINGS)
    bus = Bus(cp)
    bus.readers.append(odd_reader)
    bus.run_until(lambda: bus.of(PdOnline))
    with pytest.raises(UnexpectedReplyError, match="answered LSTAT with ACK"):
        bus.result(cp.submit(1, Command.LSTAT))


def test_busy_replies_are_retried_without_counting_as_failures() -> None:
    reader = PeripheralCore(ReaderConfig(1))
    busy_left = [5]

    def busy_reader(frame: bytes, now: float) -> bytes:
        packet = decode(frame.lstrip(b"\xff"))
        if packet.code == Command.LSTAT and busy_left[0]:
            busy_left[0] -= 1
            return encode(Packet(1, True, 0, Reply.BUSY))
        return reader.receive_data(frame, now)

    cp = ControlPanelCore([PdConfig(1)], TIMINGS)
    bus = Bus(cp)
    bus.readers.append(busy_reader)
    bus.run_until(lambda: bus.of(PdOnline))
    assert bus.result(cp.submit(1, Command.LSTAT)) == LocalStatus()
    assert busy_left == [0]
    assert not bus.of(PdOffline)


# --- lost frames, offline and back ----------------------------------------------------------


def test_an_unanswered_command_is_resent_byte_for_byte_then_the_reader_goes_offline() -> None:
    bus, _ = online_bus(PdConfig(4), ReaderConfig(4))
    bus.unplugged.add(0)
    future = bus.cp.submit(4, Command.LSTAT)
    start = bus.now
    bus.run_until(lambda: bus.of(PdOffline))
    with pytest.raises(PdOfflineError, match="no reply to"):
        future.result(0)
    unanswered = bus.commands[-(TIMINGS.retries + 1) :]
    assert len(set(unanswered)) == 1, "retransmissions must repeat the same bytes"
    # Four tries of 200 ms each (plus wire time), not more.
    assert bus.now - start < (TIMINGS.retries + 1) * 0.25
    (offline,) = bus.of(PdOffline)
    assert offline.address == 4
    with pytest.raises(PdOfflineError, match="offline"):
        bus.cp.submit(4, Command.LSTAT).result(0)


def test_an_offline_reader_is_probed_again_and_comes_back() -> None:
    bus, _ = online_bus(PdConfig(4), ReaderConfig(4))
    bus.unplugged.add(0)
    bus.run_until(lambda: bus.of(PdOffline))
    went_offline = bus.now
    bus.run(3.0)
    probes = [p for p in bus.sent() if p.code == Command.ID]
    assert len(probes) in (3, 4), "one ID probe per offline_retry, no retries"
    bus.unplugged.clear()
    bus.run_until(lambda: len(bus.of(PdOnline)) == 2)
    assert bus.now - went_offline < 3.0 + TIMINGS.offline_retry + 0.5
    assert bus.sent()[-1].sequence in (0, 1, 2, 3)


def test_a_lost_reply_is_answered_from_the_readers_cache_under_the_secure_channel() -> None:
    bus, reader = online_bus(PdConfig(1, scbk=SITE_KEY), ReaderConfig(1, scbk=SITE_KEY))
    reader.state.present_card(H10301_123_4567)
    bus.lose_replies = 1  # the RAW reply to the next POLL is lost
    bus.run_until(lambda: bus.of(CardRead))
    assert bus.replies[-1] == bus.replies[-2], "the retransmitted POLL got the cached reply"
    assert len(bus.of(CardRead)) == 1
    assert bus.cp.reader_info(1).secure
    bus.run(0.3)
    assert len(bus.of(CardRead)) == 1, "reported once"
    assert not bus.of(PdOffline)


def test_one_missing_reader_does_not_starve_the_others_on_the_bus() -> None:
    bus, (present,) = bus_for((PdConfig(1), ReaderConfig(1)), (PdConfig(2), None))
    bus.run(5.0)
    polls_to_1 = [p for p in bus.sent() if p.address == 1 and p.code == Command.POLL]
    probes_to_2 = [p for p in bus.sent() if p.address == 2]
    assert len(polls_to_1) > 40
    assert 4 <= len(probes_to_2) <= 6
    present.state.press_keys("7")
    bus.run_until(lambda: bus.of(KeyPress))
    assert bus.cp.reader_info(2).last_error == "no reply to ID"


# --- secure channel -------------------------------------------------------------------------


def test_the_secure_channel_protects_every_command_after_the_handshake() -> None:
    bus, reader = online_bus(PdConfig(1, scbk=SITE_KEY), ReaderConfig(1, scbk=SITE_KEY))
    (online,) = bus.of(PdOnline)
    assert online.secure
    reader.state.present_card(H10301_123_4567)
    bus.run_until(lambda: bus.of(CardRead))
    codes = [p.code for p in bus.sent()]
    handshake = codes.index(Command.SCRYPT)
    assert codes[: handshake + 1] == [Command.ID, Command.CAP, Command.CHLNG, Command.SCRYPT]
    after = bus.sent()[handshake + 1 :]
    assert all(p.security is not None for p in after)
    assert {p.security.type for p in after if p.security} <= {
        SecurityBlockType.SCS_15,
        SecurityBlockType.SCS_17,
    }
    assert not any(bytes.fromhex("bd88eb80") in reply for reply in bus.replies), "RAW encrypted"


def test_install_mode_commissions_a_new_reader_with_the_site_key() -> None:
    bus, reader = online_bus(PdConfig(1, scbk=SITE_KEY, install_mode=True), ReaderConfig(1))
    assert bus.of(KeyInstalled) == [KeyInstalled(1)]
    (online,) = bus.of(PdOnline)
    assert online.secure
    changed = [e for e in reader.take_events() if isinstance(e, KeyChanged)]
    assert [e.scbk for e in changed] == [SITE_KEY]
    assert not reader.install_mode
    # The reader now opens the channel with the site key only.
    again = Bus(ControlPanelCore([PdConfig(1, scbk=SITE_KEY)], TIMINGS), reader)
    again.run_until(lambda: again.of(PdOnline))
    assert again.of(PdOnline)[0].secure
    default_only = Bus(ControlPanelCore([PdConfig(1, install_mode=True)], TIMINGS), reader)
    default_only.run(2.0)
    assert not default_only.of(PdOnline)


def test_install_mode_alone_opens_the_channel_with_the_default_key() -> None:
    bus, reader = online_bus(PdConfig(1, install_mode=True), ReaderConfig(1))
    assert bus.of(PdOnline)[0].secure
    assert not bus.of(KeyInstalled)
    assert reader.install_mode


def test_a_reader_with_another_key_stays_offline_and_says_why() -> None:
    bus, _ = bus_for((PdConfig(1, scbk=SITE_KEY), ReaderConfig(1, scbk=OTHER_KEY)))
    bus.run(3.0)
    assert not bus.of(PdOnline)
    info = bus.cp.reader_info(1)
    assert not info.online
    assert info.last_error == "the reader's cryptogram does not match the configured SCBK"
    assert SITE_KEY.hex() not in repr(bus.cp.reader_info(1))


def test_a_key_is_never_given_up_for_plaintext() -> None:
    no_channel = ReaderConfig(1, secure_channel=False)
    bus, _ = bus_for((PdConfig(1, scbk=SITE_KEY), no_channel))
    bus.run(1.5)
    assert not bus.of(PdOnline)
    assert bus.cp.reader_info(1).last_error == "the reader does not offer the secure channel"


def test_set_key_rekeys_the_reader_and_reopens_the_channel() -> None:
    bus, reader = online_bus(PdConfig(1, scbk=SITE_KEY), ReaderConfig(1, scbk=SITE_KEY))
    reader.take_events()
    call = set_key(OTHER_KEY)
    bus.result(bus.cp.submit(1, call.code, call.data))
    bus.run_until(lambda: bus.cp.reader_info(1).secure)
    assert [e.scbk for e in reader.take_events() if isinstance(e, KeyChanged)] == [OTHER_KEY]
    assert bus.result(bus.cp.submit(1, Command.LSTAT)) == LocalStatus()
    assert bus.of(KeyInstalled) == [KeyInstalled(1)]


def test_keyset_needs_a_reader_configured_for_the_secure_channel() -> None:
    bus, _ = online_bus(PdConfig(1), ReaderConfig(1))
    call = set_key(OTHER_KEY)
    with pytest.raises(ConfigurationError, match="KEYSET needs the secure channel"):
        bus.cp.submit(1, call.code, call.data)


def test_a_reader_that_lost_its_session_is_rekeyed_and_the_command_still_completes() -> None:
    bus, _ = online_bus(PdConfig(1, scbk=SITE_KEY), ReaderConfig(1, scbk=SITE_KEY))
    # The reader restarts (power cycle): it has its key but no session any more.
    restarted = PeripheralCore(ReaderConfig(1, scbk=SITE_KEY))
    bus.readers = [restarted.receive_data]
    future = bus.cp.submit(1, Command.LED, GREEN.encode())
    assert bus.result(future) is None
    assert restarted.state.led().on_color is LedColor.GREEN
    assert bus.cp.reader_info(1).secure
    assert not bus.of(PdOffline), "recovered without going offline"


# --- addresses and lifecycle ----------------------------------------------------------------


def test_comset_moves_the_reader_to_its_new_address() -> None:
    bus, reader = online_bus(PdConfig(5), ReaderConfig(5))
    settings = bus.result(bus.cp.submit(5, Command.COMSET, ComSet(9, 9600).encode()))
    assert settings == ComSettings(9, 9600)
    assert reader.address == 9
    assert bus.cp.addresses == [9]
    assert bus.result(bus.cp.submit(9, Command.LSTAT)) == LocalStatus()
    with pytest.raises(ConfigurationError, match="no reader at address 5"):
        bus.cp.submit(5, Command.LSTAT)


def test_close_fails_every_pending_command() -> None:
    bus, _ = online_bus(PdConfig(1), ReaderConfig(1))
    futures = [bus.cp.submit(1, Command.LSTAT) for _ in range(3)]
    bus.cp.close()
    for future in futures:
        with pytest.raises(PdOfflineError, match="stopped"):
            future.result(0)
    assert bus.cp.data_to_send(bus.now + 10) == b""
    assert bus.cp.next_deadline() is None


def test_configuration_mistakes_are_caught_before_anything_is_sent() -> None:
    with pytest.raises(ConfigurationError, match="configured twice"):
        ControlPanelCore([PdConfig(1), PdConfig(1)])
    with pytest.raises(ConfigurationError, match="at least one reader"):
        ControlPanelCore([])
    with pytest.raises(ConfigurationError, match="address"):
        PdConfig(0x7F)
    with pytest.raises(ConfigurationError, match="16 bytes") as short:
        PdConfig(1, scbk=b"\x01\x02")
    assert "0102" not in str(short.value)
    with pytest.raises(ConfigurationError, match="reply_timeout"):
        CpTimings(reply_timeout=0)
    core = ControlPanelCore([PdConfig(1)])
    with pytest.raises(ConfigurationError, match="cannot be sent"):
        core.submit(1, Command.POLL)


def test_the_site_key_never_shows_in_a_repr() -> None:
    config = PdConfig(1, scbk=SITE_KEY, install_mode=True)
    assert SITE_KEY.hex() not in repr(config)
    assert repr(SITE_KEY) not in repr(config)
    assert repr(DEFAULT_SCBK) not in repr(PdConfig(1, install_mode=True))


@given(st.lists(st.binary(max_size=64), max_size=20))
def test_garbage_on_the_bus_never_breaks_the_control_panel(chunks: list[bytes]) -> None:
    cp = ControlPanelCore([PdConfig(1), PdConfig(2, scbk=SITE_KEY)], TIMINGS)
    now = 0.0
    for chunk in chunks:
        cp.data_to_send(now)
        cp.receive_data(chunk, now)
        cp.take_events()
        now += 0.07
    assert cp.next_deadline() is not None
    assert not cp.reader_info(1).online


def test_events_read_well_as_lines_and_as_json_records() -> None:
    bus, reader = online_bus(PdConfig(6), ReaderConfig(6))
    reader.state.present_card(H10301_123_4567)
    reader.state.press_keys("9#")
    reader.state.set_tamper(True)
    bus.run_until(lambda: len(bus.events) == 4)
    bus.unplugged.add(0)
    bus.run_until(lambda: bus.of(PdOffline))
    lines = [describe_event(event) for event in bus.events]
    assert lines == [
        "reader 6: online (plaintext), vendor 00AC75 model 1 serial 00000001",
        f"reader 6: card 26 bits {H10301_123_4567} (data bd88eb80)",
        "reader 6: keys 9#",
        "reader 6: status LocalStatus(tamper=True, power_failure=False)",
        "reader 6: offline: no reply to POLL",
    ]
    records = [json.loads(json.dumps(event_record(event))) for event in bus.events]
    assert [r["event"] for r in records] == ["online", "card", "keys", "status", "offline"]
    assert records[0]["identity"]["firmware"] == [1, 0, 0]
    assert records[1]["data"] == "bd88eb80"
    assert records[1]["format"] == 1
    assert records[3]["status"] == {"tamper": True, "power_failure": False}
    assert records[3]["kind"] == "LocalStatus"
    assert describe_event(KeyInstalled(6)) == "reader 6: new secure channel key installed"
