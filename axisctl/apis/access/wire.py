"""The JSON form of the VAPIX access-control services, shared by the client and the simulator.

Every call is ``POST <service path>`` with ``{"<prefix>:<Operation>": {<arguments>}}`` and
answers the bare response object (``{}`` when there is nothing to say), as the door
controllers' JSON services do (vapix-wire-formats §8.1). A refusal is HTTP 400 (the caller's
fault) or 500 (the device's) with a JSON rendering of the SOAP fault::

    {"Fault": {"Code": "env:Sender", "Subcode": ["ter:InvalidArgVal", "pacsaxis:DuplicatePIN"],
               "Reason": "Credential[0]: the PIN is already in use"}}

Times are ``xs:dateTime`` in UTC (``2025-01-31T17:00:00Z``) and durations ISO 8601
(``PT7S``), as in the door-control configuration (``AccessTime`` ``PT10S``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from axisctl.apis._json import kind
from axisctl.apis.access.errors import error_class
from axisctl.codecs.xsdatetime import Problem, XsDateTimeError, parse_xs_datetime
from axisctl.errors import HTTPStatusError, MalformedResponseError, ParseError
from axisctl.transport.flow import Flow, HttpRequest, HttpResponse

IDPOINT_PATH = "/vapix/idpoint"
PACS_PATH = "/vapix/pacs"

SENDER = "env:Sender"
RECEIVER = "env:Receiver"

#: Longest fault reason kept from an answer.
MAX_REASON_CHARS = 2000

_DURATION = re.compile(
    r"P(?:(?P<days>[0-9]{1,6})D)?"
    r"(?:T(?:(?P<hours>[0-9]{1,6})H)?(?:(?P<minutes>[0-9]{1,6})M)?"
    r"(?:(?P<seconds>[0-9]{1,9}(?:\.[0-9]{1,9})?)S)?)?"
)


# --- values ----------------------------------------------------------------------------------


def parse_duration(text: str, where: str) -> float:
    """``PT7S``, ``PT1M30S``, ``P1DT2H`` ... as seconds; :class:`ParseError` naming ``where``."""
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or not any(match.groupdict().values()):
        raise ParseError(f"{where} is {text!r:.40}, expected an ISO 8601 duration like PT7S")
    days, hours, minutes = (int(match[name] or 0) for name in ("days", "hours", "minutes"))
    return ((days * 24 + hours) * 60 + minutes) * 60 + float(match["seconds"] or 0)


def format_duration(seconds: int) -> str:
    """Whole seconds as ``PT<n>S``."""
    return f"PT{seconds}S"


def parse_time(text: str, where: str) -> dt.datetime:
    """``xs:dateTime`` with a zone (``Z`` or ``+01:00``) as an aware UTC datetime."""
    try:
        if not isinstance(text, str):
            raise XsDateTimeError(Problem.SYNTAX)
        return parse_xs_datetime(text, zone_required=True, max_fraction_digits=9)
    except XsDateTimeError as error:
        if error.problem is Problem.OFFSET:
            raise ParseError(f"{where} {text!r:.40} has an impossible zone offset") from None
        if error.problem is Problem.VALUE:
            raise ParseError(f"{where} {text!r:.40} is not a valid date and time") from None
        raise ParseError(
            f"{where} is {text!r:.40}, expected a date and time with a zone, "
            "like 2025-01-31T17:00:00Z"
        ) from None


def format_time(stamp: dt.datetime) -> str:
    """An aware datetime as ``2025-01-31T17:00:00Z`` (microseconds only when there are any)."""
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("times on the wire need a timezone")
    utc = stamp.astimezone(dt.timezone.utc)
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    return f"{text}.{utc.microsecond:06d}Z" if utc.microsecond else text + "Z"


def name_values(value: Any, where: str) -> list[tuple[str, str]]:
    """A ``[{"Name": ..., "Value": ...}]`` list (IdData, Configuration, Attribute)."""
    if not isinstance(value, list):
        raise ParseError(f"{where} is {kind(value)}, expected a list of Name/Value objects")
    pairs = []
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise ParseError(f"{here} is {kind(item)}, expected a Name/Value object")
        name, text = item.get("Name"), item.get("Value")
        if not isinstance(name, str) or not name:
            raise ParseError(f"{here}.Name is {kind(name)}, expected a name")
        if not isinstance(text, str):
            raise ParseError(f"{here}.Value is {kind(text)}, expected a string")
        pairs.append((name, text))
    return pairs


# --- faults ----------------------------------------------------------------------------------


def fault_json(reason: str, subcodes: tuple[str, ...], code: str = SENDER) -> dict[str, Any]:
    """The JSON fault body the simulator answers refusals with."""
    return {"Fault": {"Code": code, "Subcode": list(subcodes), "Reason": reason}}


def parse_fault(content: bytes) -> tuple[str, tuple[str, ...], str] | None:
    """``(code, subcodes, reason)`` of a JSON fault body, or ``None`` if it is no fault."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return None
    fault = body.get("Fault") if isinstance(body, dict) else None
    if not isinstance(fault, dict):
        return None
    code = fault.get("Code")
    subcodes = fault.get("Subcode", [])
    reason = fault.get("Reason")
    if isinstance(subcodes, str):
        subcodes = [subcodes]
    if not isinstance(code, str) or not isinstance(reason, str) or not isinstance(subcodes, list):
        return None
    return code, tuple(str(s) for s in subcodes if isinstance(s, str)), reason[:MAX_REASON_CHARS]


def call(
    path: str, operation: str, arguments: Mapping[str, Any], *, api: str, idempotent: bool
) -> Flow[dict[str, Any]]:
    """POST one operation and return the answer object, or raise the fault it carries."""
    response = yield HttpRequest(
        "POST",
        path,
        api=api,
        json={operation: dict(arguments)},
        idempotent=idempotent,
        accept_status=frozenset({400, 500}),
    )
    return answer_of(response, operation, api=api)


def answer_of(response: HttpResponse, operation: str, *, api: str) -> dict[str, Any]:
    if response.status >= 400:
        fault = parse_fault(response.content)
        if fault is None:
            raise HTTPStatusError(
                f"{operation}: HTTP {response.status} without a fault",
                status=response.status,
                api=api,
            )
        code, subcodes, reason = fault
        raise error_class(subcodes)(
            reason,
            fault_code=code,
            subcodes=subcodes,
            status=response.status,
            method=operation,
            api=api,
        )
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        raise MalformedResponseError(f"{operation}: answer is not JSON ({exc})", api=api) from None
    if not isinstance(body, dict):
        raise MalformedResponseError(
            f"{operation}: answer is {kind(body)}, expected an object", api=api
        )
    return body
