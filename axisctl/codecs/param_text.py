"""The text format of ``param.cgi`` answers, both ways.

A device answers ``action=list`` with ISO-8859-1 text, one ``root.Group.Name=value`` per
line, CRLF-terminated, and reports failures in-line as ``# Error: ...`` lines (HTTP 200).
Names are kept without the optional ``root.`` prefix: ``Brand.ProdNbr``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from axisctl.errors import ParseError

ENCODING = "iso-8859-1"
ERROR_PREFIX = "# Error:"
REQUEST_FAILED_PREFIX = "# Request failed:"

#: A parameter path: dot-separated segments of letters, digits, ``_`` and ``-``.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_NAME = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")


def strip_root(name: str) -> str:
    return name[5:] if name.startswith("root.") else name


def check_name(name: str) -> str:
    """Return the name without ``root.``; raise :class:`ParseError` if it is not a path."""
    bare = strip_root(name)
    if not _NAME.fullmatch(bare):
        raise ParseError(f"invalid parameter name {name!r}: expected dot-separated words")
    return bare


_GROUP = re.compile(r"(?:[A-Za-z0-9_\-]+|\*)(?:\.(?:[A-Za-z0-9_\-]+|\*))*")


def check_group(group: str) -> str:
    """Like :func:`check_name`, but a segment may be the wildcard ``*`` (``ImageSource.*.Name``)."""
    bare = strip_root(group)
    if not _GROUP.fullmatch(bare):
        raise ParseError(f"invalid parameter group {group!r}: expected dot-separated words or *")
    return bare


def group_letter(group: str) -> str:
    """``StreamProfile`` -> ``S``: dynamic groups are named after their parent's last word."""
    return group.rsplit(".", 1)[-1][0].upper()


def check_value(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ParseError(f"value of {name} contains a line break, which param.cgi cannot carry")
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise ParseError(
            f"value of {name} has {value[exc.start]!r}, outside ISO-8859-1 that param.cgi uses"
        ) from None
    return value


@dataclass(frozen=True)
class ParamListing:
    """A parsed ``action=list`` answer: the parameters and any in-line error lines."""

    values: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


def parse_list(text: str) -> ParamListing:
    """Parse a listing. Lines that are neither ``name=value`` nor ``# ...`` are an error."""
    values: dict[str, str] = {}
    errors: list[str] = []
    # Only CR and LF end a line: str.splitlines() would also split on form feeds and other
    # separators that are legal inside ISO-8859-1 values.
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            message = (
                line[len(ERROR_PREFIX) :].strip()
                if line.startswith(ERROR_PREFIX)
                else line[1:].strip()
            )
            errors.append(message)
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ParseError(f"line {number}: expected name=value, got {line[:60]!r}")
        try:
            bare = check_name(name)
        except ParseError as exc:
            raise ParseError(f"line {number}: {exc.message}") from None
        values[bare] = value
    return ParamListing(values, tuple(errors))


def format_list(values: Mapping[str, str], errors: Iterable[str] = ()) -> str:
    """The device side: ``root.Name=value`` CRLF lines, then any error lines."""
    lines = [
        f"root.{check_name(name)}={check_value(name, value)}" for name, value in values.items()
    ]
    lines += [f"{ERROR_PREFIX} {message}" for message in errors]
    return "".join(line + "\r\n" for line in lines)


def parse_status(text: str) -> str:
    """Parse the answer to update/add/remove: ``OK`` or ``<id> OK``; return the id or ``""``.

    Raises :class:`ParseError` for anything else; callers turn ``# Error`` lines into device
    errors before calling this.
    """
    stripped = text.strip()
    if stripped == "OK":
        return ""
    match = re.fullmatch(r"([A-Za-z]\d+) OK", stripped)
    if match:
        return match.group(1)
    raise ParseError(f"expected 'OK' or '<group> OK', got {stripped[:60]!r}")


def error_message(text: str) -> str | None:
    """The message of the first ``# Error:`` or ``# Request failed:`` in an answer, if any."""
    found = [(text.find(p), p) for p in (ERROR_PREFIX, REQUEST_FAILED_PREFIX) if p in text]
    if not found:
        return None
    index, prefix = min(found)
    first_line = _LINE_BREAK.split(text[index + len(prefix) :], maxsplit=1)[0].strip()
    return first_line or "(no message)"
