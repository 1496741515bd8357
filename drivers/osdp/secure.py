"""The OSDP secure channel: AES-128 session keys, cryptograms, MAC chaining and encryption.

Pure functions for the handshake (CHLNG, CCRYPT, SCRYPT, RMAC_I), whose sequencing belongs
to the control panel and the reader (they live in :mod:`.crypto` and are re-exported
here), and :class:`SecureChannel`, one established session that protects outgoing and
checks incoming packets. Everything matches the SIA OSDP 2.2
Annex E vectors and libosdp 3.2.9 on the wire (see docs/readers-osdp-protocol.md).

Keys, session keys and MAC chaining values never appear in a ``repr`` or an error message.
"""

from __future__ import annotations

import hmac
from typing import Literal

from axisctl.errors import InvalidSettingValueError

from ._fields import check_length
from .codes import SecurityBlockType
from .crypto import (
    DEFAULT_SCBK,
    SessionKeys,
    client_cryptogram,
    compute_mac,
    decrypt_data,
    derive_scbk,
    derive_session_keys,
    encrypt_data,
    initial_rmac,
    random_bytes,
    server_cryptogram,
)
from .errors import MacMismatchError, SecureChannelError
from .frame import Packet, SecurityBlock, mac_input

__all__ = [
    "DEFAULT_SCBK",
    "Role",
    "SecureChannel",
    "SessionKeys",
    "client_cryptogram",
    "compute_mac",
    "decrypt_data",
    "derive_scbk",
    "derive_session_keys",
    "encrypt_data",
    "handshake_block",
    "initial_rmac",
    "random_bytes",
    "server_cryptogram",
]

#: Which end of the link a :class:`SecureChannel` serves: control panel or peripheral.
Role = Literal["cp", "pd"]

_BLOCK = 16
_WIRE_MAC = 4
_MAC_BLOCKS = {
    kind: SecurityBlock(kind)
    for kind in (
        SecurityBlockType.SCS_15,
        SecurityBlockType.SCS_16,
        SecurityBlockType.SCS_17,
        SecurityBlockType.SCS_18,
    )
}


def _rebuilt(
    packet: Packet, data: bytes, security: SecurityBlock | None, mac: bytes | None
) -> Packet:
    # Plain construction: dataclasses.replace costs twice as much on this hot path.
    return Packet(
        packet.address,
        packet.reply,
        packet.sequence,
        packet.code,
        data,
        packet.use_crc,
        security,
        mac,
    )


def handshake_block(kind: SecurityBlockType, *, default_key: bool = False) -> SecurityBlock:
    """The security block of a handshake packet (SCS_11 to SCS_14).

    SCS_11..13 carry the key selector: 0 for SCBK-D (install mode), 1 for the SCBK.
    SCS_14 (RMAC_I) carries 1, "accepted", as libosdp sends it.
    """
    if kind not in (
        SecurityBlockType.SCS_11,
        SecurityBlockType.SCS_12,
        SecurityBlockType.SCS_13,
        SecurityBlockType.SCS_14,
    ):
        raise InvalidSettingValueError(
            f"kind: handshake blocks are SCS_11..SCS_14, got {kind!r}", field="kind"
        )
    selector = 1 if kind == SecurityBlockType.SCS_14 or not default_key else 0
    return SecurityBlock(kind, bytes((selector,)))


class SecureChannel:
    """One established session between a CP and one PD, seen from ``role``'s side.

    :meth:`protect` turns an outgoing plain packet into its secured form (SCB, encrypted
    data, MAC); :meth:`unprotect` checks and decrypts an incoming one. The MAC chain runs
    command MAC -> reply MAC -> command MAC ...; each side keeps the last MAC of each
    direction, so protecting the same command twice (a retransmission) gives the same bytes.

    A failed :meth:`unprotect` changes nothing; the protocol then expects the session to be
    dropped (a reader answers NAK 6 in plaintext).
    """

    def __init__(self, keys: SessionKeys, rmac_i: bytes, *, role: Role) -> None:
        check_length("rmac_i", rmac_i, _BLOCK)
        if role not in ("cp", "pd"):
            raise InvalidSettingValueError(
                f"role: expected 'cp' or 'pd', got {role!r}", field="role", allowed=["cp", "pd"]
            )
        self.role: Role = role
        self._keys = keys
        self._last_command_mac = b""
        self._last_reply_mac = rmac_i

    def __repr__(self) -> str:
        return f"SecureChannel(role={self.role!r})"

    def protect(self, packet: Packet) -> Packet:
        """The secured form of a plain outgoing packet (a command for a CP, a reply for a PD).

        Data, if any, is encrypted (SCS_17/18); a packet without data gets SCS_15/16.
        """
        sending_reply = self.role == "pd"
        if packet.reply != sending_reply:
            raise InvalidSettingValueError(
                f"packet: a {self.role.upper()} sends {'replies' if sending_reply else 'commands'}",
                field="packet.reply",
            )
        if packet.security is not None:
            raise InvalidSettingValueError(
                "packet: already carries a security block", field="packet.security"
            )
        chain = self._last_command_mac if sending_reply else self._last_reply_mac
        if sending_reply and not chain:
            raise SecureChannelError("a PD cannot reply before it has received a command")
        if packet.data:
            kind = SecurityBlockType.SCS_18 if sending_reply else SecurityBlockType.SCS_17
            data = encrypt_data(self._keys, chain, packet.data)
        else:
            kind = SecurityBlockType.SCS_16 if sending_reply else SecurityBlockType.SCS_15
            data = b""
        secured = _rebuilt(packet, data, _MAC_BLOCKS[kind], None)
        mac = compute_mac(self._keys, chain, mac_input(secured))
        if sending_reply:
            self._last_reply_mac = mac
        else:
            self._last_command_mac = mac
        return _rebuilt(secured, data, secured.security, mac[:_WIRE_MAC])

    def unprotect(self, packet: Packet) -> Packet:
        """The plain form of a secured incoming packet, after checking its MAC.

        Raises :class:`SecureChannelError` for a packet without a suitable security block,
        :class:`MacMismatchError` for a wrong MAC and :class:`PaddingError` for bad
        encrypted data. The returned packet has no security block and no MAC.
        """
        receiving_reply = self.role == "cp"
        if packet.reply != receiving_reply:
            raise SecureChannelError(
                f"a {self.role.upper()} receives {'replies' if receiving_reply else 'commands'}"
            )
        plain_kind, encrypted_kind = (
            (SecurityBlockType.SCS_16, SecurityBlockType.SCS_18)
            if receiving_reply
            else (SecurityBlockType.SCS_15, SecurityBlockType.SCS_17)
        )
        security = packet.security
        if security is None:
            raise SecureChannelError("plaintext packet while the secure channel is active")
        if security.type not in (plain_kind, encrypted_kind):
            raise SecureChannelError(
                f"security block {security.type:#04x} where {plain_kind:#04x} or "
                f"{encrypted_kind:#04x} was expected"
            )
        if packet.mac is None:
            raise SecureChannelError("secured packet without a MAC")
        chain = self._last_command_mac if receiving_reply else self._last_reply_mac
        if receiving_reply and not chain:
            raise SecureChannelError("a reply arrived before any command was sent")
        mac = compute_mac(self._keys, chain, mac_input(packet))
        if not hmac.compare_digest(mac[:_WIRE_MAC], packet.mac):
            raise MacMismatchError(
                f"MAC of {'reply' if receiving_reply else 'command'} "
                f"{packet.code:#04x} does not verify"
            )
        data = packet.data
        if security.type == encrypted_kind:
            data = decrypt_data(self._keys, chain, data)
        if receiving_reply:
            self._last_reply_mac = mac
        else:
            self._last_command_mac = mac
        return _rebuilt(packet, data, None, None)
