"""The plugin's last line of defence: outputs made safe on SIGTERM and at interpreter exit.

pytest itself turns Ctrl-C into a normal end of session (``pytest_sessionfinish`` runs),
and the plugin makes the rig safe there. What pytest does not cover:

- **SIGTERM** (a CI job cancelled, ``kill``, a supervisor stopping the run): the default
  action ends the process at once, so the handler makes the rig safe first, then restores
  the handler that was there before and delivers the signal again, so that the process
  ends exactly as it would have (killed by SIGTERM), or the earlier Python handler runs;
- **interpreter exit without unconfigure** (a crash in a hook, ``sys.exit`` from a
  thread of the plugin's own): an :mod:`atexit` hook.

The work runs on a helper thread joined with a time limit: a signal arrives in the main
thread, which may hold a line's lock at that moment, and a handler that waited for that
lock in the same thread would wait forever.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["SafetyNet"]

logger = logging.getLogger(__name__)

#: How long a signal handler waits for the rig to be made safe before the process ends.
SAFE_TIMEOUT = 10.0


class SafetyNet:
    """Calls ``make_safe(reason)`` on SIGTERM and at exit, while installed."""

    def __init__(self, make_safe: Callable[[str], None]) -> None:
        self._make_safe = make_safe
        self._previous: Any = None
        self._installed_signal = False
        self._installed = False

    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        atexit.register(self._at_exit)
        # Python only lets the main thread set signal handlers (pytest runs there; an
        # embedding that does not simply goes without this one).
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._on_sigterm)
            self._installed_signal = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        self._installed = False
        atexit.unregister(self._at_exit)
        if self._installed_signal:
            self._installed_signal = False
            if signal.getsignal(signal.SIGTERM) == self._on_sigterm:
                signal.signal(signal.SIGTERM, _restorable(self._previous))

    def run(self, reason: str) -> None:
        """``make_safe(reason)`` on a helper thread, waited for up to :data:`SAFE_TIMEOUT`."""
        worker = threading.Thread(
            target=self._guarded, args=(reason,), name="hil-make-safe", daemon=True
        )
        worker.start()
        worker.join(SAFE_TIMEOUT)
        if worker.is_alive():
            logger.error("making the rig safe (%s) did not finish in %g s", reason, SAFE_TIMEOUT)

    def _guarded(self, reason: str) -> None:
        try:
            self._make_safe(reason)
        except Exception:
            logger.exception("making the rig safe (%s) failed", reason)

    def _at_exit(self) -> None:
        self.run("interpreter exit")

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous
        self.uninstall()
        self.run("SIGTERM")
        if callable(previous):
            previous(signum, frame)
            return
        if previous == signal.SIG_IGN:
            return
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def _restorable(previous: Any) -> Any:
    """A handler :func:`signal.signal` accepts: ``None`` (set outside Python) → default."""
    return signal.SIG_DFL if previous is None else previous
