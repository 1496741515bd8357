"""Intercom set-up: reader settings, the entry list, and cards that must be unknown.

:func:`prepare_door` turns the entry list on with a door open time (how long relay 1, the
door, is active when access is granted), optionally the external reader on the reader
connector (OSDP, and the Wiegand lines a bench drives), and makes sure the given credential
holders are on the entry list and the given cards are not. The manual's recipe "a card opens
the door for 7 seconds", with a shorter time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from axisctl.apis.access import CardData, CredentialHolder, ReaderProtocol, ReaderSettings
from axisctl.device import Device
from axisctl.hil.setup_common import Undo

__all__ = ["card_holder", "prepare_door"]


def card_holder(first_name: str, card: CardData, last_name: str = "HIL") -> CredentialHolder:
    """A holder with a card and no PIN: the card alone opens the door."""
    return CredentialHolder(first_name, last_name, card=card, notes="axisctl HIL scenario")


def prepare_door(
    intercom: Device,
    *,
    holders: Iterable[CredentialHolder] = (),
    unknown_cards: Iterable[CardData] = (),
    door_open_time_s: int = 2,
    external_reader: bool | None = None,
    osdp_address: int | None = None,
) -> Undo:
    """Entry list on, ``door_open_time_s``, ``holders`` on the list, ``unknown_cards`` off it.

    ``external_reader``/``osdp_address`` are changed only when given and different: turning
    the external reader on or changing its address restarts the intercom's OSDP polling.
    The external reader shares the connector with OSDP and Wiegand output, so turning it on
    sets the reader protocol to ``None``. A holder whose first name or card is taken is
    replaced; the undo removes what was added and puts back what was replaced or removed,
    then the settings changed here.
    """
    access = intercom.access
    undo = Undo(f"door set-up of {intercom.url}")
    current = access.reader_settings()
    changes: dict[str, Any] = {"entry_list": True, "door_open_time_s": door_open_time_s}
    if external_reader is not None:
        changes["external_reader"] = external_reader
        if external_reader and current.protocol in (ReaderProtocol.OSDP, ReaderProtocol.WIEGAND):
            changes["protocol"] = ReaderProtocol.NONE
    if osdp_address is not None:
        changes["osdp_address"] = osdp_address
    differing = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if differing:
        access.update_reader_settings(**differing)
        undo.add("reader settings", _settings_restorer(intercom, current, differing))
    _entry_list(intercom, list(holders), list(unknown_cards), undo)
    return undo


def _entry_list(
    intercom: Device, holders: list[CredentialHolder], unknown: list[CardData], undo: Undo
) -> None:
    access = intercom.access
    existing = access.entries()
    wanted_names = {holder.first_name.casefold() for holder in holders}
    wanted_cards = {holder.card for holder in holders if holder.card is not None}
    keep: set[str] = set()
    for holder in holders:
        for entry in existing:
            if _same(entry, holder):
                keep.add(entry.token)
    in_the_way = [
        entry
        for entry in existing
        if entry.token not in keep
        and (
            entry.first_name.casefold() in wanted_names
            or (entry.card is not None and (entry.card in wanted_cards or entry.card in unknown))
        )
    ]
    if in_the_way:
        access.remove_entries([entry.token for entry in in_the_way])
        undo.add("entries replaced", _adder(intercom, in_the_way))
    kept_names = {e.first_name.casefold() for e in existing if e.token in keep}
    missing = [h for h in holders if h.first_name.casefold() not in kept_names]
    if missing:
        added = access.add_entries(missing)
        undo.add("entries added", _remover(intercom, [entry.token for entry in added]))


def _same(entry: CredentialHolder, holder: CredentialHolder) -> bool:
    return (
        entry.first_name.casefold() == holder.first_name.casefold()
        and entry.card == holder.card
        and entry.pin is None
        and holder.pin is None
        and not entry.suspended
        and entry.valid_to is None
        and entry.remaining_uses is None
    )


def _settings_restorer(
    intercom: Device, before: ReaderSettings, changed: dict[str, Any]
) -> Callable[[], object]:
    old = {name: getattr(before, name) for name in changed}
    return lambda: intercom.access.update_reader_settings(**old)


def _adder(intercom: Device, holders: list[CredentialHolder]) -> Callable[[], object]:
    return lambda: intercom.access.add_entries(holders)


def _remover(intercom: Device, tokens: list[str]) -> Callable[[], object]:
    return lambda: intercom.access.remove_entries(tokens)
