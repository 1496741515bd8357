"""What the simulated intercom decided for one presented credential, and the log of it.

The manual's entry-list event log keeps "approximately 6000 events" (L618); the log keeps as
many decisions, the oldest dropping out first.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from dataclasses import dataclass
from typing import Any

from axisctl.apis.access.cards import CardData
from axisctl.apis.access.events import DenyReason
from axisctl.apis.access.wire import format_time

#: Decisions kept, as the manual's log keeps about 6000 events.
LOG_LIMIT = 6000


class AccessResult(enum.Enum):
    GRANTED = "granted"
    DENIED = "denied"
    #: The card belongs to a card-and-PIN holder: the reader now waits for the PIN.
    PIN_REQUIRED = "pin-required"
    #: No local decision: the entry list is off, or the device is restarting.
    NOT_CHECKED = "not-checked"


class Presented(enum.Enum):
    """What the holder presented."""

    CARD = "card"
    PIN = "pin"
    CARD_AND_PIN = "card+pin"


@dataclass(frozen=True)
class Decision:
    """One outcome: ``time`` is Unix time on the device clock.

    ``token`` and ``holder`` name the credential holder when one was found; ``card`` is the
    card presented (never the PIN).
    """

    result: AccessResult
    time: float
    presented: Presented
    reason: DenyReason | None = None
    token: str = ""
    holder: str = ""
    card: CardData | None = None

    @property
    def granted(self) -> bool:
        return self.result is AccessResult.GRANTED

    def to_json(self) -> dict[str, Any]:
        return {
            "result": self.result.value,
            "time": format_time(dt.datetime.fromtimestamp(self.time, dt.timezone.utc)),
            "presented": self.presented.value,
            "reason": self.reason.value if self.reason else None,
            "token": self.token or None,
            "holder": self.holder or None,
            "card": None
            if self.card is None
            else {"card": self.card.hex, "bitCount": self.card.bit_count},
        }


class DecisionLog:
    """The most recent :data:`LOG_LIMIT` final decisions (granted, denied, not checked)."""

    def __init__(self, limit: int = LOG_LIMIT) -> None:
        self._entries: deque[Decision] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, decision: Decision) -> None:
        self._entries.append(decision)

    def recent(self, limit: int | None = None) -> list[Decision]:
        """Newest last; the last ``limit`` only when given."""
        entries = list(self._entries)
        return entries if limit is None else entries[-limit:] if limit > 0 else []

    def clear(self) -> None:
        self._entries.clear()
