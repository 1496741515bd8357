"""The priority engine of one output (the light or the siren), with time passed in explicitly.

The rules, from the API reference and the manual:

- one stored activity per priority level; a start at a taken level replaces the older one;
- the highest stored priority plays; the others wait and resume when it ends;
- a duration in seconds counts down from the start, also while the activity waits;
- a duration in repetitions counts completed cycles of the pattern, so only while it plays;
- a duration of 0 ends the activity at once; no duration runs until stopped.

``settle(now)`` replays every end that fell due since the last call in time order, so the
result is exact however late a timer fires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

_EPSILON = 1e-9


@dataclass
class Activity:
    id: int
    priority: int
    pattern: str
    settings: dict[str, Any]
    period_s: float
    started: float
    deadline: float | None = None
    repetitions: int | None = None
    profile: str | None = None
    kind: str = "user"  # "user", "maintenance" or "health-check"
    played: float = 0.0
    #: The request's duration object, echoed in the status.
    duration: dict[str, Any] | None = field(default=None)

    @property
    def system(self) -> bool:
        return self.priority > 10

    def finished(self, now: float) -> bool:
        if self.deadline is not None and self.deadline <= now + _EPSILON:
            return True
        return (
            self.repetitions is not None
            and self.played >= self.repetitions * self.period_s - _EPSILON
        )

    def duration_left(self, now: float) -> int | None:
        """Seconds left, or repetitions left for a duration in repetitions."""
        if self.deadline is not None:
            return max(0, math.ceil(self.deadline - now - _EPSILON))
        if self.repetitions is not None:
            done = math.floor(self.played / self.period_s + _EPSILON)
            return max(0, self.repetitions - done)
        return None


class Channel:
    """The stored activities of one output and the one that plays."""

    def __init__(self, now: float = 0.0) -> None:
        self._by_priority: dict[int, Activity] = {}
        self._cursor = now

    @property
    def activities(self) -> list[Activity]:
        """Stored activities, highest priority first."""
        return [self._by_priority[p] for p in sorted(self._by_priority, reverse=True)]

    def playing(self) -> Activity | None:
        if not self._by_priority:
            return None
        return self._by_priority[max(self._by_priority)]

    def find(self, activity_id: int) -> Activity | None:
        return next((a for a in self._by_priority.values() if a.id == activity_id), None)

    def start(self, activity: Activity, now: float) -> list[Activity]:
        """Store ``activity``; return what ended on the way, including a replaced one."""
        ended = self.settle(now)
        replaced = self._by_priority.get(activity.priority)
        if replaced is not None:
            ended.append(replaced)
        self._by_priority[activity.priority] = activity
        ended.extend(self._expire(now))
        return ended

    def remove(self, activity: Activity, now: float) -> list[Activity]:
        ended = self.settle(now)
        if self._by_priority.get(activity.priority) is activity:
            del self._by_priority[activity.priority]
            ended.append(activity)
        return ended

    def clear(self, now: float, *, keep_system: bool = False) -> list[Activity]:
        ended = self.settle(now)
        for priority, activity in list(self._by_priority.items()):
            if not (keep_system and activity.system):
                del self._by_priority[priority]
                ended.append(activity)
        return ended

    def next_event(self) -> float | None:
        """When the next activity ends, as things stand."""
        times = [a.deadline for a in self._by_priority.values() if a.deadline is not None]
        playing = self.playing()
        if playing is not None and playing.repetitions is not None:
            times.append(self._cursor + playing.repetitions * playing.period_s - playing.played)
        return min(times) if times else None

    def settle(self, now: float) -> list[Activity]:
        """Bring the channel to ``now``; return the activities that ended, in order."""
        ended: list[Activity] = []
        while True:
            event = self.next_event()
            if event is None or event > now:
                break
            self._play_until(max(event, self._cursor))
            expired = self._expire(self._cursor)
            if not expired:  # rounding left nothing due; never spin
                break
            ended.extend(expired)
        self._play_until(max(now, self._cursor))
        ended.extend(self._expire(now))
        return ended

    def _play_until(self, when: float) -> None:
        playing = self.playing()
        if playing is not None:
            playing.played += when - self._cursor
        self._cursor = when

    def _expire(self, now: float) -> list[Activity]:
        ended = [a for a in self._by_priority.values() if a.finished(now)]
        for activity in ended:
            del self._by_priority[activity.priority]
        return ended
