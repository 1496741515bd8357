"""The intercom's part of the test-control surface: ``/axisctl-sim/access/...``.

| path | method | what it does |
|---|---|---|
| ``access/card`` | POST | present a card (below) at the reader; answers the decision |
| ``access/pin`` | POST | ``{"pin": "1234"}`` a whole PIN, or ``{"keys": "12#"}`` key by key |
| ``access/log`` | GET | the most recent decisions (``?limit=N``), oldest first |
| ``access/connector`` | GET | the reader connector: its pty (opened on first use), status, pins |
| ``access/connector`` | POST | ``{"scbk": "<32 hex digits>" or null, "installMode": false}``: the \
OSDP secure channel towards the external reader |

A card is one of ``{"bits": "1000..."}`` (Wiegand, first bit first), ``{"osdp": "8013f2c0",
"bitCount": 26}`` (OSDP RAW data, left-aligned hex), ``{"card": "02004fcb", "bitCount": 26}``
(Axis ``Card`` hex, right-aligned) or ``{"number": 10213, "facility": 0, "bitCount": 26}``.
A decision is :meth:`~axisctl.sim.access.decisions.Decision.to_json`; ``{"keys": ...}``
answers ``{"decision": null}`` while the PIN is not complete.

Registered by :func:`axisctl.sim.control.add_routes`, which answers loopback
administrators only and turns :class:`~axisctl.sim.control.ControlError` into 400.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from axisctl.apis._json import kind
from axisctl.apis.access.cards import CardData, InvalidCardError
from axisctl.drivers.osdp import parse_scbk
from axisctl.errors import ConfigurationError
from axisctl.sim.access.connector import ReaderConnector
from axisctl.sim.access.decisions import LOG_LIMIT, Decision
from axisctl.sim.access.reader import IntercomAccess
from axisctl.sim.control import ControlError
from axisctl.sim.webctx import device_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_CARD_KEYS = ("bits", "osdp", "card", "number")


def _access(request: web.Request) -> IntercomAccess:
    access = device_of(request).access
    if access is None:
        raise ControlError("this model has no reader side; use the intercom model")
    return access


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        payload = json.loads(raw) if raw else None
    except (ValueError, RecursionError) as exc:
        raise ControlError(f"body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ControlError(f"body is {kind(payload)}, expected a JSON object")
    return payload


def _int(payload: dict[str, Any], key: str) -> int | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"{key} is {kind(value)}, expected an integer")
    return value


def _count(payload: dict[str, Any]) -> int:
    value = payload.get("bitCount")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"bitCount is {kind(value)}, expected an integer")
    return value


def _hex_bytes(payload: dict[str, Any], key: str) -> bytes:
    value = payload.get(key)
    if not isinstance(value, str):
        raise ControlError(f"{key} is {kind(value)}, expected hex text")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ControlError(f"{key} {value!r:.40} is not hex bytes") from None


def _decision(decision: Decision | None) -> web.Response:
    return web.json_response({"decision": None if decision is None else decision.to_json()})


async def _card(request: web.Request) -> web.StreamResponse:
    access = _access(request)
    payload = await _body(request)
    given = [key for key in _CARD_KEYS if key in payload]
    if len(given) != 1:
        raise ControlError(f"give exactly one of {', '.join(_CARD_KEYS)}; got {given or 'none'}")
    try:
        if "bits" in payload:
            bits = payload["bits"]
            if not isinstance(bits, str):
                raise ControlError(f"bits is {kind(bits)}, expected text of 0 and 1")
            decision = access.present_card(bits)
        elif "osdp" in payload:
            data = _hex_bytes(payload, "osdp")
            decision = access.present_card(data=data, bit_count=_count(payload))
        elif "card" in payload:
            text = payload["card"]
            if not isinstance(text, str):
                raise ControlError(f"card is {kind(text)}, expected hex text")
            decision = access.present_card(CardData.from_hex(text, _count(payload)))
        else:
            decision = access.present_card(
                number=_int(payload, "number"),
                facility=_int(payload, "facility"),
                bit_count=_count(payload),
            )
    except InvalidCardError as exc:
        raise ControlError(exc.message) from None
    return _decision(decision)


async def _pin(request: web.Request) -> web.StreamResponse:
    access = _access(request)
    payload = await _body(request)
    if ("pin" in payload) == ("keys" in payload):
        raise ControlError('give either "pin" (a whole PIN) or "keys" (key presses)')
    try:
        if "pin" in payload:
            pin = payload["pin"]
            if not isinstance(pin, str):
                raise ControlError(f"pin is {kind(pin)}, expected digits as text")
            return _decision(access.present_pin(pin))
        keys = payload["keys"]
        if not isinstance(keys, str):
            raise ControlError(f"keys is {kind(keys)}, expected text")
        return _decision(access.press_keys(keys))
    except ValueError as exc:
        raise ControlError(str(exc)) from None


async def _log(request: web.Request) -> web.StreamResponse:
    access = _access(request)
    text = request.query.get("limit", str(LOG_LIMIT))
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise ControlError(f"limit {text!r:.20} is not a count")
    decisions = access.decisions(int(text))
    return web.json_response({"decisions": [decision.to_json() for decision in decisions]})


def _connector_state(connector: ReaderConnector) -> dict[str, Any]:
    pins = connector.wiegand_pins
    try:
        path = connector.open()
    except (OSError, ConfigurationError) as exc:
        raise ControlError(f"the reader connector has no pty: {exc}") from None
    return {
        "path": path,
        "status": connector.status.value,
        "secure": connector.secure,
        "keySet": connector.osdp_key_set,
        "installMode": connector.install_mode,
        "lastError": connector.last_error,
        "wiegand": None if pins is None else {"d0": pins.d0, "d1": pins.d1},
    }


async def _connector(request: web.Request) -> web.StreamResponse:
    connector = _access(request).reader_connector
    if request.method == "POST":
        payload = await _body(request)
        unknown = sorted(set(payload) - {"scbk", "installMode"})
        if unknown:
            raise ControlError(f"unknown field(s) {', '.join(unknown)}; give scbk, installMode")
        text = payload.get("scbk")
        install_mode = payload.get("installMode", False)
        if text is not None and not isinstance(text, str):
            raise ControlError(f"scbk is {kind(text)}, expected 32 hex digits or null")
        if not isinstance(install_mode, bool):
            raise ControlError(f"installMode is {kind(install_mode)}, expected true or false")
        try:
            scbk = None if text is None else parse_scbk(text)
        except ConfigurationError as exc:  # the message never repeats the key
            raise ControlError(exc.message) from None
        connector.set_osdp_key(scbk, install_mode=install_mode)
    return web.json_response(_connector_state(connector))


#: ``(path under /axisctl-sim/, methods, handler)``.
ROUTES: tuple[tuple[str, tuple[str, ...], Handler], ...] = (
    ("access/card", ("POST",), _card),
    ("access/pin", ("POST",), _pin),
    ("access/log", ("GET",), _log),
    ("access/connector", ("GET", "POST"), _connector),
)
