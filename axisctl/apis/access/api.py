"""``device.access``: the intercom's reader settings and entry list, one flow per call.

Every call is written once and runs on both :class:`~axisctl.device.Device` (returns the
result) and :class:`~axisctl.device.AsyncDevice` (returns a coroutine). Values are checked
before anything is sent (:class:`~axisctl.apis.access.errors.InvalidAccessSettingError`);
the device's refusals raise :class:`~axisctl.apis.access.errors.AccessServiceError`
subclasses, and a refused call changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from axisctl.apis._json import kind
from axisctl.apis.access.cards import CardData, InvalidCardError
from axisctl.apis.access.entries import CredentialHolder
from axisctl.apis.access.errors import (
    IDPOINT_API,
    PACS_API,
    SUBCODE_NOT_FOUND,
    CredentialNotFoundError,
    InvalidAccessSettingError,
)
from axisctl.apis.access.settings import READER_TOKEN, ReaderSettings
from axisctl.apis.access.settings_wire import from_configuration, to_configuration
from axisctl.apis.access.wire import IDPOINT_PATH, PACS_PATH, call, name_values
from axisctl.errors import MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, ModeT, operation

__all__ = ["AccessAPI"]


def _idpoint(
    operation: str, arguments: dict[str, Any], *, idempotent: bool
) -> Flow[dict[str, Any]]:
    return (
        yield from call(IDPOINT_PATH, operation, arguments, api=IDPOINT_API, idempotent=idempotent)
    )


def _pacs(operation: str, arguments: dict[str, Any], *, idempotent: bool) -> Flow[dict[str, Any]]:
    return (yield from call(PACS_PATH, operation, arguments, api=PACS_API, idempotent=idempotent))


def _malformed(operation: str, api: str, exc: ParseError) -> MalformedResponseError:
    return MalformedResponseError(f"{operation}: {exc.message}", api=api)


def _holders(answer: dict[str, Any], operation: str) -> list[CredentialHolder]:
    items = answer.get("Credential", [])
    try:
        if not isinstance(items, list):
            raise ParseError(f"Credential is {kind(items)}, expected a list")
        return [
            CredentialHolder.from_wire(item, f"Credential[{index}]")
            for index, item in enumerate(items)
        ]
    except ParseError as exc:
        raise _malformed(operation, PACS_API, exc) from None


def _tokens(answer: dict[str, Any], operation: str, count: int) -> list[str]:
    tokens = answer.get("Token")
    if (
        not isinstance(tokens, list)
        or len(tokens) != count
        or not all(isinstance(token, str) and token for token in tokens)
    ):
        raise MalformedResponseError(
            f"{operation}: expected {count} token(s), got {str(tokens)[:80]}", api=PACS_API
        )
    return tokens


def _checked_token(token: object) -> str:
    if not isinstance(token, str) or not token.strip():
        raise InvalidAccessSettingError(
            "a credential holder's token is needed", field="entry.token", value=token, api=PACS_API
        )
    return token


class AccessAPI(API[ModeT]):
    """The intercom's reader settings (:meth:`reader_settings`, :meth:`set_reader_settings`,
    :meth:`update_reader_settings`, :meth:`last_card`) and entry list (:meth:`entries`,
    :meth:`entry`, :meth:`add_entry`, :meth:`add_entries`, :meth:`update_entry`,
    :meth:`remove_entries`).

    >>> with Device("http://192.168.0.90", "root", "secret") as intercom:   # doctest: +SKIP
    ...     intercom.access.update_reader_settings(door_open_time_s=7)
    ...     intercom.access.add_entry(
    ...         CredentialHolder("Gordon", "Freeman", card=CardData.wiegand("Wiegand26", 0, 10213))
    ...     )
    """

    # --- reader settings (IdPoint service) ---------------------------------------------------

    @operation
    def reader_settings(self) -> Flow[ReaderSettings]:
        """Reader role, protocols, PIN entry, door open time and the entry list switch."""
        operation_name = "axtid:GetIdPointConfiguration"
        answer = yield from _idpoint(operation_name, {"Token": [READER_TOKEN]}, idempotent=True)
        try:
            items = answer.get("IdPointConfiguration")
            if not isinstance(items, list):
                raise ParseError(f"IdPointConfiguration is {kind(items)}, expected a list")
            for index, item in enumerate(items):
                where = f"IdPointConfiguration[{index}]"
                if not isinstance(item, dict):
                    raise ParseError(f"{where} is {kind(item)}, expected an object")
                if item.get("token") == READER_TOKEN:
                    pairs = name_values(item.get("Configuration"), f"{where}.Configuration")
                    return from_configuration(pairs, f"{where}.Configuration")
            raise ParseError(f"no IdPoint {READER_TOKEN!r} in the answer")
        except ParseError as exc:
            raise _malformed(operation_name, IDPOINT_API, exc) from None

    @operation
    def set_reader_settings(self, settings: ReaderSettings, *, validate: bool = True) -> Flow[None]:
        """Replace every reader setting with ``settings``.

        Changing settings ends a PIN entry in progress, as a real reader returns to idle.
        """
        if validate:
            settings.validate()
        body = {
            "IdPointConfiguration": [
                {"token": READER_TOKEN, "Configuration": to_configuration(settings)}
            ]
        }
        yield from _idpoint("axtid:SetIdPointConfiguration", body, idempotent=True)

    @operation
    def update_reader_settings(self, /, **changes: Any) -> Flow[ReaderSettings]:
        """Change only the given settings (:class:`ReaderSettings` attribute names); return
        the settings now in force.

        >>> intercom.access.update_reader_settings(pin_length=6, pin_timeout_s=20)  # doctest: +SKIP
        """
        ReaderSettings().replace(changes)  # unknown names and enum values fail before a request
        current = yield from AccessAPI.reader_settings.flow(self)
        wanted = current.replace(changes)
        wanted.validate()
        yield from AccessAPI.set_reader_settings.flow(self, wanted, validate=False)
        return wanted

    @operation
    def last_card(self) -> Flow[CardData | None]:
        """The card presented last ("Get latest"), to add it to the entry list; ``None``
        before any card."""
        operation_name = "axtid:GetLastCredential"
        answer = yield from _idpoint(operation_name, {"Token": READER_TOKEN}, idempotent=True)
        try:
            items = dict(name_values(answer.get("IdData", []), "IdData"))
            if "Card" not in items:
                return None
            count = items.get("BitCount", "")
            if not count.isascii() or not count.isdigit() or len(count) > 4:
                raise ParseError(f"IdData BitCount is {count!r:.20}, expected a number of bits")
            return CardData.from_hex(items["Card"], int(count))
        except (ParseError, InvalidCardError) as exc:
            raise _malformed(operation_name, IDPOINT_API, exc) from None

    # --- entry list (pacsaxis credentials) ---------------------------------------------------

    @operation
    def entries(self) -> Flow[list[CredentialHolder]]:
        """Every credential holder of the entry list, with remaining uses as they are now."""
        answer = yield from _pacs("pacsaxis:GetCredentialList", {}, idempotent=True)
        return _holders(answer, "pacsaxis:GetCredentialList")

    @operation
    def entry(self, token: str) -> Flow[CredentialHolder]:
        """One credential holder; :class:`CredentialNotFoundError` if no holder has ``token``."""
        wanted = _checked_token(token)
        answer = yield from _pacs("pacsaxis:GetCredential", {"Token": [wanted]}, idempotent=True)
        found = [h for h in _holders(answer, "pacsaxis:GetCredential") if h.token == wanted]
        if not found:
            raise CredentialNotFoundError(
                f"no credential holder has token {wanted!r:.80}",
                subcodes=(SUBCODE_NOT_FOUND,),
                method="pacsaxis:GetCredential",
                api=PACS_API,
            )
        return found[0]

    @operation
    def add_entry(
        self, holder: CredentialHolder, *, validate: bool = True
    ) -> Flow[CredentialHolder]:
        """Add ``holder`` (its ``token`` is ignored); return it with the token the device gave.

        The device refuses a first name or PIN another holder has
        (:class:`DuplicateFirstNameError`, :class:`DuplicatePinError`) and a PIN that is not
        as long as the reader's PIN length (:class:`InvalidPinError`).
        """
        added = yield from AccessAPI.add_entries.flow(self, [holder], validate=validate)
        return added[0]

    @operation
    def add_entries(
        self, holders: Iterable[CredentialHolder], *, validate: bool = True
    ) -> Flow[list[CredentialHolder]]:
        """Add several holders at once: all of them, or (on a refusal) none."""
        items = [_new(holder) for holder in holders]
        if not items:
            return []
        if validate:
            for holder in items:
                holder.validate()
        body = {"Credential": [holder.to_wire() for holder in items]}
        # Not repeatable: a retried add would meet its own first name and be refused.
        answer = yield from _pacs("pacsaxis:SetCredential", body, idempotent=False)
        tokens = _tokens(answer, "pacsaxis:SetCredential", len(items))
        return [_with_token(holder, token) for holder, token in zip(items, tokens, strict=True)]

    @operation
    def update_entry(self, holder: CredentialHolder, *, validate: bool = True) -> Flow[None]:
        """Replace the holder with ``holder.token`` by ``holder``, remaining uses included."""
        _checked_token(holder.token)
        if validate:
            holder.validate()
        body = {"Credential": [holder.to_wire()]}
        yield from _pacs("pacsaxis:ModifyCredential", body, idempotent=True)

    @operation
    def remove_entries(self, tokens: Iterable[str]) -> Flow[None]:
        """Remove the holders with these tokens: all of them, or (if one is unknown) none."""
        wanted = [_checked_token(token) for token in tokens]
        if not wanted:
            return
        # Not repeatable: a repeat would find the removed holders missing.
        yield from _pacs("pacsaxis:RemoveCredential", {"Token": wanted}, idempotent=False)


def _new(holder: CredentialHolder) -> CredentialHolder:
    if not isinstance(holder, CredentialHolder):
        raise InvalidAccessSettingError(
            f"expected a CredentialHolder, got {type(holder).__name__}",
            field="entry",
            api=PACS_API,
        )
    return _with_token(holder, "")


def _with_token(holder: CredentialHolder, token: str) -> CredentialHolder:
    return replace(holder, token=token)
