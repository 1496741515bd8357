"""Plate matching as the License Plate Verifier manual describes it.

"The matching algorithm automatically allows a deviation of one character when matching the
detected license plate against the allowlist or blocklist": ``AXI S1234`` on the allowlist
accepts a read of ``AXI SI234`` (one substitution), ``AXIS 1234`` accepts ``AXI 1234`` (one
deletion). "Strict matching" asks for all characters to match; "Allowed character
deviation" sets another number.

The manual names no metric. The simulator takes the edit (Levenshtein) distance: inserting,
deleting or replacing one character each costs one. Plates are compared in a normal form
(upper case, spaces and dashes dropped), so the manual's odd spacing does not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from axisctl.sim.lpr.state import LIST_KEYS, DetectionSettings, PlateList

#: Characters a plate is written with that carry no identity: spaces and dashes.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")

#: Which list wins when entries of several lists are equally close: the safer answer first.
_MODE_RANK = {"block": 0, "allow": 1, "none": 2}


def normalise(text: str) -> str:
    """``"axi s1234"`` -> ``"AXIS1234"``: upper case, without spaces and dashes."""
    return "".join(
        char for char in text.casefold().upper() if not char.isspace() and char not in _SEPARATORS
    )


def edit_distance_within(a: str, b: str, limit: int) -> int | None:
    """The edit distance of ``a`` and ``b`` if it is at most ``limit``, else ``None``.

    Only the diagonal band of width ``2 * limit + 1`` of the dynamic-programming table can
    hold values within the limit, so the work is ``O(len * limit)``; a row whose smallest
    value already exceeds the limit ends the search.
    """
    if limit < 0:
        return None
    if abs(len(a) - len(b)) > limit:
        return None
    if limit == 0 or not a or not b:
        distance = 0 if a == b else max(len(a), len(b))
        return distance if distance <= limit else None
    over = limit + 1
    # previous[j] is the distance of a[:i-1] and b[:j]; cells outside the band stay "over".
    previous = [j if j <= limit else over for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [over] * (len(b) + 1)
        if i <= limit:
            current[0] = i
        low = max(1, i - limit)
        high = min(len(b), i + limit)
        char = a[i - 1]
        for j in range(low, high + 1):
            cost = 0 if char == b[j - 1] else 1
            best = min(previous[j - 1] + cost, previous[j] + 1, current[j - 1] + 1)
            current[j] = best if best < over else over
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return None
        previous = current
    distance = previous[len(b)]
    return distance if distance <= limit else None


def allowed_deviation(detection: DetectionSettings) -> int:
    """Characters a read may differ from a list entry: 0 with strict matching."""
    return 0 if detection.strict_matching else max(0, detection.char_deviation)


def is_readable(text: str, confidence: float, detection: DetectionSettings) -> bool:
    """Whether the app reports a read at all.

    Plates shorter than the minimum number of characters are not detected, and "detections
    that have a lower score than the selected level will not show up".
    """
    return len(normalise(text)) >= detection.min_chars and confidence >= detection.sensitivity


@dataclass(frozen=True)
class ListHit:
    """The list entry a read matched: which list, which entry, how many characters apart."""

    list_key: str
    list_name: str
    mode: str
    plate: str
    description: str
    distance: int


def best_hit(
    lists: Iterable[PlateList], text: str, deviation: int, when: dt.datetime
) -> ListHit | None:
    """The closest entry within ``deviation`` on a list active at ``when``, if any.

    Lists outside their schedule are ignored. On a tie the block-mode list wins, then the
    allow-mode one, then the others, so that doubt never opens a barrier; within a mode, the
    list order allow, block, custom and the entries' order decide.
    """
    wanted = normalise(text)
    best: tuple[tuple[int, int, int], ListHit] | None = None
    for plate_list in lists:
        if not plate_list.active_at(when):
            continue
        list_rank = LIST_KEYS.index(plate_list.key) if plate_list.key in LIST_KEYS else 99
        mode_rank = _MODE_RANK.get(plate_list.mode, 3)
        limit = deviation if best is None else min(deviation, best[0][0])
        for entry in plate_list.entries.values():
            distance = edit_distance_within(wanted, normalise(entry.plate), limit)
            if distance is None:
                continue
            rank = (distance, mode_rank, list_rank)
            if best is None or rank < best[0]:
                hit = ListHit(
                    plate_list.key,
                    plate_list.name,
                    plate_list.mode,
                    entry.plate,
                    entry.description,
                    distance,
                )
                best = (rank, hit)
                limit = distance
    return None if best is None else best[1]
