"""Accounts of a simulated device, and what its pwdgrp.cgi says about them.

The authentication itself (realm ``AXIS_<serial>``, Digest nonces, Basic) is
:mod:`axisctl.serverauth`, shared with the LPR push receiver; the
``Network.HTTP.AuthenticationPolicy`` parameter chooses between Digest and Basic.
"""

from __future__ import annotations

from collections.abc import Callable

from axisctl import serverauth
from axisctl.serverauth import (
    NONCE_LIFETIME_S,
    Account,
    DigestServer,
    Level,
    Outcome,
    verify_basic,
)

__all__ = [
    "NONCE_LIFETIME_S",
    "Account",
    "AccountStore",
    "DigestServer",
    "Level",
    "Outcome",
    "verify_basic",
]


class AccountStore(serverauth.AccountStore):
    """A device's accounts, with the group listing of ``pwdgrp.cgi?action=get``."""

    def groups_text(self) -> str:
        """The ``action=get`` answer: one ``group="a,b"`` line per group, CRLF."""

        def members(predicate: Callable[[Account], bool]) -> str:
            return ",".join(a.name for a in self.accounts.values() if predicate(a))

        lines = [
            f'admin="{members(lambda a: a.level >= Level.ADMIN)}"',
            f'operator="{members(lambda a: a.level >= Level.OPERATOR)}"',
            f'viewer="{members(lambda a: a.level >= Level.VIEWER)}"',
            f'ptz="{members(lambda a: a.ptz)}"',
            f'digusers="{members(lambda a: True)}"',
        ]
        return "".join(line + "\r\n" for line in lines)
