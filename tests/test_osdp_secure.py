"""OSDP secure channel: SIA Annex E and libosdp vectors, and a golden libosdp session."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from axisctl.drivers.osdp.errors import MacMismatchError, PaddingError, SecureChannelError
from axisctl.drivers.osdp.frame import Packet, SecurityBlock, decode, encode, mac_input
from axisctl.drivers.osdp.messages import (
    Challenge,
    ClientCryptogram,
    Command,
    ComSettings,
    InitialRmac,
    KeySet,
    LedColor,
    LedCommand,
    OutputCommand,
    OutputControl,
    PdId,
    Reply,
    SecurityBlockType,
    ServerCryptogram,
    TemporaryLedControl,
    TextCommand,
    decode_command,
    decode_reply,
)
from axisctl.drivers.osdp.secure import (
    DEFAULT_SCBK,
    SecureChannel,
    SessionKeys,
    client_cryptogram,
    compute_mac,
    decrypt_data,
    derive_scbk,
    derive_session_keys,
    encrypt_data,
    handshake_block,
    initial_rmac,
    random_bytes,
    server_cryptogram,
)
from axisctl.errors import InvalidSettingValueError


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def invert(value: bytes) -> bytes:
    return bytes(byte ^ 0xFF for byte in value)


# SIA OSDP 2.2 Annex E (also libosdp tests/unit-tests/test-sc-sia-vectors.c).
ANNEX_E_RND_A = h("B0 B1 B2 B3 B4 B5 B6 B7")
ANNEX_E_RND_B = h("A0 A1 A2 A3 A4 A5 A6 A7")


def test_default_key_is_scbk_d() -> None:
    assert h("30 31 32 33 34 35 36 37 38 39 3A 3B 3C 3D 3E 3F") == DEFAULT_SCBK


def test_annex_e_session_keys_and_cryptograms() -> None:
    keys = derive_session_keys(DEFAULT_SCBK, ANNEX_E_RND_A)
    assert keys.enc == h("BF 8D C2 A8 32 9A CB 8C 67 C6 D0 CD 9A 45 16 82")
    assert keys.mac1 == h("5E 86 C6 76 60 3B DE E2 D8 BE AF E1 78 63 73 32")
    assert keys.mac2 == h("6F DA 86 E8 57 77 7E 81 13 20 35 75 82 39 17 2E")
    client = client_cryptogram(keys, ANNEX_E_RND_A, ANNEX_E_RND_B)
    assert client == h("FD E5 D2 F4 28 EC 16 31 24 71 EA 3C 02 BD 77 96")
    server = server_cryptogram(keys, ANNEX_E_RND_A, ANNEX_E_RND_B)
    assert server == h("26 D3 35 6E 07 76 2D 26 28 01 FC 8E 66 65 A8 91")
    assert initial_rmac(keys, server) == h("B2 A3 00 57 EB 98 BA 22 29 EC 1F 87 56 62 B5 24")


def test_only_six_bytes_of_the_challenge_enter_the_keys() -> None:
    other = ANNEX_E_RND_A[:6] + b"\x00\x00"
    assert derive_session_keys(DEFAULT_SCBK, other) == derive_session_keys(
        DEFAULT_SCBK, ANNEX_E_RND_A
    )


# libosdp tests/unit-tests/test-sc.c: NIST SP 800-38A key and F.2.1 plaintext.
NIST_KEY = h("2b7e151628aed2a6abf7158809cf4f3c")
NIST_IV = h("000102030405060708090a0b0c0d0e0f")
NIST_PLAINTEXT = h(
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"
)
NIST_KEYS = SessionKeys(enc=NIST_KEY, mac1=NIST_KEY, mac2=NIST_KEY)


@pytest.mark.parametrize(
    ("message", "mac"),
    [
        (NIST_PLAINTEXT[:16], "7649abac8119b246cee98e9b12e9197d"),  # one block: no padding
        (NIST_PLAINTEXT, "3ff1caa1681fac09120eca307586e1a7"),  # four blocks
        (bytes(range(15)), "c5311f3d23d086ea86f5ee7f85247b40"),  # padded with 80
    ],
)
def test_mac_vectors(message: bytes, mac: str) -> None:
    assert compute_mac(NIST_KEYS, NIST_IV, message) == h(mac)


@pytest.mark.parametrize(
    ("plain", "cipher"),
    [
        (b"", "4c08220c79d9191022dc6674874ceaf8"),
        (bytes(range(15)), "c5311f3d23d086ea86f5ee7f85247b40"),
        (bytes(range(16)), "7df76b0c1ab899b33e42f047b91b546f e2fe5bd6c1dfcdd19124f03e1a134d3b"),
    ],
)
def test_encryption_vectors(plain: bytes, cipher: str) -> None:
    # The IV is the complement of the chaining MAC; libosdp's vectors give the IV itself.
    chain = invert(NIST_IV)
    assert encrypt_data(NIST_KEYS, chain, plain) == h(cipher)
    assert decrypt_data(NIST_KEYS, chain, h(cipher)) == plain


def test_decrypt_rejects_partial_blocks_and_missing_end_marker() -> None:
    with pytest.raises(PaddingError, match="multiple of 16"):
        decrypt_data(NIST_KEYS, NIST_IV, bytes(15))
    with pytest.raises(PaddingError, match="multiple of 16"):
        decrypt_data(NIST_KEYS, NIST_IV, b"")
    no_marker = Cipher(algorithms.AES(NIST_KEY), modes.CBC(invert(NIST_IV))).encryptor()
    block = no_marker.update(bytes(range(1, 17))) + no_marker.finalize()
    with pytest.raises(PaddingError, match="0x80"):
        decrypt_data(NIST_KEYS, NIST_IV, block)


def test_scbk_from_master_key_encrypts_uid_and_its_complement() -> None:
    master = bytes(range(16, 32))
    uid = h("b1a0070078563412")
    encryptor = Cipher(algorithms.AES(master), modes.ECB()).encryptor()  # noqa: S305
    assert derive_scbk(master, uid) == encryptor.update(uid + invert(uid)) + encryptor.finalize()
    assert derive_scbk(master, uid) != derive_scbk(master, h("b1a0070078563413"))


def test_handshake_blocks() -> None:
    assert handshake_block(SecurityBlockType.SCS_11) == SecurityBlock(0x11, b"\x01")
    assert handshake_block(SecurityBlockType.SCS_13, default_key=True) == SecurityBlock(
        0x13, b"\x00"
    )
    assert handshake_block(SecurityBlockType.SCS_14, default_key=True) == SecurityBlock(
        0x14, b"\x01"
    )
    with pytest.raises(InvalidSettingValueError):
        handshake_block(SecurityBlockType.SCS_15)


def test_random_bytes_differ() -> None:
    assert len(random_bytes()) == 8
    assert random_bytes(16) != random_bytes(16)


def test_key_material_never_shows_in_reprs() -> None:
    keys = derive_session_keys(DEFAULT_SCBK, ANNEX_E_RND_A)
    channel = SecureChannel(keys, bytes(16), role="cp")
    for text in (repr(keys), str(keys), repr(channel)):
        for secret in (keys.enc, keys.mac1, keys.mac2, DEFAULT_SCBK):
            assert secret.hex() not in text
    assert repr(keys) == "SessionKeys()"


@pytest.mark.parametrize(
    "call",
    [
        lambda: derive_session_keys(bytes(15), ANNEX_E_RND_A),
        lambda: derive_session_keys(DEFAULT_SCBK, bytes(7)),
        lambda: SessionKeys(bytes(16), bytes(16), bytes(8)),
        lambda: SecureChannel(NIST_KEYS, bytes(8), role="cp"),
        lambda: SecureChannel(NIST_KEYS, bytes(16), role="acu"),  # type: ignore[arg-type]
    ],
)
def test_wrong_sizes_and_roles_are_refused(call: object) -> None:
    assert callable(call)
    with pytest.raises(InvalidSettingValueError):
        call()


# --- The golden session -------------------------------------------------------------------
# libosdp 3.2.9 CP and PD over a pty, SCBK 00..0f, PD address 0x65: ID, CAP, the handshake,
# three POLLs, LED x2, BUZ, OUT, TEXT, COMSET and KEYSET, all secured after RMAC_I. Every
# MAC and decryption was re-derived independently with `cryptography` from the captured frames.
GOLDEN_SCBK = h("000102030405060708090a0b0c0d0e0f")
GOLDEN_SESSION = [
    ("cp", "53 65 09 00 04 61 00 d9 7a"),
    ("pd", "53 e5 14 00 04 45 b1 a0 00 07 02 78 56 34 12 01 02 03 fb 49"),
    ("cp", "53 65 09 00 05 62 00 ba 18"),
    (
        "pd",
        "53 e5 29 00 05 46 01 01 04 02 01 04 03 01 01 04 01 02 05 01 01 06 01 01 08 01 00 09"
        " 01 00 0a 00 01 0d 00 01 10 02 00 ad 3b",
    ),
    ("cp", "53 65 13 00 0e 03 11 01 76 d7 64 c8 cc e9 32 55 c4 f1 05"),
    (
        "pd",
        "53 e5 2b 00 0e 03 12 01 76 b1 a0 07 00 78 56 34 12 47 8d 7a a0 5d 83 f3 ea 72 72 46"
        " cb dd 92 35 fe ee a8 27 0b 98 34 3c de 43 6d",
    ),
    (
        "cp",
        "53 65 1b 00 0f 03 13 01 77 3e 60 fd e7 d5 5e 2c f2 a3 ba 6f a8 57 ea 50 3b 38 4b",
    ),
    (
        "pd",
        "53 e5 1b 00 0f 03 14 01 78 b2 9a ee 4b e9 87 f2 82 9c 9c 90 23 3f 39 17 69 ed dc",
    ),
    ("cp", "53 65 0e 00 0d 02 15 60 63 b1 4b 3c 46 43"),
    ("pd", "53 e5 0e 00 0d 02 16 40 79 8f f9 99 30 3c"),
    ("cp", "53 65 0e 00 0e 02 15 60 95 86 3c 02 81 35"),
    ("pd", "53 e5 0e 00 0e 02 16 40 19 8d 6b 99 7e bd"),
    ("cp", "53 65 0e 00 0f 02 15 60 04 78 4d af 05 65"),
    ("pd", "53 e5 0e 00 0f 02 16 40 1c a6 de 36 22 95"),
    (
        "cp",
        "53 65 1e 00 0d 02 17 69 ce 6f 3a 71 e3 9d 79 b1 1c ef 7d 73 aa 80 9d c6 68 61 56 4f 28 d1",
    ),
    ("pd", "53 e5 0e 00 0d 02 16 40 16 04 14 b2 40 89"),
    (
        "cp",
        "53 65 1e 00 0e 02 17 69 85 f8 e5 9a 0f 28 a2 9a ef a4 66 0e e0 90 ca 0f b1 65 fd be f6 92",
    ),
    ("pd", "53 e5 0e 00 0e 02 16 40 35 73 7c 02 67 95"),
    (
        "cp",
        "53 65 1e 00 0f 02 17 6a 14 43 c0 84 35 df 9b 71 8d 66 82 37 20 5e 4f 23 4b 21 50 e3 69 9c",
    ),
    ("pd", "53 e5 0e 00 0f 02 16 40 23 c4 bc 19 eb 20"),
    (
        "cp",
        "53 65 1e 00 0d 02 17 68 9c 05 31 d5 ba f7 29 95 63 ce 17 7f 33 a0 97 37 19 08 95 a7 0a 31",
    ),
    ("pd", "53 e5 0e 00 0d 02 16 40 db 6c 82 5b e2 ef"),
    (
        "cp",
        "53 65 1e 00 0e 02 17 6b 6a e3 c4 64 1f 30 de 75 8e c8 96 3a 99 7c 27 4c 7c fa ac 67 a4 74",
    ),
    ("pd", "53 e5 0e 00 0e 02 16 40 35 04 d6 09 21 8b"),
    (
        "cp",
        "53 65 1e 00 0f 02 17 6e e7 1d 22 24 1d 30 b4 9f 96 51 cb f1 e4 53 12 f5 63 8d 94 52 54 1b",
    ),
    (
        "pd",
        "53 e5 1e 00 0f 02 18 54 3e d2 6d 86 e8 64 ad ca d5 b8 1f 47 ff 49 eb ce 28 28 be 9a 79 fd",
    ),
    (
        "cp",
        "53 65 2e 00 0d 02 17 75 3e a6 1c 77 02 5d 37 9b 58 6e ba 9e aa 90 5d e1 7b e2 60 0a"
        " 73 19 ad 1c d8 30 50 9a a0 57 50 25 0e 35 ee 24 44 f4",
    ),
    ("pd", "53 e5 0e 00 0d 02 16 40 7c a4 76 4c 3c 66"),
]
# The decrypted command payloads of the secured part, in order (POLLs have none).
GOLDEN_COMMANDS: list[tuple[int, object]] = [
    (Command.POLL, None),
    (Command.POLL, None),
    (Command.POLL, None),
    (
        Command.LED,
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
    (Command.LED, None),
    (Command.BUZ, None),
    (Command.OUT, (OutputCommand(0, OutputControl.TEMPORARY_ON, 20),)),
    (Command.TEXT, TextCommand("HELLO")),
    (Command.COMSET, None),
    (Command.KEYSET, KeySet(h("f0e0d0c0b0a090807060504030201000"))),
]


@pytest.fixture
def golden_session() -> list[tuple[str, Packet, bytes]]:
    """(sender, decoded packet, exact frame) for every frame of the golden session."""
    return [(sender, decode(h(frame)), h(frame)) for sender, frame in GOLDEN_SESSION]


def test_golden_handshake_derives_the_recorded_values(
    golden_session: list[tuple[str, Packet, bytes]],
) -> None:
    packets = [packet for _, packet, _ in golden_session]
    assert decode_reply(packets[1].code, packets[1].data) == PdId(
        0xA0B1, 7, 2, 0x12345678, (1, 2, 3)
    )
    chlng, ccrypt, scrypt, rmac = packets[4:8]
    assert chlng.security == handshake_block(SecurityBlockType.SCS_11)
    assert ccrypt.security == handshake_block(SecurityBlockType.SCS_12)
    assert scrypt.security == handshake_block(SecurityBlockType.SCS_13)
    assert rmac.security == handshake_block(SecurityBlockType.SCS_14)
    rnd_a = Challenge.decode(chlng.data).rnd_a
    client = ClientCryptogram.decode(ccrypt.data)
    assert client.client_uid == h("b1a0070078563412")
    keys = derive_session_keys(GOLDEN_SCBK, rnd_a)
    assert keys.enc == h("739e01e1e9d16d2f2d7de6da2e048d73")
    assert keys.mac1 == h("b4a1edadfb58dd3bfa1121d96232f9e0")
    assert keys.mac2 == h("6db18546a7de7f1b58fdc82c3cdeb477")
    assert client_cryptogram(keys, rnd_a, client.rnd_b) == client.cryptogram
    server = server_cryptogram(keys, rnd_a, client.rnd_b)
    assert ServerCryptogram.decode(scrypt.data).cryptogram == server
    assert InitialRmac.decode(rmac.data).rmac == initial_rmac(keys, server)
    # The first C-MAC, in full, chains on RMAC-I.
    first_poll = packets[8]
    full = compute_mac(keys, initial_rmac(keys, server), mac_input(first_poll))
    assert full == h("63b14b3c0654969149643807f2195461")


def _golden_channels(packets: list[Packet]) -> tuple[SecureChannel, SecureChannel]:
    rnd_a = Challenge.decode(packets[4].data).rnd_a
    rnd_b = ClientCryptogram.decode(packets[5].data).rnd_b
    keys = derive_session_keys(GOLDEN_SCBK, rnd_a)
    rmac_i = initial_rmac(keys, server_cryptogram(keys, rnd_a, rnd_b))
    return SecureChannel(keys, rmac_i, role="cp"), SecureChannel(keys, rmac_i, role="pd")


def test_golden_session_replays_byte_for_byte_on_both_sides(
    golden_session: list[tuple[str, Packet, bytes]],
) -> None:
    cp, pd = _golden_channels([packet for _, packet, _ in golden_session])
    commands = iter(GOLDEN_COMMANDS)
    for sender, packet, frame in golden_session[8:]:
        if sender == "cp":
            plain = pd.unprotect(packet)
            code, expected = next(commands)
            assert plain.code == code
            if expected is not None:
                assert decode_command(plain.code, plain.data) == expected
            # Our CP, given the same plain command, puts the same bytes on the wire.
            assert encode(cp.protect(plain)) == frame
        else:
            plain = cp.unprotect(packet)
            assert plain.security is None
            assert plain.mac is None
            assert encode(pd.protect(plain)) == frame
    assert next(commands, None) is None


def test_golden_com_reply_is_encrypted_and_decrypts(
    golden_session: list[tuple[str, Packet, bytes]],
) -> None:
    cp, pd = _golden_channels([packet for _, packet, _ in golden_session])
    for sender, packet, _ in golden_session[8:]:
        channel = pd if sender == "cp" else cp
        plain = channel.unprotect(packet)
        if plain.code == Reply.COM:
            assert packet.security == SecurityBlock(SecurityBlockType.SCS_18)
            assert decode_reply(plain.code, plain.data) == ComSettings(0x65, 9600)
            return
        other = cp if sender == "cp" else pd
        other.protect(plain)
    pytest.fail("no COM reply in the golden session")


@pytest.fixture
def channels() -> tuple[SecureChannel, SecureChannel]:
    rnd_a, rnd_b = random_bytes(), random_bytes()
    keys = derive_session_keys(DEFAULT_SCBK, rnd_a)
    rmac_i = initial_rmac(keys, server_cryptogram(keys, rnd_a, rnd_b))
    return SecureChannel(keys, rmac_i, role="cp"), SecureChannel(keys, rmac_i, role="pd")


POLL = Packet(address=1, reply=False, sequence=1, code=Command.POLL)
LED = Packet(address=1, reply=False, sequence=2, code=Command.LED, data=LedCommand().encode())
ACK = Packet(address=1, reply=True, sequence=1, code=Reply.ACK)


def test_security_block_follows_whether_there_is_data(
    channels: tuple[SecureChannel, SecureChannel],
) -> None:
    cp, pd = channels
    secured_poll = cp.protect(POLL)
    assert secured_poll.security == SecurityBlock(SecurityBlockType.SCS_15)
    assert secured_poll.data == b""
    assert pd.unprotect(decode(encode(secured_poll))) == POLL
    secured_ack = pd.protect(ACK)
    assert secured_ack.security == SecurityBlock(SecurityBlockType.SCS_16)
    assert cp.unprotect(secured_ack) == ACK
    secured_led = cp.protect(LED)
    assert secured_led.security == SecurityBlock(SecurityBlockType.SCS_17)
    assert len(secured_led.data) == 16
    assert secured_led.data != LED.data
    assert pd.unprotect(secured_led) == LED


def test_a_bad_mac_is_refused_and_changes_nothing(
    channels: tuple[SecureChannel, SecureChannel],
) -> None:
    cp, pd = channels
    secured = cp.protect(LED)
    assert secured.mac is not None
    forged = dataclasses.replace(secured, mac=bytes(b ^ 0x01 for b in secured.mac))
    with pytest.raises(MacMismatchError) as caught:
        pd.unprotect(forged)
    assert secured.mac.hex() not in str(caught.value)
    # The genuine packet still verifies: the failed attempt did not move the chain.
    assert pd.unprotect(secured) == LED


def test_tampered_data_is_refused(channels: tuple[SecureChannel, SecureChannel]) -> None:
    cp, pd = channels
    secured = cp.protect(LED)
    tampered = dataclasses.replace(secured, data=bytes(16))
    with pytest.raises(MacMismatchError):
        pd.unprotect(tampered)


def test_a_retransmitted_command_is_byte_identical(
    channels: tuple[SecureChannel, SecureChannel],
) -> None:
    cp, pd = channels
    first = encode(cp.protect(LED))
    # The reply was lost: the CP protects the same command again for its retry.
    assert encode(cp.protect(LED)) == first
    assert pd.unprotect(decode(first)) == LED


def test_a_replayed_reply_is_refused(channels: tuple[SecureChannel, SecureChannel]) -> None:
    cp, pd = channels
    pd.unprotect(cp.protect(POLL))
    old_reply = pd.protect(ACK)
    cp.unprotect(old_reply)
    pd.unprotect(cp.protect(POLL))
    new_reply = pd.protect(ACK)
    # Replies chain on the command they answer: the old one does not fit the new command.
    with pytest.raises(MacMismatchError):
        cp.unprotect(old_reply)
    assert cp.unprotect(new_reply) == ACK


@pytest.mark.parametrize(
    ("packet", "words"),
    [
        (POLL, "receives replies"),
        (ACK, "plaintext packet"),
        (
            Packet(1, True, 1, 0x40, security=SecurityBlock(0x15), mac=bytes(4)),
            "0x15 where 0x16 or 0x18",
        ),
        (Packet(1, True, 1, 0x40, security=SecurityBlock(0x16)), "without a MAC"),
    ],
)
def test_cp_refuses_packets_that_are_not_secured_replies(
    channels: tuple[SecureChannel, SecureChannel], packet: Packet, words: str
) -> None:
    cp, _ = channels
    cp.protect(POLL)
    with pytest.raises(SecureChannelError, match=words):
        cp.unprotect(packet)


def test_empty_encrypted_block_is_refused() -> None:
    # A correctly MACed SCS_17 without any data block (libosdp NAKs it too).
    keys = derive_session_keys(DEFAULT_SCBK, ANNEX_E_RND_A)
    rmac_i = bytes(16)
    empty = Packet(1, False, 1, Command.LED, security=SecurityBlock(SecurityBlockType.SCS_17))
    mac = compute_mac(keys, rmac_i, mac_input(empty))[:4]
    pd = SecureChannel(keys, rmac_i, role="pd")
    with pytest.raises(PaddingError):
        pd.unprotect(dataclasses.replace(empty, mac=mac))


def test_protect_refuses_the_wrong_direction_or_a_secured_packet(
    channels: tuple[SecureChannel, SecureChannel],
) -> None:
    cp, pd = channels
    with pytest.raises(InvalidSettingValueError, match="sends commands"):
        cp.protect(ACK)
    with pytest.raises(SecureChannelError, match="before it has received"):
        pd.protect(ACK)
    with pytest.raises(InvalidSettingValueError, match="already carries"):
        cp.protect(cp.protect(POLL))


def test_install_mode_then_keyset_then_a_session_on_the_new_key() -> None:
    """CP and PD agree on SCBK-D (install mode), move to a site key and start over."""
    site_key = random_bytes(16)

    def handshake(scbk: bytes) -> tuple[SecureChannel, SecureChannel]:
        rnd_a, rnd_b = random_bytes(), random_bytes()
        cp_keys = derive_session_keys(scbk, rnd_a)
        pd_keys = derive_session_keys(scbk, rnd_a)
        ccrypt = client_cryptogram(pd_keys, rnd_a, rnd_b)
        assert ccrypt == client_cryptogram(cp_keys, rnd_a, rnd_b)  # CP verifies the PD
        scrypt = server_cryptogram(cp_keys, rnd_a, rnd_b)
        assert scrypt == server_cryptogram(pd_keys, rnd_a, rnd_b)  # PD verifies the CP
        rmac_i = initial_rmac(pd_keys, scrypt)
        return (
            SecureChannel(cp_keys, rmac_i, role="cp"),
            SecureChannel(pd_keys, rmac_i, role="pd"),
        )

    cp, pd = handshake(DEFAULT_SCBK)
    keyset = Packet(1, False, 1, Command.KEYSET, KeySet(site_key).encode())
    received = pd.unprotect(decode(encode(cp.protect(keyset))))
    decoded = decode_command(received.code, received.data)
    assert isinstance(decoded, KeySet)
    assert decoded.key == site_key
    assert cp.unprotect(pd.protect(dataclasses.replace(ACK, sequence=1))).code == Reply.ACK

    # Both sides drop the session and handshake again with the site key.
    cp, pd = handshake(decoded.key)
    assert pd.unprotect(cp.protect(LED)) == LED
    # A session on the old key can no longer talk to the new one.
    old_cp, _ = handshake(DEFAULT_SCBK)
    with pytest.raises(MacMismatchError):
        pd.unprotect(old_cp.protect(LED))
