"""The simulated intercom's entry list: credential holders, checked as a whole on every change.

Every change (add, modify, create-or-replace, remove) is worked out on a copy and checked
there: each holder on its own (:meth:`CredentialHolder.validate` with the reader's PIN
length), then the list as a whole (unique first names, PINs and cards). Only a change that
passes replaces the list, so a refused request changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace

from axisctl.apis.access.cards import CardData
from axisctl.apis.access.entries import CredentialHolder
from axisctl.apis.access.errors import (
    SUBCODE_CAPACITY,
    SUBCODE_DUPLICATE_CARD,
    SUBCODE_DUPLICATE_NAME,
    SUBCODE_DUPLICATE_PIN,
    SUBCODE_INVALID_ARG,
    SUBCODE_NOT_FOUND,
    SUBCODE_PIN_LENGTH,
    SUBCODE_VALIDITY,
    InvalidAccessSettingError,
)

#: Most credential holders kept; the manual gives no maximum (seed-intercom.md §3.6).
MAX_HOLDERS = 1000

_SUBCODE_BY_FIELD = {
    "entry.pin": SUBCODE_PIN_LENGTH,
    "entry.valid_from": SUBCODE_VALIDITY,
    "entry.valid_to": SUBCODE_VALIDITY,
}


class EntryListRefusal(Exception):
    """A change the entry list refuses: ``subcodes`` for the fault, ``reason`` its text."""

    def __init__(self, reason: str, *subcodes: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.subcodes = subcodes


def _name_key(holder: CredentialHolder) -> str:
    return holder.first_name.strip().casefold()


class EntryList:
    """Credential holders by token, in the order they were added."""

    def __init__(self, serial: str) -> None:
        self._serial = serial
        self._holders: dict[str, CredentialHolder] = {}
        self._numbers = itertools.count(1)

    def __len__(self) -> int:
        return len(self._holders)

    def holders(self) -> list[CredentialHolder]:
        return list(self._holders.values())

    def get(self, token: str) -> CredentialHolder | None:
        return self._holders.get(token)

    # --- changes -----------------------------------------------------------------------------

    def add(self, holders: Sequence[CredentialHolder], *, pin_length: int, now: float) -> list[str]:
        """Add new holders (their tokens are ignored); return the tokens they got."""
        return self.set([replace(h, token="") for h in holders], pin_length=pin_length, now=now)

    def modify(self, holders: Sequence[CredentialHolder], *, pin_length: int) -> None:
        """Replace existing holders by token; an unknown token refuses the whole change."""
        new = dict(self._holders)
        for index, holder in enumerate(holders):
            if holder.token not in new:
                raise EntryListRefusal(
                    f"Credential[{index}]: no credential holder has token {holder.token!r:.80}",
                    SUBCODE_NOT_FOUND,
                )
            new[holder.token] = holder
        self._commit(new, holders, pin_length)

    def set(self, holders: Sequence[CredentialHolder], *, pin_length: int, now: float) -> list[str]:
        """Create holders without a token, replace or create those with one."""
        new = dict(self._holders)
        tokens = []
        for holder in holders:
            token = holder.token or self._new_token(now)
            new[token] = replace(holder, token=token)
            tokens.append(token)
        self._commit(new, holders, pin_length)
        return tokens

    def remove(self, tokens: Iterable[str]) -> None:
        wanted = list(tokens)
        for index, token in enumerate(wanted):
            if token not in self._holders:
                raise EntryListRefusal(
                    f"Token[{index}]: no credential holder has token {token!r:.80}",
                    SUBCODE_NOT_FOUND,
                )
        for token in wanted:
            self._holders.pop(token, None)

    def use(self, token: str) -> None:
        """Count one granted use against the holder's "Number of times"."""
        holder = self._holders.get(token)
        if holder is not None and holder.remaining_uses is not None:
            self._holders[token] = replace(holder, remaining_uses=max(0, holder.remaining_uses - 1))

    def clear(self) -> None:
        self._holders.clear()

    # --- lookups -----------------------------------------------------------------------------

    def by_card(self, card: CardData) -> CredentialHolder | None:
        return next((h for h in self._holders.values() if h.card == card), None)

    def by_pin(self, pin: str) -> CredentialHolder | None:
        """The PIN-only holder with this PIN (a card-and-PIN holder starts with the card)."""
        return next((h for h in self._holders.values() if h.card is None and h.pin == pin), None)

    # --- internals ---------------------------------------------------------------------------

    def _new_token(self, now: float) -> str:
        # The shape of the door controllers' tokens: Axis-<serial>:<epoch>.<nanoseconds>.
        return f"Axis-{self._serial}:{int(now)}.{next(self._numbers):09d}"

    def _commit(
        self,
        new: dict[str, CredentialHolder],
        changed: Sequence[CredentialHolder],
        pin_length: int,
    ) -> None:
        for index, holder in enumerate(changed):
            try:
                holder.validate(pin_length=pin_length)
            except InvalidAccessSettingError as exc:
                subcode = _SUBCODE_BY_FIELD.get(exc.field)
                subcodes = (SUBCODE_INVALID_ARG, subcode) if subcode else (SUBCODE_INVALID_ARG,)
                raise EntryListRefusal(f"Credential[{index}]: {exc.message}", *subcodes) from None
        if len(new) > MAX_HOLDERS:
            raise EntryListRefusal(
                f"the entry list holds at most {MAX_HOLDERS} credential holders",
                SUBCODE_CAPACITY,
            )
        _check_unique(list(new.values()))
        self._holders = new


def _check_unique(holders: list[CredentialHolder]) -> None:
    names: dict[str, str] = {}
    pins: set[str] = set()
    cards: set[CardData] = set()
    for holder in holders:
        key = _name_key(holder)
        if key in names:
            raise EntryListRefusal(
                f"first name {holder.first_name.strip()!r:.70} is already used; "
                "first names must be unique",
                SUBCODE_INVALID_ARG,
                SUBCODE_DUPLICATE_NAME,
            )
        names[key] = holder.token
        if holder.pin is not None:
            if holder.pin in pins:
                # Which holder has it stays unsaid: that would give the PIN away.
                raise EntryListRefusal(
                    f"the PIN of {holder.first_name.strip()!r:.70} is already in use; "
                    "PINs must be unique",
                    SUBCODE_INVALID_ARG,
                    SUBCODE_DUPLICATE_PIN,
                )
            pins.add(holder.pin)
        if holder.card is not None:
            if holder.card in cards:
                raise EntryListRefusal(
                    f"card {holder.card} of {holder.first_name.strip()!r:.70} belongs to "
                    "another credential holder",
                    SUBCODE_INVALID_ARG,
                    SUBCODE_DUPLICATE_CARD,
                )
            cards.add(holder.card)
