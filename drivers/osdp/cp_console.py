"""Control panel events as text: one line for people, one JSON-ready record for scripts.

``axisctl osdp watch`` prints these; they are as useful in a test log or a bench script.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from .cp_types import CardRead, CpEvent, KeyInstalled, KeyPress, PdOffline, PdOnline, StatusReport

__all__ = ["describe_event", "event_record"]

_KINDS: dict[type, str] = {
    CardRead: "card",
    KeyPress: "keys",
    StatusReport: "status",
    PdOnline: "online",
    PdOffline: "offline",
    KeyInstalled: "key-installed",
}


def describe_event(event: CpEvent) -> str:
    """``reader 1: card 26 bits 1011... (data bd88eb80)``, ``reader 1: keys 12#``, ..."""
    where = f"reader {event.address}"
    if isinstance(event, CardRead):
        return f"{where}: card {event.bit_count} bits {event.bits} (data {event.data.hex()})"
    if isinstance(event, KeyPress):
        return f"{where}: keys {event.keys}"
    if isinstance(event, StatusReport):
        return f"{where}: status {event.status}"
    if isinstance(event, PdOnline):
        mode = "secure channel" if event.secure else "plaintext"
        identity = event.identity
        who = ""
        if identity is not None:
            who = (
                f", vendor {identity.vendor_code:06X} model {identity.model} "
                f"serial {identity.serial_number:08X}"
            )
        return f"{where}: online ({mode}){who}"
    if isinstance(event, PdOffline):
        return f"{where}: offline: {event.reason}"
    return f"{where}: new secure channel key installed"


def event_record(event: CpEvent) -> dict[str, Any]:
    """A JSON-ready dict: ``event`` names the kind (card, keys, status, online, offline,
    key-installed), then the event's fields; bytes as hex, enums as numbers."""
    record: dict[str, Any] = {"event": _KINDS[type(event)]}
    record.update(_plain(event))
    if isinstance(event, CardRead):
        record["bits"] = event.bits
    if isinstance(event, StatusReport):
        record["kind"] = type(event.status).__name__
    return record


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value
