"""The manual's plate list CSV: ``license plate,date,description``, one plate a line.

The manual (L374-386) gives the structure and three examples, all valid here::

    AXIS123
    AXIS123,,John Smith
    AXIS123,2022-06-08,John Smith

What it leaves open is decided as follows (docs/lpr-app.md, "CSV files"):

- UTF-8; a byte order mark (Excel writes one) is dropped. Lines end in LF, CRLF or CR.
- A first line ``license plate,date,description`` (any case) is a header and skipped.
- Blank lines are skipped.
- Fields follow the csv module's rules: ``"Smith, John"`` is one field, ``""`` an
  escaped quote. More than three fields is an error, so is a quote left open.
- The date is ISO ``YYYY-MM-DD`` or empty. Spaces around fields are dropped.
- The plate is kept as written (case, spaces inside, non-ASCII letters) but may not contain
  a comma, which the app's ``plate,date,description`` lines cannot carry.
- Every bad line is reported with its number, its text and the reason; a file is taken only
  if every line is good, unless the caller explicitly skips bad lines.
- At most :data:`MAX_CSV_BYTES` bytes and :data:`~axisctl.apis.lpr.models.MAX_LIST_ENTRIES`
  plates.

The simulator's ``upload.cgi`` reads uploads with the same function, so client and app agree
line for line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from axisctl.apis.lpr.models import (
    MAX_LIST_ENTRIES,
    PlateEntry,
    description_problem,
    plate_problem,
)
from axisctl.errors import ParseError

HEADER = ("license plate", "date", "description")
#: Largest CSV file accepted (about 40,000 lines of plate, date and a short description).
MAX_CSV_BYTES = 2 * 1024 * 1024
#: How many line errors a :class:`PlateCsvError` message spells out; all are in ``errors``.
MESSAGE_LINES = 20

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\n|\r")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOM = "\ufeff"


@dataclass(frozen=True)
class PlateCsvLineError:
    """One bad line: its 1-based number, its text (as decoded), and what was wrong.

    ``line_number`` 0 is about the file as a whole (too large, too many plates).
    """

    line_number: int
    line: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line_number}" if self.line_number else "file"
        return f"{where}: {self.reason}"


class PlateCsvError(ParseError):
    """A plate CSV file with bad lines; ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[PlateCsvLineError], *, source: str = "CSV") -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        shown = [f"  {error}" for error in self.errors[:MESSAGE_LINES]]
        if count > MESSAGE_LINES:
            shown.append(f"  ... and {count - MESSAGE_LINES} more")
        noun = "bad line" if count == 1 else "bad lines"
        super().__init__(f"{source}: {count} {noun}, nothing imported:\n" + "\n".join(shown))


def parse_plate_csv(
    text: str | bytes,
) -> tuple[list[PlateEntry], list[PlateCsvLineError]]:
    """The plates of a CSV file, and every line that could not be read.

    ``bytes`` are read as UTF-8 line by line, so a line in another encoding is reported on
    its own instead of failing the whole file. Nothing here raises for bad input.
    """
    size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    if size > MAX_CSV_BYTES:
        return [], [
            PlateCsvLineError(
                0, "", f"the file has {size} bytes; at most {MAX_CSV_BYTES} are accepted"
            )
        ]
    entries: list[PlateEntry] = []
    errors: list[PlateCsvLineError] = []
    seen_content = False
    for number, line, decode_error in _lines(text):
        if decode_error:
            errors.append(PlateCsvLineError(number, line, "not UTF-8 text"))
            seen_content = True
            continue
        if not line.strip():
            continue
        is_first = not seen_content
        seen_content = True
        try:
            fields = next(csv.reader([line], strict=True))
        except (csv.Error, StopIteration) as exc:
            errors.append(PlateCsvLineError(number, line, f"not valid CSV: {exc}"))
            continue
        if is_first and tuple(f.strip().lower() for f in fields) == HEADER:
            continue
        entry_or_reason = _entry(fields)
        if isinstance(entry_or_reason, str):
            errors.append(PlateCsvLineError(number, line, entry_or_reason))
        else:
            entries.append(entry_or_reason)
    if len(entries) > MAX_LIST_ENTRIES:
        errors.append(
            PlateCsvLineError(
                0,
                "",
                f"the file has {len(entries)} plates; a list holds at most {MAX_LIST_ENTRIES}",
            )
        )
    return entries, errors


def read_plate_csv(text: str | bytes, *, source: str = "CSV") -> list[PlateEntry]:
    """The plates of a CSV file, or :class:`PlateCsvError` listing every bad line."""
    entries, errors = parse_plate_csv(text)
    if errors:
        raise PlateCsvError(errors, source=source)
    return entries


def format_plate_csv(entries: Iterable[PlateEntry], *, header: bool = False) -> str:
    """Plates in the manual's format, ISO dates, quoted only where needed.

    Trailing empty fields are left out, as in the manual's examples (``AXIS123``,
    ``AXIS123,,John Smith``). No header unless asked: the manual's format has none.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(HEADER)
    for entry in entries:
        row = [entry.plate, entry.date.isoformat() if entry.date else "", entry.description]
        while len(row) > 1 and not row[-1]:
            row.pop()
        writer.writerow(row)
    return out.getvalue()


def _lines(text: str | bytes) -> Iterable[tuple[int, str, bool]]:
    """(line number, text, whether it failed to decode) for every line."""
    if isinstance(text, str):
        for number, line in enumerate(_LINE_BREAK.split(text.removeprefix(_BOM)), 1):
            yield number, line, False
        return
    for number, raw in enumerate(_LINE_BREAK_BYTES.split(text), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, raw.decode("utf-8", errors="replace"), True
            continue
        yield number, line.removeprefix(_BOM) if number == 1 else line, False


def _entry(fields: list[str]) -> PlateEntry | str:
    """The entry a line's fields describe, or why they do not describe one."""
    if len(fields) > len(HEADER):
        return f"{len(fields)} fields; expected at most 3: license plate,date,description"
    plate, date_text, description = (*(f.strip() for f in fields), "", "")[:3]
    problem = plate_problem(plate)
    if problem is not None:
        return problem
    date = None
    if date_text:
        date = parse_iso_date(date_text)
        if date is None:
            return f"date {date_text!r:.40} is not a date in the form YYYY-MM-DD"
    problem = description_problem(description)
    if problem is not None:
        return problem
    return PlateEntry(plate, date, description)


def parse_iso_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date; ``None`` for anything else (fromisoformat takes more)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
