"""Property tests of the secure channel: conversations round-trip, forgeries are refused."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from axisctl.drivers.osdp.errors import SecureChannelError
from axisctl.drivers.osdp.frame import Packet, SecurityBlock, decode, encode
from axisctl.drivers.osdp.secure import (
    SecureChannel,
    derive_session_keys,
    initial_rmac,
    server_cryptogram,
)


def pair(scbk: bytes, rnd_a: bytes, rnd_b: bytes) -> tuple[SecureChannel, SecureChannel]:
    keys = derive_session_keys(scbk, rnd_a)
    rmac_i = initial_rmac(keys, server_cryptogram(keys, rnd_a, rnd_b))
    return SecureChannel(keys, rmac_i, role="cp"), SecureChannel(keys, rmac_i, role="pd")


keys = st.tuples(
    st.binary(min_size=16, max_size=16),
    st.binary(min_size=8, max_size=8),
    st.binary(min_size=8, max_size=8),
)
exchanges = st.lists(
    st.tuples(
        st.integers(0, 0xFF),  # command code
        st.binary(max_size=60),  # command data
        st.integers(0, 0xFF),  # reply code
        st.binary(max_size=60),  # reply data
        st.booleans(),  # CRC or checksum
    ),
    min_size=1,
    max_size=6,
)


@given(keys, exchanges)
def test_a_conversation_arrives_intact_on_both_sides(
    material: tuple[bytes, bytes, bytes],
    conversation: list[tuple[int, bytes, int, bytes, bool]],
) -> None:
    cp, pd = pair(*material)
    for index, (command_code, command_data, reply_code, reply_data, use_crc) in enumerate(
        conversation
    ):
        sequence = index % 3 + 1
        command = Packet(5, False, sequence, command_code, command_data, use_crc)
        wire = encode(cp.protect(command), mark=True)
        assert pd.unprotect(decode(wire)) == command
        reply = Packet(5, True, sequence, reply_code, reply_data, use_crc)
        assert cp.unprotect(decode(encode(pd.protect(reply)))) == reply


@given(
    keys,
    st.sampled_from([0x15, 0x16, 0x17, 0x18]),
    st.binary(max_size=64),
    st.binary(min_size=4, max_size=4),
    st.booleans(),
)
def test_forged_packets_raise_only_secure_channel_errors(
    material: tuple[bytes, bytes, bytes], kind: int, data: bytes, mac: bytes, as_reply: bool
) -> None:
    cp, pd = pair(*material)
    cp.protect(Packet(5, False, 1, 0x60))
    forged = Packet(5, as_reply, 1, 0x69, data, security=SecurityBlock(kind), mac=mac)
    receiver = cp if as_reply else pd
    with contextlib.suppress(SecureChannelError):
        receiver.unprotect(forged)
