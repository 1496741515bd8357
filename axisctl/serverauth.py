"""The server side of HTTP authentication: accounts, Digest challenges and checks, Basic.

Behaves like AXIS OS on Apache: ``qop="auth"``, nonces that expire after
:data:`NONCE_LIFETIME_S` and are then answered with ``stale=true``, replayed nonce counts
refused, passwords compared in constant time. The simulated devices and the LPR push
receiver both serve with it; the Digest arithmetic itself is :mod:`axisctl.digest`.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import struct
import time
from dataclasses import dataclass, field

from axisctl import digest
from axisctl.errors import ParseError

NONCE_LIFETIME_S = 300.0
#: Most nonces remembered at once: a flood of unauthenticated requests, each given a fresh
#: challenge, must not grow the table without bound. The oldest go first.
MAX_NONCES = 10_000


class Level(enum.IntEnum):
    """Access levels, lowest first; an account's role grants its level and all below."""

    ANONYMOUS = 0
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3


@dataclass
class Account:
    name: str
    password: str = field(repr=False)
    level: Level
    ptz: bool = False
    comment: str = ""


class AccountStore:
    """Accounts by name."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}

    @property
    def has_admin(self) -> bool:
        return any(a.level is Level.ADMIN for a in self.accounts.values())


class Outcome(enum.Enum):
    OK = "ok"
    STALE = "stale"
    DENIED = "denied"


@dataclass
class _Nonce:
    created: float
    seen_counts: set[int] = field(default_factory=set)


class DigestServer:
    """Issues challenges and checks ``Authorization: Digest`` headers."""

    def __init__(self, realm: str, algorithms: tuple[str, ...] = ("MD5",)) -> None:
        self.realm = realm
        self.algorithms = algorithms
        self._secret = os.urandom(16)
        self._nonces: dict[str, _Nonce] = {}
        self.lifetime_s = NONCE_LIFETIME_S

    def _new_nonce(self) -> str:
        # Apache mod_auth_digest style: base64 timestamp, then a keyed hash of it.
        stamp = base64.b64encode(struct.pack("<d", time.time())).decode()
        mac = hmac.new(self._secret, stamp.encode(), hashlib.sha1).hexdigest()
        nonce = f"{stamp}{mac}"
        self._expire_old()
        self._nonces[nonce] = _Nonce(created=time.monotonic())
        return nonce

    def _expire_old(self) -> None:
        limit = time.monotonic() - 2 * self.lifetime_s
        for key in [k for k, v in self._nonces.items() if v.created < limit]:
            del self._nonces[key]
        while len(self._nonces) >= MAX_NONCES:
            del self._nonces[next(iter(self._nonces))]  # dicts keep insertion order

    def challenges(self, *, stale: bool = False) -> list[str]:
        nonce = self._new_nonce()
        return [
            digest.DigestChallenge(
                realm=self.realm, nonce=nonce, algorithm=algorithm, qop=("auth",), stale=stale
            ).header()
            for algorithm in self.algorithms
        ]

    def verify(
        self, header: str, method: str, accounts: AccountStore, *, force_stale: bool = False
    ) -> tuple[Outcome, Account | None]:
        try:
            params = digest.parse_auth_params(header.partition(" ")[2])
        except ParseError:
            return Outcome.DENIED, None
        required = ("username", "realm", "nonce", "uri", "response", "nc", "cnonce", "qop")
        if any(key not in params for key in required) or params["realm"] != self.realm:
            return Outcome.DENIED, None
        algorithm = params.get("algorithm", "MD5").upper()
        account = accounts.accounts.get(params["username"])
        if algorithm not in self.algorithms or account is None or params["qop"] != "auth":
            return Outcome.DENIED, None
        expected = digest.compute_response(
            algorithm=algorithm,
            username=account.name,
            realm=self.realm,
            password=account.password,
            method=method,
            uri=params["uri"],
            nonce=params["nonce"],
            nc=params["nc"],
            cnonce=params["cnonce"],
            qop="auth",
        )
        if not hmac.compare_digest(expected, params["response"].lower()):
            return Outcome.DENIED, None
        nonce = self._nonces.get(params["nonce"])
        if nonce is None or force_stale or time.monotonic() - nonce.created > self.lifetime_s:
            # Right password, old nonce: tell the client to retry with a fresh one.
            return Outcome.STALE, None
        try:
            count = int(params["nc"], 16)
        except ValueError:
            return Outcome.DENIED, None
        if count in nonce.seen_counts:
            return Outcome.DENIED, None
        nonce.seen_counts.add(count)
        return Outcome.OK, account


def verify_basic(header: str, accounts: AccountStore) -> Account | None:
    try:
        decoded = base64.b64decode(header.partition(" ")[2].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    name, sep, password = decoded.partition(":")
    account = accounts.accounts.get(name)
    if (
        not sep
        or account is None
        or not hmac.compare_digest(account.password.encode(), password.encode())
    ):
        return None
    return account
