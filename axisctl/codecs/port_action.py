"""The text formats of ``/axis-cgi/io/port.cgi``, both ways.

``action=<id>:<a>[<wait><a>...]`` drives an output: ``/`` makes it active, ``\\`` inactive,
and a decimal number between two of them waits that many milliseconds. ``2:/300\\500/300\\``
gives output 2 two 300 ms pulses 500 ms apart. Ports are numbered from 1, as everywhere in
port.cgi.

``check=1,2`` is answered ``port1=0`` lines (``1`` closed circuit, ``0`` open),
``checkactive=3`` with ``port3=active`` / ``port3=inactive`` and ``checkdirection=1`` with
``port1=input`` / ``port1=output``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from axisctl.errors import ParseError

ACTIVE = "/"
INACTIVE = "\\"

#: Longest wait the library writes or accepts in an action. The device's own limit is not
#: documented; 65535 ms is the documented limit of the sibling setStateSequence method.
MAX_WAIT_MS = 65535

#: Most states in one action, so that an action always fits in a URL.
MAX_STATES = 256

#: Highest port number accepted; real devices have at most a few dozen ports.
MAX_PORT = 9999


class CircuitState(enum.Enum):
    """Whether a port's circuit is open (floating) or closed (tied to ground, pin 1)."""

    OPEN = "open"
    CLOSED = "closed"

    @property
    def opposite(self) -> CircuitState:
        return CircuitState.CLOSED if self is CircuitState.OPEN else CircuitState.OPEN


class Direction(enum.Enum):
    """Whether a port reads a circuit (input) or drives one (output)."""

    INPUT = "input"
    OUTPUT = "output"


def check_port(port: int) -> int:
    """Return ``port`` if it is a port.cgi number (1-based); raise :class:`ParseError`."""
    if isinstance(port, bool) or not isinstance(port, int):
        raise ParseError(f"port must be an integer, got {type(port).__name__}")
    if not 1 <= port <= MAX_PORT:
        raise ParseError(f"port {port} is out of range: port.cgi numbers ports from 1")
    return port


@dataclass(frozen=True)
class PortAction:
    """One ``action=`` argument: a port (1-based) and what to do with it over time.

    ``states[i]`` is ``True`` for active (``/``) and ``False`` for inactive (``\\``);
    ``waits_ms[i]`` is the wait between ``states[i]`` and ``states[i + 1]``, so there is
    always one wait fewer than states.
    """

    port: int
    states: tuple[bool, ...]
    waits_ms: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        check_port(self.port)
        if not self.states:
            raise ParseError("an action needs at least one state")
        if len(self.states) > MAX_STATES:
            raise ParseError(f"an action has at most {MAX_STATES} states, got {len(self.states)}")
        if len(self.waits_ms) != len(self.states) - 1:
            raise ParseError(
                f"{len(self.states)} states need {len(self.states) - 1} waits between them, "
                f"got {len(self.waits_ms)}"
            )
        for index, wait in enumerate(self.waits_ms):
            if isinstance(wait, bool) or not isinstance(wait, int):
                raise ParseError(f"wait {index + 1} must be an integer of milliseconds")
            if not 0 <= wait <= MAX_WAIT_MS:
                raise ParseError(f"wait {index + 1} is {wait} ms, outside 0..{MAX_WAIT_MS}")

    @classmethod
    def set(cls, port: int, active: bool) -> PortAction:
        """Make an output active or inactive and leave it so: ``1:/`` or ``1:\\``."""
        return cls(port, (active,))

    @classmethod
    def pulse(cls, port: int, ms: int, count: int = 1, gap_ms: int | None = None) -> PortAction:
        """``count`` active pulses of ``ms`` each, ``gap_ms`` (default ``ms``) apart.

        The output ends inactive.
        """
        gap = ms if gap_ms is None else gap_ms
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ParseError(f"pulse count must be an integer >= 1, got {count!r}")
        if count * 2 > MAX_STATES:
            raise ParseError(f"at most {MAX_STATES // 2} pulses fit in one action, got {count}")
        for label, value in (("pulse length", ms), ("gap", gap)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParseError(f"{label} must be a whole number of milliseconds >= 1")
        states: list[bool] = []
        waits: list[int] = []
        for index in range(count):
            if index:
                waits.append(gap)
            states.append(True)
            waits.append(ms)
            states.append(False)
        return cls(port, tuple(states), tuple(waits))

    @property
    def duration_ms(self) -> int:
        """Milliseconds from the first state to the last."""
        return sum(self.waits_ms)

    @property
    def final_active(self) -> bool:
        """Whether the output is active once the action has run."""
        return self.states[-1]

    def format(self) -> str:
        """The wire form, ``2:/300\\``; the transport percent-encodes it."""
        parts = [f"{self.port}:", _char(self.states[0])]
        for wait, state in zip(self.waits_ms, self.states[1:], strict=True):
            parts.append(str(wait))
            parts.append(_char(state))
        return "".join(parts)

    def __str__(self) -> str:
        return self.format()


def _char(active: bool) -> str:
    return ACTIVE if active else INACTIVE


_DIGITS = re.compile(r"[0-9]+")


def parse_action(text: str) -> PortAction:
    """Parse ``<id>:<a>[<wait><a>...]``; raise :class:`ParseError` saying what and where."""
    if not isinstance(text, str):
        raise ParseError(f"an action is text, got {type(text).__name__}")
    head, sep, body = text.partition(":")
    if not sep:
        raise ParseError(f"action {_show(text)}: expected '<port>:' before the states")
    if not _DIGITS.fullmatch(head):
        raise ParseError(f"action {_show(text)}: port {_show(head)} is not a number")
    if not _fits(head, MAX_PORT):
        raise ParseError(f"action {_show(text)}: port {_show(head)} is out of range")
    port = int(head)
    if port < 1:
        raise ParseError(f"action {_show(text)}: port 0 does not exist, ports start at 1")
    states: list[bool] = []
    waits: list[int] = []
    offset = len(head) + 1
    position = 0
    expect_state = True
    while position < len(body):
        where = offset + position
        char = body[position]
        if expect_state:
            if char not in (ACTIVE, INACTIVE):
                wanted = "'/' or '\\'"
                raise ParseError(
                    f"action {_show(text)}: expected {wanted} at position {where}, "
                    f"got {_show(char)}"
                )
            states.append(char == ACTIVE)
            if len(states) > MAX_STATES:
                raise ParseError(f"action {_show(text)}: more than {MAX_STATES} states")
            position += 1
            expect_state = False
            continue
        match = _DIGITS.match(body, position)
        if match is None:
            raise ParseError(
                f"action {_show(text)}: expected a wait in milliseconds at position {where}, "
                f"got {_show(char)}"
            )
        digits = match.group()
        if not _fits(digits, MAX_WAIT_MS):
            raise ParseError(
                f"action {_show(text)}: wait {digits[:12]} ms at position {where} "
                f"exceeds {MAX_WAIT_MS} ms"
            )
        waits.append(int(digits))
        position = match.end()
        expect_state = True
    if not states:
        raise ParseError(f"action {_show(text)}: no state after '{head}:'")
    if expect_state:
        raise ParseError(
            f"action {_show(text)}: ends with a wait; a wait must be followed by '/' or '\\'"
        )
    return PortAction(port, tuple(states), tuple(waits))


def _fits(digits: str, limit: int) -> bool:
    """Whether a digit string is at most ``limit``, without converting absurdly long ones."""
    significant = digits.lstrip("0") or "0"
    return len(significant) <= len(str(limit)) and int(significant) <= limit


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


# ----------------------------------------------------------------------------------------
# check=, checkactive= and checkdirection= answers

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PORT_LINE = re.compile(r"port([0-9]{1,4})=(.*)")

V = TypeVar("V")


def _parse_lines(text: str, what: str, values: Mapping[str, V]) -> dict[int, V]:
    result: dict[int, V] = {}
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        line = line.strip()
        if not line:
            continue
        match = _PORT_LINE.fullmatch(line)
        if match is None:
            raise ParseError(f"line {number}: expected port<n>=<{what}>, got {_show(line)}")
        port = int(match.group(1))
        if port < 1:
            raise ParseError(f"line {number}: port 0 does not exist, ports start at 1")
        raw = match.group(2).strip()
        if raw not in values:
            raise ParseError(f"line {number}: port{port} is {_show(raw)}, expected {what}")
        result[port] = values[raw]
    return result


_CHECK_VALUES = {"1": CircuitState.CLOSED, "0": CircuitState.OPEN}
_ACTIVE_VALUES = {"active": True, "inactive": False}
_DIRECTION_VALUES = {"input": Direction.INPUT, "output": Direction.OUTPUT}


def parse_check(text: str) -> dict[int, CircuitState]:
    """``port1=1`` lines -> ``{1: CircuitState.CLOSED}`` (``1`` closed, ``0`` open)."""
    return _parse_lines(text, "0|1", _CHECK_VALUES)


def parse_check_active(text: str) -> dict[int, bool]:
    """``port3=active`` lines -> ``{3: True}``."""
    return _parse_lines(text, "active|inactive", _ACTIVE_VALUES)


def parse_check_direction(text: str) -> dict[int, Direction]:
    """``port1=input`` lines -> ``{1: Direction.INPUT}``."""
    return _parse_lines(text, "input|output", _DIRECTION_VALUES)


def _format_lines(items: Iterable[tuple[int, str]]) -> str:
    return "".join(f"port{check_port(port)}={value}\r\n" for port, value in items)


def format_check(circuits: Mapping[int, CircuitState]) -> str:
    """The device side of ``check=``: ``port1=1`` CRLF lines in the given order."""
    return _format_lines((p, "1" if c is CircuitState.CLOSED else "0") for p, c in circuits.items())


def format_check_active(active: Mapping[int, bool]) -> str:
    """The device side of ``checkactive=``."""
    return _format_lines((p, "active" if a else "inactive") for p, a in active.items())


def format_check_direction(directions: Mapping[int, Direction]) -> str:
    """The device side of ``checkdirection=``."""
    return _format_lines((p, d.value) for p, d in directions.items())


def parse_port_list(text: str) -> list[int]:
    """The argument of ``check=1,2``: port numbers, in order; raise :class:`ParseError`."""
    ports: list[int] = []
    for item in text.split(","):
        item = item.strip()
        if not _DIGITS.fullmatch(item) or not _fits(item, MAX_PORT):
            raise ParseError(f"port list {_show(text)}: {_show(item)} is not a port number")
        ports.append(check_port(int(item)))
    return ports


def format_port_list(ports: Iterable[int]) -> str:
    """``[1, 2]`` -> ``"1,2"``; raise :class:`ParseError` for an empty list or a bad number."""
    items = [str(check_port(port)) for port in ports]
    if not items:
        raise ParseError("give at least one port")
    return ",".join(items)
