"""``/vapix/idpoint`` and ``/vapix/pacs`` of the simulated intercom: its reader settings and
entry list, in the JSON form of the door controllers' services (vapix-wire-formats §8.1).

``POST`` a body ``{"<prefix>:<Operation>": {<arguments>}}``; the answer is the bare response
object. Refusals answer 400 with a JSON fault (:func:`axisctl.apis.access.wire.fault_json`)
and change nothing. Both paths need an administrator (the route level in
:mod:`axisctl.sim.http`): the entry list holds PINs. The operations:

- ``axtid:GetIdPointConfiguration`` / ``axtid:SetIdPointConfiguration`` /
  ``axtid:GetLastCredential`` (:mod:`this module <axisctl.sim.handlers.access>`);
- ``pacsaxis:GetCredentialList`` / ``GetCredential`` / ``SetCredential`` /
  ``ModifyCredential`` / ``RemoveCredential`` (:mod:`~axisctl.sim.handlers.access_pacs`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from axisctl.apis._json import kind
from axisctl.apis.access.errors import (
    SUBCODE_INVALID_ARG,
    SUBCODE_NOT_FOUND,
    InvalidAccessSettingError,
)
from axisctl.apis.access.settings import READER_TOKEN
from axisctl.apis.access.settings_wire import parse_changes, to_configuration
from axisctl.apis.access.wire import IDPOINT_PATH, PACS_PATH, fault_json, name_values
from axisctl.errors import ParseError
from axisctl.sim.access.cardinput import card_fields
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.webctx import device_of

Operation = Callable[[IntercomAccess, dict[str, Any]], dict[str, Any]]


class Fault(Exception):
    """A refusal: answered 400 with the fault, nothing changed."""

    def __init__(self, reason: str, *subcodes: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.subcodes = subcodes


def qualified(prefix: str, subcodes: tuple[str, ...]) -> tuple[str, ...]:
    """Subcodes with the service's prefix where they have none (``ter:`` ones keep theirs)."""
    return tuple(code if ":" in code else f"{prefix}:{code}" for code in subcodes)


def service(prefix: str, operations: dict[str, Operation]) -> Callable[..., Any]:
    """An aiohttp handler for one service: parse the body, run the operation under the lock."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405, headers={"Allow": "POST"}, text="Method Not Allowed\n")
        access = device_of(request).access
        if access is None:  # the routes exist only on models with a reader side
            return web.json_response(
                fault_json("no reader on this device", ("ter:NotFound",)), status=404
            )
        try:
            name, arguments = _operation(await request.read())
            operation = operations.get(name)
            if operation is None:
                raise Fault(
                    f"{name!r:.80} is not an operation of this service; "
                    f"known: {', '.join(sorted(operations))}",
                    "ter:ActionNotSupported",
                )
            with access.lock:
                return web.json_response(operation(access, arguments))
        except Fault as fault:
            body = fault_json(fault.reason, qualified(prefix, fault.subcodes))
            return web.json_response(body, status=400)

    return handler


def _operation(raw: bytes) -> tuple[str, dict[str, Any]]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise Fault("the body is not JSON", "ter:InvalidArgs") from None
    if not isinstance(body, dict) or len(body) != 1:
        raise Fault(
            'the body must be one object {"<prefix>:<Operation>": {...}}', "ter:InvalidArgs"
        )
    ((name, arguments),) = body.items()
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise Fault(
            f"{name:.80}: arguments are {kind(arguments)}, expected an object", "ter:InvalidArgs"
        )
    return name, arguments


def invalid(exc: ParseError | InvalidAccessSettingError) -> Fault:
    return Fault(exc.message, SUBCODE_INVALID_ARG)


def tokens_of(arguments: dict[str, Any], key: str = "Token") -> list[str]:
    """``Token`` as a list of strings (a single string is taken as a list of one)."""
    value = arguments.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Fault(f"{key} is {kind(value)}, expected a list of tokens", SUBCODE_INVALID_ARG)
    return value


# --- axtid: the reader (IdPoint) ---------------------------------------------------------------


def _get_configuration(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    wanted = tokens_of(arguments) if "Token" in arguments else [READER_TOKEN]
    items = [
        {"token": READER_TOKEN, "Configuration": to_configuration(access.settings)}
        for token in dict.fromkeys(wanted)
        if token == READER_TOKEN
    ]
    return {"IdPointConfiguration": items}


def _set_configuration(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    items = arguments.get("IdPointConfiguration")
    if not isinstance(items, list) or not items:
        raise Fault(
            f"IdPointConfiguration is {kind(items)}, expected a list of IdPoint configurations",
            SUBCODE_INVALID_ARG,
        )
    settings = access.settings
    try:
        for index, item in enumerate(items):
            where = f"IdPointConfiguration[{index}]"
            if not isinstance(item, dict):
                raise ParseError(f"{where} is {kind(item)}, expected an object")
            if item.get("token") != READER_TOKEN:
                raise Fault(
                    f"{where}: no IdPoint has token {item.get('token')!r:.40}; "
                    f"this intercom has {READER_TOKEN!r}",
                    SUBCODE_NOT_FOUND,
                )
            pairs = name_values(item.get("Configuration"), f"{where}.Configuration")
            settings = settings.replace(parse_changes(pairs, f"{where}.Configuration"))
        settings.validate()
    except (ParseError, InvalidAccessSettingError) as exc:
        raise invalid(exc) from None
    if settings != access.settings:
        access.set_settings(settings)
    return {}


def _last_credential(access: IntercomAccess, arguments: dict[str, Any]) -> dict[str, Any]:
    token = arguments.get("Token", READER_TOKEN)
    if token != READER_TOKEN:
        raise Fault(f"no IdPoint has token {token!r:.40}", SUBCODE_NOT_FOUND)
    card = access.last_card
    if card is None:
        return {"IdData": []}
    id_data = [
        {"Name": "Card", "Value": card.hex},
        {"Name": "BitCount", "Value": str(card.bit_count)},
    ]
    fields = card_fields(card, access.settings)
    if fields is not None:
        id_data += [
            {"Name": "FacilityCode", "Value": str(fields.facility)},
            {"Name": "CardNr", "Value": str(fields.number)},
        ]
    return {"IdData": id_data}


IDPOINT_OPERATIONS: dict[str, Operation] = {
    "axtid:GetIdPointConfiguration": _get_configuration,
    "axtid:SetIdPointConfiguration": _set_configuration,
    "axtid:GetLastCredential": _last_credential,
}


def add_routes(router: web.UrlDispatcher) -> None:
    """Register both services (on models with a reader side)."""
    from axisctl.sim.handlers.access_pacs import PACS_OPERATIONS

    router.add_route("*", IDPOINT_PATH, service("axtid", IDPOINT_OPERATIONS))
    router.add_route("*", PACS_PATH, service("pacsaxis", PACS_OPERATIONS))
