"""Problems found in a rig file, each pointing at a line and column, and the error listing them.

A rig file is checked whole: every problem is collected (:class:`ProblemLog`) and one
:class:`RigError` lists them all in file order, one per line, like a compiler:

    rig.yaml:12:5: unknown key 'modle' in device 'gate' (expected one of model | url |
    credentials | description, got 'modle'); did you mean 'model'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from axisctl.errors import ConfigurationError

__all__ = [
    "ProblemLog",
    "RigError",
    "RigProblem",
    "SourceLocation",
    "closest",
    "did_you_mean",
    "one_of",
]


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in a rig file: 1-based line and column, as editors count them."""

    source: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}"


@dataclass(frozen=True)
class RigProblem:
    """One thing wrong in a rig file: where, what, and optionally expected / got / a hint."""

    at: SourceLocation
    what: str
    expected: str | None = None
    got: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.at}: {self.what}"
        if self.expected is not None or self.got is not None:
            parts = []
            if self.expected is not None:
                parts.append(f"expected {self.expected}")
            if self.got is not None:
                parts.append(f"got {self.got}")
            text += f" ({', '.join(parts)})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class RigError(ConfigurationError):
    """A rig file that cannot be used; :attr:`problems` lists everything found wrong.

    The message has one ``file:line:column: ...`` line per problem, in file order. Secrets
    never appear in it: the rig file holds names of environment variables, and a value that
    might be a secret put in the wrong place is described, not quoted.
    """

    def __init__(self, problems: Iterable[RigProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda problem: problem.at))
        if not self.problems:
            raise ValueError("RigError needs at least one problem")
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def source(self) -> str:
        """The file (or ``<string>``) the problems are in."""
        return self.problems[0].at.source


class ProblemLog:
    """Collects the problems of one rig file while it is read and checked."""

    def __init__(self) -> None:
        self._problems: list[RigProblem] = []

    def __len__(self) -> int:
        return len(self._problems)

    def add(
        self,
        at: SourceLocation,
        what: str,
        *,
        expected: str | None = None,
        got: str | None = None,
        hint: str | None = None,
    ) -> None:
        problem = RigProblem(at, what, expected, got, hint)
        if problem not in self._problems:
            self._problems.append(problem)

    def raise_if_any(self) -> None:
        if self._problems:
            raise RigError(self._problems)


def one_of(choices: Iterable[str], *, none: str = "nothing declared") -> str:
    """``"one of a | b | c"`` (``|``, since the message itself separates parts with commas)."""
    listed = " | ".join(choices)
    return f"one of {listed}" if listed else f"a declared name ({none})"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` is most likely a misspelling of, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the closest choice, or ``None`` when none is close."""
    close = closest(word, choices)
    return f"did you mean {close!r}?" if close else None
