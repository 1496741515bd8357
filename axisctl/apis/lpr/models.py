"""Plate lists of the License Plate Verifier app: the three lists, their schedules and entries.

The app has exactly three lists, renamable but never added or removed. They are addressed
by a stable key (:class:`ListKey`), never by display name, because a rename ("The new list
name will be updated in any existing configurations", manual L366-372) must not break a
script. Each list has a mode (:class:`ListMode`) that says what a hit means, and weekly
schedules that say when it applies.

The ``*_problem`` functions say in words why a value is not acceptable (``None`` when it
is); the client turns that into :class:`~axisctl.apis.lpr.errors.InvalidLprSettingError`,
the CSV reader into a per-line error and the simulator into a 400 answer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from axisctl.apis.lpr.errors import InvalidLprSettingError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKDAYS = frozenset(WEEKDAYS[:5])

#: Longest plate text accepted; real plates have at most a dozen characters with spaces.
MAX_PLATE_CHARS = 32
MAX_DESCRIPTION_CHARS = 255
MAX_LIST_NAME_CHARS = 64
#: Plates one list may hold (the manual gives no limit; see docs/lpr-app.md).
MAX_LIST_ENTRIES = 10_000
#: Schedule windows one list may have.
MAX_SCHEDULES = 8
MINUTES_PER_DAY = 24 * 60


class ListKey(enum.Enum):
    """One of the app's three lists, by the key its endpoints use (``list=allow``)."""

    ALLOW = "allow"
    BLOCK = "block"
    CUSTOM = "custom"

    @property
    def id(self) -> str:
        """The list's id in ``list_mgmt.cgi``: ``"1"``, ``"2"`` or ``"3"``."""
        return _IDS[self]

    @property
    def file_stem(self) -> str:
        """``allow_list``: the list's ``<stem>.cgi`` and ``<stem>.csv`` names."""
        return f"{self.value}_list"

    @classmethod
    def from_id(cls, list_id: str) -> ListKey | None:
        return next((key for key, value in _IDS.items() if value == list_id), None)


_IDS = {ListKey.ALLOW: "1", ListKey.BLOCK: "2", ListKey.CUSTOM: "3"}


class ListMode(enum.Enum):
    """What a hit on the list means: let in, keep out, or only report it."""

    ALLOW = "allow"
    BLOCK = "block"
    NONE = "none"


def list_key(value: ListKey | str) -> ListKey:
    """``value`` as a :class:`ListKey`; the strings ``"allow"``, ``"block"``, ``"custom"``."""
    if isinstance(value, ListKey):
        return value
    try:
        return ListKey(str(value).strip().lower())
    except ValueError:
        raise InvalidLprSettingError(
            f"list {value!r:.40} is not allow, block or custom",
            field="list",
            value=value,
            allowed=[key.value for key in ListKey],
        ) from None


def list_mode(value: ListMode | str) -> ListMode:
    if isinstance(value, ListMode):
        return value
    try:
        return ListMode(str(value).strip().lower())
    except ValueError:
        raise InvalidLprSettingError(
            f"list mode {value!r:.40} is not allow, block or none",
            field="mode",
            value=value,
            allowed=[mode.value for mode in ListMode],
        ) from None


@dataclass(frozen=True)
class Schedule:
    """One weekly window in which a list applies, in the camera's time (UTC).

    ``start`` and ``end`` are whole minutes; an ``end`` before ``start`` runs over midnight
    (``end=00:00`` after a later start means "until midnight"). A disabled schedule leaves the
    list active all the time, whatever its times say.
    """

    enabled: bool = False
    start: dt.time = dt.time(0)
    end: dt.time = dt.time(0)
    days: frozenset[str] = frozenset(WEEKDAYS)

    @classmethod
    def window(cls, start: dt.time, end: dt.time, days: Iterable[str] = WEEKDAYS) -> Schedule:
        """An enabled window: ``Schedule.window(time(8), time(17), WORKDAYS)``."""
        return cls(True, start, end, frozenset(days))

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self) -> int:
        return self.end.hour * 60 + self.end.minute

    def validate(self, where: str = "schedule") -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, dt.time) or value.second or value.microsecond:
                raise InvalidLprSettingError(
                    f"{where}.{name} {value!r:.40} is not a time of whole minutes",
                    field=f"{where}.{name}",
                    value=value,
                )
        unknown = sorted(set(self.days) - set(WEEKDAYS))
        if unknown:
            raise InvalidLprSettingError(
                f"{where}.days: {', '.join(map(str, unknown))} not among {', '.join(WEEKDAYS)}",
                field=f"{where}.days",
                value=unknown,
                allowed=WEEKDAYS,
            )


def minute_time(minute: int) -> dt.time:
    """Minutes since midnight (0-1439) as a time of day."""
    return dt.time(minute // 60, minute % 60)


@dataclass(frozen=True)
class PlateList:
    """One of the three lists as the app describes it (its plates are fetched separately)."""

    key: ListKey
    name: str
    mode: ListMode
    schedules: tuple[Schedule, ...] = (Schedule(),)

    @property
    def id(self) -> str:
        return self.key.id


@dataclass(frozen=True)
class PlateEntry:
    """A plate on a list, with the date and description the manual's CSV format carries.

    The app does not say what the date means; it is kept and shown, never interpreted.
    """

    plate: str
    date: dt.date | None = None
    description: str = field(default="")

    def validate(self, where: str = "plate") -> None:
        problem = plate_problem(self.plate)
        if problem is not None:
            raise InvalidLprSettingError(f"{where}: {problem}", field=where, value=self.plate)
        if self.date is not None and not isinstance(self.date, dt.date):
            raise InvalidLprSettingError(
                f"{where}: date {self.date!r:.40} is not a date", field=f"{where}.date"
            )
        problem = description_problem(self.description)
        if problem is not None:
            raise InvalidLprSettingError(
                f"{where}: {problem}", field=f"{where}.description", value=self.description
            )


def _control_character(text: str) -> bool:
    return any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text)


def plate_problem(plate: object) -> str | None:
    """Why ``plate`` cannot be on a list, or ``None``.

    Plates are kept as written (spaces inside and non-ASCII letters included) but never
    with a comma, which the app's ``plate,date,description`` lines cannot carry.
    """
    if not isinstance(plate, str):
        return f"plate is {type(plate).__name__}, expected text"
    if not plate.strip():
        return "plate is empty"
    if plate != plate.strip():
        return f"plate {plate!r:.50} has spaces around it"
    if len(plate) > MAX_PLATE_CHARS:
        return f"plate {plate[:40]!r}... is longer than {MAX_PLATE_CHARS} characters"
    if "," in plate:
        return f"plate {plate!r} contains a comma"
    if _control_character(plate):
        return f"plate {plate!r} contains a control character"
    return None


def description_problem(description: object) -> str | None:
    if not isinstance(description, str):
        return f"description is {type(description).__name__}, expected text"
    if len(description) > MAX_DESCRIPTION_CHARS:
        return f"description is longer than {MAX_DESCRIPTION_CHARS} characters"
    if _control_character(description):
        return "description contains a control character (a line break or tab)"
    return None


def list_name_problem(name: object) -> str | None:
    if not isinstance(name, str):
        return f"name is {type(name).__name__}, expected text"
    if not name.strip():
        return "name is empty"
    if len(name) > MAX_LIST_NAME_CHARS:
        return f"name is longer than {MAX_LIST_NAME_CHARS} characters"
    if _control_character(name) or "/" in name:
        return f"name {name!r:.70} contains a control character or a slash"
    return None
