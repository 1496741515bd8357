"""Secure channel set-up: the CHLNG, CCRYPT, SCRYPT, RMAC_I exchange, from either side.

The control panel (CP) opens with a random challenge RND.A and says which key it uses: the
reader's own base key (SCBK) or the well-known install-mode key SCBK-D. The reader (PD)
answers with its id, its own random RND.B and a cryptogram proving it holds the key; the CP
proves the same with a second cryptogram; the PD confirms with the initial reply MAC, which
seeds the MAC chain of the session. Both sides then hold an equal
:class:`~axisctl.drivers.osdp.secure.SecureChannel`.

These classes are pure state machines over typed payloads: the CP and PD cores put them into
packets, and they never see sequence numbers or bytes on a wire.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from .errors import SecureChannelError
from .frame import SecurityBlock
from .messages import (
    Challenge,
    ClientCryptogram,
    InitialRmac,
    NakReason,
    PdId,
    SecurityBlockType,
    ServerCryptogram,
)
from .secure import (
    DEFAULT_SCBK,
    SecureChannel,
    SessionKeys,
    client_cryptogram,
    derive_session_keys,
    handshake_block,
    initial_rmac,
    random_bytes,
    server_cryptogram,
)

__all__ = [
    "CpHandshake",
    "HandshakeError",
    "PdHandshake",
    "client_uid_for",
    "key_selector",
]

RandomSource = Callable[[int], bytes]


class HandshakeError(SecureChannelError):
    """The secure channel could not be set up; ``nak_reason`` is what a reader answers.

    The message never contains key material or cryptograms.
    """

    def __init__(
        self, message: str, *, nak_reason: NakReason = NakReason.SECURITY_CONDITION
    ) -> None:
        super().__init__(message)
        self.nak_reason = nak_reason


def key_selector(block: SecurityBlock | None) -> bool:
    """Whether a handshake block asks for the default key SCBK-D (selector byte 0)."""
    return block is not None and block.data[:1] == b"\x00"


def _expect_block(block: SecurityBlock | None, kind: SecurityBlockType, what: str) -> None:
    if block is None or block.type != kind:
        got = "none" if block is None else f"{block.type:#04x}"
        raise HandshakeError(f"{what} needs security block {kind:#04x}, got {got}")


def client_uid_for(identity: PdId) -> bytes:
    """The 8-byte client UID a reader sends in CCRYPT, derived from its PDID.

    Laid out as libosdp lays it out (vendor code bytes 0-1, model, 0, serial number little
    endian), so that a master-key-derived SCBK comes out the same for both implementations.
    """
    vendor = identity.vendor_code.to_bytes(3, "little")
    return vendor[:2] + bytes((identity.model, 0)) + identity.serial_number.to_bytes(4, "little")


class CpHandshake:
    """One handshake attempt of a control panel with one reader.

    ``default_key`` selects SCBK-D (a reader in install mode) instead of ``scbk``. Call
    :meth:`challenge`, feed the CCRYPT reply to :meth:`server_cryptogram`, then the RMAC_I
    reply to :meth:`finish`, which returns the session.
    """

    def __init__(
        self,
        scbk: bytes | None,
        *,
        default_key: bool = False,
        random: RandomSource = random_bytes,
    ) -> None:
        if scbk is None and not default_key:
            raise HandshakeError("no SCBK to open a secure channel with")
        self.default_key = default_key
        self._scbk = DEFAULT_SCBK if default_key or scbk is None else scbk
        self._rnd_a = random(8)
        self._rnd_b = b""
        self._keys: SessionKeys | None = None
        self._server_cryptogram = b""

    def __repr__(self) -> str:
        return f"CpHandshake(default_key={self.default_key})"

    def challenge(self) -> tuple[SecurityBlock, Challenge]:
        """The CHLNG command: its security block (SCS_11) and payload."""
        block = handshake_block(SecurityBlockType.SCS_11, default_key=self.default_key)
        return block, Challenge(self._rnd_a)

    def server_cryptogram(
        self, block: SecurityBlock | None, reply: ClientCryptogram
    ) -> tuple[SecurityBlock, ServerCryptogram]:
        """Checks the reader's CCRYPT; returns the SCRYPT command (SCS_13 block, payload).

        Raises :class:`HandshakeError` when the reader's cryptogram does not match, which
        means it holds another key.
        """
        _expect_block(block, SecurityBlockType.SCS_12, "CCRYPT")
        keys = derive_session_keys(self._scbk, self._rnd_a)
        expected = client_cryptogram(keys, self._rnd_a, reply.rnd_b)
        if not hmac.compare_digest(expected, reply.cryptogram):
            which = "the default key SCBK-D" if self.default_key else "the configured SCBK"
            raise HandshakeError(f"the reader's cryptogram does not match {which}")
        self._keys = keys
        self._rnd_b = reply.rnd_b
        self._server_cryptogram = server_cryptogram(keys, self._rnd_a, reply.rnd_b)
        block_out = handshake_block(SecurityBlockType.SCS_13, default_key=self.default_key)
        return block_out, ServerCryptogram(self._server_cryptogram)

    def finish(self, block: SecurityBlock | None, reply: InitialRmac) -> SecureChannel:
        """Checks RMAC_I and returns the established session."""
        _expect_block(block, SecurityBlockType.SCS_14, "RMAC_I")
        if self._keys is None:
            raise HandshakeError("RMAC_I before the reader's cryptogram was checked")
        if block is not None and block.data[:1] == b"\xff":
            raise HandshakeError("the reader rejected the server cryptogram")
        expected = initial_rmac(self._keys, self._server_cryptogram)
        if not hmac.compare_digest(expected, reply.rmac):
            raise HandshakeError("the reader's initial R-MAC does not match")
        return SecureChannel(self._keys, expected, role="cp")


class PdHandshake:
    """The reader's side of one handshake.

    ``scbk`` is the reader's base key, ``None`` when none was ever set. In ``install_mode``
    (or without a key) the reader accepts a challenge for SCBK-D. A challenge for the SCBK
    that the reader cannot honour is still answered, with a cryptogram the CP will find
    wrong: CPs such as libosdp's then fall back to SCBK-D, whereas a NAK would take the
    reader offline for minutes on some of them.
    """

    def __init__(
        self,
        scbk: bytes | None,
        *,
        install_mode: bool,
        client_uid: bytes,
        random: RandomSource = random_bytes,
    ) -> None:
        self._scbk = scbk
        self._install_mode = install_mode or scbk is None
        self._client_uid = client_uid
        self._random = random
        self._keys: SessionKeys | None = None
        self._rnd_a = b""
        self._rnd_b = b""
        self.default_key = False

    def __repr__(self) -> str:
        return f"PdHandshake(install_mode={self._install_mode})"

    def client_cryptogram(
        self, block: SecurityBlock | None, command: Challenge
    ) -> tuple[SecurityBlock, ClientCryptogram]:
        """Answers CHLNG: the CCRYPT reply (SCS_12 block, payload)."""
        _expect_block(block, SecurityBlockType.SCS_11, "CHLNG")
        wants_default = key_selector(block)
        self.default_key = wants_default and self._install_mode
        key = DEFAULT_SCBK if self.default_key or self._scbk is None else self._scbk
        self._rnd_a = command.rnd_a
        self._rnd_b = self._random(8)
        self._keys = derive_session_keys(key, self._rnd_a)
        cryptogram = client_cryptogram(self._keys, self._rnd_a, self._rnd_b)
        block_out = handshake_block(SecurityBlockType.SCS_12, default_key=wants_default)
        return block_out, ClientCryptogram(self._client_uid, self._rnd_b, cryptogram)

    def initial_rmac(
        self, block: SecurityBlock | None, command: ServerCryptogram
    ) -> tuple[SecurityBlock, InitialRmac, SecureChannel]:
        """Answers SCRYPT: the RMAC_I reply (SCS_14 block, payload) and the session.

        Raises :class:`HandshakeError` (NAK reason 5, as libosdp answers) when the CP's
        cryptogram does not match.
        """
        _expect_block(block, SecurityBlockType.SCS_13, "SCRYPT")
        if self._keys is None:
            raise HandshakeError(
                "SCRYPT without a preceding CHLNG",
                nak_reason=NakReason.SECURE_CHANNEL_UNSUPPORTED,
            )
        expected = server_cryptogram(self._keys, self._rnd_a, self._rnd_b)
        if not hmac.compare_digest(expected, command.cryptogram):
            raise HandshakeError(
                "the control panel's cryptogram does not match",
                nak_reason=NakReason.SECURE_CHANNEL_UNSUPPORTED,
            )
        rmac = initial_rmac(self._keys, command.cryptogram)
        channel = SecureChannel(self._keys, rmac, role="pd")
        return handshake_block(SecurityBlockType.SCS_14), InitialRmac(rmac), channel
