"""The cryptography of the OSDP secure channel, as pure functions of keys and bytes.

AES-128 from ``cryptography``: session key derivation, the handshake cryptograms, the
chained CBC-MAC and the payload encryption, exactly as SIA OSDP 2.2 Annex E and libosdp
3.2.9 compute them. :mod:`.secure` re-exports all of it and adds the stateful session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ._fields import check_length
from .errors import PaddingError

__all__ = [
    "DEFAULT_SCBK",
    "SessionKeys",
    "client_cryptogram",
    "compute_mac",
    "decrypt_data",
    "derive_scbk",
    "derive_session_keys",
    "encrypt_data",
    "initial_rmac",
    "random_bytes",
    "server_cryptogram",
]

#: SCBK-D, the well-known key a reader in install mode accepts (``30 31 .. 3F``).
DEFAULT_SCBK = bytes(range(0x30, 0x40))

_BLOCK = 16


class _Aes:
    """AES-128 under one key: single blocks, and CBC built on them.

    OSDP messages are one to a few blocks, so CBC by hand over one reusable ECB context
    costs far less than a new ``Cipher`` per message. ECB here is raw AES on single blocks
    (the spec's key derivation and cryptograms), never a mode applied to a message. Not
    safe for concurrent use from several threads, like the session it belongs to.
    """

    def __init__(self, key: bytes) -> None:
        cipher = Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305 - see the docstring
        self.encrypt_blocks = cipher.encryptor().update
        self._decrypt_blocks = cipher.decryptor().update

    def cbc_encrypt(self, iv: bytes, data: bytes) -> bytes:
        blocks = []
        previous = int.from_bytes(iv, "big")
        for start in range(0, len(data), _BLOCK):
            mixed = int.from_bytes(data[start : start + _BLOCK], "big") ^ previous
            block = self.encrypt_blocks(mixed.to_bytes(_BLOCK, "big"))
            blocks.append(block)
            previous = int.from_bytes(block, "big")
        return b"".join(blocks)

    def cbc_decrypt(self, iv: bytes, data: bytes) -> bytes:
        mixed = int.from_bytes(self._decrypt_blocks(data), "big")
        return (mixed ^ int.from_bytes(iv + data[:-_BLOCK], "big")).to_bytes(len(data), "big")


def _aes_block(key: bytes, block: bytes) -> bytes:
    return _Aes(key).encrypt_blocks(block)


def _invert(value: bytes) -> bytes:
    return (int.from_bytes(value, "big") ^ (1 << 8 * len(value)) - 1).to_bytes(len(value), "big")


def random_bytes(count: int = 8) -> bytes:
    """Cryptographically random bytes, for RND.A (the CP) and RND.B (the PD)."""
    return os.urandom(count)


@dataclass(frozen=True)
class SessionKeys:
    """The three session keys of one secure channel session; ``repr`` shows none of them."""

    enc: bytes = field(repr=False)
    mac1: bytes = field(repr=False)
    mac2: bytes = field(repr=False)
    _ciphers: tuple[_Aes, _Aes, _Aes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("enc", "mac1", "mac2"):
            check_length(name, getattr(self, name), _BLOCK)
        ciphers = (_Aes(self.enc), _Aes(self.mac1), _Aes(self.mac2))
        object.__setattr__(self, "_ciphers", ciphers)


def derive_scbk(master_key: bytes, client_uid: bytes) -> bytes:
    """A reader's SCBK from a master key and its 8-byte client UID (as sent in CCRYPT)."""
    check_length("master_key", master_key, _BLOCK)
    check_length("client_uid", client_uid, 8)
    return _aes_block(master_key, client_uid + _invert(client_uid))


def derive_session_keys(scbk: bytes, rnd_a: bytes) -> SessionKeys:
    """S-ENC, S-MAC1 and S-MAC2 from the base key and the CP's challenge RND.A.

    Only the first six bytes of RND.A enter the keys (as the spec says).
    """
    check_length("scbk", scbk, _BLOCK)
    check_length("rnd_a", rnd_a, 8)
    tail = rnd_a[:6] + bytes(8)
    return SessionKeys(
        enc=_aes_block(scbk, b"\x01\x82" + tail),
        mac1=_aes_block(scbk, b"\x01\x01" + tail),
        mac2=_aes_block(scbk, b"\x01\x02" + tail),
    )


def client_cryptogram(keys: SessionKeys, rnd_a: bytes, rnd_b: bytes) -> bytes:
    """The PD's proof of the key, sent in CCRYPT: AES(S-ENC, RND.A || RND.B)."""
    check_length("rnd_a", rnd_a, 8)
    check_length("rnd_b", rnd_b, 8)
    return keys._ciphers[0].encrypt_blocks(rnd_a + rnd_b)


def server_cryptogram(keys: SessionKeys, rnd_a: bytes, rnd_b: bytes) -> bytes:
    """The CP's proof of the key, sent in SCRYPT: AES(S-ENC, RND.B || RND.A)."""
    check_length("rnd_a", rnd_a, 8)
    check_length("rnd_b", rnd_b, 8)
    return keys._ciphers[0].encrypt_blocks(rnd_b + rnd_a)


def initial_rmac(keys: SessionKeys, server_cryptogram: bytes) -> bytes:
    """RMAC-I, sent by the PD in RMAC_I; the first chaining value of the session."""
    check_length("server_cryptogram", server_cryptogram, _BLOCK)
    _, mac1, mac2 = keys._ciphers
    return mac2.encrypt_blocks(mac1.encrypt_blocks(server_cryptogram))


def compute_mac(keys: SessionKeys, chain: bytes, message: bytes) -> bytes:
    """The full 16-byte MAC of ``message`` chained on ``chain``; 4 bytes go on the wire.

    CBC-MAC with S-MAC1 over all blocks but the last and S-MAC2 for the last one. The
    message is padded with 0x80 00.. only when it is not already whole blocks.
    """
    if len(message) % _BLOCK:
        message += b"\x80" + bytes(-(len(message) + 1) % _BLOCK)
    _, mac1, mac2 = keys._ciphers
    iv = chain
    if len(message) > _BLOCK:
        iv = mac1.cbc_encrypt(chain, message[:-_BLOCK])[-_BLOCK:]
    return mac2.cbc_encrypt(iv, message[-_BLOCK:])


def encrypt_data(keys: SessionKeys, chain: bytes, data: bytes) -> bytes:
    """AES-CBC with S-ENC and IV ``~chain``; always padded with 0x80 00.. (so never empty)."""
    padded = data + b"\x80" + bytes(-(len(data) + 1) % _BLOCK)
    return keys._ciphers[0].cbc_encrypt(_invert(chain), padded)


def decrypt_data(keys: SessionKeys, chain: bytes, data: bytes) -> bytes:
    """Reverses :func:`encrypt_data`; :class:`PaddingError` if the blocks or padding are bad."""
    if not data or len(data) % _BLOCK:
        raise PaddingError(
            f"encrypted data is {len(data)} bytes, expected a non-zero multiple of 16"
        )
    plain = keys._ciphers[0].cbc_decrypt(_invert(chain), data).rstrip(b"\x00")
    if not plain.endswith(b"\x80"):
        raise PaddingError("decrypted data lacks the 0x80 end marker")
    return plain[:-1]
