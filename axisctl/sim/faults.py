"""Fault injection: make a simulated device slow, failing or flaky on purpose.

Each fault applies to the next ``count`` requests whose path starts with ``path`` (all
requests when ``count`` is ``None``), then retires itself.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass


class FaultKind(enum.Enum):
    LATENCY = "latency"  # answer after ``seconds``
    HTTP_ERROR = "http_error"  # answer with ``status`` instead of the real answer
    DROP = "drop"  # close the connection without answering
    TRUNCATE = "truncate"  # announce the full Content-Length, send half, close
    STALE_NONCE = "stale_nonce"  # refuse a valid Digest answer with stale=true


@dataclass
class Fault:
    kind: FaultKind
    count: int | None = 1
    path: str = "/"
    seconds: float = 0.0
    status: int = 503

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "count": self.count,
            "path": self.path,
            "seconds": self.seconds,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Fault:
        try:
            kind = FaultKind(str(data["kind"]))
        except (KeyError, ValueError):
            kinds = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"'kind' must be one of {kinds}") from None
        count = data.get("count", 1)
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError("'count' must be a positive integer or null")
        seconds = data.get("seconds", 0.0)
        status = data.get("status", 503)
        if not isinstance(seconds, (int, float)) or not 0 <= seconds <= 600:
            raise ValueError("'seconds' must be a number from 0 to 600")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("'status' must be an HTTP error status, 400 to 599")
        return cls(
            kind=kind,
            count=count,
            path=str(data.get("path", "/")),
            seconds=float(seconds),
            status=status,
        )


class FaultPlan:
    """The faults armed on one device. Safe to change from another thread."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, kind: FaultKind, path: str) -> Fault | None:
        """Consume one use of the first armed fault of ``kind`` matching ``path``."""
        with self._lock:
            for fault in self._faults:
                if fault.kind is kind and path.startswith(fault.path):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
