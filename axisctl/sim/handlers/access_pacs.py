"""``/vapix/pacs`` of the simulated intercom: the entry list as ``pacsaxis`` credentials.

- ``pacsaxis:GetCredentialList`` ``{}`` -> ``{"Credential": [...]}``, in the order added;
- ``pacsaxis:GetCredential`` ``{"Token": [...]}`` -> the holders found (unknown tokens are
  left out, as ONVIF's Get operations do);
- ``pacsaxis:SetCredential`` ``{"Credential": [...]}`` -> ``{"Token": [...]}``: a holder
  without a token is created, one with a token created or replaced;
- ``pacsaxis:ModifyCredential`` ``{"Credential": [...]}`` -> ``{}``: replaces existing holders
  only (``ter:NotFound`` otherwise);
- ``pacsaxis:RemoveCredential`` ``{"Token": [...]}`` -> ``{}``: all or (one unknown) none.

The holder shape is :meth:`~axisctl.apis.access.CredentialHolder.to_wire`'s. Every change is
checked as a whole first (:mod:`~axisctl.sim.access.entrylist`).
"""

from __future__ import annotations

from typing import Any

from axisctl.apis._json import kind
from axisctl.apis.access.entries import CredentialHolder
from axisctl.apis.access.errors import SUBCODE_INVALID_ARG
from axisctl.errors import ParseError
from axisctl.sim.access.entrylist import EntryListRefusal
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.handlers.access import Fault, Operation, invalid, tokens_of


def _holders(arguments: dict[str, Any]) -> list[CredentialHolder]:
    items = arguments.get("Credential")
    if not isinstance(items, list) or not items:
        raise Fault(
            f"Credential is {kind(items)}, expected a list of credentials", SUBCODE_INVALID_ARG
        )
    try:
        return [
            CredentialHolder.from_wire(item, f"Credential[{index}]", strict=True)
            for index, item in enumerate(items)
        ]
    except ParseError as exc:
        raise invalid(exc) from None


def _refused(exc: EntryListRefusal) -> Fault:
    return Fault(exc.reason, *exc.subcodes)


def _list(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"Credential": [holder.to_wire() for holder in access.entry_list.holders()]}


def _get(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    found = (access.entry_list.get(token) for token in dict.fromkeys(tokens_of(arguments)))
    return {"Credential": [holder.to_wire() for holder in found if holder is not None]}


def _set(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    holders = _holders(arguments)
    try:
        tokens = access.entry_list.set(
            holders, pin_length=access.settings.pin_length, now=access.clock.wall()
        )
    except EntryListRefusal as exc:
        raise _refused(exc) from None
    return {"Token": tokens}


def _modify(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    holders = _holders(arguments)
    for index, holder in enumerate(holders):
        if not holder.token:
            raise Fault(f"Credential[{index}] has no token", SUBCODE_INVALID_ARG)
    try:
        access.entry_list.modify(holders, pin_length=access.settings.pin_length)
    except EntryListRefusal as exc:
        raise _refused(exc) from None
    return {}


def _remove(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    tokens = tokens_of(arguments)
    if not tokens:
        raise Fault("Token is empty: name the credentials to remove", SUBCODE_INVALID_ARG)
    try:
        access.entry_list.remove(tokens)
    except EntryListRefusal as exc:
        raise _refused(exc) from None
    return {}


PACS_OPERATIONS: dict[str, Operation] = {
    "pacsaxis:GetCredentialList": _list,
    "pacsaxis:GetCredential": _get,
    "pacsaxis:SetCredential": _set,
    "pacsaxis:ModifyCredential": _modify,
    "pacsaxis:RemoveCredential": _remove,
}
