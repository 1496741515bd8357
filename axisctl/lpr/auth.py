"""Who may push: the credentials and the auth header key the app can send.

The app's push profile has a user and password sent as Basic or Digest (``http_auth_type``)
and an optional ``X-Auth-Key`` header. The server side of Digest is
:mod:`axisctl.serverauth`, the same nonce handling the simulated devices have; secrets are
compared in constant time and never logged.
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from axisctl.errors import ConfigurationError
from axisctl.serverauth import Account, AccountStore, DigestServer, Level, Outcome, verify_basic

__all__ = ["AUTH_KEY_HEADER", "AuthScheme", "PushAuth", "Verdict"]

AUTH_KEY_HEADER = "X-Auth-Key"
REALM = "axisctl LPR receiver"

AuthScheme = Literal["basic", "digest", "any"]


class Verdict(enum.Enum):
    """What to do with a request: let it in, challenge it (no credentials yet), refuse it."""

    ALLOW = "allow"
    CHALLENGE = "challenge"
    DENY = "deny"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    #: Why a request is refused, safe to send back and log: never a credential.
    reason: str = ""
    stale: bool = False


class PushAuth:
    """Checks one request's ``Authorization`` and ``X-Auth-Key`` headers.

    With a user, requests must authenticate with ``scheme`` (``any``: Basic or Digest, as the
    camera's ``http_auth_type`` chooses); with an ``auth_key``, they must also carry it.
    """

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        *,
        scheme: AuthScheme = "any",
        auth_key: str | None = None,
    ) -> None:
        if scheme not in ("basic", "digest", "any"):
            raise ConfigurationError(f"auth must be basic, digest or any, not {scheme!r}")
        if (user is None) != (password is None):
            raise ConfigurationError("give both user and password, or neither")
        if user is not None and (not user or ":" in user):
            raise ConfigurationError("the user name must be non-empty and without ':'")
        if auth_key is not None and not auth_key:
            raise ConfigurationError("the auth key must not be empty")
        self.scheme = scheme
        self._key = auth_key.encode() if auth_key is not None else None
        self._accounts = AccountStore()
        if user is not None and password is not None:
            self._accounts.accounts[user] = Account(user, password, Level.ADMIN)
        self._digest = DigestServer(REALM)

    def __repr__(self) -> str:
        return (
            f"<PushAuth credentials={bool(self._accounts.accounts)} scheme={self.scheme}"
            f" auth_key={self._key is not None}>"
        )

    @property
    def required(self) -> bool:
        return bool(self._accounts.accounts) or self._key is not None

    def check(self, method: str, headers: Mapping[str, str]) -> Decision:
        """The verdict on one request, from its method and headers."""
        if self._key is not None:
            given = headers.get(AUTH_KEY_HEADER, "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, self._key):
                what = "wrong" if given else "missing"
                return Decision(Verdict.DENY, f"{what} {AUTH_KEY_HEADER} header")
        if not self._accounts.accounts:
            return Decision(Verdict.ALLOW)
        header = headers.get("Authorization", "")
        scheme = header.partition(" ")[0].lower()
        if not header:
            return Decision(Verdict.CHALLENGE, "credentials required")
        if scheme == "digest" and self.scheme in ("digest", "any"):
            outcome, account = self._digest.verify(header, method, self._accounts)
            if outcome is Outcome.STALE:
                return Decision(Verdict.CHALLENGE, "stale nonce", stale=True)
        elif scheme == "basic" and self.scheme in ("basic", "any"):
            account = verify_basic(header, self._accounts)
        else:
            # Never echo the header: without a space, its "scheme" may be the secret itself.
            allowed = {"any": "Basic or Digest", "basic": "Basic", "digest": "Digest"}
            return Decision(Verdict.DENY, f"use {allowed[self.scheme]} authentication")
        if account is None:
            return Decision(Verdict.DENY, "wrong user name or password")
        return Decision(Verdict.ALLOW)

    def challenges(self, *, stale: bool = False) -> list[str]:
        """``WWW-Authenticate`` values for a 401: Digest first, as AXIS OS orders them."""
        if not self._accounts.accounts:
            return []
        values = self._digest.challenges(stale=stale) if self.scheme != "basic" else []
        if self.scheme != "digest":
            values.append(f'Basic realm="{REALM}", charset="UTF-8"')
        return values
