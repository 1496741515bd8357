"""Timed programs on outputs: port.cgi actions (pulses) and setStateSequence sequences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from axisctl.sim.clock import SimClock, Timer
from axisctl.sim.io.ports import CLOSED, OPEN

#: Longest step of a state sequence (portmanagement.cgi setStateSequence), in ms.
MAX_SEQUENCE_STEP_MS = 65535

#: One step of a program: what to apply, then how many seconds until the next step.
Step = tuple[Callable[[], None], float]


class SequenceOngoingError(Exception):
    """A state sequence already runs on the port (portmanagement.cgi error 2200)."""


def check_sequence(steps: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """The setStateSequence steps ``(circuit, ms)`` as a list; ``ValueError`` for a bad one."""
    checked: list[tuple[str, int]] = []
    for state, ms in steps:
        if state not in (OPEN, CLOSED):
            raise ValueError(f"a step's state is open or closed, not {state!r}")
        if isinstance(ms, bool) or not isinstance(ms, int):
            raise ValueError("a step's time is a whole number of milliseconds")
        if not 0 <= ms <= MAX_SEQUENCE_STEP_MS:
            raise ValueError(f"a step lasts 0..{MAX_SEQUENCE_STEP_MS} ms, not {ms}")
        checked.append((state, ms))
    if not checked:
        raise ValueError("a sequence needs at least one step")
    return checked


@dataclass
class Program:
    """Timed steps on one output: a port.cgi action or a setStateSequence."""

    steps: Sequence[Step]
    timer: Timer | None = None
    done: bool = False

    def cancel(self) -> None:
        self.done = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class Programs:
    """The programs running on the outputs of one bank, by 0-based port index.

    A port runs at most one action and one sequence: a new action replaces the rest of an
    older one, a new sequence is refused while one runs. Callers hold the device lock, and
    the clock fires the timers under it.
    """

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._actions: dict[int, Program] = {}
        self._sequences: dict[int, Program] = {}

    def start_action(self, index: int, steps: Sequence[Step]) -> None:
        """Run a port.cgi action's steps on output ``index``, replacing an older action."""
        previous = self._actions.pop(index, None)
        if previous is not None:
            previous.cancel()
        program = Program(steps)
        self._actions[index] = program
        self._run(program, 0, self._actions, index)

    def sequence_running(self, index: int) -> bool:
        program = self._sequences.get(index)
        return program is not None and not program.done

    def start_sequence(self, index: int, steps: Sequence[Step]) -> None:
        """Run a sequence's steps on output ``index``; :class:`SequenceOngoingError` if busy."""
        if self.sequence_running(index):
            raise SequenceOngoingError("State sequence already ongoing.")
        program = Program(steps)
        self._sequences[index] = program
        self._run(program, 0, self._sequences, index)

    def cancel_all(self) -> None:
        for programs in (self._actions, self._sequences):
            for program in programs.values():
                program.cancel()
            programs.clear()

    def _run(self, program: Program, step: int, owner: dict[int, Program], index: int) -> None:
        if program.done:
            return
        apply, wait = program.steps[step]
        apply()
        if step + 1 >= len(program.steps):
            program.done = True
            program.timer = None
            if owner.get(index) is program:
                del owner[index]
            return
        program.timer = self.clock.call_later(
            wait, lambda: self._run(program, step + 1, owner, index)
        )
