"""What the device set-up helpers share: undoing a set-up, waiting, and a device's account.

The set-up helpers (``axisctl.hil.setup_*``) put devices into the state a scenario needs,
through the library's clients, so that they work on simulators and real devices alike.
Each helper is idempotent (running it twice leaves the same state) and returns an
:class:`Undo` that puts back what it changed::

    undo = prepare_strobe(bench.device("strobe"))
    try:
        ...
    finally:
        undo()
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import TracebackType

from axisctl.device import Device
from axisctl.errors import ConfigurationError
from axisctl.hil.lines import HilTimeout

__all__ = ["Undo", "account_of", "wait_until"]

logger = logging.getLogger(__name__)


class Undo:
    """Steps that put back what a set-up changed; calling it runs them newest first.

    Calling it twice does nothing the second time. A step that fails is logged and the
    others still run; the call returns what failed, so that a teardown never stops half-way.
    """

    def __init__(self, what: str = "set-up") -> None:
        self.what = what
        self._steps: list[tuple[str, Callable[[], object]]] = []

    def __repr__(self) -> str:
        return f"<Undo {self.what}: {len(self._steps)} step(s)>"

    def __bool__(self) -> bool:
        return bool(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    @property
    def steps(self) -> list[str]:
        """What each step puts back, in the order they were added."""
        return [what for what, _ in self._steps]

    def add(self, what: str, step: Callable[[], object]) -> None:
        self._steps.append((what, step))

    def extend(self, other: Undo) -> None:
        """Take over ``other``'s steps (they run before this one's earlier steps)."""
        self._steps.extend(other._steps)
        other._steps = []

    def __call__(self) -> list[str]:
        failures: list[str] = []
        steps, self._steps = self._steps, []
        for what, step in reversed(steps):
            try:
                step()
            except Exception as error:
                logger.warning("undoing %s: %s failed: %s", self.what, what, error)
                failures.append(f"{what}: {error}")
        return failures

    def __enter__(self) -> Undo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self()


def wait_until(
    condition: Callable[[], object], *, timeout: float = 10.0, what: str, poll: float = 0.05
) -> None:
    """Poll ``condition`` until it is true; :class:`HilTimeout` saying ``what`` if it is not."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise HilTimeout(f"{what}: not within {timeout:g} s")
        time.sleep(poll)


def account_of(device: Device) -> tuple[str, str]:
    """The user name and password ``device`` connects with, for another device's settings
    (a camera's HTTP recipient, a relay module account). Never log what it returns."""
    _url, credentials, _options = device.connection_settings()
    if credentials is None:
        raise ConfigurationError(f"{device.url} is used without an account; its rules need one")
    return credentials.username, credentials.password
